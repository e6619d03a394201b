/**
 * The base of the per-resource `server check <kind>` commands: `--format text|json|nagios|prometheus`, and Nagios exit
 * codes in every format (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). A server that cannot be reached, a refused login or
 * a timeout is UNKNOWN with its reason on stdout, so a monitoring system always gets its one line; usage errors still
 * exit 2 before anything is checked.
 */
import type {Command} from '@oclif/core/command'

import * as Flags from '@oclif/core/flags'

import {ExitCode, toNatsxError} from '../errors.js'
import {MonitorCommand} from '../monitoring/command.js'
import {type CheckKind, failedResource, nagiosLine, prometheusLines, type ResourceCheckResult, textLines} from './report.js'

export const formatFlag = Flags.string({default: 'text', description: 'output format', options: ['text', 'json', 'nagios', 'prometheus']})

/** The exit-code paragraph every check kind's help carries. */
export const CHECK_EXIT_CODES =
  'EXIT CODES (as a Nagios plugin, in every format): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the server cannot be reached, the login is refused, or the request timed out). Usage errors exit 2 before anything is checked.'

export abstract class ResourceCheckCommand<T extends typeof Command> extends MonitorCommand<T> {
  protected abstract check(): Promise<ResourceCheckResult>

  protected abstract kind(): CheckKind
  async run(): Promise<ResourceCheckResult> {
    let result: ResourceCheckResult
    try {
      result = await this.check()
    } catch (error) {
      const e = toNatsxError(error)
      if (e.exitCode === ExitCode.INTERRUPTED || e.exitCode === ExitCode.USAGE) throw e
      const status = e.exitCode === ExitCode.NOT_FOUND ? 'critical' : 'unknown'
      result = failedResource(this.kind(), await this.target(), e.exitCode === ExitCode.NOT_FOUND ? e.message : `cannot check: ${e.line()}`, status)
    }

    process.exitCode = result.nagios_code
    if (this.jsonEnabled()) return result
    const format = (this.flags as {format?: string}).format
    switch (format) {
    case 'json': {
    this.writeLine(JSON.stringify(result, null, 2))
    break;
    }

    case 'nagios': {
    this.writeLine(nagiosLine(result))
    break;
    }

    case 'prometheus': {
    this.writeLine(prometheusLines(result))
    break;
    }

    default: { for (const line of textLines(result)) this.writeLine(line)
    }
    }

    return result
  }
  /** what is checked, for the result and for the line when the check cannot run */
  protected abstract target(): Promise<string> | string
}

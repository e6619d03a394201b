import * as Flags from '@oclif/core/flags'

import {ExitCode, toNatsxError} from '../../lib/errors.js'
import {durationFlag, intFlag} from '../../lib/flags.js'
import {padWidth} from '../../lib/format/width.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {monitorFlags} from '../../lib/monitoring/options.js'
import {
  checkAccount,
  type CheckOptions,
  type CheckResult,
  checkServers,
  failedCheck,
  nagiosText,
  prometheusText,
} from '../../lib/monitoring/servers.js'

export type ServerCheckResult = CheckResult

export default class ServerCheck extends MonitorCommand<typeof ServerCheck> {
  static description = `Checks per server: it answered (connection, round trip), /healthz, and JetStream (meta leader on a cluster).
A user outside the system account still gets what it can see: the connection, its round trip, and JetStream for its own account (--expect is then UNKNOWN).
EXIT CODES (the one exception to natsx's exit-code table, so monitoring systems can run it as a Nagios plugin): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, in every format; a server that cannot be reached or refuses the login is CRITICAL with its reason on stdout. Usage errors still exit 2 before anything is checked.`
  static examples = [
    '<%= config.bin %> server check --context sys --expect 3',
    '<%= config.bin %> server check --monitor localhost:8222 --format nagios',
    '<%= config.bin %> server check --context sys --format prometheus',
    '<%= config.bin %> server check --context app --jetstream --rtt-warn 50ms --format nagios',
  ]
  static flags = {
    ...monitorFlags,
    expect: intFlag({min: 1})({description: 'critical unless at least this many servers answer'}),
    format: Flags.string({default: 'text', description: 'output format', options: ['text', 'json', 'nagios', 'prometheus']}),
    jetstream: Flags.boolean({description: 'critical when JetStream is not enabled on a server (or for the account)'}),
    'rtt-warn': durationFlag({description: 'warning when a server answers slower than this, e.g. 100ms'}),
  }
  static summary = 'Check server health, connectivity and JetStream, with Nagios exit codes.'

  async run(): Promise<ServerCheckResult | void> {
    const {flags} = this
    const choice = this.transportChoice()
    const options: CheckOptions = {expect: flags.expect, jetstream: flags.jetstream, rttWarnMs: flags['rtt-warn']}
    let result: CheckResult
    try {
      result = choice.kind === 'http' ? await checkServers(await this.transport(), options) : await this.overNats(options)
    } catch (error) {
      const e = toNatsxError(error)
      if (e.exitCode === ExitCode.INTERRUPTED) throw e
      const where = choice.kind === 'http' ? choice.urls.join(',') : (await this.connectionSettings()).servers.join(',')
      const reachable = e.exitCode === ExitCode.CONNECTION || e.exitCode === ExitCode.AUTH
      result = failedCheck(where, reachable ? `cannot connect: ${e.line()}` : e.line(), reachable ? 'critical' : 'unknown')
    }

    process.exitCode = result.nagios_code
    if (this.jsonEnabled()) return result
    switch (flags.format) {
      case 'json': {
        this.writeLine(JSON.stringify(result, null, 2))
        break
      }

      case 'nagios': {
        this.writeLine(nagiosText(result))
        break
      }

      case 'prometheus': {
        this.writeLine(prometheusText(result))
        break
      }

      default: {
        for (const c of result.checks) this.writeLine(`${c.status.toUpperCase().padEnd(8)} ${padWidth(c.server, 16)} ${c.check.padEnd(10)} ${c.message}`)
        this.writeLine(`\n${nagiosText(result)}`)
      }
    }
  }

  /** Over NATS: the system account's view of every server; a user outside it gets its own account's checks. */
  private async overNats(options: CheckOptions): Promise<CheckResult> {
    const nc = await this.nc()
    try {
      return await checkServers(await this.transport(), options)
    } catch (error) {
      const e = toNatsxError(error)
      const noSys = e.exitCode === ExitCode.AUTH || (e.exitCode === ExitCode.CONNECTION && /system-account/.test(e.message))
      if (!noSys) throw error
    }

    return checkAccount(
      {
        jetstream: async () => {
          try {
            const info = await (await this.jsm()).getAccountInfo()
            return {consumers: info.consumers, ok: true, streams: info.streams}
          } catch (error) {
            const e = toNatsxError(error)
            const unavailable = /no responders|not enabled|503/i.test(`${(error as Error).message} ${e.message}`)
            return {error: e.message, ok: false, unavailable}
          }
        },
        rtt: () => nc.rtt(),
        server: nc.info?.server_name ?? 'server',
      },
      options,
    )
  }
}

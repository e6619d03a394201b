import * as Flags from '@oclif/core/flags'

import {durationFlag, intFlag} from '../../lib/flags.js'
import {padWidth} from '../../lib/format/width.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {monitorFlags} from '../../lib/monitoring/options.js'
import {type CheckResult, checkServers, nagiosText, prometheusText} from '../../lib/monitoring/servers.js'

export type ServerCheckResult = CheckResult

export default class ServerCheck extends MonitorCommand<typeof ServerCheck> {
  static description = `Checks per server: it answered (connection, round trip), /healthz, and JetStream (meta leader on a cluster).
EXIT CODES (the one exception to natsx's exit-code table, so monitoring systems can run it as a Nagios plugin): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; usage errors still exit 2 before anything is checked.`
  static examples = [
    '<%= config.bin %> server check --context sys --expect 3',
    '<%= config.bin %> server check --monitor localhost:8222 --format nagios',
    '<%= config.bin %> server check --context sys --format prometheus',
  ]
  static flags = {
    ...monitorFlags,
    expect: intFlag({min: 1})({description: 'critical unless at least this many servers answer'}),
    format: Flags.string({default: 'text', description: 'output format', options: ['text', 'json', 'nagios', 'prometheus']}),
    jetstream: Flags.boolean({description: 'critical when JetStream is not enabled on a server'}),
    'rtt-warn': durationFlag({description: 'warning when a server answers slower than this, e.g. 100ms'}),
  }
  static summary = 'Check server health, connectivity and JetStream, with Nagios exit codes.'

  async run(): Promise<ServerCheckResult | void> {
    const {flags} = this
    const result = await checkServers(await this.transport(), {expect: flags.expect, jetstream: flags.jetstream, rttWarnMs: flags['rtt-warn']})
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
}

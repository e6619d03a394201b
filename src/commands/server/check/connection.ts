import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {connectionObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {durationFlag} from '../../../lib/flags.js'

export type ConnectionCheckResult = ResourceCheckResult

export default class CheckConnection extends ResourceCheckCommand<typeof CheckConnection> {
  static description = `Connects, measures the round trip (PING) and a request answered through the server (a reply natsx serves itself), against warning and critical thresholds.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check connection --connect-warn 500ms --rtt-critical 100ms --format nagios',
    '<%= config.bin %> server check connection --context app --format prometheus',
  ]
  static flags = {
    'connect-critical': durationFlag({description: 'critical when connecting takes this long'}),
    'connect-warn': durationFlag({description: 'warning when connecting takes this long'}),
    format: formatFlag,
    'req-critical': durationFlag({description: 'critical when a request takes this long'}),
    'req-warn': durationFlag({description: 'warning when a request takes this long'}),
    'rtt-critical': durationFlag({description: 'critical when the round trip takes this long'}),
    'rtt-warn': durationFlag({description: 'warning when the round trip takes this long'}),
  }
  static summary = 'Check connecting, round trip and request time, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {flags} = this
    const started = performance.now()
    const nc = await this.nc()
    const connectMs = performance.now() - started
    const rttMs = await nc.rtt()
    const {createInbox} = await import('@nats-io/transport-node')
    const subject = createInbox()
    const sub = nc.subscribe(subject, {
      callback(_e, m) {
        m.respond(m.data)
      },
    })
    const t0 = performance.now()
    try {
      await nc.request(subject, new Uint8Array(0), {timeout: (await this.connectionSettings()).timeoutMs})
    } finally {
      sub.unsubscribe()
    }

    const requestMs = performance.now() - t0
    const observations = connectionObservations(
      {connectMs, requestMs, rttMs},
      {
        connect: {crit: flags['connect-critical'], warn: flags['connect-warn']},
        request: {crit: flags['req-critical'], warn: flags['req-warn']},
        rtt: {crit: flags['rtt-critical'], warn: flags['rtt-warn']},
      },
    )
    return resourceResult('connection', await this.target(), observations)
  }

  protected kind(): 'connection' {
    return 'connection'
  }

  protected async target(): Promise<string> {
    return (await this.connectionSettings()).displayServers.join(',')
  }
}

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {type AccountInfoLike, jetstreamObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {intFlag} from '../../../lib/flags.js'

export type JetStreamCheckResult = ResourceCheckResult

const pct = (description: string, dflt?: number) => intFlag({max: 100, min: 0})({description, ...(dflt === undefined ? {} : {default: dflt})})

export default class CheckJetStream extends ResourceCheckCommand<typeof CheckJetStream> {
  static description = `Checks the connected account's JetStream usage against its limits, as percentages: memory, storage, streams and consumers. A resource without a limit is reported, never failed. JetStream not available to the account is UNKNOWN.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check jetstream --format nagios',
    '<%= config.bin %> server check jetstream --store-warn 60 --store-critical 80 --streams-critical 90',
  ]
  static flags = {
    'consumers-critical': pct('critical at this percentage of the consumer limit'),
    'consumers-warn': pct('warning at this percentage of the consumer limit'),
    format: formatFlag,
    'mem-critical': pct('critical at this percentage of the memory limit', 90),
    'mem-warn': pct('warning at this percentage of the memory limit', 75),
    'store-critical': pct('critical at this percentage of the storage limit', 90),
    'store-warn': pct('warning at this percentage of the storage limit', 75),
    'streams-critical': pct('critical at this percentage of the stream limit'),
    'streams-warn': pct('warning at this percentage of the stream limit'),
  }
  static summary = "Check the account's JetStream usage against its limits, with Nagios exit codes."

  protected async check(): Promise<ResourceCheckResult> {
    const {flags} = this
    const info = (await (await this.jsm()).getAccountInfo()) as unknown as AccountInfoLike
    const observations = jetstreamObservations(info, {
      consumers: {crit: flags['consumers-critical'], warn: flags['consumers-warn']},
      memory: {crit: flags['mem-critical'], warn: flags['mem-warn']},
      storage: {crit: flags['store-critical'], warn: flags['store-warn']},
      streams: {crit: flags['streams-critical'], warn: flags['streams-warn']},
    })
    return resourceResult('jetstream', this.target(), observations)
  }

  protected kind(): 'jetstream' {
    return 'jetstream'
  }

  protected target(): string {
    return 'account'
  }
}

import * as Args from '@oclif/core/args'

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {type StreamInfoLike, streamObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {durationFlag, intFlag} from '../../../lib/flags.js'
import {requireStream} from '../../../lib/streams/ops.js'
import {validateName} from '../../../lib/subjects.js'

export type StreamCheckResult = ResourceCheckResult

export default class CheckStream extends ResourceCheckCommand<typeof CheckStream> {
  static args = {stream: Args.string({description: 'stream name', required: true})}
  static description = `Looks at a stream: messages and subjects (a critical threshold below the warning one means "too few"), the last message's age, its replicas (leader, peers, lag, last seen), and each source's and the mirror's lag and activity. A stream that does not exist is CRITICAL.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check stream ORDERS --peer-expect 3 --peer-lag-critical 100 --format nagios',
    '<%= config.bin %> server check stream ORDERS --msgs-warn 10 --msgs-critical 1 --age-critical 10m',
    '<%= config.bin %> server check stream AGG --min-sources 2 --lag-critical 1000 --seen-critical 1m',
  ]
  static flags = {
    'age-critical': durationFlag({description: 'critical when the last message is older than this'}),
    'age-warn': durationFlag({description: 'warning when the last message is older than this'}),
    format: formatFlag,
    'lag-critical': intFlag({min: 0})({description: 'critical when a source or the mirror is this many messages behind'}),
    'max-sources': intFlag({min: 0})({description: 'critical when the stream has more sources than this'}),
    'min-sources': intFlag({min: 0})({description: 'critical when the stream has fewer sources than this'}),
    'msgs-critical': intFlag({min: 0})({description: 'critical threshold for the number of messages'}),
    'msgs-warn': intFlag({min: 0})({description: 'warning threshold for the number of messages'}),
    'peer-expect': intFlag({min: 1})({description: 'critical unless the stream has this many peers (leader and replicas)'}),
    'peer-lag-critical': intFlag({min: 0})({description: 'critical when a replica is this many operations behind'}),
    'peer-lag-warn': intFlag({min: 0})({description: 'warning when a replica is this many operations behind'}),
    'peer-seen-critical': durationFlag({description: 'critical when a replica was last seen this long ago'}),
    'peer-seen-warn': durationFlag({description: 'warning when a replica was last seen this long ago'}),
    'seen-critical': durationFlag({description: 'critical when a source or the mirror was last active this long ago'}),
    'subjects-critical': intFlag({min: 0})({description: 'critical threshold for the number of subjects'}),
    'subjects-warn': intFlag({min: 0})({description: 'warning threshold for the number of subjects'}),
  }
  static summary = 'Check a stream: messages, replicas, sources and mirror, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    const info = await requireStream(await this.jsm(), args.stream)
    const observations = streamObservations(
      info as unknown as StreamInfoLike,
      {
        age: {crit: flags['age-critical'], warn: flags['age-warn']},
        lagCritical: flags['lag-critical'],
        maxSources: flags['max-sources'],
        minSources: flags['min-sources'],
        msgs: {crit: flags['msgs-critical'], warn: flags['msgs-warn']},
        peerExpect: flags['peer-expect'],
        peerLag: {crit: flags['peer-lag-critical'], warn: flags['peer-lag-warn']},
        peerSeen: {crit: flags['peer-seen-critical'], warn: flags['peer-seen-warn']},
        seenCritical: flags['seen-critical'],
        subjects: {crit: flags['subjects-critical'], warn: flags['subjects-warn']},
      },
      Date.now(),
    )
    return resourceResult('stream', args.stream, observations)
  }

  protected kind(): 'stream' {
    return 'stream'
  }

  protected target(): string {
    return this.args.stream
  }
}

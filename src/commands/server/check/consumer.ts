import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {type ConsumerInfoLike, consumerObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {requireConsumer} from '../../../lib/consumers/ops.js'
import {durationFlag, intFlag} from '../../../lib/flags.js'
import {validateName} from '../../../lib/subjects.js'

export type ConsumerCheckResult = ResourceCheckResult

export default class CheckConsumer extends ResourceCheckCommand<typeof CheckConsumer> {
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    consumer: Args.string({description: 'consumer name', required: true}),
  }
  static description = `Looks at a consumer: messages awaiting ack, waiting pull requests, unprocessed and redelivered messages, the age of the last delivery and the last ack, its replicas, and (--pinned) that each priority group has a pinned client. A consumer that does not exist is CRITICAL.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check consumer ORDERS worker --unprocessed-warn 1000 --unprocessed-critical 10000 --format nagios',
    '<%= config.bin %> server check consumer ORDERS worker --last-ack-critical 5m --outstanding-ack-critical 500',
  ]
  static flags = {
    format: formatFlag,
    'last-ack-critical': durationFlag({description: 'critical when the last ack was this long ago'}),
    'last-delivery-critical': durationFlag({description: 'critical when the last delivery was this long ago'}),
    'outstanding-ack-critical': intFlag({min: 0})({description: 'critical when this many messages await an ack'}),
    'outstanding-ack-warn': intFlag({min: 0})({description: 'warning when this many messages await an ack'}),
    pinned: Flags.boolean({description: 'critical unless every priority group has a pinned client'}),
    'redelivery-critical': intFlag({min: 0})({description: 'critical when this many messages were redelivered'}),
    'redelivery-warn': intFlag({min: 0})({description: 'warning when this many messages were redelivered'}),
    'unprocessed-critical': intFlag({min: 0})({description: 'critical when this many messages are not yet delivered'}),
    'unprocessed-warn': intFlag({min: 0})({description: 'warning when this many messages are not yet delivered'}),
    'waiting-critical': intFlag({min: 0})({description: 'critical when this many pull requests are waiting'}),
    'waiting-warn': intFlag({min: 0})({description: 'warning when this many pull requests are waiting'}),
  }
  static summary = 'Check a consumer: acks, pending, redeliveries, activity, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.consumer, 'consumer')
    const info = await requireConsumer(await this.jsm(), args.stream, args.consumer)
    const observations = consumerObservations(
      info as unknown as ConsumerInfoLike,
      {
        lastAckCritical: flags['last-ack-critical'],
        lastDeliveryCritical: flags['last-delivery-critical'],
        outstanding: {crit: flags['outstanding-ack-critical'], warn: flags['outstanding-ack-warn']},
        pinned: flags.pinned,
        redelivery: {crit: flags['redelivery-critical'], warn: flags['redelivery-warn']},
        unprocessed: {crit: flags['unprocessed-critical'], warn: flags['unprocessed-warn']},
        waiting: {crit: flags['waiting-critical'], warn: flags['waiting-warn']},
      },
      Date.now(),
    )
    return resourceResult('consumer', this.target(), observations)
  }

  protected kind(): 'consumer' {
    return 'consumer'
  }

  protected target(): string {
    return `${this.args.stream} > ${this.args.consumer}`
  }
}

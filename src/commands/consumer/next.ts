import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type NextAction, pullNext} from '../../lib/consumers/next.js'
import {intFlag, timerFlag} from '../../lib/flags.js'
import {flushWithin} from '../../lib/flush.js'
import {stdoutRecords} from '../../lib/io.js'
import {humanMessage, type MessageRecord} from '../../lib/messages.js'
import {validateName} from '../../lib/subjects.js'

/**
 * The --json document. It is written as the messages arrive (one record a line, each settled once its line is out),
 * so "messages" comes last; a pull that stops on an error still ends the document, with what was printed.
 */
export interface ConsumerNextResult {
  action: NextAction
  consumer: string
  /** the priority group pulled from (--group); on a pinned-client group each message's `Nats-Pin-Id` header names the pin */
  group?: string
  messages: MessageRecord[]
  stream: string
}

export default class ConsumerNext extends BaseCommand<typeof ConsumerNext> {
  static aliases = ['con next']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'pull consumer name', required: true}),
  }
  static description =
    `Waits up to --wait for the messages; fewer (or none) is not an error. Each message is acknowledged as asked (--ack, the default, waits for the server to confirm), and only once it has been written to stdout: a slow reader slows the pulling, and a lost connection (exit 6) leaves acknowledged exactly what was printed.
On a consumer with ack policy none nothing is acknowledged ("action": "none"), and --nak and --term are refused.
A consumer with priority groups (nats-server 2.11+) is read through one: --group G. On a pinned-client group the first pull is pinned (the Nats-Pin-Id header) and other clients get nothing until the pin is dropped (\`consumer unpin\`, or the pinned TTL passes without a pull); natsx asks for all of --count in that one pull. On an overflow group --min-pending N / --min-ack-pending N deliver only while the consumer has at least that many messages pending / acks outstanding. On a prioritized group (2.12+) waiting pulls with a lower --priority (0-9) are served first.`
  static examples = [
    '<%= config.bin %> consumer next ORDERS worker',
    '<%= config.bin %> consumer next ORDERS worker --count 10 --json',
    '<%= config.bin %> consumer next ORDERS worker --nak',
    '<%= config.bin %> consumer next ORDERS worker --group jobs --count 10',
    '<%= config.bin %> consumer next ORDERS worker --group jobs --min-pending 100',
  ]
  static flags = {
    ack: Flags.boolean({description: 'acknowledge each message (default)', exclusive: ['nak', 'term', 'no-ack']}),
    count: intFlag({min: 1})({default: 1, description: 'pull this many messages'}),
    group: Flags.string({description: 'pull from this priority group (nats-server 2.11+)', helpGroup: 'PRIORITY GROUPS'}),
    'min-ack-pending': intFlag({min: 1})({
      description: 'overflow group: deliver only while at least this many acks are outstanding',
      helpGroup: 'PRIORITY GROUPS',
    }),
    'min-pending': intFlag({min: 1})({
      description: 'overflow group: deliver only while at least this many messages are pending',
      helpGroup: 'PRIORITY GROUPS',
    }),
    priority: intFlag({max: 9, min: 0})({
      description: 'prioritized group: 0 (first) to 9 (last) (nats-server 2.12+)',
      helpGroup: 'PRIORITY GROUPS',
    }),
    nak: Flags.boolean({
      description: 'negatively acknowledge (redeliver) each message',
      exclusive: ['ack', 'term', 'no-ack'],
    }),
    'no-ack': Flags.boolean({description: 'leave the messages unacknowledged', exclusive: ['ack', 'nak', 'term']}),
    term: Flags.boolean({
      description: 'terminate each message (never redelivered)',
      exclusive: ['ack', 'nak', 'no-ack'],
    }),
    wait: timerFlag({default: 5000, description: 'how long to wait for messages'}),
  }
  static summary = 'Pull messages from a pull consumer and acknowledge them.'

  async run(): Promise<void> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const asked: NextAction = flags.nak ? 'nak' : flags.term ? 'term' : flags['no-ack'] ? 'none' : 'ack'
    const json = this.jsonEnabled()
    const out = stdoutRecords()
    let n = 0
    let opened = false
    const open = (action: NextAction): void => {
      if (!json) return
      opened = true
      const group = flags.group === undefined ? '' : `"group":${JSON.stringify(flags.group)},`
      out.send(`{"action":${JSON.stringify(action)},"consumer":${JSON.stringify(args.name)},${group}"stream":${JSON.stringify(args.stream)},"messages":[`)
    }

    const nc = await this.nc()
    const {timeoutMs} = await this.connectionSettings()
    let outcome
    try {
      outcome = await pullNext(
        await this.js(),
        await this.jsm(),
        args.stream,
        args.name,
        {
          action: asked,
          caps: await this.capabilities(),
          confirm: () => flushWithin(nc, timeoutMs),
          count: flags.count,
          expiresMs: flags.wait,
          priority: {group: flags.group, min_ack_pending: flags['min-ack-pending'], min_pending: flags['min-pending'], priority: flags.priority},
          signal: this.interrupt.signal,
        },
        {
          ready: () => out.ready(),
          show(rec) {
            n++
            if (!json) return out.line(humanMessage(n, rec).trimEnd())
            return out.write(`${n === 1 ? '\n' : ',\n'}${JSON.stringify(rec)}`)
          },
          start: open,
        },
      )
    } finally {
      // The document is whole even when the pull stopped on an error: it holds what was printed.
      if (opened) out.send('\n]}\n')
      await out.flushed()
    }

    if (outcome.shown < flags.count && !this.outputClosed())
      this.warnLine(`${outcome.shown} of ${flags.count} message(s) received within ${flags.wait} ms`)
  }
}

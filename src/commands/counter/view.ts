import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type CounterValue, requireCounterStream, streamFor, valueOf} from '../../lib/counters/counters.js'
import {intFlag} from '../../lib/flags.js'
import {validateFilterSubject, validateName} from '../../lib/subjects.js'

/** Under --json each total is one NDJSON line of this shape; no final object is printed. */
export interface CounterViewRecord extends CounterValue {
  /** the change since the total seen before on this subject (absent for the first one seen) */
  delta?: string
  time: string
}

export default class CounterView extends BaseCommand<typeof CounterView> {
  static aliases = ['counter:watch']
  static args = {
    subject: Args.string({description: 'a counter subject, or a filter such as "orders.>"', required: true}),
  }
  static description = `First the current total of each matching counter, then every new total as it changes, until Ctrl-C or --count. Reads with an ordered consumer that is removed on the way out.
With --json each total is one JSON line: {subject, value, delta, seq, stream, time} (value and delta are strings: totals pass 2^53).`
  static examples = ['<%= config.bin %> counter view "orders.>"', '<%= config.bin %> counter view orders.count --stream COUNTERS --count 10 --json']
  static flags = {
    count: intFlag({min: 1})({description: 'stop after this many totals'}),
    stream: Flags.string({description: 'the counter stream (default: the stream that takes the subject)'}),
  }
  static summary = 'Watch counters change (2.12+).'

  async run(): Promise<void> {
    const {subject} = this.args
    validateFilterSubject(subject)
    if (this.flags.stream) validateName(this.flags.stream, 'stream')
    ;(await this.capabilities()).require('stream-counters', 'counters')
    const jsm = await this.jsm()
    const stream = this.flags.stream ?? (await streamFor(jsm, subject))
    await requireCounterStream(jsm, stream)
    const {DeliverPolicy} = await import('../../lib/nats/jetstream.js')
    const consumer = await (await this.js()).consumers.get(stream, {deliver_policy: DeliverPolicy.LastPerSubject, filter_subjects: subject})
    const messages = await consumer.consume()
    const stop = (): void => {
      messages.stop()
    }

    this.interrupt.signal.addEventListener('abort', stop)
    process.stderr.write(`natsx: watching counters ${subject} in stream ${stream}\n`)
    const last = new Map<string, bigint>()
    let n = 0
    try {
      for await (const m of messages) {
        const value = valueOf(m.data, `"${m.subject}" in stream ${stream}`)
        const before = last.get(m.subject)
        last.set(m.subject, BigInt(value))
        const rec: CounterViewRecord = {
          ...(before === undefined ? {} : {delta: (BigInt(value) - before).toString()}),
          seq: m.seq,
          stream,
          subject: m.subject,
          time: new Date(m.info.timestampNanos / 1e6).toISOString(),
          value,
        }
        this.writeLine(this.jsonEnabled() ? JSON.stringify(rec) : `${rec.subject} = ${rec.value}${rec.delta === undefined ? '' : ` (${rec.delta.startsWith('-') ? '' : '+'}${rec.delta})`}`)
        n++
        if (this.flags.count !== undefined && n >= this.flags.count) break
      }
    } finally {
      this.interrupt.signal.removeEventListener('abort', stop)
      messages.stop()
      // an ordered consumer would otherwise linger on the server until its inactivity threshold
      await consumer.delete().catch(() => {})
    }
  }
}

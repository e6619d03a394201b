import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {ConsumerSampler, consumerView} from '../../lib/graph/consumer.js'
import {graphFlags} from '../../lib/graph/flags.js'
import {graphMode, runGraph} from '../../lib/graph/run.js'
import {validateName} from '../../lib/subjects.js'

export type {ConsumerGraphGap, ConsumerGraphSample} from '../../lib/graph/consumer.js'

export default class ConsumerGraph extends BaseCommand<typeof ConsumerGraph> {
  static aliases = ['con graph']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `Live charts of one consumer, redrawn at the terminal's size every --interval: delivered and acknowledged per second, outstanding acks, pending and redelivered messages. Keys: q quit (exit 0), Ctrl-C (exit 130). A lost connection is resumed: while the server is away the title says the sample failed, and the charts go on once it is back.
Delivered per second is the growth of the delivered consumer sequence, acknowledged per second that of the ack floor, over the server's clock. Without a terminal, or with --json, use the batch form: --iterations N prints N samples after a priming one, as NDJSON under --json, one object a line: {stream, consumer, time, delivered, acked, delivered_per_sec, acked_per_sec, outstanding_acks, pending, redelivered, waiting}. Once the first sample has answered, a sample taken while the server is away (gone, or silent past --timeout) is printed as {stream, consumer, time, disconnected: true, error} (text: "Consumer STREAM > NAME  disconnected: <why>"), counts as one of the N, and sampling goes on; the first sample after the gap has null rates (none spans it). Exit 6 when every printed sample was a disconnected one.`
  static examples = [
    '<%= config.bin %> consumer graph ORDERS worker',
    '<%= config.bin %> consumer graph ORDERS worker --iterations 10 --json',
  ]
  static flags = {
    ...graphFlags,
  }
  static summary = 'Graph a consumer live: delivery and ack rates, outstanding acks, pending, redelivered.'

  async run(): Promise<void> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const json = this.jsonEnabled()
    const mode = graphMode('consumer graph', {iterations: flags.iterations, json, tty: Boolean(process.stdout.isTTY && process.stdin.isTTY)})
    // both forms outlive a server restart: the connection is resumed, and samples fail (said on screen, or printed as
    // disconnected ones in the batch form) meanwhile
    await this.nc({reconnect: true})
    await runGraph({
      interval: flags.interval,
      iterations: flags.iterations,
      json,
      mode,
      resume: {timeoutMs: (await this.connectionSettings()).timeoutMs},
      sampler: new ConsumerSampler(await this.jsm(), args.stream, args.name),
      signal: this.interrupt.signal,
      view: consumerView,
      writeLine: (l) => this.writeLine(l),
    })
  }
}

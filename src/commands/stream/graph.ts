import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {graphFlags} from '../../lib/graph/flags.js'
import {graphMode, runGraph} from '../../lib/graph/run.js'
import {StreamSampler, streamView} from '../../lib/graph/stream.js'
import {validateName} from '../../lib/subjects.js'

export type {StreamGraphGap, StreamGraphSample} from '../../lib/graph/stream.js'

export default class StreamGraph extends BaseCommand<typeof StreamGraph> {
  static aliases = ['str graph']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = `Live charts of one stream, redrawn at the terminal's size every --interval: messages stored per second, messages, bytes and consumers. Keys: q quit (exit 0), Ctrl-C (exit 130). A lost connection is resumed: while the server is away the title says the sample failed, and the charts go on once it is back.
The rate is the growth of the last sequence over the server's clock. Without a terminal, or with --json, use the batch form: --iterations N prints N samples after a priming one, as NDJSON under --json, one object a line: {stream, time, messages, bytes, consumers, first_seq, last_seq, messages_per_sec}. Once the first sample has answered, a sample taken while the server is away (gone, or silent past --timeout) is printed as {stream, time, disconnected: true, error} (text: "Stream NAME  disconnected: <why>"), counts as one of the N, and sampling goes on; the first sample after the gap has null rates (none spans it). Exit 6 when every printed sample was a disconnected one.`
  static examples = [
    '<%= config.bin %> stream graph ORDERS',
    '<%= config.bin %> stream graph ORDERS --interval 500ms',
    '<%= config.bin %> stream graph ORDERS --iterations 10 --interval 1 --json',
  ]
  static flags = {
    ...graphFlags,
  }
  static summary = 'Graph a stream live: message rate, messages, bytes and consumers.'

  async run(): Promise<void> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const json = this.jsonEnabled()
    const mode = graphMode('stream graph', {iterations: flags.iterations, json, tty: Boolean(process.stdout.isTTY && process.stdin.isTTY)})
    // both forms outlive a server restart: the connection is resumed, and samples fail (said on screen, or printed as
    // disconnected ones in the batch form) meanwhile
    await this.nc({reconnect: true})
    await runGraph({
      interval: flags.interval,
      iterations: flags.iterations,
      json,
      mode,
      resume: {timeoutMs: (await this.connectionSettings()).timeoutMs},
      sampler: new StreamSampler(await this.jsm(), args.name),
      signal: this.interrupt.signal,
      view: streamView,
      writeLine: (l) => this.writeLine(l),
    })
  }
}

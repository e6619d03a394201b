import * as Args from '@oclif/core/args'

import {graphFlags} from '../../lib/graph/flags.js'
import {graphMode, runGraph} from '../../lib/graph/run.js'
import {ServerSampler, serverView} from '../../lib/graph/server.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {monitorFlags} from '../../lib/monitoring/options.js'

export type {ServerGraphGap, ServerGraphSample} from '../../lib/graph/server.js'

export default class ServerGraph extends MonitorCommand<typeof ServerGraph> {
  static args = {
    server: Args.string({description: 'server name or id (or monitoring URL); the first server that answers when omitted'}),
  }
  static description = `Live charts of one server from its varz, redrawn at the terminal's size every --interval: CPU, memory, connections, slow consumers, and messages and bytes in and out per second. Keys: q quit (exit 0), Ctrl-C (exit 130). A lost connection is resumed: while the server is away the title says the sample failed, and the charts go on once it is back.
Rates come from varz's counters over the server's own clock. --monitor reads HTTP; otherwise the system account is asked over NATS. Without a terminal, or with --json, use the batch form: --iterations N prints N samples after a priming one, as NDJSON under --json, one object a line: {server, server_id, time, cpu, mem, connections, slow_consumers, in_msgs, out_msgs, in_bytes, out_bytes, in_msgs_per_sec, out_msgs_per_sec, in_bytes_per_sec, out_bytes_per_sec}. Once the first sample has answered, a sample taken while the server is away (gone, or silent past --timeout) is printed as {server, server_id, time, disconnected: true, error} (text: "Server NAME  disconnected: <why>"), counts as one of the N, and sampling goes on; the first sample after the gap has null rates (none spans it). Exit 6 when every printed sample was a disconnected one.`
  static examples = [
    '<%= config.bin %> server graph n1 --context sys',
    '<%= config.bin %> server graph --monitor localhost:8222',
    '<%= config.bin %> server graph --monitor localhost:8222 --iterations 5 --json',
  ]
  static flags = {
    ...monitorFlags,
    ...graphFlags,
  }
  static summary = 'Graph a server live: CPU, memory, connections, message and byte rates, slow consumers.'

  async run(): Promise<void> {
    const {args, flags} = this
    const json = this.jsonEnabled()
    this.transportChoice()
    const mode = graphMode('server graph', {iterations: flags.iterations, json, tty: Boolean(process.stdout.isTTY && process.stdin.isTTY)})
    // both forms outlive a server restart: a $SYS connection is resumed, and samples fail (said on screen, or printed
    // as disconnected ones in the batch form) meanwhile
    this.reconnects = true
    await runGraph({
      interval: flags.interval,
      iterations: flags.iterations,
      json,
      mode,
      resume: {timeoutMs: (await this.connectionSettings()).timeoutMs},
      sampler: new ServerSampler(await this.transport(), args.server),
      signal: this.interrupt.signal,
      view: serverView,
      writeLine: (l) => this.writeLine(l),
    })
  }
}

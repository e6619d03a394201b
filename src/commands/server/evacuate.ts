import * as Args from '@oclif/core/args'

import {ExitCode, notFound} from '../../lib/errors.js'
import {durationFlag, forceFlag} from '../../lib/flags.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {jsApi, pollUntil} from '../../lib/monitoring/evacuate.js'

export interface ServerEvacuateResult {
  /** the peer holds no stream and no consumer any more */
  done: boolean
  peer: string
  /** what the peer still held at the last look */
  remaining: {consumers: number; streams: number}
  waited_ms: number
}

export default class ServerEvacuate extends MonitorCommand<typeof ServerEvacuate> {
  static args = {
    peer: Args.string({description: 'the server to empty, by name', required: true}),
  }
  static description = `Asks the JetStream meta leader to move every stream and consumer off a server ($JS.API.SERVER.EVACUATE, nats-server 2.15; exit 8 before), keeping each asset's replica count, then shows the streams and consumers still on it until there are none, or --wait passes (then exit 6; the move goes on).
Connect as a system-account user. Asks first: --force without a terminal.
--json prints {peer, done, remaining:{streams, consumers}, waited_ms}.`
  static examples = [
    '<%= config.bin %> server evacuate n3 --context sys',
    '<%= config.bin %> server evacuate n3 --context sys --force --wait 10m --json',
  ]
  static flags = {
    force: forceFlag,
    wait: durationFlag({default: 120_000, description: 'how long to follow the move (0: start it and return)'}),
  }
  static summary = 'Move every JetStream asset off a server.'

  async run(): Promise<ServerEvacuateResult> {
    const {args, flags} = this
    const caps = await this.capabilities()
    caps.require('server-evacuate', 'server evacuate')
    const t = await this.transport()
    const onPeer = async (): Promise<{consumers: number; streams: number}> => {
      const r = await t.one('jsz', args.peer)
      if (!r.ok) throw notFound(`server ${args.peer}: ${r.error}`, 'name a server from natsx server list')
      return {consumers: r.data.consumers ?? 0, streams: r.data.streams ?? 0}
    }

    const before = await onPeer()
    await this.confirm(`Move ${before.streams} stream(s) and ${before.consumers} consumer(s) off ${args.peer}`, flags.force)
    const settings = await this.connectionSettings()
    await jsApi(await this.nc(), '$JS.API.SERVER.EVACUATE', {peer: args.peer}, settings.timeoutMs, `evacuate ${args.peer}`)
    const started = Date.now()
    const {done, last} = await pollUntil(onPeer, (s) => s.streams === 0 && s.consumers === 0, {
      progress: (s) => this.progress(`${args.peer}: ${s.streams} stream(s), ${s.consumers} consumer(s) still on it`),
      signal: this.interrupt.signal,
      waitMs: flags.wait,
    })
    const waited = Date.now() - started
    if (done) this.say(`${args.peer} is empty: every stream and consumer moved off it`)
    else if (flags.wait > 0) {
      this.warnLine(`${args.peer} still holds ${last.streams} stream(s) and ${last.consumers} consumer(s) after ${waited}ms; the move goes on`)
      process.exitCode = ExitCode.CONNECTION
    } else this.say(`evacuation of ${args.peer} started`)
    return {done, peer: args.peer, remaining: last, waited_ms: waited}
  }

  private progress(line: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${line}\n`)
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../../lib/base-command.js'
import {ExitCode} from '../../../lib/errors.js'
import {durationFlag, forceFlag} from '../../../lib/flags.js'
import {jsApi, pollUntil, streamPlacement} from '../../../lib/monitoring/evacuate.js'
import {validateName} from '../../../lib/subjects.js'

export interface StreamEvacuateResult {
  /** the peer holds no replica of the stream and no move is under way */
  done: boolean
  /** the move the server reported last, while one was under way */
  moving?: string
  peer: string
  /** the servers that hold the stream at the last look, leader first */
  peers: string[]
  stream: string
  waited_ms: number
}

export default class StreamClusterEvacuate extends BaseCommand<typeof StreamClusterEvacuate> {
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    peer: Args.string({description: 'the server to move the stream off, by name', required: true}),
  }
  static description = `Moves the stream's replica off one server ($JS.API.STREAM.PEER.EVACUATE, nats-server 2.15; exit 8 before), keeping its replica count, and follows the move until the server holds none, or --wait passes (then exit 6; the move goes on). natsx stream cluster cancel-move stops it.
Asks first: --force without a terminal. --json prints {stream, peer, done, peers, moving, waited_ms}.`
  static examples = ['<%= config.bin %> stream cluster evacuate ORDERS n3 --force', '<%= config.bin %> stream cluster evacuate ORDERS n3 --force --wait 5m --json']
  static flags = {
    force: forceFlag,
    wait: durationFlag({default: 120_000, description: 'how long to follow the move (0: start it and return)'}),
  }
  static summary = "Move a stream's replica off a server."

  async run(): Promise<StreamEvacuateResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const caps = await this.capabilities()
    caps.require('stream-peer-evacuate', 'stream cluster evacuate')
    const {timeoutMs} = await this.connectionSettings()
    const nc = await this.nc()
    const prefix = ((await this.jsm()) as unknown as {prefix: string}).prefix
    const before = await streamPlacement(nc, prefix, args.name, timeoutMs)
    await this.confirm(`Move stream ${args.name} off ${args.peer} (now on ${before.peers.join(', ') || 'no server'})`, flags.force)
    await jsApi(nc, `${prefix}.STREAM.PEER.EVACUATE.${args.name}`, {peer: args.peer}, timeoutMs, `evacuate stream ${args.name} from ${args.peer}`)
    const started = Date.now()
    const {done, last} = await pollUntil(() => streamPlacement(nc, prefix, args.name, timeoutMs), (p) => !p.moving && !p.peers.includes(args.peer), {
      progress: (p) => {
        if (!this.jsonEnabled()) process.stderr.write(`${args.name}: on ${p.peers.join(', ') || 'no server'}${p.moving ? ` (${p.moving})` : ''}\n`)
      },
      signal: this.interrupt.signal,
      waitMs: flags.wait,
    })
    const waited = Date.now() - started
    if (done) this.say(`Stream ${args.name} moved off ${args.peer}: now on ${last.peers.join(', ')}`)
    else if (flags.wait > 0) {
      this.warnLine(`stream ${args.name} is still on ${last.peers.join(', ')} after ${waited}ms${last.moving ? ` (${last.moving})` : ''}; the move goes on`)
      process.exitCode = ExitCode.CONNECTION
    } else this.say(`Moving stream ${args.name} off ${args.peer}`)
    return {done, moving: last.moving, peer: args.peer, peers: last.peers, stream: args.name, waited_ms: waited}
  }
}

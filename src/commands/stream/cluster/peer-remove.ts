import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../../lib/base-command.js'
import {forceFlag} from '../../../lib/flags.js'
import {removeStreamPeer, streamPeerFor, type StreamPeerRemoveResult} from '../../../lib/streams/cluster.js'
import {validateName} from '../../../lib/subjects.js'

export type StreamClusterPeerRemoveResult = StreamPeerRemoveResult

export default class StreamClusterPeerRemove extends BaseCommand<typeof StreamClusterPeerRemove> {
  static aliases = ['stream cluster pr', 'str cluster peer-remove']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    peer: Args.string({description: 'the server to remove from the stream, by name', required: true}),
  }
  static description = `Removes one server from a replicated stream's group ($JS.API.STREAM.PEER.REMOVE); the cluster puts another server in its place where one is free. Waits, up to --timeout (at least 10 s; then exit 6), until the stream no longer lists the server, and reports its peers before and after. A missing stream, or a server that holds no replica of it, is exit 3; when no server can take its place and the server keeps it, exit 4.
Asks first: --force without a terminal.
--json prints {stream, peer, replaced, before:{leader, peers}, after:{leader, peers}, waited_ms}.`
  static examples = ['<%= config.bin %> stream cluster peer-remove ORDERS n3', '<%= config.bin %> stream cluster peer-remove ORDERS n3 --force --json']
  static flags = {
    force: forceFlag,
  }
  static summary = "Remove a server from a stream's replicas."

  async run(): Promise<StreamClusterPeerRemoveResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const {timeoutMs} = await this.connectionSettings()
    const jsm = await this.jsm()
    const before = await streamPeerFor(jsm, args.name, args.peer)
    const r1 = before.replicas < 2 ? ' (an R1 stream: its messages are lost)' : ''
    await this.confirm(`Remove ${args.peer} from stream ${args.name} (now on ${before.peers.join(', ')})${r1}`, flags.force)
    const res = await removeStreamPeer(jsm, args.name, args.peer, before, {signal: this.interrupt.signal, waitMs: Math.max(timeoutMs, 10_000)})
    this.say(`Stream ${res.stream} before: ${res.before.peers.join(', ')} (leader ${res.before.leader ?? 'none'})`)
    this.say(`Stream ${res.stream} after:  ${res.after.peers.join(', ')} (leader ${res.after.leader ?? 'none'})`)
    this.say(res.replaced ? `Removed ${res.peer} from stream ${res.stream}; another server took its place` : `Removed ${res.peer} from stream ${res.stream}; no server was free to take its place`)
    if (!res.replaced) this.warnLine(`stream ${res.stream} runs on ${res.after.peers.length} server(s) until one is free`)
    return res
  }
}

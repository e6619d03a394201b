import * as Args from '@oclif/core/args'

import {describeMeta, metaPeerFor, type MetaPeerRemoveResult, removeMetaPeer} from '../../../lib/cluster/meta.js'
import {usageError} from '../../../lib/errors.js'
import {forceFlag} from '../../../lib/flags.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'

export type ServerClusterPeerRemoveResult = MetaPeerRemoveResult

export default class ServerClusterPeerRemove extends MonitorCommand<typeof ServerClusterPeerRemove> {
  static aliases = ['server cluster pr', 'server raft peer-remove']
  static args = {
    name: Args.string({description: 'the peer to remove: a server name or a Raft peer id', required: true}),
  }
  static description = `Removes a server from the JetStream meta group ($JS.API.SERVER.REMOVE) and waits, up to --timeout (at least 10 s; then exit 6), until the servers' own /jsz no longer list it; reports the group before and after. A name that is not a peer is exit 3.
Meant for a server that will not come back: stop it first. A server removed while running shuts its JetStream down, and only rejoins after the whole cluster restarts. Its R1 streams are lost; replicated assets get a new peer where one is free.
Connect as a system-account user (exit 7 otherwise). Asks first: --force without a terminal.
--json prints {peer, peer_id, was_online, before, after, waited_ms}; before and after as in server cluster step-down.`
  static examples = ['<%= config.bin %> server cluster peer-remove n3 --context sys', '<%= config.bin %> server cluster peer-remove n3 --context sys --force --json']
  static flags = {
    force: forceFlag,
  }
  static summary = 'Remove a server from the JetStream meta group.'

  async run(): Promise<ServerClusterPeerRemoveResult> {
    const settings = await this.connectionSettings()
    if (settings.jsDomain) throw usageError('--js-domain does not apply to the meta group (a system-account request)', 'leave out --js-domain')
    const t = await this.transport()
    const target = await metaPeerFor(t, this.args.name)
    const {peer} = target
    await this.confirm(`Remove ${peer.offline ? 'offline' : 'online'} peer ${peer.name}${peer.id ? ` (${peer.id})` : ''} from the JetStream meta group (${describeMeta(target.before)})`, this.flags.force)
    const res = await removeMetaPeer(await this.nc(), t, target, {signal: this.interrupt.signal, timeoutMs: settings.timeoutMs, waitMs: Math.max(settings.timeoutMs, 10_000)})
    this.say(`Meta group before: ${describeMeta(res.before)}`)
    this.say(`Meta group after:  ${describeMeta(res.after)}`)
    this.say(`Removed ${res.peer} from the meta group (${res.waited_ms} ms)`)
    return res
  }
}

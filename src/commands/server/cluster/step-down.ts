import * as Flags from '@oclif/core/flags'

import {describeMeta, type MetaStepDownResult, stepDownMeta} from '../../../lib/cluster/meta.js'
import {usageError} from '../../../lib/errors.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'

export type ServerClusterStepDownResult = MetaStepDownResult

export default class ServerClusterStepDown extends MonitorCommand<typeof ServerClusterStepDown> {
  static aliases = ['server cluster stepdown', 'server raft step-down']
  static description = `Asks the JetStream meta leader to step down ($JS.API.META.LEADER.STEPDOWN) and waits, up to --timeout (at least 10 s; then exit 6), until the servers' own /jsz names another leader; reports the group before and after.
--preferred names the peer to lead next (nats-server 2.11+; exit 8 before, nothing sent); a server that is not a peer is exit 3.
Connect as a system-account user (exit 7 otherwise).
--json prints {previous_leader, leader, preferred, before, after, waited_ms}; before and after are {leader, cluster, size, peers:[{name, id, leader, current, offline}]}.`
  static examples = [
    '<%= config.bin %> server cluster step-down --context sys',
    '<%= config.bin %> server cluster step-down --context sys --preferred n2 --json',
  ]
  static flags = {
    preferred: Flags.string({description: 'the peer (server name) that should lead next (nats-server 2.11+)'}),
  }
  static summary = 'Make the JetStream meta leader step down.'

  async run(): Promise<ServerClusterStepDownResult> {
    const settings = await this.connectionSettings()
    if (settings.jsDomain) throw usageError('--js-domain does not apply to the meta group (a system-account request)', 'leave out --js-domain')
    const caps = await this.capabilities()
    if (this.flags.preferred !== undefined) caps.require('stepdown-preferred', 'meta step-down to a preferred server (--preferred)')
    const res = await stepDownMeta(await this.nc(), await this.transport(), caps, {
      preferred: this.flags.preferred,
      signal: this.interrupt.signal,
      timeoutMs: settings.timeoutMs,
      waitMs: Math.max(settings.timeoutMs, 10_000),
    })
    this.say(`Meta group before: ${describeMeta(res.before)}`)
    this.say(`Meta group after:  ${describeMeta(res.after)}`)
    this.say(`Meta leader was ${res.previous_leader}, now ${res.leader} (${res.waited_ms} ms)`)
    return res
  }
}

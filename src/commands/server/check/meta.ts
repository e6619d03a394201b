import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {metaObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {connectionError} from '../../../lib/errors.js'
import {durationFlag, intFlag} from '../../../lib/flags.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'

export type MetaCheckResult = ResourceCheckResult

export default class CheckMeta extends ResourceCheckCommand<typeof CheckMeta> {
  static description = `Checks the JetStream meta group from the servers' own /jsz: a meta leader, the peers seen (the cluster size, or --expect), and each peer's lag and last contact. Reads the system account over NATS, or --monitor URLs.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check meta --context sys --expect 3 --lag-critical 100 --format nagios',
    '<%= config.bin %> server check meta --monitor localhost:8222 --seen-critical 10s',
  ]
  static flags = {
    ...monitorFlags,
    expect: intFlag({min: 1})({description: 'critical unless this many meta peers are seen'}),
    format: formatFlag,
    'lag-critical': intFlag({min: 0})({description: 'critical when a peer is this many operations behind'}),
    'lag-warn': intFlag({min: 0})({description: 'warning when a peer is this many operations behind'}),
    'seen-critical': durationFlag({description: 'critical when a peer was last seen this long ago'}),
    'seen-warn': durationFlag({description: 'warning when a peer was last seen this long ago'}),
  }
  static summary = 'Check the JetStream meta group: leader, peers and lag, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {flags} = this
    const replies = await (await this.transport()).gather('jsz')
    const answered = replies.filter((r) => r.ok)
    if (answered.length === 0) throw connectionError(`no server answered: ${replies.map((r) => (r.ok ? '' : r.error)).join('; ')}`)
    // Only the leader's own view tells how current each follower is (a follower lists the others as it last heard
    // of them); the leader's view is the one that does not list the leader among its replicas.
    const metas = answered.map((r) => (r.ok ? {meta: r.data.meta_cluster, name: r.server?.name} : undefined))
    const own = metas.find((m) => m?.meta?.leader && (m.name === m.meta.leader || !(m.meta.replicas ?? []).some((p) => p.name === m.meta?.leader)))
    let leader = own?.meta ?? metas.find((m) => m?.meta)?.meta
    if (leader && (leader.replicas ?? []).length === 0) {
      // 2.9's leader lists no replicas: a follower's list (the leader and the other followers) is the one there is;
      // it cannot tell how current the others are, so currency is not judged from it
      const follower = metas.find((m) => (m?.meta?.replicas ?? []).length > 0)?.meta
      if (follower) leader = {...follower, replicas: (follower.replicas ?? []).map((r) => ({...r, current: true}))}
    }

    const observations = metaObservations(leader, {
      expect: flags.expect,
      lag: {crit: flags['lag-critical'], warn: flags['lag-warn']},
      seen: {crit: flags['seen-critical'], warn: flags['seen-warn']},
    })
    return resourceResult('meta', this.target(), observations)
  }

  protected kind(): 'meta' {
    return 'meta'
  }

  protected target(): string {
    return 'JetStream'
  }
}

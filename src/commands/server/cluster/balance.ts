import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../../lib/base-command.js'
import {balanceAssets, type BalanceGroup, type BalanceMove, describeCounts, executeBalance, planBalance, withAfter} from '../../../lib/cluster/balance.js'
import {ExitCode} from '../../../lib/errors.js'
import {forceFlag} from '../../../lib/flags.js'

export interface ServerClusterBalanceResult {
  /** every group's leader counts within one of each other (after the moves; as planned on --dry-run) */
  balanced: boolean
  dry_run: boolean
  groups: BalanceGroup[]
  moves: BalanceMove[]
  unreplicated: number
}

export default class ServerClusterBalance extends BaseCommand<typeof ServerClusterBalance> {
  static description = `Spreads the leaders of the account's replicated streams and consumers evenly over the servers of each cluster (streams and consumers counted apart): plans leader moves, each to a server that holds a replica, so that the leader counts differ by at most one, or says why they cannot; shows the plan, then makes each move by a step-down to that server (nats-server 2.11+, as natscli's balancer; exit 8 before, nothing sent) and waits for its new leader (--timeout, at least 10 s, each). A step-down is an account request: connect as a user of the account whose assets to balance.
--dry-run shows the plan only, on any version. Asks first: --force without a terminal. When the leaders end up further apart than planned, exit 4.
--json prints {dry_run, balanced, unreplicated, groups:[{kind, cluster, before, planned, after, balanced, reason}], moves:[{kind, stream, consumer, from, to, leader, error}]}; counts are {server: leaders}.`
  static examples = ['<%= config.bin %> server cluster balance --dry-run', '<%= config.bin %> server cluster balance --force --json']
  static flags = {
    'dry-run': Flags.boolean({description: 'show the plan and change nothing'}),
    force: forceFlag,
  }
  static summary = 'Spread stream and consumer leaders evenly over the servers.'

  async run(): Promise<ServerClusterBalanceResult> {
    const {flags} = this
    const caps = await this.capabilities()
    if (!flags['dry-run']) caps.require('stepdown-preferred', 'server cluster balance (step-downs to a preferred server; --dry-run shows the plan)')
    const jsm = await this.jsm()
    const plan = planBalance(await balanceAssets(jsm))
    this.showPlan(plan.groups, plan.moves, plan.unreplicated)
    const result = {balanced: plan.groups.every((g) => g.balanced), dry_run: Boolean(flags['dry-run']), groups: plan.groups, moves: plan.moves, unreplicated: plan.unreplicated}
    if (flags['dry-run'] || plan.moves.length === 0) return result

    await this.confirm(`Make ${plan.moves.length} leader step-down(s)`, flags.force)
    const {timeoutMs} = await this.connectionSettings()
    const moves = await executeBalance(jsm, caps, plan.moves, {
      progress: (m) => {
        if (!this.jsonEnabled()) process.stderr.write(`${m.error ? 'failed' : 'moved'}: ${what(m)} ${m.from} → ${m.leader ?? m.to}${m.error ? ` (${m.error})` : ''}\n`)
      },
      signal: this.interrupt.signal,
      timeoutMs: Math.max(timeoutMs, 10_000),
    })
    const groups = withAfter(plan, await balanceAssets(jsm))
    for (const g of groups) this.say(`${g.kind} leaders in ${g.cluster || 'the cluster'} after: ${describeCounts(g.after ?? {})}`)
    const balanced = groups.every((g) => g.balanced)
    if (!balanced && result.balanced) {
      this.warnLine('the leaders are further apart than planned (a move failed or an election went elsewhere); run it again')
      process.exitCode = ExitCode.CONFLICT
    }

    return {...result, balanced, groups, moves}
  }

  private showPlan(groups: BalanceGroup[], moves: BalanceMove[], unreplicated: number): void {
    if (groups.length === 0) this.say('No replicated stream or consumer: nothing to balance')
    for (const g of groups) {
      this.say(`${g.kind} leaders in ${g.cluster || 'the cluster'}: ${describeCounts(g.before)}; planned: ${describeCounts(g.planned)}${g.reason ? ` (${g.reason})` : ''}`)
    }

    if (unreplicated > 0) this.say(`${unreplicated} stream(s) or consumer(s) with one replica left out: their leader cannot move`)
    this.say(moves.length === 0 ? 'Plan: no move needed' : `Plan: ${moves.length} move(s)`)
    for (const m of moves) this.say(`  ${what(m)}: ${m.from} → ${m.to}`)
  }
}

function what(m: BalanceMove): string {
  return m.consumer === undefined ? `stream ${m.stream}` : `consumer ${m.stream} > ${m.consumer}`
}

import * as Flags from '@oclif/core/flags'

import type {ConnRow} from '../../../lib/monitoring/feed.js'

import {usageError} from '../../../lib/errors.js'
import {intFlag} from '../../../lib/flags.js'
import {barChart} from '../../../lib/format/bars.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'
import {CONN_COLUMNS, filterConnections, fitColumns, renderHead, renderRow, SORT_KEYS, sortConnections} from '../../../lib/monitoring/view.js'
import {subjectMatches, validatePublishSubject} from '../../../lib/subjects.js'

export interface ServerReportConnectionsResult {
  connections: Array<Omit<ConnRow, 'new' | 'rates' | 'stale'>>
  /** connections per server (counted before --top cuts the list) */
  servers: Array<{connections: number; server: string}>
  total: number
}

export default class ServerReportConnections extends MonitorCommand<typeof ServerReportConnections> {
  static description = 'Every connection of every server (connz, paged), sorted on the client; per-server counts are taken before --top cuts the list.'
  static examples = [
    '<%= config.bin %> server report connections --context sys --sort out_msgs --top 10',
    '<%= config.bin %> server report connections --monitor localhost:8222 --filter orders --json',
    '<%= config.bin %> server report connections --context sys --account APP --subject orders.new',
    '<%= config.bin %> server report connections --context sys --state closed --username alice',
  ]
  static flags = {
    ...monitorFlags,
    account: Flags.string({description: 'only connections of this account'}),
    filter: Flags.string({description: 'only connections whose name, ip, account, user or server contains this text'}),
    graph: Flags.boolean({description: 'after the table, bars for the servers by connections (those chosen by the filters)'}),
    reverse: Flags.boolean({char: 'R', description: 'reverse the sort order'}),
    state: Flags.string({default: 'open', description: 'open connections, closed ones (the servers keep the last ones, with why they closed), or all', options: ['open', 'closed', 'all']}),
    subject: Flags.string({description: 'only connections with a subscription that takes this subject'}),
    sort: Flags.string({default: 'cid', description: `sort by: ${SORT_KEYS.filter((k) => !k.endsWith('_rate')).join(', ')}`}),
    top: intFlag({min: 1})({description: 'show only the first N connections'}),
    username: Flags.string({description: 'only connections of this user (--user is the login)'}),
  }
  static summary = 'Report the connections across all servers.'

  async run(): Promise<ServerReportConnectionsResult> {
    const {flags} = this
    if (!SORT_KEYS.includes(flags.sort) || flags.sort.endsWith('_rate')) throw usageError(`--sort "${flags.sort}" is not a column of this report`, `use one of ${SORT_KEYS.filter((k) => !k.endsWith('_rate')).join(', ')}`)
    if (flags.subject !== undefined) validatePublishSubject(flags.subject, '--subject')
    const state = flags.state as 'all' | 'closed' | 'open'
    const snap = await reportSnapshot(await this.transport(), {connections: true, connz: {state, subs: flags.subject !== undefined}, details: false})
    requireAnswer(snap.servers)
    const chosen = snap.connections.filter(
      (c) =>
        (flags.account === undefined || c.account === flags.account) &&
        (flags.username === undefined || c.user === flags.username) &&
        (flags.subject === undefined || (c.subjects ?? []).some((s) => subjectMatches(s, flags.subject!))),
    )
    const all = sortConnections(filterConnections(chosen, flags.filter ?? ''), flags.sort, flags.reverse)
    const servers = snap.servers.map((s) => ({connections: all.filter((c) => c.server === s.name).length, server: s.name}))
    const shown = flags.top ? all.slice(0, flags.top) : all
    const cols = fitColumns(
      CONN_COLUMNS.filter((c) => !c.key.endsWith('_rate')),
      Number(process.env.COLUMNS) || process.stdout.columns || 160,
    )
    this.say(renderHead(cols, flags.sort, flags.reverse))
    for (const r of shown) this.say(renderRow(cols, r, false) + (r.reason ? `  (closed: ${r.reason})` : ''))
    this.say(`\n${shown.length} of ${all.length} connection(s); ${servers.map((s) => `${s.server}: ${s.connections}`).join(', ')}`)
    if (flags.graph) {
      const width = Number(process.env.COLUMNS) || process.stdout.columns || 80
      this.say(['', ...barChart('Servers by connections:', servers.map((s) => ({label: s.server, value: s.connections})), width, servers.length)].join('\n'))
    }

    return {connections: shown.map(({new: _n, rates: _r, stale: _s, ...c}) => c), servers, total: all.length}
  }
}

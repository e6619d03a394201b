import * as Flags from '@oclif/core/flags'

import type {ConnRow} from '../../../lib/monitoring/feed.js'

import {usageError} from '../../../lib/errors.js'
import {intFlag} from '../../../lib/flags.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'
import {CONN_COLUMNS, filterConnections, fitColumns, renderHead, renderRow, SORT_KEYS, sortConnections} from '../../../lib/monitoring/view.js'

export interface ServerReportConnectionsResult {
  connections: Array<Omit<ConnRow, 'new' | 'rates' | 'stale'>>
  /** connections per server (counted before --top cuts the list) */
  servers: Array<{connections: number; server: string}>
  total: number
}

export default class ServerReportConnections extends MonitorCommand<typeof ServerReportConnections> {
  static description = 'Every connection of every server (connz, paged), sorted on the client; per-server counts are taken before --top cuts the list.'
  static examples = ['<%= config.bin %> server report connections --context sys --sort out_msgs --top 10', '<%= config.bin %> server report connections --monitor localhost:8222 --filter orders --json']
  static flags = {
    ...monitorFlags,
    filter: Flags.string({description: 'only connections whose name, ip, account, user or server contains this text'}),
    reverse: Flags.boolean({char: 'R', description: 'reverse the sort order'}),
    sort: Flags.string({default: 'cid', description: `sort by: ${SORT_KEYS.filter((k) => !k.endsWith('_rate')).join(', ')}`}),
    top: intFlag({min: 1})({description: 'show only the first N connections'}),
  }
  static summary = 'Report the connections across all servers.'

  async run(): Promise<ServerReportConnectionsResult> {
    const {flags} = this
    if (!SORT_KEYS.includes(flags.sort) || flags.sort.endsWith('_rate')) throw usageError(`--sort "${flags.sort}" is not a column of this report`, `use one of ${SORT_KEYS.filter((k) => !k.endsWith('_rate')).join(', ')}`)
    const snap = await reportSnapshot(await this.transport(), {connections: true, details: false})
    requireAnswer(snap.servers)
    const all = sortConnections(filterConnections(snap.connections, flags.filter ?? ''), flags.sort, flags.reverse)
    const servers = snap.servers.map((s) => ({connections: all.filter((c) => c.server === s.name).length, server: s.name}))
    const shown = flags.top ? all.slice(0, flags.top) : all
    const cols = fitColumns(
      CONN_COLUMNS.filter((c) => !c.key.endsWith('_rate')),
      Number(process.env.COLUMNS) || process.stdout.columns || 160,
    )
    this.say(renderHead(cols, flags.sort, flags.reverse))
    for (const r of shown) this.say(renderRow(cols, r, false))
    this.say(`\n${shown.length} of ${all.length} connection(s); ${servers.map((s) => `${s.server}: ${s.connections}`).join(', ')}`)
    return {connections: shown.map(({new: _n, rates: _r, stale: _s, ...c}) => c), servers, total: all.length}
  }
}

/** How the account commands look to people: pure functions of their results. */
import type {AccountInfoResult} from '../../commands/account/info.js'
import type {ConnectionsReport, StatisticsReport} from './accounts.js'

import {formatCount, formatSize} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'

type Limits = Record<string, number | undefined>
type Tier = {consumers?: number; limits?: Limits; memory?: number; reserved_memory?: number; reserved_storage?: number; storage?: number; streams?: number}

const ofLimit = (used: number | undefined, limit: number | undefined, size: boolean): string => {
  const f = (n: number | undefined): string => (size ? formatSize(n ?? 0) : formatCount(n ?? 0))
  return `${f(used)} of ${limit === undefined || limit < 0 ? 'unlimited' : f(limit)}`
}

function tierRows(name: string, t: Tier): Array<[string, string] | string> {
  const l = t.limits ?? {}
  return [
    '',
    name,
    ['Memory', ofLimit(t.memory, l.max_memory, true) + (t.reserved_memory ? ` (${formatSize(t.reserved_memory)} reserved)` : '')],
    ['Storage', ofLimit(t.storage, l.max_storage, true) + (t.reserved_storage ? ` (${formatSize(t.reserved_storage)} reserved)` : '')],
    ['Streams', ofLimit(t.streams, l.max_streams, false)],
    ['Consumers', t.consumers === undefined ? '' : `${formatCount(t.consumers)} (${l.max_consumers === undefined || l.max_consumers < 0 ? 'unlimited' : `at most ${formatCount(l.max_consumers)}`} per stream)`],
    ['Max ack pending', l.max_ack_pending === undefined || l.max_ack_pending <= 0 ? 'unlimited' : formatCount(l.max_ack_pending)],
    ['Streams need max bytes', l.max_bytes_required ? 'yes' : 'no'],
  ]
}

export function renderAccountInfo(r: AccountInfoResult): string {
  const c = r.connection
  const rows: Array<[string, number | string | undefined] | string> = ['Account Information', '']
  if (r.user) rows.push(['User', r.user.user], ['Account', r.user.account], ['Expires', r.user.expires ? new Date(r.user.expires * 1000).toISOString() : 'never'])
  else if (r.account) rows.push(['Account', r.account])
  if (r.system_account !== undefined) rows.push(['System account', r.system_account ? 'yes' : 'no'])
  rows.push(
    ['Client ID', c.client_id],
    ['Client IP', c.client_ip],
    ['RTT', `${c.rtt_ms.toFixed(3)}ms`],
    ['Headers', c.headers ? 'yes' : 'no'],
    ['Maximum payload', formatSize(c.max_payload)],
    ['Server', `${c.server_name ?? ''} ${c.server_id === c.server_name ? '' : `(${c.server_id})`}`.trim()],
    ['Server version', c.server_version],
    ['TLS', c.tls ? 'yes' : 'no'],
  )
  if (c.cluster) rows.push(['Cluster', c.cluster])
  const perms = r.user?.permissions
  for (const [what, p] of [['Publish', perms?.publish], ['Subscribe', perms?.subscribe]] as const) {
    if (p?.allow?.length) rows.push([`${what} allow`, p.allow.join(', ')])
    if (p?.deny?.length) rows.push([`${what} deny`, p.deny.join(', ')])
  }

  const js = r.jetstream as (Tier & {api?: {errors?: number; level?: number; total?: number}; domain?: string; tiers?: Record<string, Tier>}) | undefined
  if (js) {
    rows.push('', `JetStream${js.domain ? ` (domain ${js.domain})` : ''}`, ['API requests', `${formatCount(js.api?.total)} (${formatCount(js.api?.errors)} errors)`])
    if (js.api?.level) rows.push(['API level', js.api.level])
    rows.push(...tierRows('Account limits and usage', js))
    for (const [name, t] of Object.entries(js.tiers ?? {})) rows.push(...tierRows(`Tier ${name}`, t))
  } else rows.push('', `JetStream: ${r.jetstream_error ?? 'not available'}`)

  if (r.imports) rows.push('', ['Imports', r.imports.length], ['Exports', r.exports?.length ?? 0])
  for (const n of r.notes) rows.push(`(${n})`)
  return renderColumns(rows)
}

export function renderConnections(r: ConnectionsReport, state: string): string {
  const closed = state !== 'open'
  const table = renderTable(
    ['SERVER', 'CID', 'ACCOUNT', 'USER', 'NAME', 'ADDRESS', 'SUBS', 'IN MSGS', 'OUT MSGS', 'IN BYTES', 'OUT BYTES', 'UPTIME', ...(closed ? ['CLOSED'] : [])],
    r.connections.map((c) => [
      c.server,
      c.cid,
      c.account ?? '',
      c.user ?? '',
      c.name ?? '',
      c.ip ? `${c.ip}:${c.port}` : '',
      formatCount(c.subscriptions),
      formatCount(c.in_msgs),
      formatCount(c.out_msgs),
      formatSize(c.in_bytes),
      formatSize(c.out_bytes),
      c.uptime ?? '',
      ...(closed ? [c.closed_reason ?? ''] : []),
    ]),
  )
  return `${table}\n\n${r.connections.length} of ${r.total} connection(s) on ${r.servers.length} server(s)`
}

export function renderStatistics(r: StatisticsReport): string {
  const row = (s: StatisticsReport['servers'][number]): Array<number | string> => [
    s.account,
    s.server,
    formatCount(s.connections),
    formatCount(s.total_connections),
    formatCount(s.leafnodes),
    s.subscriptions === undefined ? '' : formatCount(s.subscriptions),
    formatCount(s.sent.msgs),
    formatSize(s.sent.bytes),
    formatCount(s.received.msgs),
    formatSize(s.received.bytes),
    formatCount(s.slow_consumers),
  ]
  return renderTable(
    ['ACCOUNT', 'SERVER', 'CONNECTIONS', 'TOTAL CONNS', 'LEAFNODES', 'SUBS', 'SENT MSGS', 'SENT BYTES', 'RECEIVED MSGS', 'RECEIVED BYTES', 'SLOW CONSUMERS'],
    [...r.servers.map((s) => row(s)), ...r.totals.map((s) => row(s))],
    {title: 'Account statistics (server * is the sum over the servers)'},
  )
}

/**
 * What the top view shows, independent of Ink: the connection columns (label, sort value, formatted cell), client-side
 * sorting and filtering, paging, and the server header cells. Pure functions: the Ink components and the plain-text
 * renderer both use them.
 */
import type {ConnRow, ServerRow} from './feed.js'

import {formatDuration} from '../format/duration.js'
import {formatSize} from '../format/size.js'
import {sparkline} from '../format/sparkline.js'
import {fitWidth, padWidth} from '../format/width.js'

export interface Column<R> {
  align: 'left' | 'right'
  /** a short name for --sort */
  key: string
  label: string
  text(row: R, raw: boolean): string
  value(row: R): number | string
  width: number
}

/** 12345 → 12.3K, 1.2M (base 1000); raw prints the integer. */
export function formatRate(n: null | number | undefined, raw = false): string {
  if (n === null || n === undefined) return '-'
  if (raw) return String(Math.round(n))
  return formatCompact(n)
}

export function formatCompact(n: number): string {
  const a = Math.abs(n)
  if (a < 1000) return Number.isInteger(n) ? String(n) : n < 10 ? n.toFixed(1) : String(Math.round(n))
  for (const [div, unit] of [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (a >= div) return `${(n / div).toFixed(n / div >= 100 ? 0 : 1)}${unit}`
  }

  return String(n)
}

export function formatBytesRate(n: null | number | undefined, raw = false): string {
  if (n === null || n === undefined) return '-'
  if (raw) return String(Math.round(n))
  return formatSize(Math.round(n)).replace(' ', '')
}

const dur = (ms: number | undefined): string =>
  ms === undefined ? '' : formatDuration(ms < 1000 ? ms : Math.floor(ms / 1000) * 1000)
const num = (n: number, raw: boolean): string => (raw ? String(n) : formatCompact(n))

export const CONN_COLUMNS: Array<Column<ConnRow>> = [
  {align: 'left', key: 'server', label: 'SERVER', text: (r) => r.server, value: (r) => r.server, width: 8},
  {align: 'right', key: 'cid', label: 'CID', text: (r) => String(r.cid), value: (r) => r.cid, width: 5},
  {align: 'left', key: 'name', label: 'NAME', text: (r) => r.name ?? '', value: (r) => r.name ?? '', width: 13},
  {
    align: 'left',
    key: 'ip',
    label: 'IP',
    // the reverse-DNS name in place of the address once it is known (top --lookup, key d)
    text: (r) => (r.host ? `${r.host}:${r.port ?? ''}` : address(r)),
    value: (r) => r.ip ?? '',
    width: 17,
  },
  {
    align: 'left',
    key: 'lang',
    label: 'LANG',
    text: (r) => [r.lang, r.version].filter(Boolean).join(' '),
    value: (r) => r.lang ?? '',
    width: 13,
  },
  {
    align: 'left',
    key: 'account',
    label: 'ACCOUNT',
    text: (r) => r.account ?? '',
    value: (r) => r.account ?? '',
    width: 7,
  },
  {
    align: 'right',
    key: 'subs',
    label: 'SUBS',
    text: (r, raw) => num(r.subscriptions, raw),
    value: (r) => r.subscriptions,
    width: 4,
  },
  {
    align: 'right',
    key: 'pending',
    label: 'PEND',
    text: (r, raw) => (raw ? String(r.pending_bytes) : formatBytesRate(r.pending_bytes)),
    value: (r) => r.pending_bytes,
    width: 6,
  },
  {
    align: 'right',
    key: 'in_msgs_rate',
    label: 'MSG/S IN',
    text: (r, raw) => (r.new ? 'new' : formatRate(r.rates?.in_msgs, raw)),
    value: (r) => r.rates?.in_msgs ?? -1,
    width: 8,
  },
  {
    align: 'right',
    key: 'out_msgs_rate',
    label: 'MSG/S OUT',
    text: (r, raw) => (r.new ? 'new' : formatRate(r.rates?.out_msgs, raw)),
    value: (r) => r.rates?.out_msgs ?? -1,
    width: 9,
  },
  {
    align: 'right',
    key: 'in_bytes_rate',
    label: 'B/S IN',
    text: (r, raw) => (r.new ? 'new' : formatBytesRate(r.rates?.in_bytes, raw)),
    value: (r) => r.rates?.in_bytes ?? -1,
    width: 8,
  },
  {
    align: 'right',
    key: 'out_bytes_rate',
    label: 'B/S OUT',
    text: (r, raw) => (r.new ? 'new' : formatBytesRate(r.rates?.out_bytes, raw)),
    value: (r) => r.rates?.out_bytes ?? -1,
    width: 8,
  },
  {
    align: 'right',
    key: 'in_msgs',
    label: 'MSGS IN',
    text: (r, raw) => num(r.in_msgs, raw),
    value: (r) => r.in_msgs,
    width: 7,
  },
  {
    align: 'right',
    key: 'out_msgs',
    label: 'MSGS OUT',
    text: (r, raw) => num(r.out_msgs, raw),
    value: (r) => r.out_msgs,
    width: 8,
  },
  {
    align: 'right',
    key: 'rtt',
    label: 'RTT',
    text: (r) => (r.rtt_ms === undefined ? '' : formatDuration(r.rtt_ms)),
    value: (r) => r.rtt_ms ?? -1,
    width: 7,
  },
  {
    align: 'right',
    key: 'uptime',
    label: 'UPTIME',
    text: (r) => dur(r.uptime_ms),
    value: (r) => r.uptime_ms ?? -1,
    width: 7,
  },
  {align: 'right', key: 'idle', label: 'IDLE', text: (r) => dur(r.idle_ms), value: (r) => r.idle_ms ?? -1, width: 6},
]

export const SORT_KEYS = CONN_COLUMNS.map((c) => c.key)

/** top: the recently closed connections read per server (the closed pane, `--closed`) */
export const CLOSED_PER_SERVER = 100

/** Text filter over name, ip, account, user and server (case-insensitive substring). */
export function filterConnections(rows: readonly ConnRow[], text: string): ConnRow[] {
  const t = text.trim().toLowerCase()
  if (!t) return [...rows]
  return rows.filter((r) =>
    [r.name, r.ip && `${r.ip}:${r.port}`, r.account, r.user, r.server, r.lang, r.host].some(
      (v) => v && v.toLowerCase().includes(t),
    ),
  )
}

/** Client-side sort; numbers descending and text ascending by default (the useful order), `reverse` flips it. */
export function sortConnections(rows: readonly ConnRow[], key: string, reverse = false): ConnRow[] {
  const col = CONN_COLUMNS.find((c) => c.key === key) ?? CONN_COLUMNS[1]
  const numeric = typeof col.value(rows[0] ?? ({} as ConnRow)) === 'number' && !['cid'].includes(col.key)
  const dir = (numeric ? -1 : 1) * (reverse ? -1 : 1)
  return [...rows].sort((a, b) => {
    const x = col.value(a)
    const y = col.value(b)
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
    return c * dir || a.server.localeCompare(b.server) || a.cid - b.cid
  })
}

/** Which columns fit in `width` (always the first ones, in order). */
export function fitColumns<R>(columns: ReadonlyArray<Column<R>>, width: number): Array<Column<R>> {
  const out: Array<Column<R>> = []
  let used = 0
  for (const c of columns) {
    if (used + c.width + (out.length > 0 ? 1 : 0) > width) break
    used += c.width + (out.length > 0 ? 1 : 0)
    out.push(c)
  }

  return out
}

/**
 * A fixed-width cell, measured in terminal columns (a CJK name takes two per character). Cut text ends in an ASCII
 * `~`: all-ASCII lines take the terminal's fast width path.
 */
export const cell = fitWidth

/** `ip:port` of a connection, route, leafnode or gateway link; empty when the server gave no address. */
export function address(x: {ip?: string; port?: number}): string {
  return x.ip ? `${x.ip}:${x.port ?? ''}` : ''
}

export function renderRow<R>(columns: ReadonlyArray<Column<R>>, row: R, raw: boolean): string {
  return columns.map((c) => cell(c.text(row, raw), c.width, c.align)).join(' ')
}

/**
 * The rows as one text block per column (padded cells, a space before every column but the first), to be drawn side
 * by side: the same screen as one line per row, for a fraction of Ink's work. Ink's output pass costs per character of
 * every line it writes (tokenised grapheme by grapheme, styles attached), but reads each distinct line once per frame:
 * a column whose cells repeat (server, account, the rates of idle clients) costs a few short lines instead of its
 * share of every row; and a `µs` in the RTT column no longer sends whole rows down string-width's slow (non-ASCII)
 * path. `style` wraps each cell (a dimmed stale row).
 */
export function columnBlocks<R>(
  columns: ReadonlyArray<Column<R>>,
  rows: readonly R[],
  raw: boolean,
  style?: (row: R, text: string) => string,
): string[] {
  return columns.map((c, i) =>
    rows
      .map((r) => {
        const text = (i > 0 ? ' ' : '') + cell(c.text(r, raw), c.width, c.align)
        return style ? style(r, text) : text
      })
      .join('\n'),
  )
}

export function renderHead<R>(columns: ReadonlyArray<Column<R>>, sortKey?: string, reverse = false): string {
  return columns
    .map((c) => cell(c.key === sortKey ? `${c.label}${reverse ? '▲' : '▼'}` : c.label, c.width, c.align))
    .join(' ')
}

/** A sparkline's cells: a minute in 12 characters (5 s a cell at a 1 s interval). */
export const TREND_CELLS = 12

/** The last minute of a series (oldest first, NaN for gaps) as a sparkline of TREND_CELLS, blank without history. */
export function trendText(values: ArrayLike<number> | undefined): string {
  return values ? sparkline(values, TREND_CELLS).padStart(TREND_CELLS) : ' '.repeat(TREND_CELLS)
}

/** The live view's sparklines of one server: the last minute of its in and out msgs/s. */
export interface ServerTrend {
  in: string
  out: string
}

/**
 * One header line per server. With `trend` (the live view) each direction's sparkline follows its rates, and the
 * fields are in the order that keeps the most on screen when the line is cut: the rates and their sparklines, the
 * connections, subscriptions and slow consumers, then cpu, memory, uptime and the cluster's name.
 */
export function serverLine(s: ServerRow, raw: boolean, trend?: ServerTrend): string {
  const r = s.rates
  const name = padWidth(s.name, 10)
  const version = s.api_level ? `v${s.version} api ${s.api_level}` : `v${s.version}`
  const cluster = s.cluster ? `cluster ${s.cluster}` : 'no cluster'
  const up = `up ${dur(s.uptime_ms)}`
  const cpu = `cpu ${s.cpu.toFixed(1)}%`
  const mem = `mem ${formatSize(s.mem)}`
  const counts = [
    `conns ${num(s.connections, raw)}`,
    `subs ${num(s.subscriptions, raw)}`,
    `slow ${s.slow_consumers}${s.slow_consumers_delta > 0 ? ` (+${s.slow_consumers_delta})` : ''}`,
  ]
  const inPart = `in ${formatRate(r?.in_msgs, raw)} msg/s ${formatBytesRate(r?.in_bytes, raw)}/s`
  const outPart = `out ${formatRate(r?.out_msgs, raw)} msg/s ${formatBytesRate(r?.out_bytes, raw)}/s`
  if (!trend) return [name, version, cluster, up, cpu, mem, ...counts, inPart, outPart].join('  ')
  // the rate texts padded (to their usual widest, "in 98.8K msg/s 117.7MiB/s") so that the sparklines of every server line up
  const rates = [`${inPart.padEnd(26)} ${trend.in}`, `${outPart.padEnd(27)} ${trend.out}`]
  return [name, version, ...rates, ...counts, cpu, mem, up, cluster].join('  ')
}

/**
 * The connection column that `t` turns on: the last minute of the connection's messages per second, in and out added
 * (what the client publishes plus what is delivered to it, so publishers and subscribers both show their activity).
 * Not a sort key; placed after MSG/S OUT, the rates it draws.
 */
export function trendColumn(trend: (row: ConnRow) => string): Column<ConnRow> {
  return {align: 'right', key: 'trend', label: 'MSG/S IN+OUT', text: (r) => trend(r), value: () => 0, width: TREND_CELLS}
}

/** `columns` with the trend column after MSG/S OUT (or at the end). */
export function withTrend(columns: ReadonlyArray<Column<ConnRow>>, trend: (row: ConnRow) => string): Array<Column<ConnRow>> {
  const at = columns.findIndex((c) => c.key === 'out_msgs_rate')
  const out = [...columns]
  out.splice(at === -1 ? out.length : at + 1, 0, trendColumn(trend))
  return out
}

/** "rows 1–20 of 153" */
export function rowsLabel(first: number, last: number, total: number): string {
  return total === 0 ? 'rows 0 of 0' : `rows ${first}–${last} of ${total}`
}

/**
 * Batch output of top without Ink: CSV rows (a `kind` column tells servers from connections) and plain-text frames.
 */
import type {TopSnapshot} from './feed.js'

import {padWidth} from '../format/width.js'
import {address, cell, CONN_COLUMNS, fitColumns, renderHead, renderRow, rowsLabel, serverLine} from './view.js'

export const CSV_HEADER = [
  'time',
  'kind',
  'server',
  'cid',
  'name',
  'ip',
  'account',
  'up',
  'connections',
  'subscriptions',
  'pending_bytes',
  'in_msgs',
  'out_msgs',
  'in_bytes',
  'out_bytes',
  'in_msgs_per_sec',
  'out_msgs_per_sec',
  'in_bytes_per_sec',
  'out_bytes_per_sec',
]

function csvCell(v: boolean | null | number | string | undefined): string {
  if (v === undefined || v === null) return ''
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v)
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvLines(snap: TopSnapshot): string[] {
  const lines: string[] = []
  for (const s of snap.servers) {
    const r = s.rates
    lines.push(
      [
        snap.time,
        'server',
        s.name,
        '',
        '',
        '',
        '',
        s.up,
        s.connections,
        s.subscriptions,
        '',
        s.in_msgs,
        s.out_msgs,
        s.in_bytes,
        s.out_bytes,
        r?.in_msgs,
        r?.out_msgs,
        r?.in_bytes,
        r?.out_bytes,
      ]
        .map((v) => csvCell(v))
        .join(','),
    )
  }

  for (const c of snap.connections) {
    const r = c.rates
    lines.push(
      [
        snap.time,
        'connection',
        c.server,
        c.cid,
        c.name,
        address(c),
        c.account,
        !c.stale,
        '',
        c.subscriptions,
        c.pending_bytes,
        c.in_msgs,
        c.out_msgs,
        c.in_bytes,
        c.out_bytes,
        r?.in_msgs,
        r?.out_msgs,
        r?.in_bytes,
        r?.out_bytes,
      ]
        .map((v) => csvCell(v))
        .join(','),
    )
  }

  return lines
}

/** A plain-text frame (no TTY): server lines, then the connections table cut to `width`. */
export function textFrame(
  snap: TopSnapshot,
  rows: TopSnapshot['connections'],
  options: {raw: boolean; reverse: boolean; sort: string; width: number},
): string {
  const out = [
    `natsx top  ${snap.time}  ${snap.servers.filter((s) => s.up).length}/${snap.servers.length} servers up  (${snap.transport})`,
  ]
  for (const s of snap.servers)
    out.push(s.up ? serverLine(s, options.raw) : `${padWidth(s.name, 10)}  DOWN: ${s.error ?? 'no answer'}`)
  const cols = fitColumns(CONN_COLUMNS, options.width)
  out.push(
    '',
    `Connections: ${rowsLabel(rows.length > 0 ? 1 : 0, rows.length, rows.length)}`,
    renderHead(cols, options.sort, options.reverse),
  )
  for (const r of rows) out.push(renderRow(cols, r, options.raw))
  if (snap.closed) {
    out.push('', `Closed connections: ${snap.closed.length} (newest first)`)
    for (const r of snap.closed)
      out.push(
        [
          cell(r.server, 8),
          cell(String(r.cid), 5, 'right'),
          cell(r.name ?? '', 13),
          cell(r.host ? `${r.host}:${r.port ?? ''}` : address(r), 21),
          cell(r.account ?? '', 7),
          cell(r.stop ?? '', 30),
          r.reason ?? '',
        ].join(' '),
      )
  }

  return out.join('\n')
}

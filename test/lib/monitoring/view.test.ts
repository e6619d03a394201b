import {describe, expect, it} from 'vitest'

import type {ConnRow} from '../../../src/lib/monitoring/feed.js'

import {displayWidth} from '../../../src/lib/format/width.js'
import {columnBlocks, CONN_COLUMNS, fitColumns, renderRow} from '../../../src/lib/monitoring/view.js'

const row = (cid: number, extra: Partial<ConnRow> = {}): ConnRow => ({
  account: 'APP', cid, idle_ms: 0.4, in_bytes: 0, in_msgs: 10, ip: '127.0.0.1', lang: 'nats.js', name: `c${cid}`, new: false, out_bytes: 0,
  out_msgs: 0, pending_bytes: 0, port: 40_000 + cid, rates: {in_bytes: 64, in_msgs: 1, out_bytes: 0, out_msgs: 0}, rtt_ms: 0.688, server: 'n1',
  server_id: 'S1', stale: false, subscriptions: 1, uptime_ms: 61_000, version: '3.4.0', ...extra,
})

describe('connection table as column blocks', () => {
  const rows = [row(1), row(22, {name: 'a-very-long-client-name', rtt_ms: 12}), row(333, {stale: true})]

  it('puts side by side, line by line, gives the rows as renderRow draws them', () => {
    for (const width of [160, 100, 40]) {
      const cols = fitColumns(CONN_COLUMNS, width)
      const blocks = columnBlocks(cols, rows, false).map((b) => b.split('\n'))
      expect(blocks).toHaveLength(cols.length)
      const lines = rows.map((_, i) => blocks.map((b) => b[i]).join(''))
      expect(lines).toEqual(rows.map((r) => renderRow(cols, r, false)))
    }
  })

  it('styles each cell of a row, the separating space included', () => {
    const cols = fitColumns(CONN_COLUMNS, 30)
    const blocks = columnBlocks(cols, rows, true, (r, t) => (r.stale ? `<${t}>` : t))
    expect(blocks[1].split('\n')[2]).toBe('<   333>')
    expect(blocks[0].split('\n')[0]).toBe('n1      ')
  })

  it('pads and cuts by terminal columns, so a wide (CJK) name keeps every column straight', () => {
    const mixed = [row(1), row(2, {name: '注文処理'}), row(3, {name: '注文処理サービス'})]
    const cols = fitColumns(CONN_COLUMNS, 160)
    const widths = mixed.map((r) => displayWidth(renderRow(cols, r, false)))
    expect(new Set(widths).size).toBe(1)
    for (const block of columnBlocks(cols, mixed, false)) {
      expect(new Set(block.split('\n').map((l) => displayWidth(l))).size, block).toBe(1)
    }
  })

  it('gives empty blocks for no rows', () => {
    expect(columnBlocks(fitColumns(CONN_COLUMNS, 160), [], false).every((b) => b === '')).toBe(true)
  })
})

import {describe, expect, it} from 'vitest'

import type {ConnRow} from '../../../src/lib/monitoring/feed.js'

import {displayWidth} from '../../../src/lib/format/width.js'
import {columnBlocks, CONN_COLUMNS, fitColumns, renderRow, serverLine, TREND_CELLS, trendText, withTrend} from '../../../src/lib/monitoring/view.js'
import {server} from '../../ui/top-fixtures.js'

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

describe('sparklines in the view', () => {
  it('draws a minute in TREND_CELLS, right-aligned, blank without history', () => {
    expect(trendText(undefined)).toBe(' '.repeat(TREND_CELLS))
    const minute = Float64Array.from({length: 60}, (_, i) => i)
    expect(trendText(minute)).toHaveLength(TREND_CELLS)
    expect(trendText(minute).at(-1)).toBe('█')
    expect(trendText(Float64Array.from([Number.NaN, 0, 3]))).toBe(`${' '.repeat(TREND_CELLS - 2)}▁█`)
  })

  it('a server line with sparklines puts the rates and sparklines first and keeps every other field', () => {
    const s = server('n1', {api_level: 3, slow_consumers: 2, slow_consumers_delta: 1, version: '2.12.0'})
    const plain = serverLine(s, false)
    const live = serverLine(s, false, {in: '▁▂▃', out: '███'})
    expect(plain).toMatch(/^n1 +v2\.12\.0 api 3 {2}cluster c1 {2}up 1m0s {2}cpu 1\.5% {2}mem 20 MiB {2}conns 3 {2}subs 10 {2}slow 2 \(\+1\) {2}in 100 msg\/s 1000B\/s {2}out 200 msg\/s 2KiB\/s$/)
    expect(live).toMatch(/^n1 +v2\.12\.0 api 3 {2}in 100 msg\/s 1000B\/s +▁▂▃ {2}out 200 msg\/s 2KiB\/s +███ {2}conns 3 {2}subs 10 {2}slow 2 \(\+1\) {2}cpu 1\.5% {2}mem 20 MiB {2}up 1m0s {2}cluster c1$/)
    // the sparklines start at the same column whatever the rates' widths
    const busy = serverLine(server('n1', {rates: {in_bytes: 123_456_789, in_msgs: 98_765, out_bytes: 5, out_msgs: 1}}), false, {in: 'I', out: 'O'})
    expect(busy.indexOf('I')).toBe(serverLine(server('n1'), false, {in: 'I', out: 'O'}).indexOf('I'))
    expect(busy.indexOf(' O ')).toBe(serverLine(server('n1'), false, {in: 'I', out: 'O'}).indexOf(' O '))
  })

  it('the trend column goes after MSG/S OUT and is not a sort key', () => {
    const cols = withTrend(CONN_COLUMNS, (r) => `~${r.cid}`)
    const at = cols.findIndex((c) => c.key === 'trend')
    expect(cols[at - 1].key).toBe('out_msgs_rate')
    expect(cols).toHaveLength(CONN_COLUMNS.length + 1)
    expect(cols[at].text(row(7), false)).toBe('~7')
    expect(CONN_COLUMNS.some((c) => c.key === 'trend')).toBe(false)
  })
})

// The top view on a fake feed at a fixed width: sort, reverse, filter, scroll, pause, panes, help, down servers.
import {render} from 'ink-testing-library'
import {createElement} from 'react'
import {afterEach, describe, expect, it} from 'vitest'

import type {ConnRow, ServerRow} from '../../src/lib/monitoring/feed.js'

import {CONN_COLUMNS, fitColumns, renderRow} from '../../src/lib/monitoring/view.js'
import {TopApp} from '../../src/ui/top/TopApp.js'
import {conn, FakeSource, server, snapshot, tick, until} from './top-fixtures.js'

function names(f: string): string[] {
  const out: string[] = []
  for (const l of f.split('\n')) {
    const m = /conn-\w+/.exec(l)
    if (m) out.push(m[0])
  }

  return out
}

let app: ReturnType<typeof render> | undefined
afterEach(() => app?.unmount())

function start(conns: ConnRow[], opts: {columns?: number; rows?: number; servers?: ServerRow[]} = {}) {
  const src = new FakeSource()
  app = render(createElement(TopApp, {columns: opts.columns ?? 140, initial: {filter: '', raw: false, reverse: false, sort: 'cid'}, rows: opts.rows ?? 30, source: src}))
  src.emit(snapshot(conns, opts.servers))
  return {app, src}
}

describe('top view on a fake feed (140 columns)', () => {
  const rows = [conn('n1', 1, 'conn-a', 5), conn('n1', 2, 'conn-b', 500), conn('n2', 1, 'conn-c', 50), conn('n2', 7, 'conn-d', 0, {account: 'OTHER'})]

  it('shows every server and the connections with rates, sorted by cid', async () => {
    const {app} = start(rows)
    const f = await until(app.lastFrame, (x) => x.includes('conn-d'))
    expect(f).toMatch(/n1 .*v2\.9\.10 .*in 100 msg\/s/)
    expect(f).toMatch(/n2 .*conns 3/)
    expect(f).toContain('rows 1–4 of 4')
    expect(names(f)).toEqual(['conn-a', 'conn-c', 'conn-b', 'conn-d'])
    expect(f).toMatch(/conn-b .* 500 /)
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(140)
  })

  it('sorts by the next column and reverses with r', async () => {
    const {app} = start(rows)
    await until(app.lastFrame, (x) => x.includes('conn-d'))
    // cid → name
    app.stdin.write('>')
    let f = await until(app.lastFrame, (x) => x.includes('sort: name'))
    expect(names(f)).toEqual(['conn-a', 'conn-b', 'conn-c', 'conn-d'])
    app.stdin.write('r')
    f = await until(app.lastFrame, (x) => x.includes('(reversed)'))
    expect(names(f)).toEqual(['conn-d', 'conn-c', 'conn-b', 'conn-a'])
    // walk to msgs/s in: largest first
    for (let i = 0; i < 6; i++) app.stdin.write('>') // name → ip, lang, account, subs, pending, in_msgs_rate
    app.stdin.write('r')
    f = await until(app.lastFrame, (x) => x.includes('sort: in_msgs_rate') && !x.includes('reversed'))
    expect(names(f)).toEqual(['conn-b', 'conn-c', 'conn-a', 'conn-d'])
  })

  it('filters by text (account, name, server) and clears with Esc', async () => {
    const {app} = start(rows)
    await until(app.lastFrame, (x) => x.includes('conn-d'))
    app.stdin.write('/')
    app.stdin.write('other')
    let f = await until(app.lastFrame, (x) => x.includes('rows 1–1 of 1'))
    expect(names(f)).toEqual(['conn-d'])
    app.stdin.write('\r')
    app.stdin.write('/')
    app.stdin.write('\u001B')
    f = await until(app.lastFrame, (x) => x.includes('rows 1–4 of 4'))
    expect(names(f)).toHaveLength(4)
  })

  it('scrolls and pages with a row counter', async () => {
    const many = Array.from({length: 50}, (_, i) => conn('n1', i + 1, `conn-${String(i + 1).padStart(2, '0')}`, i))
    const {app} = start(many, {rows: 20})
    // 20 rows - 2 servers - 6 lines of chrome = 12 rows per page
    let f = await until(app.lastFrame, (x) => x.includes('rows 1–12 of 50'))
    expect(names(f)[0]).toBe('conn-01')
    app.stdin.write('j')
    f = await until(app.lastFrame, (x) => x.includes('rows 2–13 of 50'))
    expect(names(f)[0]).toBe('conn-02')
    app.stdin.write('\u001B[6~') // PgDn
    f = await until(app.lastFrame, (x) => x.includes('rows 14–25 of 50'))
    app.stdin.write('G')
    f = await until(app.lastFrame, (x) => x.includes('rows 39–50 of 50'))
    expect(names(f).at(-1)).toBe('conn-50')
    app.stdin.write('g')
    await until(app.lastFrame, (x) => x.includes('rows 1–12 of 50'))
  })

  it('pause freezes the screen while the feed goes on', async () => {
    const {app, src} = start(rows)
    await until(app.lastFrame, (x) => x.includes('conn-d'))
    app.stdin.write('p')
    await until(app.lastFrame, (x) => x.includes('PAUSED'))
    src.emit(snapshot([conn('n1', 9, 'conn-new', 1)]))
    await tick()
    expect(app.lastFrame()).toContain('conn-d')
    expect(app.lastFrame()).not.toContain('conn-new')
    app.stdin.write('p')
    const f = await until(app.lastFrame, (x) => x.includes('conn-new'))
    expect(f).not.toContain('PAUSED')
  })

  it('shows a down server dimmed with its error and its last data, and a failed poll without wiping the screen', async () => {
    const down = server('n2', {error: 'connection refused at http://127.0.0.1:1', rates: null, stale: true, up: false})
    const {app, src} = start([conn('n1', 1, 'conn-a', 5), conn('n2', 3, 'conn-old', 0, {rates: null, stale: true})], {servers: [server('n1'), down]})
    const f = await until(app.lastFrame, (x) => x.includes('DOWN'))
    expect(f).toContain('1/2 servers up')
    expect(f).toMatch(/n2 .*DOWN: connection refused/)
    expect(f).toContain('conn-old')
    src.emit(snapshot([conn('n1', 1, 'conn-a', 5)]), new Error('boom'))
    await until(app.lastFrame, (x) => x.includes('poll failed: boom'))
  })

  it('switches to the JetStream, routes and health panes and shows help', async () => {
    const {app} = start(rows)
    await until(app.lastFrame, (x) => x.includes('conn-d'))
    app.stdin.write('2')
    let f = await until(app.lastFrame, (x) => x.includes('Streams (1)'))
    expect(f).toMatch(/ORDERS .*APP .*10 .*42 .*n1 .*⚠ n2~3/)
    app.stdin.write('3')
    f = await until(app.lastFrame, (x) => x.includes('Routes (0)'))
    expect(f).toContain('Leafnodes (0)')
    app.stdin.write('4')
    f = await until(app.lastFrame, (x) => x.includes('Health'))
    expect(f).toMatch(/n1 +ok/)
    app.stdin.write('?')
    f = await until(app.lastFrame, (x) => x.includes('natsx top keys'))
    expect(f).toContain('reverse the sort order')
    app.stdin.write('x')
    await until(app.lastFrame, (x) => !x.includes('natsx top keys'))
  })

  it('lists gateway links under routes and leafnodes', async () => {
    const {app, src} = start(rows)
    await until(app.lastFrame, (x) => x.includes('conn-d'))
    const route = {accounts: ['$SYS'], in_msgs: 2500, ip: '127.0.0.1', out_msgs: 9, pending_bytes: 0, pool: 4, port: 6222, rates: null, remote: 'n2', rtt_ms: 0.2, server: 'n1'}
    const leaf = {account: '$G', in_msgs: 3, ip: '127.0.0.1', name: 'edge', out_msgs: 4, port: 50_002, server: 'n1', subscriptions: 5}
    const link = {configured: true, direction: 'outbound' as const, gateway: 'east', in_msgs: 1500, ip: '127.0.0.1', out_msgs: 7, pending_bytes: 0, port: 7222, remote: 'west', rtt_ms: 0.4, server: 'n1'}
    src.emit({...snapshot(rows), gateways: [link, {...link, configured: false, direction: 'inbound', port: 50_001, server: 'n2'}], leafs: [leaf], routes: [route]})
    app.stdin.write('3')
    const f = await until(app.lastFrame, (x) => x.includes('Gateways (2)'))
    // one route row per peer with its pool of connections; the leaf's own name (2.10+)
    expect(f).toMatch(/n1 +n2 +4 127\.0\.0\.1:6222 +200µs/)
    expect(f).toMatch(/n1 +edge +\$G +127\.0\.0\.1:50002/)
    expect(f).toMatch(/n1 +west +out 127\.0\.0\.1:7222 +400µs +1\.5K +7 +0 B/)
    expect(f).toMatch(/n2 +west +in +127\.0\.0\.1:50001/)
  })

  it('switches to raw numbers with b', async () => {
    const {app} = start([conn('n1', 1, 'conn-a', 123_456)])
    await until(app.lastFrame, (x) => x.includes('123K'))
    app.stdin.write('b')
    await until(app.lastFrame, (x) => x.includes('123456') && x.includes('raw'))
  })
})

describe('top view at 160 columns: the rows on screen only', () => {
  it('draws the column blocks as one table line per row, µs durations included', async () => {
    const rows = [
      conn('n1', 1, 'conn-a', 5, {idle_ms: 0.25, rtt_ms: 0.688}),
      conn('n2', 2, 'conn-b', 7, {rtt_ms: 12.4, uptime_ms: 3_725_000}),
      conn('n2', 3, 'conn-old', 0, {rates: null, rtt_ms: 0.1, stale: true}),
    ]
    const {app} = start(rows, {columns: 160})
    const f = await until(app.lastFrame, (x) => x.includes('conn-old'))
    const lines = f.split('\n').filter((l) => /conn-\w+/.test(l))
    const cols = fitColumns(CONN_COLUMNS, 160)
    expect(cols.at(-1)?.key).toBe('idle')
    expect(lines).toEqual(rows.map((r) => renderRow(cols, r, false)))
    expect(lines[0]).toMatch(/ 688µs +5s +250µs$/)
  })

  it('formats only the rows that fit the screen, whatever the number of connections', async () => {
    const many = Array.from({length: 1000}, (_, i) => conn(`n${(i % 3) + 1}`, i + 1, `conn-${i + 1}`, i % 17))
    const servers = [server('n1'), server('n2'), server('n3')]
    const {app} = start(many, {columns: 160, rows: 30, servers})
    // 30 rows - 3 servers - 6 lines of chrome = 21 rows on screen
    const f = await until(app.lastFrame, (x) => x.includes('rows 1–21 of 1000'))
    expect(names(f)).toHaveLength(21)
    expect(f.split('\n').length).toBeLessThanOrEqual(30)
    app.stdin.write('G')
    const last = await until(app.lastFrame, (x) => x.includes('rows 980–1000 of 1000'))
    expect(names(last)).toHaveLength(21)
  })
})

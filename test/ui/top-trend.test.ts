// The sparklines of the top view on a fake feed (120 columns, as a tmux test's terminal): the last minute of each
// server's in and out msgs/s in its header line, and per connection a column that t turns on and off.
import {render} from 'ink-testing-library'
import {createElement} from 'react'
import {afterEach, describe, expect, it} from 'vitest'

import type {ConnRow, ServerRow} from '../../src/lib/monitoring/feed.js'

import {TopApp} from '../../src/ui/top/TopApp.js'
import {conn, FakeSource, server, snapshot, tick, until} from './top-fixtures.js'

let app: ReturnType<typeof render> | undefined
afterEach(() => app?.unmount())

const rates = (inMsgs: number, outMsgs: number) => ({in_bytes: inMsgs * 100, in_msgs: inMsgs, out_bytes: outMsgs * 100, out_msgs: outMsgs})
const line = (f: string, re: RegExp): string => f.split('\n').find((l) => re.test(l)) ?? ''
const HEAD = 'MSG/S IN+OUT'

const T0 = Date.parse('2026-11-24T00:00:00Z')

/**
 * poll `i` of a feed polled every 5 s (a minute is 12 slots: one character each), stamped 5 s after the one before
 * (or `at` ms after T0): n1's input climbs, its output is steady, n2 is idle; conn-a's rate climbs, conn-b's falls,
 * conn-c appears only when `withC`
 */
function frame(i: number, withB = true, withC = false, at = i * 5000) {
  const servers: ServerRow[] = [server('n1', {rates: rates(i * 10, 50)}), server('n2', {rates: rates(0, 0)})]
  const conns: ConnRow[] = [conn('n1', 1, 'conn-a', i * 100)]
  if (withB) conns.push(conn('n2', 2, 'conn-b', (7 - i) * 100))
  if (withC) conns.push(conn('n1', 3, 'conn-c', 42))
  return {...snapshot(conns, servers), interval_ms: 5000, seq: i + 1, time: new Date(T0 + at).toISOString()}
}

describe('top sparklines on a fake feed (120 columns)', () => {
  it('draws each server\'s last minute of in and out msgs/s in its header line', async () => {
    const src = new FakeSource()
    app = render(createElement(TopApp, {columns: 120, initial: {filter: '', raw: false, reverse: false, sort: 'cid'}, rows: 30, source: src}))
    src.emit(frame(0))
    await until(app.lastFrame, (x) => x.includes('conn-b'))
    for (let i = 1; i < 8; i++) src.emit(frame(i))
    const f = await until(app.lastFrame, (x) => /in 70 msg\/s/.test(x))
    const n1 = line(f, /^. n1 /)
    // oldest to newest, scaled to the line's own peak; the rest of the minute is not there yet (blank)
    expect(n1).toMatch(/in 70 msg\/s 6\.8KiB\/s +▁▂▃▄▅▆▇█ +out 50 msg\/s /)
    expect(n1).toMatch(/out 50 msg\/s .* {4}█{8} /)
    // an idle server: a line of the lowest block
    expect(line(f, /^. n2 /)).toMatch(/in 0 msg\/s 0B\/s +▁{8} /)
    // the sparklines of both servers line up
    expect(n1.indexOf('▁▂▃')).toBe(line(f, /^. n2 /).indexOf('▁'.repeat(8)))
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(120)
    // the connection column is off by default
    expect(f).not.toContain(HEAD)
    expect(line(f, /conn-a/)).not.toMatch(/[▁▂▃▄▅▆▇█]/)
  })

  it('t adds the connections\' column (in + out msgs/s), drops the ones that are gone, t removes it', async () => {
    const src = new FakeSource()
    app = render(createElement(TopApp, {columns: 120, initial: {filter: '', raw: false, reverse: false, sort: 'cid'}, rows: 30, source: src}))
    for (let i = 0; i < 8; i++) src.emit(frame(i))
    await until(app.lastFrame, (x) => /in 70 msg\/s/.test(x))
    app.stdin.write('t')
    let f = await until(app.lastFrame, (x) => x.includes(HEAD))
    // right after MSG/S OUT; the newest point at the right edge of the column
    expect(line(f, /^SERVER +CID/)).toMatch(/MSG\/S OUT MSG\/S IN\+OUT$/)
    expect(line(f, /conn-a/)).toMatch(/ {4}▁▂▃▄▅▆▇█$/)
    expect(line(f, /conn-b/)).toMatch(/ {4}█▇▆▅▄▃▂▁$/)
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(120)

    // conn-b closes and a cid 2 comes back on n2: a new connection, with no history of the old one
    src.emit(frame(8, false, true))
    f = await until(app.lastFrame, (x) => x.includes('conn-c') && !x.includes('conn-b'))
    expect(line(f, /conn-c/)).toMatch(/ {11}█$/)
    src.emit(frame(9, true, true))
    f = await until(app.lastFrame, (x) => x.includes('conn-b'))
    expect(line(f, /conn-b/)).toMatch(/ {11}▁$/)
    // scaled to its new peak
    expect(line(f, /conn-a/)).toMatch(/ {2}▁▂▃▃▄▅▆▆▇█$/)

    // paused, the sparklines stay as they were while the feed goes on
    app.stdin.write('p')
    await until(app.lastFrame, (x) => x.includes('PAUSED'))
    src.emit(frame(10))
    src.emit(frame(11))
    await tick()
    f = app.lastFrame() ?? ''
    expect(line(f, /^. n1 /)).toMatch(/in 90 msg\/s/)
    expect(line(f, /conn-a/)).toMatch(/ {2}▁▂▃▃▄▅▆▆▇█$/)
    app.stdin.write('p')
    f = await until(app.lastFrame, (x) => !x.includes('PAUSED') && /in 110 msg\/s/.test(x))
    expect(line(f, /conn-a/)).toMatch(/ ▁▂▂▃▄▄▅▅▆▇▇█$/)

    app.stdin.write('t')
    f = await until(app.lastFrame, (x) => !x.includes(HEAD))
    expect(line(f, /conn-a/)).not.toMatch(/[▁▂▃▄▅▆▇█]/)
    // the header keeps its sparklines
    expect(line(f, /^. n1 /)).toMatch(/[▁▂▃▄▅▆▇█]{12}/)
  })

  it('draws a poll that came late as a gap, and a stall longer than the minute as an empty minute', async () => {
    const src = new FakeSource()
    app = render(createElement(TopApp, {columns: 120, initial: {filter: '', raw: false, reverse: false, sort: 'cid'}, rows: 30, source: src}))
    for (let i = 0; i < 4; i++) src.emit(frame(i))
    // polls 4 and 5 come 5 s late each (a slow server): their slots are blank, not squeezed together
    src.emit(frame(4, true, false, 25_000))
    src.emit(frame(5, true, false, 35_000))
    let f = await until(app.lastFrame, (x) => /in 50 msg\/s/.test(x))
    expect(line(f, /^. n1 /)).toMatch(/in 50 msg\/s \S+ +▁▂▄▅ ▇ █ +out 50 msg\/s .* {4}████ █ █ /)
    expect(line(f, /^. n2 /)).toMatch(/in 0 msg\/s 0B\/s +▁▁▁▁ ▁ ▁ /)
    // two minutes without a poll: the next one is all the minute holds
    src.emit(frame(6, true, false, 155_000))
    f = await until(app.lastFrame, (x) => /in 60 msg\/s/.test(x))
    expect(line(f, /^. n1 /)).toMatch(/in 60 msg\/s \S+ +█ {2}out 50 msg\/s \S+ {12,}█ {2}conns /)
    // the first 11 cells of the in sparkline are blank too (the padding before it is the rate column's)
    expect(line(f, /^. n1 /)).toMatch(/ {12}█ {2}out /)
  })

  it('lists t in the help overlay', async () => {
    const src = new FakeSource()
    app = render(createElement(TopApp, {columns: 120, initial: {filter: '', raw: false, reverse: false, sort: 'cid'}, rows: 30, source: src}))
    src.emit(frame(0))
    await until(app.lastFrame, (x) => x.includes('conn-a'))
    app.stdin.write('?')
    const f = await until(app.lastFrame, (x) => x.includes('natsx top keys'))
    expect(f).toMatch(/│ +t +trend column: each connection's msgs\/s \(in \+ out\) over the last minute/)
  })
})

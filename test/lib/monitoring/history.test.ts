import {describe, expect, it} from 'vitest'

import type {ConnRow, ServerRow, TopSnapshot} from '../../../src/lib/monitoring/feed.js'

import {connKey, historyLength, RateHistory, RateRing, SlotClock} from '../../../src/lib/monitoring/history.js'
import {conn, server} from '../../ui/top-fixtures.js'

const T0 = Date.parse('2026-11-24T00:00:00Z')
const iso = (ms: number): string => new Date(T0 + ms).toISOString()
/** the snapshots of a feed polled every `interval_ms` ms: the nth one (from 0) is stamped n intervals after T0 */
let polls = 0
const snap = (servers: ServerRow[], connections: ConnRow[], interval_ms = 1000, time = iso(polls++ * interval_ms)): Pick<TopSnapshot, 'connections' | 'interval_ms' | 'servers' | 'time'> => ({
  connections,
  interval_ms,
  servers,
  time,
})
const rates = (inMsgs: number, outMsgs: number) => ({in_bytes: 0, in_msgs: inMsgs, out_bytes: 0, out_msgs: outMsgs})
const list = (a: number[] | undefined): number[] => [...(a ?? [])]
/** a server's in msgs/s at `ms` after T0 (a 1 s interval) */
const at = (ms: number, inMsgs: null | number) =>
  snap([server('n1', {rates: inMsgs === null ? null : rates(inMsgs, 0)})], [], 1000, iso(ms))
/** the newest `n` slots of n1's in msgs/s */
const tail = (h: RateHistory, n: number): number[] => list(h.server('n1')?.in).slice(-n)
const NaN_ = Number.NaN

describe('SlotClock', () => {
  it('puts regular polls in consecutive slots, jitter of less than half an interval included', () => {
    const c = new SlotClock(1000, 60)
    expect(c.newest).toBeUndefined()
    const slots = [0, 1000, 2000, 3000, 4400, 4800, 6000, 7000].map((t) => c.place(T0 + t))
    expect(slots.map((p) => p.slot)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(slots.every((p) => !p.reset)).toBe(true)
  })

  it('skips a slot for a poll a whole interval late, and keeps two samples of one instant in one slot', () => {
    const c = new SlotClock(1000, 60)
    expect([0, 1000, 3000, 3000, 4000].map((t) => c.place(T0 + t).slot)).toEqual([0, 1, 3, 3, 4])
  })

  it('follows timers that run late by a few ms every poll, without ever skipping a slot', () => {
    const c = new SlotClock(1000, 60)
    // 10,000 polls, each started 30 ms later than an interval after the previous one: 300 s of drift
    for (let i = 0; i < 10_000; i++) expect(c.place(T0 + i * 1030).slot).toBe(i)
  })

  it('keeps the slots per minute fixed by the clock when polls are slow: a 1.5 s poll leaves a gap every third slot', () => {
    const c = new SlotClock(1000, 60)
    const slots = Array.from({length: 41}, (_, i) => c.place(T0 + i * 1500).slot)
    // 60 s of polls cover 60 slots (give or take the grid's slow drift), not 41
    expect(slots.at(-1)).toBeGreaterThanOrEqual(56)
    expect(slots.at(-1)).toBeLessThanOrEqual(60)
    expect(new Set(slots).size).toBe(41)
  })

  it('puts a sample from a clock gone back a little in the newest slot, and starts over when it went back past the window', () => {
    const c = new SlotClock(1000, 60)
    c.place(T0)
    c.place(T0 + 5000)
    expect(c.place(T0 + 3200)).toEqual({reset: false, slot: 5})
    expect(c.place(T0 + 6000)).toEqual({reset: false, slot: 6})
    expect(c.place(T0 + 6000 - 61_000)).toEqual({reset: true, slot: 0})
    expect(c.place(T0 - 54_000)).toEqual({reset: false, slot: 1})
  })

  it('counts a sample with no readable time as the slot after the newest', () => {
    const c = new SlotClock(1000, 60)
    expect(c.place(Number.NaN).slot).toBe(0)
    expect(c.place(Number.NaN).slot).toBe(1)
    expect(c.place(T0).slot).toBe(0)
    expect(c.place(Number.NaN).slot).toBe(1)
  })
})

describe('RateRing', () => {
  it('keeps the last `capacity` slots, oldest first, empty slots NaN', () => {
    const r = new RateRing(4)
    expect(list(r.values()).every((v) => Number.isNaN(v))).toBe(true)
    r.put(0, 1)
    r.put(1, 2)
    expect(list(r.values())).toEqual([NaN_, NaN_, 1, 2])
    for (let i = 3; i <= 10; i++) r.put(i - 1, i)
    expect(list(r.values())).toEqual([7, 8, 9, 10])
    r.put(10, null)
    r.put(11, Number.POSITIVE_INFINITY)
    expect(list(r.values())).toEqual([9, 10, NaN_, NaN_])
  })

  it('empties the slots a jump skips, ignores slots older than the window, and draws up to a later edge', () => {
    const r = new RateRing(4)
    r.put(0, 1)
    r.put(1, 2)
    r.put(3, 4)
    expect(list(r.values())).toEqual([1, 2, NaN_, 4])
    r.put(2, 3)
    expect(list(r.values())).toEqual([1, 2, 3, 4])
    r.put(-1, 9)
    expect(list(r.values())).toEqual([1, 2, 3, 4])
    // an edge past the newest slot: the slots after it are empty
    expect(list(r.values(5))).toEqual([3, 4, NaN_, NaN_])
    // a jump of more than the window empties all of it
    r.put(1000, 5)
    expect(list(r.values())).toEqual([NaN_, NaN_, NaN_, 5])
  })

  it('two samples in one slot: the later rate wins, and a gap does not erase a rate', () => {
    const r = new RateRing(3)
    r.put(0, 1)
    r.put(0, 2)
    expect(list(r.values())).toEqual([NaN_, NaN_, 2])
    r.put(0, null)
    expect(list(r.values())).toEqual([NaN_, NaN_, 2])
  })

  it('stays the same size after many writes, and a copy does not follow the original', () => {
    const r = new RateRing(60)
    for (let i = 0; i < 100_000; i++) r.put(i, i)
    expect(r.values()).toHaveLength(60)
    expect(r.values()[59]).toBe(99_999)
    const c = r.copy()
    r.put(100_000, -1)
    expect(c.values()[59]).toBe(99_999)
    expect(r.values()[59]).toBe(-1)
  })
})

describe('RateHistory on the clock (a 1 s interval: 60 one-second slots)', () => {
  it('regular polls fill consecutive slots', () => {
    const h = new RateHistory()
    for (let i = 0; i < 5; i++) h.add(at(i * 1000 + (i % 2 ? 90 : -90), i + 1))
    expect(tail(h, 6)).toEqual([NaN_, 1, 2, 3, 4, 5])
    expect(h.server('n1')!.in).toHaveLength(60)
  })

  it('a late poll leaves its slot empty: a gap, not a continuous line', () => {
    const h = new RateHistory()
    h.add(at(0, 1))
    h.add(at(1000, 2))
    h.add(at(3000, 4))
    h.add(at(4000, 5))
    expect(tail(h, 5)).toEqual([1, 2, NaN_, 4, 5])
  })

  it('two samples in one slot: the latest wins', () => {
    const h = new RateHistory()
    h.add(at(0, 1))
    h.add(at(1000, 2))
    h.add(at(1100, 7))
    h.add(at(2000, 3))
    expect(tail(h, 3)).toEqual([1, 7, 3])
  })

  it('a stall longer than the window: everything before it drops out by time', () => {
    const h = new RateHistory()
    for (let i = 0; i < 60; i++) h.add(at(i * 1000, 5))
    expect(tail(h, 60).every((v) => v === 5)).toBe(true)
    // 90 s without a poll, then one: the minute holds that one sample only
    h.add(at(59_000 + 90_000, 8))
    expect(tail(h, 60)).toEqual([...Array.from({length: 59}, () => NaN_), 8])
    // a stall shorter than the window keeps what is still inside it
    h.add(at(149_000 + 30_000, 9))
    const t = tail(h, 60)
    expect(t.filter((v) => !Number.isNaN(v))).toEqual([8, 9])
    expect(t.indexOf(8)).toBe(29)
  })

  it('a clock going back a little neither throws nor reorders: the sample joins the newest slot', () => {
    const h = new RateHistory()
    h.add(at(0, 1))
    h.add(at(1000, 2))
    h.add(at(2000, 3))
    expect(() => h.add(at(1500, 4))).not.toThrow()
    expect(tail(h, 4)).toEqual([NaN_, 1, 2, 4])
    h.add(at(3000, 5))
    expect(tail(h, 4)).toEqual([1, 2, 4, 5])
    // further back than the window: the history starts over rather than drawing a minute of nonsense
    h.add(at(3000 - 120_000, 6))
    expect(tail(h, 60).filter((v) => !Number.isNaN(v))).toEqual([6])
    h.add(at(4000 - 120_000, 7))
    expect(tail(h, 2)).toEqual([6, 7])
  })
})

describe('historyLength', () => {
  it('is a minute of points at the interval, rounded up, at least one', () => {
    expect(historyLength(1000)).toBe(60)
    expect(historyLength(500)).toBe(120)
    expect(historyLength(7000)).toBe(9)
    expect(historyLength(120_000)).toBe(1)
    expect(historyLength(0)).toBe(1)
  })
})

describe('RateHistory', () => {
  it('records in and out msgs/s per server (by target) and in + out per connection', () => {
    const h = new RateHistory()
    h.add(snap([server('n1', {rates: rates(10, 20)})], [conn('n1', 1, 'a', 5, {rates: rates(5, 7)})]))
    h.add(snap([server('n1', {rates: rates(11, 21)})], [conn('n1', 1, 'a', 5, {rates: rates(6, 8)})]))
    expect(h.length).toBe(60)
    const s = h.server('n1')!
    expect(s.in).toHaveLength(60)
    expect(list(s.in).slice(-2)).toEqual([10, 11])
    expect(list(s.out).slice(-2)).toEqual([20, 21])
    expect(list(h.connection(connKey({cid: 1, server_id: 'IDn1'}))).slice(-2)).toEqual([12, 14])
    expect(h.server('n9')).toBeUndefined()
  })

  it('has a gap where there is no rate: a first poll, a new connection, a down or stale server, a stale row', () => {
    const h = new RateHistory()
    h.add(snap([server('n1', {rates: null})], [conn('n1', 1, 'a', 0, {new: true, rates: null})]))
    h.add(snap([server('n1', {rates: rates(3, 3)})], [conn('n1', 1, 'a', 0, {rates: rates(1, 1)})]))
    h.add(snap([server('n1', {rates: rates(3, 3), stale: true, up: false})], [conn('n1', 1, 'a', 0, {rates: rates(1, 1), stale: true})]))
    expect(list(h.server('n1')!.in).slice(-3)).toEqual([Number.NaN, 3, Number.NaN])
    expect(list(h.connection('IDn1:1')).slice(-3)).toEqual([Number.NaN, 2, Number.NaN])
  })

  it('stays bounded after many pushes and drops the connections that are gone', () => {
    const h = new RateHistory()
    const servers = [server('n1'), server('n2')]
    // 5,000 polls; 100 connections, a fifth of them replaced by new cids every poll
    for (let i = 0; i < 5000; i++) {
      const conns = Array.from({length: 100}, (_, k) => conn(k % 2 ? 'n1' : 'n2', k < 80 ? k + 1 : 1000 + i * 20 + k, `c${k}`, i % 17))
      h.add(snap(servers, conns))
      expect(h.size).toEqual({connections: 100, servers: 2})
    }

    expect(h.connection('IDn1:2')).toHaveLength(60)
    // a connection of an earlier poll is gone from the history
    expect(h.connection(`IDn1:${1000 + 4998 * 20 + 81}`)).toBeUndefined()
    expect(h.connection(`IDn1:${1000 + 4999 * 20 + 81}`)).toHaveLength(60)
    // a server no longer polled is dropped too; an empty snapshot empties it
    h.add(snap([server('n1')], []))
    expect(h.size).toEqual({connections: 0, servers: 1})
    expect(h.connection('IDn1:2')).toBeUndefined()
  })

  it('a cid on another server is another connection; a restarted server (new id) starts its connections over', () => {
    const h = new RateHistory()
    h.add(snap([server('n1'), server('n2')], [conn('n1', 1, 'a', 4), conn('n2', 1, 'b', 9)]))
    expect(h.size.connections).toBe(2)
    expect(list(h.connection('IDn1:1')).at(-1)).toBe(4)
    expect(list(h.connection('IDn2:1')).at(-1)).toBe(9)
    h.add(snap([server('n1', {id: 'NEW'}), server('n2')], [conn('n1', 1, 'a', 4, {server_id: 'NEW'}), conn('n2', 1, 'b', 9)]))
    expect(h.connection('IDn1:1')).toBeUndefined()
    expect(list(h.connection('NEW:1')).filter((v) => !Number.isNaN(v))).toEqual([4])
    // the server's own series outlives its restart (it is keyed by target)
    expect(list(h.server('n1')!.in).filter((v) => !Number.isNaN(v))).toHaveLength(2)
  })

  it('adds nothing for the same snapshot twice, and starts over when the interval changes', () => {
    const h = new RateHistory()
    const s = snap([server('n1')], [conn('n1', 1, 'a', 1)])
    h.add(s)
    h.add(s)
    expect(list(h.server('n1')!.in).filter((v) => !Number.isNaN(v))).toHaveLength(1)
    h.add(snap([server('n1')], [conn('n1', 1, 'a', 1)], 500))
    expect(h.length).toBe(120)
    expect(list(h.server('n1')!.in).filter((v) => !Number.isNaN(v))).toHaveLength(1)
  })

  it('a clone is a still picture: later pushes do not change it', () => {
    const h = new RateHistory()
    h.add(snap([server('n1', {rates: rates(1, 1)})], [conn('n1', 1, 'a', 1)]))
    const still = h.clone()
    h.add(snap([server('n1', {rates: rates(2, 2)})], []))
    expect(list(still.server('n1')!.in).at(-1)).toBe(1)
    expect(still.connection('IDn1:1')).toBeDefined()
    expect(list(h.server('n1')!.in).at(-1)).toBe(2)
    expect(h.connection('IDn1:1')).toBeUndefined()
  })
})

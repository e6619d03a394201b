import {describe, expect, it} from 'vitest'

import type {ConnRow, ServerRow, TopSnapshot} from '../../../src/lib/monitoring/feed.js'

import {connKey, historyLength, RateHistory, RateRing} from '../../../src/lib/monitoring/history.js'
import {conn, server} from '../../ui/top-fixtures.js'

const snap = (servers: ServerRow[], connections: ConnRow[], interval_ms = 1000): Pick<TopSnapshot, 'connections' | 'interval_ms' | 'servers'> => ({
  connections,
  interval_ms,
  servers,
})
const rates = (inMsgs: number, outMsgs: number) => ({in_bytes: 0, in_msgs: inMsgs, out_bytes: 0, out_msgs: outMsgs})
const list = (a: number[] | undefined): number[] => [...(a ?? [])]

describe('RateRing', () => {
  it('keeps the last `capacity` values, oldest first, not-yet-written slots NaN', () => {
    const r = new RateRing(4)
    expect(list(r.values()).every((v) => Number.isNaN(v))).toBe(true)
    r.add(1)
    r.add(2)
    expect(list(r.values())).toEqual([Number.NaN, Number.NaN, 1, 2])
    for (let i = 3; i <= 10; i++) r.add(i)
    expect(list(r.values())).toEqual([7, 8, 9, 10])
    r.add(null)
    r.add(Number.POSITIVE_INFINITY)
    expect(list(r.values())).toEqual([9, 10, Number.NaN, Number.NaN])
  })

  it('stays the same size after many pushes, and a copy does not follow the original', () => {
    const r = new RateRing(60)
    for (let i = 0; i < 100_000; i++) r.add(i)
    expect(r.values()).toHaveLength(60)
    expect(r.values()[59]).toBe(99_999)
    const c = r.copy()
    r.add(-1)
    expect(c.values()[59]).toBe(99_999)
    expect(r.values()[59]).toBe(-1)
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

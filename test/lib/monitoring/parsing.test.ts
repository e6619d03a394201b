import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import type {Connz, Jsz, Leafz, Varz} from '../../../src/lib/monitoring/types.js'

import {parseGoDuration, parseMonitorJson, parseTime} from '../../../src/lib/monitoring/json.js'
import {computeRates, RateBook} from '../../../src/lib/monitoring/rates.js'
import {httpQuery, normaliseMonitorUrl, sysBody} from '../../../src/lib/monitoring/transport.js'

const SAMPLES = '/work/shared/monitoring-samples'
const sample = <T>(f: string): T => parseMonitorJson<T>(readFileSync(`${SAMPLES}/${f}`, 'utf8'))

describe('monitoring JSON', () => {
  it('turns uint64 sentinels into -1 and keeps ordinary numbers', () => {
    const j = parseMonitorJson<{a: number; b: number; c: number[]}>('{"a": 18446744073709551615, "b": 12, "c": [9223372036854775808, 5]}')
    expect(j).toEqual({a: -1, b: 12, c: [-1, 5]})
  })

  it('parses the 2.9.10 jsz sample with its reserved_memory sentinel', () => {
    const raw = readFileSync(`${SAMPLES}/jsz.json`, 'utf8')
    expect(raw).toContain('18446744073709551615')
    const j = sample<Jsz & {account_details: Array<{reserved_memory: number}>}>('jsz.json')
    expect(j.account_details[0].reserved_memory).toBe(-1)
    expect(j.account_details?.[0].stream_detail?.[0].name).toBe('ORDERS')
  })

  it('parses nanosecond timestamps and Go durations', () => {
    expect(parseTime('2026-11-23T05:06:17.15503859Z') - Date.parse('2026-11-23T05:06:17Z')).toBeCloseTo(155.038_59, 3)
    expect(Number.isNaN(parseTime('0001-01-01T00:00:00Z'))).toBe(true)
    // the server's form is read without Date.parse; offsets, odd forms and nonsense give what Date.parse gives
    expect(parseTime('2026-11-23T06:06:17.5+01:00')).toBe(Date.parse('2026-11-23T05:06:17.500Z'))
    expect(parseTime('2026-11-23T00:06:17-05:30')).toBe(Date.parse('2026-11-23T05:36:17Z'))
    expect(parseTime('2026-11-23T05:06:17.000000001Z')).toBeCloseTo(Date.parse('2026-11-23T05:06:17Z'), 5)
    for (const odd of ['2026-11-23 05:06:17Z', '2026-11-23T05:06:17', '2026-11-23T05:06:17+0100'])
      expect(parseTime(odd)).toBe(Date.parse(odd))
    for (const bad of ['2026-13-01T00:00:00Z', '2026-11-23T25:06:17Z', '2026-11-23T05:06:17.Z', '2026-11-23T05:06:17.1x2Z', 'soon'])
      expect(Number.isNaN(parseTime(bad))).toBe(true)
    expect(parseGoDuration('688µs')).toBeCloseTo(0.688)
    expect(parseGoDuration('2.489615ms')).toBeCloseTo(2.489_615)
    expect(parseGoDuration('1m47.922127283s')).toBeCloseTo(107_922.127, 2)
    expect(parseGoDuration('1d2h3m4s')).toBe(93_784_000)
    expect(parseGoDuration(undefined)).toBeUndefined()
  })

  it('reads the samples without assuming omitempty fields', () => {
    const v = sample<Varz>('varz.json')
    expect(v.server_id).toMatch(/^N/)
    const c = sample<Connz>('connz.json')
    expect(c.connections?.length).toBeGreaterThan(0)
    expect(sample<Leafz>('leafz.json').leafs).toBeNull()
  })
})

describe('rates', () => {
  const s = (now: number, n: number, epoch = 'a') => ({counters: {in_msgs: n}, epoch, now})

  it('uses the server clock and gives no rate the first time', () => {
    expect(computeRates(undefined, s(0, 10))).toEqual({isNew: true, rates: null, reset: false})
    expect(computeRates(s(1000, 10), s(3000, 110)).rates).toEqual({in_msgs: 50})
  })

  it('never gives a negative rate after a restart or a counter going back', () => {
    expect(computeRates(s(1000, 100), s(2000, 5, 'b'))).toEqual({isNew: false, rates: null, reset: true})
    expect(computeRates(s(1000, 100), s(2000, 5))).toEqual({isNew: false, rates: null, reset: true})
  })

  it('keeps the older sample when the same answer comes twice, and forgets unseen keys', () => {
    const b = new RateBook<'in_msgs'>()
    b.update('k', s(1000, 0))
    expect(b.update('k', s(1000, 0)).rates).toBeNull()
    expect(b.update('k', s(2000, 100)).rates).toEqual({in_msgs: 100})
    b.update('gone', s(0, 0))
    b.retain(new Set(['k']))
    expect(b.size).toBe(1)
  })

  it('computes a per-second rate between two real connz samples', () => {
    // the sample's publisher sent ~4000 msgs/s; a second sample 2 s later with 8000 more messages
    const c = sample<Connz>('connz.json')
    const conn = c.connections![0]
    const t = parseTime(c.now)
    const r = computeRates(
      {counters: {in_msgs: conn.in_msgs!}, epoch: conn.start!, now: t},
      {counters: {in_msgs: conn.in_msgs! + 8000}, epoch: conn.start!, now: t + 2000},
    )
    expect(r.rates?.in_msgs).toBe(4000)
  })
})

describe('transport options', () => {
  it('maps neutral options to HTTP query names and $SYS body names', () => {
    expect(httpQuery('connz', {auth: true, limit: 10, offset: 20, subs: true}).toString()).toBe('subs=true&auth=true&offset=20&limit=10')
    expect(sysBody('connz', {auth: true, limit: 10, state: 'closed', subs: true})).toEqual({auth: true, limit: 10, state: 1, subscriptions: true})
    expect(sysBody('jsz', {consumers: true, streams: true})).toEqual({consumer: true, streams: true})
    expect(httpQuery('healthz', {js_server_only: true}).toString()).toBe('js-server-only=true')
    expect(httpQuery('accountz', {account: 'APP'}).toString()).toBe('acc=APP')
    expect(sysBody('accountz', {account: 'APP'})).toEqual({account: 'APP'})
  })

  it('accepts host:port and full URLs for --monitor', () => {
    expect(normaliseMonitorUrl('localhost:8222')).toBe('http://localhost:8222')
    expect(normaliseMonitorUrl('myhost')).toBe('http://myhost:8222')
    expect(normaliseMonitorUrl('https://h:8443/')).toBe('https://h:8443')
    expect(() => normaliseMonitorUrl('nats://h:4222')).toThrow(/not an http/)
  })
})

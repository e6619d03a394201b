import {describe, expect, it} from 'vitest'

import {banner, csv, humanSummary, progressLine} from '../../../src/lib/bench/report.js'
import {progressTarget, shares} from '../../../src/lib/bench/runner.js'
import {decodeHistogram, encodeHistogram, newHistogram, spread, summarize} from '../../../src/lib/bench/stats.js'
import {type BenchSpec} from '../../../src/lib/bench/types.js'

const spec: BenchSpec = {
  clients: 2,
  mode: 'request',
  msgs: 4,
  multisubject: 0,
  rate: 0,
  runId: 'r1',
  size: 10,
  subject: 's',
  timeoutMs: 1000,
}

describe('bench figures', () => {
  it('splits messages between publishing clients and gives receivers all of them', () => {
    expect(shares({clients: 3, mode: 'pub', msgs: 10})).toEqual([
      {msgs: 4, startIndex: 0},
      {msgs: 3, startIndex: 4},
      {msgs: 3, startIndex: 7},
    ])
    expect(shares({clients: 2, mode: 'sub', msgs: 10}).map((s) => s.msgs)).toEqual([10, 10])
    expect(progressTarget({clients: 2, mode: 'sub', msgs: 10})).toBe(20)
    expect(progressTarget({clients: 2, mode: 'js fetch', msgs: 10})).toBe(10)
  })

  it('computes rates over the span of all clients and merges latency histograms', () => {
    const h1 = newHistogram()
    for (const us of [100, 200]) h1.recordValue(us * 1000)
    const h2 = newHistogram()
    for (const us of [300, 400]) h2.recordValue(us * 1000)
    const r = summarize(
      spec,
      [
        {bytes: 20, end: 3000, histogram: encodeHistogram(h2), id: 2, msgs: 2, start: 2000, warnings: ['slow']},
        {bytes: 20, end: 2000, histogram: encodeHistogram(h1), id: 1, msgs: 2, start: 1000, warnings: []},
      ],
      {interrupted: false},
    )
    expect(r.clients.map((c) => c.id)).toEqual([1, 2])
    expect(r.clients[0]).toMatchObject({bytes: 20, msgs: 2, msgs_per_sec: 2, seconds: 1})
    expect(r.total).toEqual({bytes: 40, bytes_per_sec: 20, msgs: 4, msgs_per_sec: 2, seconds: 2})
    expect(r.latency?.count).toBe(4)
    expect(r.latency?.min).toBeCloseTo(100, 0)
    expect(r.latency?.max).toBeCloseTo(400, 0)
    expect(r.latency?.p50).toBeCloseTo(200, 0)
    // the merged histogram travels in the JSON for CI baselines
    expect(decodeHistogram(r.latency!.histogram!).totalCount).toBe(4)
    expect(r.warnings).toEqual(['client 2: slow'])
    const lines = csv(r, 'r1').trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[1].split(',').slice(0, 7)).toEqual(['r1', '1', '2', '20', '2', '20', '1'])
  })

  it('spread is min/avg/max and the population standard deviation', () => {
    expect(spread([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({avg: 5, max: 9, min: 2, stddev: 2})
  })

  it('draws a progress line', () => {
    expect(progressLine(50, 100, 1000, undefined, 10)).toBe('[=====>    ]  50% 50/100 msgs 50 msgs/sec')
  })
})

describe('bench text', () => {
  it('banner and summary read like natscli', () => {
    expect(banner({...spec, clients: 2, mode: 'pub', msgs: 1000, size: 128})).toBe(
      'Starting Pub benchmark on "s" [clients=2, msg-size=128 B, msgs=1,000]',
    )
    expect(banner({...spec, mode: 'js consume', stream: 'S', subject: '', consumer: 'c', acks: 'none', batch: 5})).toBe(
      'Starting JetStream consume benchmark on stream S [clients=2, msgs=4, consumer=c, acks=none, batch=5]',
    )
    const h = newHistogram()
    h.recordValue(150_000)
    const r = summarize(
      spec,
      [
        {bytes: 2048, end: 2000, histogram: encodeHistogram(h), id: 1, msgs: 2, start: 1000, warnings: []},
        {bytes: 2048, end: 2000, id: 2, msgs: 2, start: 1000, warnings: []},
      ],
      {interrupted: true},
    )
    const text = humanSummary(r).split('\n')
    expect(text[0]).toBe('Interrupted: figures for the work done before Ctrl-C')
    expect(text[1]).toBe('Request stats: 4 msgs/sec ~ 4 KiB/sec (4 msgs, 4 KiB in 1.000s)')
    expect(text[2]).toBe(' [1] 2 msgs/sec ~ 2 KiB/sec (2 msgs)')
    expect(text[4]).toBe(' message rates min 2 | avg 2 | max 2 | stddev 0 msgs/sec')
    expect(text[5]).toMatch(/^ latency µs: min 1(49\.9|50\.0) \| avg 150\.0 .* p99\.9 150\.0 \(1 ops\)$/)
  })
})

// The trace tree from trace messages (pure): hops matched to egresses, times from nanosecond timestamps, gaps named.
import {describe, expect, it} from 'vitest'

import type {TraceMessage} from '../../../src/lib/trace/types.js'

import {pathGaps} from '../../../src/lib/trace/collect.js'
import {buildTree, renderTree, timeNanos, traceCounts} from '../../../src/lib/trace/tree.js'

const at = (us: number): string => `2026-01-01T00:00:00.${String(us).padStart(6, '0')}123Z`
const origin: TraceMessage = {
  events: [
    {acc: '$G', cid: 5, kind: 0, subj: 'a.b', ts: at(0), type: 'in'},
    {hop: '1', kind: 4, name: 'leaf', ts: at(30), type: 'eg'},
    {kind: 0, sub: 'a.*', ts: at(10), type: 'eg'},
    {stream: 'S', subject: 'a.b', ts: at(50), type: 'js'},
  ],
  hops: 1,
  request: {header: {'Nats-Trace-Dest': ['t']}},
  server: {id: 'X', name: 'hub', ver: '2.15.1'},
}
const leaf: TraceMessage = {
  events: [
    {acc: '$G', cid: 1, kind: 4, name: 'hub', subj: 'a.b', ts: at(120), type: 'in'},
    {hop: '1.1', kind: 1, name: 'gone', ts: at(130), type: 'eg'},
  ],
  request: {header: {'Nats-Trace-Hop': ['1']}},
  server: {id: 'Y', name: 'leaf'},
}

describe('trace tree', () => {
  it('reads times to the nanosecond', () => {
    expect(timeNanos('2026-01-01T00:00:01.000002999Z') - timeNanos('2026-01-01T00:00:01Z')).toBe(2999n)
    expect(timeNanos('2026-01-01T00:00:01.5Z') - timeNanos('2026-01-01T00:00:01Z')).toBe(500_000_000n)
  })

  it('nests the leaf under its egress, ingress first then by time, and names a hop that sent nothing', () => {
    const lines = renderTree(buildTree([leaf, origin]))
    expect(lines[0]).toMatch(/^hub {2}\[nats-server 2\.15\.1\]$/)
    expect(lines.slice(1, 4).map((l) => l.trim().split(/ {2,}/)[1])).toEqual(['in', 'out', 'out'])
    expect(lines[2]).toContain('+0.010 ms  out    client cid:?, subscription a.*')
    expect(lines[3]).toContain('+0.030 ms  out    leafnode to leaf (cid:?, hop 1)')
    expect(lines[4]).toMatch(/^ {15}leaf {2}hop 1$/)
    expect(lines[6]).toContain('route to gone (cid:?, hop 1.1)  (no trace from that server)')
    expect(lines.at(-1)).toContain('js     stream S, subject a.b')
    expect(pathGaps([leaf, origin])).toEqual({missingHops: ['1.1'], origin: true})
    expect(pathGaps([leaf])).toEqual({missingHops: ['1.1'], origin: false})
    expect(traceCounts([leaf, origin])).toEqual({egress: {client: 1, leafnode: 1, route: 1}, events: 6, jetstream: 1, servers: 2})
  })

  it('a trace whose origin never came is still drawn, from what arrived', () => {
    const lines = renderTree(buildTree([leaf]))
    expect(lines[0]).toMatch(/^leaf {2}hop 1$/)
    expect(lines[1]).toContain('+0.000 ms  in     leafnode from hub (cid:1), account $G, subject a.b')
  })
})

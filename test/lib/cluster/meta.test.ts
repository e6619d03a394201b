import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import type {Jsz, ServerResult} from '../../../src/lib/monitoring/types.js'

import {metaFromJsz} from '../../../src/lib/cluster/meta.js'
import {metaGroup} from '../../../src/lib/monitoring/jetstream-summary.js'
import {parseMonitorJson} from '../../../src/lib/monitoring/json.js'

const SAMPLES = '/work/shared/monitoring-samples'
const sample = (f: string): Jsz => parseMonitorJson<Jsz>(readFileSync(`${SAMPLES}/${f}`, 'utf8'))
const answer = (name: string, data: Jsz): ServerResult<Jsz> => ({data, ok: true, rtt_ms: 1, server: {id: `ID${name}`, name}, target: name})

// n2 leads a 3-node meta group (2.9.10); n1 is a follower that, on 2.9/2.10, lists no replicas
const leader = answer('n2', sample('jsz-cluster.json'))
const follower = answer('n1', sample('jsz-cluster-nonleader.json'))

describe('the meta group from /jsz (one reader for server report jetstream and server cluster)', () => {
  it("takes the leader's own view: each follower's currency and Raft peer id, the leader's id from meta_cluster.peer", () => {
    const g = metaGroup([follower, leader])!
    expect(g).toMatchObject({cluster_size: 3, leader: 'n2', name: 'natsx-c1', reported_by: 'n2'})
    expect(g.peers.map((p) => [p.name, p.leader, p.current, p.id])).toEqual([
      ['n2', true, true, '44jzkV9D'],
      ['n1', false, true, 'fjFyEjc1'],
      ['n3', false, true, 'BXScrY9i'],
    ])
    expect(g.peers[1].active_ms).toBe(41)
    const m = metaFromJsz([follower, leader])
    expect(m).toEqual({
      cluster: 'natsx-c1',
      leader: 'n2',
      peers: [
        {current: true, id: '44jzkV9D', leader: true, name: 'n2', offline: false},
        {current: true, id: 'fjFyEjc1', leader: false, name: 'n1', offline: false},
        {current: true, id: 'BXScrY9i', leader: false, name: 'n3', offline: false},
      ],
      size: 3,
    })
  })

  it("a follower's meta_cluster.peer is the leader's id, never taken for its own", () => {
    const g = metaGroup([follower])!
    expect(g.leader).toBe('n2')
    expect(g.peers.find((p) => p.name === 'n2')?.id).toBe('44jzkV9D')
    expect(g.peers.find((p) => p.name === 'n1')?.id).toBeUndefined()
  })

  it("without the leader's answer (2.11+ followers list the others): the peers are there, their currency unknown (null), counted current by the cluster commands", () => {
    const seen: Jsz = {
      meta_cluster: {cluster_size: 3, leader: 'n2', name: 'c', peer: 'LEAD', replicas: [{active: 5e6, current: true, name: 'n2', peer: 'LEAD'}, {current: false, name: 'n3', offline: true, peer: 'THREE'}]},
    }
    const g = metaGroup([answer('n1', seen)])!
    expect(g.reported_by).toBe('n1')
    expect(g.peers.map((p) => [p.name, p.leader, p.current, p.offline])).toEqual([
      ['n2', true, null, false],
      ['n1', false, null, false],
      ['n3', false, null, true],
    ])
    const m = metaFromJsz([answer('n1', seen)])
    expect(m.peers.map((p) => [p.name, p.current, p.id ?? null])).toEqual([
      ['n2', true, 'LEAD'],
      ['n1', true, null],
      ['n3', true, 'THREE'],
    ])
  })

  it('no meta group (a lone server, or nobody answered): null for the report, no peers for the cluster commands', () => {
    expect(metaGroup([{error: 'down', ok: false, target: 'x'}])).toBeNull()
    expect(metaFromJsz([answer('solo', {})])).toEqual({peers: [], size: 0})
  })
})

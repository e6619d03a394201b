import {jetstream, jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerStepDownResult} from '../../../src/commands/consumer/cluster/step-down.js'
import type {StreamAddResult} from '../../../src/commands/stream/add.js'
import type {StreamStepDownResult} from '../../../src/commands/stream/cluster/step-down.js'
import type {ConsumerReportRow} from '../../../src/lib/consumers/ops.js'
import type {StreamReportRow} from '../../../src/lib/streams/ops.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type Cluster, serverFacts, startCluster, waitFor} from '../../helpers/servers.js'

let cluster: Cluster
let nc: NatsConnection

// connect through a node that stays up
const cli = (args: string[]) => runCli([...args, '-s', cluster.servers[0].url])

async function report(): Promise<StreamReportRow> {
  const res = await cli(['stream', 'report', '--json'])
  expect(res.code, res.stderr).toBe(0)
  return res.json<StreamReportRow[]>().find((r) => r.name === 'R3')!
}

beforeAll(async () => {
  cluster = await startCluster(3, {placement: true})
  nc = await connect({servers: cluster.servers[0].url})
}, 180_000)
afterAll(async () => {
  await nc?.close()
  await cluster?.destroy()
})

describe('an R3 stream on a 3-node cluster', () => {
  it('add with replicas and placement, idempotent', async () => {
    const args = ['stream', 'add', 'R3', '--subjects', 'r3.>', '--replicas', '3', '--cluster', 'natsx-test', '--storage', 'file']
    const res = await cli([...args, '--json'])
    expect(res.code, res.stderr).toBe(0)
    const si = res.json<StreamAddResult>().stream
    expect(si.config).toMatchObject({num_replicas: 3, placement: {cluster: 'natsx-test'}})
    const again = await cli(args)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('unchanged')
    const js = jetstream(nc)
    for (let i = 0; i < 50; i++) await js.publish(`r3.${i % 5}`, `m${i}`)
    const con = await cli(['consumer', 'add', 'R3', 'C3', '--replicas', '3', '--json'])
    expect(con.code, con.stderr).toBe(0)
  })

  it('report shows the leader and both replicas, all current', async () => {
    const row = await waitFor(
      async () => {
        const r = await report()
        return r.replicas.length === 3 && r.replicas.every((x) => x.status === 'leader' || x.status === 'current') ? r : undefined
      },
      30_000,
      'three current replicas',
    )
    expect(row).toMatchObject({cluster: 'natsx-test', messages: 50, problems: [], replicas_configured: 3})
    expect(row.replicas.filter((r) => r.leader)).toHaveLength(1)
    expect(row.replicas.map((r) => r.name).sort()).toEqual(['n1', 'n2', 'n3'])
    const human = await cli(['stream', 'report'])
    const leader = row.replicas.find((r) => r.leader)!.name
    expect(human.stdout).toContain(`${leader}*`)
    expect(human.stdout).not.toContain('!(')

    const cons = await cli(['consumer', 'report', 'R3', '--json'])
    const crow = cons.json<ConsumerReportRow[]>()[0]
    expect(crow.name).toBe('C3')
    expect(crow.unprocessed).toBe(50)
    expect(crow.replicas.length).toBe(3)
  })

  it('cluster step-down moves the leader', async () => {
    const before = (await report()).replicas.find((r) => r.leader)!.name
    const res = await cli(['stream', 'cluster', 'step-down', 'R3', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const out = res.json<StreamStepDownResult>()
    expect(out.previous_leader).toBe(before)
    expect(out.leader).not.toBe(before)
    expect(['n1', 'n2', 'n3']).toContain(out.leader)
  })

  it('step-down --preferred: the named replica leads next (2.11+), or exit 8 with the leader unchanged', async () => {
    const facts = await serverFacts(cluster.servers[0])
    const jsm = await jetstreamManager(nc)
    // every replica current, so that any of them may lead
    const si = await waitFor(async () => {
      const i = await jsm.streams.info('R3')
      return i.cluster?.leader && i.cluster.replicas?.length === 2 && i.cluster.replicas.every((r) => r.current) ? i : undefined
    }, 30_000, 'R3 with a leader and two current replicas')
    const before = si.cluster!.leader!
    const target = si.cluster!.replicas!.map((r) => r.name).sort()[0]
    const res = await cli(['stream', 'cluster', 'step-down', 'R3', '--preferred', target, '--json'])
    if (!facts.caps.has('stepdown-preferred')) {
      expect(res.code, res.stderr).toBe(8)
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
      expect(res.stderr).toContain('--preferred')
      expect(res.stderr).toContain(FEATURES['stepdown-preferred'].version)
      expect((await jsm.streams.info('R3')).cluster?.leader).toBe(before)
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<StreamStepDownResult>()).toEqual({leader: target, preferred: target, previous_leader: before, stream: 'R3'})
    // the server's own word: STREAM.INFO names the preferred server as leader
    expect((await jsm.streams.info('R3')).cluster?.leader).toBe(target)

    // the leader itself, or a server that is no replica, is refused before anything is sent
    const self = await cli(['stream', 'cluster', 'step-down', 'R3', '--preferred', target])
    expect(self.code).toBe(2)
    expect(self.stderr).toContain(`${target} already leads stream "R3"`)
    const stranger = await cli(['stream', 'cluster', 'step-down', 'R3', '--preferred', 'n9'])
    expect(stranger.code).toBe(2)
    expect(stranger.stderr).toContain('n9 is not a replica of stream "R3"')
    expect((await jsm.streams.info('R3')).cluster?.leader).toBe(target)
  })

  it('consumer cluster step-down moves the consumer leader; --preferred picks it on 2.11+', async () => {
    const facts = await serverFacts(cluster.servers[0])
    const jsm = await jetstreamManager(nc)
    const ci = await waitFor(async () => {
      const i = await jsm.consumers.info('R3', 'C3')
      return i.cluster?.leader && i.cluster.replicas?.length === 2 && i.cluster.replicas.every((r) => r.current) ? i : undefined
    }, 30_000, 'C3 with a leader and two current replicas')
    const before = ci.cluster!.leader!
    const res = await cli(['consumer', 'cluster', 'step-down', 'R3', 'C3', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const out = res.json<ConsumerStepDownResult>()
    expect(out).toMatchObject({consumer: 'C3', previous_leader: before, stream: 'R3'})
    expect(out.leader).not.toBe(before)
    // CONSUMER.INFO agrees
    expect((await jsm.consumers.info('R3', 'C3')).cluster?.leader).toBe(out.leader)

    const now = await waitFor(async () => {
      const i = await jsm.consumers.info('R3', 'C3')
      return i.cluster?.leader && i.cluster.replicas?.length === 2 && i.cluster.replicas.every((r) => r.current) ? i : undefined
    }, 30_000, 'C3 current again')
    const target = now.cluster!.replicas!.map((r) => r.name).sort()[0]
    const pref = await cli(['consumer', 'cluster', 'step-down', 'R3', 'C3', '--preferred', target, '--json'])
    if (!facts.caps.has('stepdown-preferred')) {
      expect(pref.code, pref.stderr).toBe(8)
      expect(pref.stderr.trim().split('\n')).toHaveLength(1)
      expect((await jsm.consumers.info('R3', 'C3')).cluster?.leader).toBe(now.cluster!.leader)
      return
    }

    expect(pref.code, pref.stderr).toBe(0)
    expect(pref.json<ConsumerStepDownResult>()).toMatchObject({leader: target, preferred: target, previous_leader: now.cluster!.leader})
    expect((await jsm.consumers.info('R3', 'C3')).cluster?.leader).toBe(target)
    const missing = await cli(['consumer', 'cluster', 'step-down', 'R3', 'NOPE'])
    expect(missing.code).toBe(3)
  })

  it('after stopping one node, report flags its replica', async () => {
    const stopped = cluster.servers[2]
    await stopped.stop()
    try {
      const row = await waitFor(
        async () => {
          const r = await report()
          return r.problems.some((p) => p.startsWith(stopped.name)) ? r : undefined
        },
        45_000,
        `${stopped.name} flagged in the report`,
      )
      const flagged = row.replicas.find((r) => r.name === stopped.name)!
      expect(['offline', 'lagging']).toContain(flagged.status)
      expect(row.replicas.some((r) => r.leader && r.name !== stopped.name)).toBe(true)
      const human = await cli(['stream', 'report'])
      expect(human.stdout).toMatch(new RegExp(`${stopped.name}!\\((offline|lagging)\\)`))
      expect(human.stderr).toContain(`R3: ${stopped.name}`)
    } finally {
      await stopped.start()
    }

    // back again: all current
    await waitFor(
      async () => {
        const r = await report()
        return r.problems.length === 0 && r.replicas.length === 3 ? r : undefined
      },
      45_000,
      'the replica current again',
    )
    const jsm = await jetstreamManager(nc)
    expect((await jsm.streams.info('R3')).state.messages).toBe(50)
  })
})

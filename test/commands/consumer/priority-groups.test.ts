/**
 * `consumer next --group`: which client gets the messages of a pinned-client group (one natsx process pinned, the
 * next gets nothing until unpin or the pinned TTL), an overflow group (--min-pending / --min-ack-pending thresholds)
 * and a prioritized group (priority 0 before 1); exit 8 where the server has no priority groups.
 */
import {type ConsumerInfo, jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerEditResult} from '../../../src/commands/consumer/edit.js'
import type {ConsumerNextResult} from '../../../src/commands/consumer/next.js'
import type {Feature} from '../../../src/lib/capabilities.js'
import type {ConsumerReportRow} from '../../../src/lib/consumers/ops.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {consumerFieldRule} from '../../../src/lib/consumers/config.js'
import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, type ServerFacts, serverFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts
const cli = (args: string[]) => runCli([...args, '-s', server.url])

type Info = ConsumerInfo & {priority_groups?: Array<{group: string; pinned_client_id?: string; pinned_ts?: string}>}

const pinOf = (r: ConsumerNextResult, i = 0): string | undefined => r.messages[i]?.headers?.['Nats-Pin-Id']?.[0]
const seqs = (r: ConsumerNextResult): Array<number | undefined> => r.messages.map((m) => m.jetstream?.sequence)

async function stream(name: string, count: number): Promise<void> {
  await jsm.streams.add({name, subjects: [`${name.toLowerCase()}.>`]})
  await publish(name, count)
}

async function publish(name: string, count: number): Promise<void> {
  const js = jetstream(nc)
  for (let i = 0; i < count; i++) await js.publish(`${name.toLowerCase()}.m`, `m${i}`)
}

/** Where the server has priority groups the consumer was made (true); where not, its refusal is checked (false). */
async function groupsOrRefused(add: {code: null | number; stderr: string}, name: string): Promise<boolean> {
  if (facts.caps.has('priority-groups')) {
    expect(add.code, add.stderr).toBe(0)
    return true
  }

  expect(add.code, add.stderr).toBe(8)
  expect(add.stderr.trim().split('\n')).toHaveLength(1)
  expect((await jsm.streams.info(name)).state.consumer_count).toBe(0)
  return false
}

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('consumer next --group', () => {
  it('the options that need a group are exit 2 without one; where the server has no priority groups --group is exit 8 before any pull', async () => {
    const r = await cli(['consumer', 'next', 'NONE', 'C', '--min-pending', '3'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('need --group')
    if (facts.caps.has('pull-priority-group')) return

    await stream('OLD', 2)
    await jsm.consumers.add('OLD', {ack_policy: 'explicit' as never, durable_name: 'C'})
    for (const extra of [[], ['--min-pending', '1'], ['--priority', '0']]) {
      const r = await cli(['consumer', 'next', 'OLD', 'C', '--group', 'g', ...extra, '--wait', '1s'])
      expect(r.code, r.stderr).toBe(8)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain(`requires nats-server ${FEATURES['pull-priority-group'].version}`)
    }

    const ci = await jsm.consumers.info('OLD', 'C')
    expect(ci.delivered.stream_seq).toBe(0)
    expect(ci.num_pending).toBe(2)
  })

  it('pinned: the first natsx process is pinned; a second gets nothing until `consumer unpin`, then is pinned itself', async () => {
    await stream('PINS', 6)
    const add = await cli(['consumer', 'add', 'PINS', 'W', '--pull', '--pinned-groups', 'g', '--pinned-ttl', '1m', '--json'])
    if (!(await groupsOrRefused(add, 'PINS'))) return

    // the group is required, and has to be one of the consumer's; the overflow and prioritized options do not apply
    const noGroup = await cli(['consumer', 'next', 'PINS', 'W', '--wait', '1s'])
    expect(noGroup.code).toBe(2)
    expect(noGroup.stderr).toContain('give --group g')
    const wrong = await cli(['consumer', 'next', 'PINS', 'W', '--group', 'h', '--wait', '1s'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('no priority group "h"')
    const minPending = await cli(['consumer', 'next', 'PINS', 'W', '--group', 'g', '--min-pending', '1', '--wait', '1s'])
    expect(minPending.code).toBe(2)
    expect(minPending.stderr).toContain('apply to overflow groups')
    expect((await jsm.consumers.info('PINS', 'W')).delivered.stream_seq).toBe(0)

    const first = await cli(['consumer', 'next', 'PINS', 'W', '--group', 'g', '--count', '2', '--wait', '5s', '--json'])
    expect(first.code, first.stderr).toBe(0)
    const a = first.json<ConsumerNextResult>()
    expect(a.group).toBe('g')
    expect(seqs(a)).toEqual([1, 2])
    const pin = pinOf(a)
    expect(pin).toBeTruthy()
    expect(pinOf(a, 1)).toBe(pin)
    // the server's word: the group is pinned to that client
    let ci = (await jsm.consumers.info('PINS', 'W')) as Info
    expect(ci.priority_groups?.find((g) => g.group === 'g')?.pinned_client_id).toBe(pin)
    const info = await cli(['consumer', 'info', 'PINS', 'W'])
    expect(info.stdout).toContain(`Pinned Client: g: ${pin}`)
    expect((await cli(['consumer', 'ls', 'PINS'])).stdout).toContain(`g (pinned ${pin}) [pinned client]`)
    // report --json names the same pin as the server's info
    const row = (await cli(['consumer', 'report', 'PINS', '--json'])).json<ConsumerReportRow[]>().find((r) => r.name === 'W')
    expect(row?.priority_policy).toBe('pinned_client')
    expect(row?.priority_groups).toEqual([expect.objectContaining({group: 'g', pinned_client_id: pin})])

    // another process is not the pinned client: nothing, though 4 messages wait
    const second = await cli(['consumer', 'next', 'PINS', 'W', '--group', 'g', '--wait', '2s', '--json'])
    expect(second.code, second.stderr).toBe(0)
    expect(second.json<ConsumerNextResult>().messages).toEqual([])
    expect((await jsm.consumers.info('PINS', 'W')).num_pending).toBe(4)

    const unpin = await cli(['consumer', 'unpin', 'PINS', 'W', '--group', 'g', '--force', '--json'])
    expect(unpin.code, unpin.stderr).toBe(0)
    expect(unpin.json()).toEqual({consumer: 'W', group: 'g', previous_pinned_client_id: pin, stream: 'PINS', unpinned: true})
    ci = (await jsm.consumers.info('PINS', 'W')) as Info
    expect(ci.priority_groups?.find((g) => g.group === 'g')?.pinned_client_id).toBeUndefined()
    const unpinned = (await cli(['consumer', 'report', 'PINS', '--json'])).json<ConsumerReportRow[]>().find((r) => r.name === 'W')
    expect(unpinned?.priority_groups).toEqual([{group: 'g'}])

    const third = await cli(['consumer', 'next', 'PINS', 'W', '--group', 'g', '--wait', '5s', '--json'])
    const c = third.json<ConsumerNextResult>()
    expect(seqs(c)).toEqual([3])
    expect(pinOf(c)).toBeTruthy()
    expect(pinOf(c)).not.toBe(pin)
  })

  it('pinned: once the pinned TTL passes without a pull from the pinned client, a waiting process is pinned', async () => {
    await stream('PINT', 3)
    const add = await cli(['consumer', 'add', 'PINT', 'W', '--pull', '--pinned-groups', 'g', '--pinned-ttl', '3s'])
    if (!(await groupsOrRefused(add, 'PINT'))) return
    const first = (await cli(['consumer', 'next', 'PINT', 'W', '--group', 'g', '--wait', '5s', '--json'])).json<ConsumerNextResult>()
    expect(seqs(first)).toEqual([1])
    const pinnedAt = Date.parse(first.messages[0].received)
    const second = await cli(['consumer', 'next', 'PINT', 'W', '--group', 'g', '--wait', '20s', '--json'])
    expect(second.code, second.stderr).toBe(0)
    const b = second.json<ConsumerNextResult>()
    expect(seqs(b)).toEqual([2])
    expect(pinOf(b)).not.toBe(pinOf(first))
    // not before the TTL after the first client's last pull
    expect(Date.parse(b.messages[0].received) - pinnedAt).toBeGreaterThanOrEqual(2900)
  })

  it('overflow: a pull with --min-pending gets messages only while that many are pending; --min-ack-pending likewise with acks outstanding', async () => {
    await stream('OVF', 3)
    const add = await cli(['consumer', 'add', 'OVF', 'W', '--pull', '--overflow-groups', 'g', '--wait', '1m'])
    if (!(await groupsOrRefused(add, 'OVF'))) return
    const prio = await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--priority', '1', '--wait', '1s'])
    expect(prio.code).toBe(facts.caps.has('pull-priority') ? 2 : 8)

    // 3 pending: the overflow client (threshold 5) gets nothing, the ordinary client of the group does
    const over = await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--min-pending', '5', '--wait', '1s', '--json'])
    expect(over.code, over.stderr).toBe(0)
    expect(over.json<ConsumerNextResult>().messages).toEqual([])
    expect((await jsm.consumers.info('OVF', 'W')).num_pending).toBe(3)
    const plain = (await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--wait', '2s', '--json'])).json<ConsumerNextResult>()
    expect(seqs(plain)).toEqual([1])

    // 2 + 4 = 6 pending: now past the threshold, the overflow client gets them
    await publish('OVF', 4)
    const past = (await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--min-pending', '5', '--wait', '2s', '--json'])).json<ConsumerNextResult>()
    expect(seqs(past)).toEqual([2])

    // acks outstanding: 2 left unacknowledged, so a pull that needs 2 gets one, a pull that needs 10 gets none
    const held = await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--count', '2', '--no-ack', '--wait', '2s', '--json'])
    expect(seqs(held.json<ConsumerNextResult>())).toEqual([3, 4])
    expect((await jsm.consumers.info('OVF', 'W')).num_ack_pending).toBe(2)
    const ten = await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--min-ack-pending', '10', '--wait', '1s', '--json'])
    expect(ten.json<ConsumerNextResult>().messages).toEqual([])
    const two = await cli(['consumer', 'next', 'OVF', 'W', '--group', 'g', '--min-ack-pending', '2', '--wait', '2s', '--json'])
    expect(seqs(two.json<ConsumerNextResult>())).toEqual([5])
  })

  it('overflow: two processes waiting at once, the first with --min-pending 5: a lone message goes to the plain one; the fifth pending goes to the overflow one', async () => {
    await stream('OVW', 0)
    const add = await cli(['consumer', 'add', 'OVW', 'W', '--pull', '--overflow-groups', 'g', '--wait', '1m'])
    if (!(await groupsOrRefused(add, 'OVW'))) return
    const waiting = (n: number) => waitFor(async () => ((await jsm.consumers.info('OVW', 'W')).num_waiting === n ? true : undefined), 20_000, `${n} waiting pull(s)`)
    // the overflow process waits first, so it is ahead of the plain one in the server's queue
    const over = spawnCli(['consumer', 'next', 'OVW', 'W', '--group', 'g', '--min-pending', '5', '--wait', '30s', '--json', '-s', server.url])
    await waiting(1)
    const plain = spawnCli(['consumer', 'next', 'OVW', 'W', '--group', 'g', '--wait', '30s', '--json', '-s', server.url])
    await waiting(2)

    // 1 pending is below the overflow threshold: the plain process gets it though it asked second
    await publish('OVW', 1)
    const p = await plain.done
    expect(p.code, p.stderr).toBe(0)
    expect(seqs(p.json<ConsumerNextResult>())).toEqual([1])
    expect(over.child.exitCode).toBeNull()
    expect(over.stdout()).not.toContain('"sequence"')
    await waiting(1)

    // with nobody else waiting, 4 messages stay pending for it; the fifth reaches the threshold and it gets the first of them
    await publish('OVW', 4)
    expect((await jsm.consumers.info('OVW', 'W')).num_pending).toBe(4)
    expect(over.child.exitCode).toBeNull()
    expect(over.stdout()).not.toContain('"sequence"')
    await publish('OVW', 1)
    const o = await over.done
    expect(o.code, o.stderr).toBe(0)
    const got = o.json<ConsumerNextResult>()
    expect(got.group).toBe('g')
    expect(seqs(got)).toEqual([2])
    // it was delivered only once the fifth was stored, not while 1-4 were pending (same clock: one machine)
    const fifth = await jsm.streams.getMessage('OVW', {seq: 6})
    expect(Date.parse(got.messages[0].received)).toBeGreaterThanOrEqual(fifth!.time.getTime())
    const ci = await jsm.consumers.info('OVW', 'W')
    expect(ci.num_pending).toBe(4)
    expect(ci.num_waiting).toBe(0)
  })

  it('prioritized: with pulls of priority 1 and 0 waiting, the priority-0 process gets the message first', async () => {
    await stream('PRI', 0)
    const add = await cli(['consumer', 'add', 'PRI', 'W', '--pull', '--prioritized-groups', 'g'])
    if (!facts.caps.has('prioritized-policy')) {
      expect(add.code).toBe(8)
      // --priority is refused for the server before the consumer is looked up
      const r = await cli(['consumer', 'next', 'PRI', 'W', '--group', 'g', '--priority', '0', '--wait', '1s'])
      expect(r.code).toBe(8)
      // the first thing the server lacks is named: priority groups at all, or the priority of a pull
      const needs = facts.caps.has('pull-priority-group') ? 'pull-priority' : 'pull-priority-group'
      expect(r.stderr).toContain(`requires nats-server ${FEATURES[needs].version}`)
      return
    }

    expect(add.code, add.stderr).toBe(0)
    const waiting = (n: number) => waitFor(async () => ((await jsm.consumers.info('PRI', 'W')).num_waiting === n ? true : undefined), 20_000, `${n} waiting pull(s)`)
    const low = spawnCli(['consumer', 'next', 'PRI', 'W', '--group', 'g', '--priority', '1', '--wait', '30s', '--json', '-s', server.url])
    await waiting(1)
    const high = spawnCli(['consumer', 'next', 'PRI', 'W', '--group', 'g', '--priority', '0', '--wait', '30s', '--json', '-s', server.url])
    await waiting(2)
    await publish('PRI', 1)
    const h = await high.done
    expect(h.code, h.stderr).toBe(0)
    expect(seqs(h.json<ConsumerNextResult>())).toEqual([1])
    // the priority-1 process got nothing so far; the next message is its
    expect(low.child.exitCode).toBeNull()
    expect(low.stdout()).not.toContain('"sequence"')
    await publish('PRI', 1)
    const l = await low.done
    expect(l.code, l.stderr).toBe(0)
    expect(seqs(l.json<ConsumerNextResult>())).toEqual([2])
  })
})

describe('consumer edit with the priority-group flags', () => {
  it('where the server has no priority groups each flag is exit 8 naming the version, the consumer unchanged; where it has them the edit follows the update rules', async () => {
    await stream('EDG', 0)
    const groups = facts.caps.has('priority-groups')
    const made = groups
      ? await cli(['consumer', 'add', 'EDG', 'W', '--pull', '--pinned-groups', 'g', '--pinned-ttl', '1m'])
      : await cli(['consumer', 'add', 'EDG', 'W', '--pull'])
    expect(made.code, made.stderr).toBe(0)
    const config = async () => (await jsm.consumers.info('EDG', 'W')).config

    if (!groups) {
      const before = await config()
      for (const [args, feature] of [
        [['--pinned-groups', 'g'], 'priority-groups'],
        [['--pinned-ttl', '5m'], 'priority-groups'],
        [['--overflow-groups', 'g'], 'priority-groups'],
        // the newest thing it needs is named, as `consumer add` does
        [['--prioritized-groups', 'g'], 'prioritized-policy'],
      ] as Array<[string[], Feature]>) {
        const r = await cli(['consumer', 'edit', 'EDG', 'W', ...args, '--json'])
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(8)
        const lines = r.stderr.trim().split('\n')
        expect(lines).toHaveLength(1)
        expect(lines[0]).toContain(`requires nats-server ${FEATURES[feature].version}`)
        expect(lines[0]).toContain(facts.version)
        expect(r.stdout).toBe('')
      }

      expect(await config()).toEqual(before)
      return
    }

    // natsx's rule for each field (the consumer update matrix checks these against the raw API); the command follows it
    const expected = (field: string): number => (consumerFieldRule(field, facts.caps) === 'updatable' ? 0 : 2)
    const edit = async (args: string[], field: string, applied: Record<string, unknown>): Promise<void> => {
      const before = await config()
      const r = await cli(['consumer', 'edit', 'EDG', 'W', ...args, '--json'])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(expected(field))
      if (r.code !== 0) {
        expect(r.stderr.trim().split('\n')).toHaveLength(1)
        expect(await config()).toEqual(before)
        return
      }

      const out = r.json<ConsumerEditResult>()
      expect(out.applied).toBe(true)
      expect(out.diff.map((d) => d.field)).toContain(field)
      expect(await config()).toMatchObject(applied)
    }

    await edit(['--pinned-ttl', '5m'], 'priority_timeout', {priority_groups: ['g'], priority_policy: 'pinned_client', priority_timeout: 300e9})
    await edit(['--pinned-groups', 'g', '--pinned-groups', 'h'], 'priority_groups', {priority_groups: ['g', 'h'], priority_policy: 'pinned_client'})
    await edit(['--overflow-groups', 'g'], 'priority_policy', {priority_groups: ['g'], priority_policy: 'overflow'})

    const before = await config()
    const prioritized = await cli(['consumer', 'edit', 'EDG', 'W', '--prioritized-groups', 'g', '--json'])
    if (!facts.caps.has('prioritized-policy')) {
      expect(prioritized.code, prioritized.stderr).toBe(8)
      expect(prioritized.stderr.trim().split('\n')).toHaveLength(1)
      expect(prioritized.stderr).toContain(`requires nats-server ${FEATURES['prioritized-policy'].version}`)
      expect(await config()).toEqual(before)
      return
    }

    expect(prioritized.code, prioritized.stderr).toBe(expected('priority_policy'))
    if (prioritized.code === 0) expect(await config()).toMatchObject({priority_groups: ['g'], priority_policy: 'prioritized'})
    else expect(await config()).toEqual(before)
  })
})

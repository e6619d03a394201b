/**
 * `consumer pause`, `resume`, `unpin` and `reset`: each where the server has it (checked in CONSUMER.INFO), each
 * refused with exit 8 and the consumer unchanged where it does not; and `info`, `ls`, `report` showing the pause
 * and the priority groups.
 */
import {type ConsumerInfo, jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerNextResult} from '../../../src/commands/consumer/next.js'
import type {ConsumerPauseResult} from '../../../src/commands/consumer/pause.js'
import type {ConsumerResetResult} from '../../../src/commands/consumer/reset.js'
import type {ConsumerResumeResult} from '../../../src/commands/consumer/resume.js'
import type {ConsumerReportRow} from '../../../src/lib/consumers/ops.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type NatsServer, type ServerFacts, serverFacts, startServer} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts
const cli = (args: string[]) => runCli([...args, '-s', server.url])

type Info = ConsumerInfo & {pause_remaining?: number; paused?: boolean; priority_groups?: Array<{group: string; pinned_client_id?: string}>}
const info = async (name: string): Promise<Info> => (await jsm.consumers.info('JOBS', name)) as Info

/** The refusal of a verb the server lacks: exit 8, one line naming the version it needs. */
function expectRefused(r: {code: null | number; stderr: string}, feature: keyof typeof FEATURES): void {
  expect(r.code, r.stderr).toBe(8)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`requires nats-server ${FEATURES[feature].version}`)
  expect(lines[0]).toContain(facts.version)
}

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
  await jsm.streams.add({name: 'JOBS', subjects: ['jobs.>']})
  const js = jetstream(nc)
  for (let i = 1; i <= 10; i++) await js.publish('jobs.x', `job ${i}`)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('consumer pause and resume', () => {
  it('a consumer paused by natsx is resumed by natsx (paused in CONSUMER.INFO), or both are exit 8 with the consumer unchanged', async () => {
    await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'P'})
    const pause = await cli(['consumer', 'pause', 'JOBS', 'P', '--until', '1h', '--force', '--json'])
    if (!facts.caps.has('consumer-pause-verb')) {
      expectRefused(pause, 'consumer-pause-verb')
      expectRefused(await cli(['consumer', 'resume', 'JOBS', 'P', '--force']), 'consumer-pause-verb')
      const ci = await info('P')
      expect(ci.paused).toBeUndefined()
      expect(ci.config.pause_until).toBeUndefined()
      return
    }

    expect(pause.code, pause.stderr).toBe(0)
    const p = pause.json<ConsumerPauseResult>()
    expect(p).toMatchObject({consumer: 'P', paused: true, stream: 'JOBS'})
    const until = Date.parse(p.pause_until!)
    expect(until).toBeGreaterThan(Date.now() + 59 * 60_000)
    expect(until).toBeLessThanOrEqual(Date.now() + 60 * 60_000)
    expect(p.pause_remaining).toBeGreaterThan(59 * 60e9)
    let ci = await info('P')
    expect(ci.paused).toBe(true)
    expect(Date.parse(String(ci.config.pause_until))).toBe(until)

    // a paused consumer delivers nothing
    const none = await cli(['consumer', 'next', 'JOBS', 'P', '--wait', '1s', '--json'])
    expect(none.code, none.stderr).toBe(0)
    expect(none.json<ConsumerNextResult>().messages).toEqual([])

    // info, ls and report show it, human and JSON
    const human = await cli(['consumer', 'info', 'JOBS', 'P'])
    expect(human.stdout).toMatch(/Paused: yes, until \S+ \(59m\d+s left\)/)
    const ls = await cli(['consumer', 'ls', 'JOBS'])
    expect(ls.stdout).toContain('Paused')
    expect(ls.stdout).toMatch(/P +│ pull.*59m\d+s left/)
    const lsJson = (await cli(['consumer', 'ls', 'JOBS', '--json'])).json<Info[]>()
    expect(lsJson.find((c) => c.name === 'P')?.paused).toBe(true)
    const report = await cli(['consumer', 'report', 'JOBS', '--json'])
    const row = report.json<ConsumerReportRow[]>().find((r) => r.name === 'P')!
    expect(row).toMatchObject({pause_until: p.pause_until, paused: true})
    expect(row.pause_remaining).toBeGreaterThan(59 * 60e9)
    expect((await cli(['consumer', 'report', 'JOBS'])).stdout).toMatch(/Paused[\s\S]*59m\d+s left/)

    const resume = await cli(['consumer', 'resume', 'JOBS', 'P', '--force', '--json'])
    expect(resume.code, resume.stderr).toBe(0)
    expect(resume.json<ConsumerResumeResult>()).toEqual({consumer: 'P', pause_remaining: 0, paused: false, stream: 'JOBS', was_paused: true})
    ci = await info('P')
    // the server leaves "paused" out once it is false
    expect(ci.paused ?? false).toBe(false)
    expect(ci.config.pause_until === undefined || Date.parse(String(ci.config.pause_until)) <= Date.now()).toBe(true)
    const one = await cli(['consumer', 'next', 'JOBS', 'P', '--wait', '2s', '--json'])
    expect(one.json<ConsumerNextResult>().messages).toHaveLength(1)
    // resuming again is not an error
    const again = await cli(['consumer', 'resume', 'JOBS', 'P', '--force'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('was not paused')
    // not paused any more: no pause time
    const after = (await cli(['consumer', 'report', 'JOBS', '--json'])).json<ConsumerReportRow[]>().find((r) => r.name === 'P')!
    expect(after.paused).toBeUndefined()
    expect(after.pause_until).toBeUndefined()
    expect(after.pause_remaining).toBeUndefined()
  })

  it('--until a time; bad input is exit 2 and an unknown consumer exit 3, nothing changed', async () => {
    await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'Q'})
    const past = await cli(['consumer', 'pause', 'JOBS', 'Q', '--until', '2020-01-01T00:00:00Z', '--force'])
    expect(past.code).toBe(2)
    expect(past.stderr).toContain('not in the future')
    const junk = await cli(['consumer', 'pause', 'JOBS', 'Q', '--until', 'soon', '--force'])
    expect(junk.code).toBe(2)
    expect(junk.stderr).toContain('neither a time nor a duration')
    expect((await info('Q')).config.pause_until).toBeUndefined()

    const at = '2031-02-03T04:05:06Z'
    const timed = await cli(['consumer', 'pause', 'JOBS', 'Q', '--until', at, '--force', '--json'])
    if (!facts.caps.has('consumer-pause-verb')) {
      expectRefused(timed, 'consumer-pause-verb')
      return
    }

    expect(timed.code, timed.stderr).toBe(0)
    expect(Date.parse(timed.json<ConsumerPauseResult>().pause_until!)).toBe(Date.parse(at))
    expect(Date.parse(String((await info('Q')).config.pause_until))).toBe(Date.parse(at))

    // without a terminal and without --force: refused, still paused as before
    const unforced = await cli(['consumer', 'resume', 'JOBS', 'Q'])
    expect(unforced.code).toBe(2)
    expect(unforced.stderr).toContain('add --force')
    expect((await info('Q')).paused).toBe(true)

    const missing = await cli(['consumer', 'pause', 'JOBS', 'NOPE', '--until', '1h', '--force'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('consumer "NOPE" not found')
    const noStream = await cli(['consumer', 'resume', 'NOSTREAM', 'Q', '--force', '--json'])
    expect(noStream.code).toBe(3)
    expect(JSON.parse(noStream.stderr)).toMatchObject({error: {code: 3}})
  })
})

describe('consumer unpin', () => {
  it('refuses a group the consumer does not have, or a consumer without pinned groups (exit 2); exit 8 before 2.11', async () => {
    const groups = facts.caps.has('priority-groups')
    if (groups) {
      await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'OV', priority_groups: ['a'], priority_policy: 'overflow' as never})
      await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'PN', priority_groups: ['a'], priority_policy: 'pinned_client' as never, priority_timeout: 60e9} as never)
    } else {
      await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'PN'})
    }

    const r = await cli(['consumer', 'unpin', 'JOBS', 'PN', '--group', 'b', '--force'])
    if (!groups) {
      expectRefused(r, 'consumer-unpin')
      return
    }

    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no priority group "b"')
    const ov = await cli(['consumer', 'unpin', 'JOBS', 'OV', '--group', 'a', '--force'])
    expect(ov.code).toBe(2)
    expect(ov.stderr).toContain('no pinned-client priority groups')
    const ok = await cli(['consumer', 'unpin', 'JOBS', 'PN', '--group', 'a', '--force', '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json()).toEqual({consumer: 'PN', group: 'a', stream: 'JOBS', unpinned: true})

    // ls and report name the groups and their policy
    const ls = await cli(['consumer', 'ls', 'JOBS'])
    expect(ls.stdout).toContain('Priority Groups')
    expect(ls.stdout).toContain('a [overflow]')
    expect(ls.stdout).toContain('a [pinned client]')
    const rows = (await cli(['consumer', 'report', 'JOBS', '--json'])).json<ConsumerReportRow[]>()
    expect(rows.find((x) => x.name === 'OV')).toMatchObject({priority_groups: [{group: 'a'}], priority_policy: 'overflow'})
    expect(rows.find((x) => x.name === 'PN')).toMatchObject({priority_groups: [{group: 'a'}], priority_policy: 'pinned_client'})
  })
})

describe('consumer reset', () => {
  it('--seq moves delivery back (2.14+, read in CONSUMER.INFO), or exit 8 with the consumer unchanged', async () => {
    await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'R'})
    const first = await cli(['consumer', 'next', 'JOBS', 'R', '--count', '5', '--wait', '2s', '--json'])
    expect(first.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([1, 2, 3, 4, 5])
    const before = await info('R')
    expect(before.delivered.stream_seq).toBe(5)

    const reset = await cli(['consumer', 'reset', 'JOBS', 'R', '--seq', '2', '--force', '--json'])
    if (!facts.caps.has('consumer-reset')) {
      expectRefused(reset, 'consumer-reset')
      const after = await info('R')
      expect(after.delivered.stream_seq).toBe(5)
      expect(after.ack_floor.stream_seq).toBe(5)
      return
    }

    expect(reset.code, reset.stderr).toBe(0)
    const out = reset.json<ConsumerResetResult>()
    expect(out.stream).toBe('JOBS')
    expect(out.consumer.name).toBe('R')
    expect(out.reset_seq).toBe(2)
    const next = await cli(['consumer', 'next', 'JOBS', 'R', '--count', '2', '--wait', '2s', '--json'])
    expect(next.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([2, 3])

    const human = await cli(['consumer', 'reset', 'JOBS', 'R', '--force'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/reset: next delivery from stream sequence \d+/)
    const unforced = await cli(['consumer', 'reset', 'JOBS', 'R', '--seq', '1'])
    expect(unforced.code).toBe(2)
    const missing = await cli(['consumer', 'reset', 'JOBS', 'NOPE', '--force'])
    expect(missing.code).toBe(3)
  })

  it('without --seq delivery restarts after the ack floor: the unacknowledged messages come again, the acknowledged ones do not (2.14+), or exit 8 with the consumer unchanged', async () => {
    await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, ack_wait: 3600e9, durable_name: 'RF'})
    // 1-3 acknowledged, 4-5 delivered and left unacknowledged (redelivery only after an hour)
    const acked = await cli(['consumer', 'next', 'JOBS', 'RF', '--count', '3', '--wait', '2s', '--json'])
    expect(acked.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([1, 2, 3])
    const held = await cli(['consumer', 'next', 'JOBS', 'RF', '--count', '2', '--no-ack', '--wait', '2s', '--json'])
    expect(held.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([4, 5])
    const before = await info('RF')
    expect(before.delivered.stream_seq).toBe(5)
    expect(before.ack_floor.stream_seq).toBe(3)
    expect(before.num_ack_pending).toBe(2)
    expect(before.num_pending).toBe(5)

    const reset = await cli(['consumer', 'reset', 'JOBS', 'RF', '--force', '--json'])
    if (!facts.caps.has('consumer-reset')) {
      expectRefused(reset, 'consumer-reset')
      const after = await info('RF')
      expect(after.delivered.stream_seq).toBe(5)
      expect(after.ack_floor.stream_seq).toBe(3)
      expect(after.num_ack_pending).toBe(2)
      // nothing moved: the next message is still 6
      const next = await cli(['consumer', 'next', 'JOBS', 'RF', '--wait', '2s', '--json'])
      expect(next.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([6])
      return
    }

    expect(reset.code, reset.stderr).toBe(0)
    const out = reset.json<ConsumerResetResult>()
    expect(Object.keys(out).sort()).toEqual(['consumer', 'reset_seq', 'stream'])
    expect(out.stream).toBe('JOBS')
    expect(out.reset_seq).toBe(4)
    expect(out.consumer).not.toHaveProperty('type')
    expect(out.consumer.stream_name).toBe('JOBS')
    expect(out.consumer.name).toBe('RF')
    expect(out.consumer.config.durable_name).toBe('RF')
    // the pending acknowledgements were dropped; the consumer's info agrees with what reset returned
    expect(out.consumer.num_ack_pending).toBe(0)
    expect(out.consumer.ack_floor.stream_seq).toBe(3)
    expect(out.consumer.delivered.stream_seq).toBe(3)
    const ci = await info('RF')
    expect(ci.delivered.stream_seq).toBe(out.consumer.delivered.stream_seq)
    expect(ci.num_ack_pending).toBe(0)
    expect(ci.num_pending).toBe(7)

    // the two unacknowledged messages come again (within the hour of their ack wait), then the ones never delivered
    const again = await cli(['consumer', 'next', 'JOBS', 'RF', '--count', '3', '--wait', '2s', '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([4, 5, 6])
  })
})

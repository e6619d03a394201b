/**
 * `stream gaps` (the deleted ranges from STREAM.INFO deleted_details) after messages removed here and there with
 * `stream rmm`, and on a stream with nothing deleted; `stream state` (the state section alone).
 */
import {jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamGapsResult} from '../../../src/commands/stream/gaps.js'
import type {StreamStateResult} from '../../../src/commands/stream/state.js'

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, startServer} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
const cli = (args: string[]) => runCli([...args, '-s', server.url])

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  const js = jetstream(nc)
  await jsm.streams.add({name: 'HOLES', subjects: ['holes.*']})
  for (let i = 1; i <= 20; i++) await js.publish(i % 2 ? 'holes.odd' : 'holes.even', `m${i}`)
  await jsm.streams.add({name: 'WHOLE', subjects: ['whole']})
  for (let i = 1; i <= 3; i++) await js.publish('whole', `w${i}`)
  await jsm.consumers.add('WHOLE', {ack_policy: 'explicit' as never, durable_name: 'C'})
  await jsm.streams.add({name: 'NONE', subjects: ['none']})
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('stream gaps', () => {
  it('shows exactly the ranges deleted with stream rmm, with counts', async () => {
    for (const seq of [3, 4, 5, 9, 12, 13, 18]) {
      const rm = await cli(['stream', 'rmm', 'HOLES', String(seq), '--force'])
      expect(rm.code, rm.stderr).toBe(0)
    }

    const r = await cli(['stream', 'gaps', 'HOLES', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const info = await jsm.streams.info('HOLES')
    expect(r.json<StreamGapsResult>()).toEqual({
      deleted: 7,
      first_seq: 1,
      gaps: [
        {count: 3, first: 3, last: 5},
        {count: 1, first: 9, last: 9},
        {count: 2, first: 12, last: 13},
        {count: 1, first: 18, last: 18},
      ],
      last_seq: 20,
      stream: 'HOLES',
    })
    // the server's own count of deleted messages agrees
    expect(info.state.num_deleted).toBe(7)

    const human = await cli(['stream', 'gaps', 'HOLES'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('4 gaps, 7 deleted messages in stream HOLES (sequences 1–20)')
    expect(human.stdout).toMatch(/│\s+3 │\s+5 │\s+3 │/)
    expect(human.stdout).toMatch(/│\s+9 │\s+9 │\s+1 │/)
    expect(human.stdout).toMatch(/│\s+12 │\s+13 │\s+2 │/)
    expect(human.stdout).toMatch(/│\s+18 │\s+18 │\s+1 │/)
  })

  it('removing the first messages moves the start: they are not gaps', async () => {
    for (const seq of [1, 2]) expect((await cli(['stream', 'rmm', 'HOLES', String(seq), '--force'])).code).toBe(0)
    const r = (await cli(['stream', 'gaps', 'HOLES', '--json'])).json<StreamGapsResult>()
    expect(r.first_seq).toBe(6)
    expect(r.gaps).toEqual([
      {count: 1, first: 9, last: 9},
      {count: 2, first: 12, last: 13},
      {count: 1, first: 18, last: 18},
    ])
  })

  it('a stream with nothing deleted has no gaps; an unknown stream is exit 3', async () => {
    const r = await cli(['stream', 'gaps', 'WHOLE', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<StreamGapsResult>()).toEqual({deleted: 0, first_seq: 1, gaps: [], last_seq: 3, stream: 'WHOLE'})
    expect((await cli(['stream', 'gaps', 'WHOLE'])).stdout.trim()).toBe('No deleted messages in stream WHOLE (sequences 1–3)')
    expect((await cli(['stream', 'gaps', 'NONE'])).stdout.trim()).toBe('No deleted messages in stream NONE')
    const missing = await cli(['stream', 'gaps', 'NOPE'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('stream "NOPE" not found')
  })
})

describe('stream state', () => {
  it('is the state section of STREAM.INFO alone', async () => {
    const r = await cli(['stream', 'state', 'WHOLE', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const s = (await jsm.streams.info('WHOLE')).state
    expect(r.json<StreamStateResult>()).toEqual({
      bytes: s.bytes,
      consumer_count: 1,
      first_seq: 1,
      first_ts: s.first_ts,
      last_seq: 3,
      last_ts: s.last_ts,
      messages: 3,
      num_deleted: 0,
      num_subjects: 1,
      stream: 'WHOLE',
    })
    const human = await cli(['stream', 'state', 'WHOLE'])
    expect(human.stdout).toContain('State for Stream WHOLE')
    expect(human.stdout).toMatch(/Messages: 3\n/)
    expect(human.stdout).toMatch(/First Sequence: 1 @ \S+ \(/)
    expect(human.stdout).toMatch(/Active Consumers: 1$/m)
    // the state alone: no configuration
    expect(human.stdout).not.toContain('Retention')
  })

  it('counts the deleted messages; a stream that never held a message has no times', async () => {
    const holes = (await cli(['stream', 'state', 'HOLES', '--json'])).json<StreamStateResult>()
    expect(holes.num_deleted).toBe((await jsm.streams.info('HOLES')).state.num_deleted)
    expect(holes.num_subjects).toBe(2)
    const none = (await cli(['stream', 'state', 'NONE', '--json'])).json<StreamStateResult>()
    expect(none).toEqual({bytes: 0, consumer_count: 0, first_seq: 0, last_seq: 0, messages: 0, num_deleted: 0, num_subjects: 0, stream: 'NONE'})
    expect((await cli(['stream', 'state', 'NOPE'])).code).toBe(3)
  })
})

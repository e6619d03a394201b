import {jetstream, jetstreamManager, type JetStreamManager, type StreamConfig} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamAddResult} from '../../../src/commands/stream/add.js'
import type {StreamEditResult} from '../../../src/commands/stream/edit.js'
import type {StoredMessageRecord} from '../../../src/lib/streams/ops.js'

import {type Feature, FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts

const cli = (args: string[]) => runCli([...args, '-s', server.url])
const natsxLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('natsx:'))

async function exists(name: string): Promise<boolean> {
  return jsm.streams.info(name).then(
    () => true,
    () => false,
  )
}

async function config(name: string): Promise<Record<string, unknown> & StreamConfig> {
  return (await jsm.streams.info(name)).config as Record<string, unknown> & StreamConfig
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

/** The exit-8 refusal: one line naming the version the feature needs and the connected one, as JSON under --json. */
function expectRefusal(res: {code: null | number; stderr: string}, feature: Feature): void {
  expect(res.code, res.stderr).toBe(8)
  const err = JSON.parse(res.stderr).error as {kind: string; message: string}
  expect(err.kind).toBe('unsupported')
  expect(err.message).toContain(`requires nats-server ${FEATURES[feature].version}; connected server is ${facts.version}`)
}

describe('stream add: the options of current servers as flags', () => {
  it.each([
    ['subject-delete-markers', ['--max-age', '1h', '--subject-del-markers-ttl', '5s'], {allow_msg_ttl: true, allow_rollup_hdrs: true, subject_delete_marker_ttl: 5e9}, /Subject Delete Markers TTL: +5s/],
    ['stream-atomic-batch', ['--allow-batch'], {allow_atomic: true}, /Atomic Batch Publish: +true/],
    ['fast-batch', ['--allow-fast'], {allow_batched: true}, /Fast Batch Publish: +true/],
    ['stream-counters', ['--allow-counter'], {allow_msg_counter: true}, /Counters: +true/],
    ['stream-schedules', ['--allow-schedules'], {allow_msg_schedules: true, allow_rollup_hdrs: true}, /Message Schedules: +true/],
    ['persist-mode', ['--persist-mode', 'async'], {persist_mode: 'async'}, /Persist Mode: +async/],
    ['stream-consumer-limits', ['--limit-consumer-inactive', '1m', '--limit-consumer-max-pending', '50'], {consumer_limits: {inactive_threshold: 60e9, max_ack_pending: 50}}, /Consumer Inactive Threshold: +1m[\s\S]*Consumer Max Ack Pending: +50/],
  ] as const)('%s: made, shown and idempotent where the server has it; exit 8 and nothing made where not', async (feature, args, expected, shown) => {
    const name = `F_${feature.replaceAll('-', '_').toUpperCase()}`
    const add = [
      'stream',
      'add',
      name,
      '--subjects',
      `${name}.>`,
      ...args,
      '--json',
    ]
    const res = await cli(add)
    if (facts.caps.has(feature)) {
      expect(res.code, res.stderr).toBe(0)
      expect(res.json<StreamAddResult>()).toMatchObject({action: 'created', stream: {config: expected}})
      expect(await config(name)).toMatchObject(expected)
      // what the server turns on by itself (TTL and roll-ups for markers, roll-ups for schedules) is no difference
      const again = await cli(add)
      expect(again.code, again.stderr).toBe(0)
      expect(again.json<StreamAddResult>().action).toBe('unchanged')
      const info = await cli(['stream', 'info', name])
      expect(info.stdout).toMatch(shown)
      expect((await cli(['stream', 'info', name, '--json'])).json<{config: unknown}>().config).toMatchObject(expected)
    } else {
      expectRefusal(res, feature)
      expect(natsxLines(res.stderr)).toHaveLength(0)
      expect(await exists(name)).toBe(false)
    }
  })

  it.each([
    [['--subject-del-markers-ttl', '500ms'], /at least 1s/],
    [['--subject-del-markers-ttl', '5s', '--no-allow-rollup'], /needs roll-ups/],
    [['--allow-schedules', '--deny-purge'], /needs purges/],
    [['--persist-mode', 'lazy'], /persist-mode/],
    [['--mirror-filter', 'a.>'], /--mirror-filter needs --mirror/],
    [['--source-domain', 'hub'], /--source-domain needs --source/],
    [['--source', 'X1', '--source-transform', 'a.>'], /is not SOURCE=DESTINATION/],
    [['--source', 'X1', '--source-filter', 'a.>', '--source-transform', 'a.>=b.>'], /exclude each other/],
    [['--source', 'X1', '--source-start-time', 'yesterday'], /is not a time/],
    [['--source', 'X1', '--source-start-seq', '5', '--source-start-time', '2026-01-01T00:00:00Z'], /exclude each other/],
    [['--source', 'X1', '--source-domain', 'hub', '--source-api-prefix', '$JS.hub.API'], /exclude each other/],
  ] as const)('%s: exit 2 before asking, one line, nothing made', async (args, message) => {
    const res = await cli(['stream', 'add', 'BADFLAGS', ...(args[0].startsWith('--source') || args[0].startsWith('--mirror') ? [] : ['--subjects', 'badflags.>']), ...args])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toMatch(message)
    expect(natsxLines(res.stderr)).toHaveLength(1)
    expect(await exists('BADFLAGS')).toBe(false)
  })
})

describe('stream edit: changed in place where the server can', () => {
  it('atomic and fast batch on and off, schedules and delete markers on, consumer limits one at a time', async () => {
    expect((await cli(['stream', 'add', 'EDITS', '--subjects', 'edits.>', '--max-age', '1h'])).code).toBe(0)
    const steps: Array<[string[], Feature, Record<string, unknown>]> = [
      [['--allow-batch'], 'stream-atomic-batch', {allow_atomic: true}],
      [['--no-allow-batch'], 'stream-atomic-batch', {allow_atomic: undefined}],
      [['--allow-fast'], 'fast-batch', {allow_batched: true}],
      [['--no-allow-fast'], 'fast-batch', {allow_batched: undefined}],
      [['--subject-del-markers-ttl', '2s'], 'subject-delete-markers', {allow_msg_ttl: true, allow_rollup_hdrs: true, subject_delete_marker_ttl: 2e9}],
      [['--allow-schedules'], 'stream-schedules', {allow_msg_schedules: true}],
      [['--limit-consumer-inactive', '30s'], 'stream-consumer-limits', {consumer_limits: {inactive_threshold: 30e9}}],
      [['--limit-consumer-max-pending', '10'], 'stream-consumer-limits', {consumer_limits: {inactive_threshold: 30e9, max_ack_pending: 10}}],
    ]
    for (const [args, feature, expected] of steps) {
      const before = await config('EDITS')
      const res = await cli(['stream', 'edit', 'EDITS', ...args, '--json'])
      if (facts.caps.has(feature)) {
        expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0)
        expect(res.json<StreamEditResult>().applied, args.join(' ')).toBe(true)
        const after = await config('EDITS')
        for (const [k, v] of Object.entries(expected)) {
          if (v === undefined) expect(after[k], `${args.join(' ')} ${k}`).toBeFalsy()
          else expect(after[k], `${args.join(' ')} ${k}`).toEqual(v)
        }
      } else if (args[0].startsWith('--no-')) {
        // nothing to turn off on a server that never had it: no difference, nothing sent
        expect(res.code, res.stderr).toBe(0)
        expect(res.json<StreamEditResult>()).toMatchObject({applied: false, diff: []})
        expect(await config('EDITS'), args.join(' ')).toEqual(before)
      } else {
        expectRefusal(res, feature)
        expect(await config('EDITS'), args.join(' ')).toEqual(before)
      }
    }
  })

  it('counters and persist mode are set when a stream is made: edit is exit 2 (or 8 where the server has neither)', async () => {
    const before = await config('EDITS')
    for (const [args, feature, field] of [
      [['--allow-counter'], 'stream-counters', 'allow_msg_counter'],
      [['--persist-mode', 'async'], 'persist-mode', 'persist_mode'],
    ] as const) {
      const res = await cli(['stream', 'edit', 'EDITS', ...args, '--json'])
      if (facts.caps.has(feature)) {
        expect(res.code, res.stderr).toBe(2)
        expect(JSON.parse(res.stderr).error.message).toContain(`${field} is set when the stream is created and cannot be changed`)
      } else {
        expectRefusal(res, feature)
      }

      expect(await config('EDITS')).toEqual(before)
    }
  })

  it('--no-transform and --no-republish remove them in place from 2.10; --no-mirror promotes a mirror from 2.12', async () => {
    // republish exists on every server; removing it in place needs 2.10
    expect((await cli(['stream', 'add', 'REMOVERS', '--subjects', 'removers.>', '--republish-source', 'removers.>', '--republish-destination', 'again.removers.>'])).code).toBe(0)
    const repub = await cli(['stream', 'edit', 'REMOVERS', '--no-republish', '--json'])
    if (facts.caps.has('republish-update')) {
      expect(repub.code, repub.stderr).toBe(0)
      expect(repub.json<StreamEditResult>().diff).toMatchObject([{field: 'republish'}])
      expect((await config('REMOVERS')).republish).toBeUndefined()
    } else {
      expect(repub.code, repub.stderr).toBe(8)
      expect(JSON.parse(repub.stderr).error.message).toContain(`nats-server ${FEATURES['republish-update'].version} changes it in place, the connected server is ${facts.version}`)
      expect((await config('REMOVERS')).republish).toMatchObject({dest: 'again.removers.>'})
    }

    if (facts.caps.has('subject-transform')) {
      expect((await cli(['stream', 'edit', 'REMOVERS', '--transform-source', 'removers.>', '--transform-destination', 'moved.>'])).code).toBe(0)
      expect((await config('REMOVERS')).subject_transform).toMatchObject({dest: 'moved.>'})
      const res = await cli(['stream', 'edit', 'REMOVERS', '--no-transform', '--json'])
      expect(res.code, res.stderr).toBe(0)
      expect(res.json<StreamEditResult>().diff).toMatchObject([{field: 'subject_transform'}])
      expect((await config('REMOVERS')).subject_transform).toBeFalsy()
    }

    expect((await cli(['stream', 'add', 'PROMOTED', '--mirror', 'REMOVERS'])).code).toBe(0)
    await jetstream(nc).publish('removers.one', 'one')
    await waitFor(async () => ((await jsm.streams.info('PROMOTED')).state.messages === 1 ? true : undefined), 15_000, 'the mirror to copy the message')
    const res = await cli(['stream', 'edit', 'PROMOTED', '--no-mirror', '--subjects', 'promoted.>', '--json'])
    if (facts.caps.has('mirror-removal')) {
      expect(res.code, res.stderr).toBe(0)
      const after = await config('PROMOTED')
      expect(after.mirror).toBeFalsy()
      expect(after.subjects).toEqual(['promoted.>'])
      // a stream of its own now: it takes publishes and keeps what it mirrored
      const ack = await jetstream(nc).publish('promoted.two', 'two')
      expect(ack.stream).toBe('PROMOTED')
      expect((await jsm.streams.info('PROMOTED')).state.messages).toBe(2)
    } else {
      expect(res.code, res.stderr).toBe(8)
      expect(JSON.parse(res.stderr).error.message).toContain(`nats-server ${FEATURES['mirror-removal'].version} changes it in place, the connected server is ${facts.version}`)
      expect((await config('PROMOTED')).mirror).toMatchObject({name: 'REMOVERS'})
    }

    expect((await cli(['stream', 'edit', 'REMOVERS', '--no-mirror', '--mirror', 'X'])).code).toBe(2)
  })
})

describe('mirror and source details', () => {
  it('filter, start sequence or time, transforms and a domain: in the configuration, in info, and honoured', async () => {
    expect((await cli(['stream', 'add', 'ORIGIN', '--subjects', 'origin.>'])).code).toBe(0)
    const js = jetstream(nc)
    for (const s of ['origin.a', 'origin.b', 'origin.a', 'origin.b', 'origin.a']) await js.publish(s, s)
    const mirror = ['stream', 'add', 'FILTERED', '--mirror', 'ORIGIN', '--mirror-filter', 'origin.a', '--mirror-start-seq', '2', '--json']
    const res = await cli(mirror)
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<StreamAddResult>().stream.config.mirror).toMatchObject({filter_subject: 'origin.a', name: 'ORIGIN', opt_start_seq: 2})
    // sequences 3 and 5 are origin.a from 2 on
    await waitFor(async () => ((await jsm.streams.info('FILTERED')).state.messages === 2 ? true : undefined), 15_000, 'the filtered mirror')
    expect((await cli(mirror)).json<StreamAddResult>().action).toBe('unchanged')
    expect((await cli(['stream', 'info', 'FILTERED'])).stdout).toMatch(/Mirror: +ORIGIN \(filter origin\.a, from sequence 2\)/)

    const time = '2026-01-02T03:04:05Z'
    const remote = ['stream', 'add', 'REMOTE', '--source', 'ORIGIN', '--source-domain', 'hub', '--source-start-time', '2026-01-02T04:04:05+01:00', '--json']
    const r = await cli(remote)
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<StreamAddResult>().stream.config.sources?.[0]).toMatchObject({external: {api: '$JS.hub.API'}, name: 'ORIGIN'})
    expect(Date.parse(String((await config('REMOTE')).sources?.[0].opt_start_time))).toBe(Date.parse(time))
    expect((await cli(remote)).json<StreamAddResult>().action).toBe('unchanged')
    expect((await cli(['stream', 'info', 'REMOTE'])).stdout).toMatch(/Sources: +ORIGIN \(from 2026-01-02T03:04:05Z, domain hub\)/)

    const api = await cli(['stream', 'add', 'OTHERACC', '--mirror', 'ORIGIN', '--mirror-api-prefix', '$JS.other.API', '--json'])
    expect(api.code, api.stderr).toBe(0)
    expect(api.json<StreamAddResult>().stream.config.mirror).toMatchObject({external: {api: '$JS.other.API'}})

    const transformed = ['stream', 'add', 'RENAMED', '--source', 'ORIGIN', '--source-transform', 'origin.a=renamed.a', '--json']
    const t = await cli(transformed)
    if (facts.caps.has('subject-transform')) {
      expect(t.code, t.stderr).toBe(0)
      expect(t.json<StreamAddResult>().stream.config.sources?.[0].subject_transforms).toEqual([{dest: 'renamed.a', src: 'origin.a'}])
      await waitFor(async () => ((await jsm.streams.info('RENAMED', {subjects_filter: '>'})).state.subjects?.['renamed.a'] === 3 ? true : undefined), 15_000, 'the transformed source')
      expect((await cli(transformed)).json<StreamAddResult>().action).toBe('unchanged')
    } else {
      expectRefusal(t, 'subject-transform')
      expect(await exists('RENAMED')).toBe(false)
    }
  })
})

describe('stream get: several subjects and batches (batch direct get)', () => {
  beforeAll(async () => {
    expect((await cli(['stream', 'add', 'DGET', '--subjects', 'dget.>'])).code).toBe(0)
    const js = jetstream(nc)
    for (const s of ['dget.a', 'dget.b', 'dget.c', 'dget.a', 'dget.b']) await js.publish(s, `${s} body`)
    expect((await cli(['stream', 'add', 'NODIRECT', '--subjects', 'nodirect.>', '--no-allow-direct'])).code).toBe(0)
    await js.publish('nodirect.a', 'x')
  })

  it('the last message of each subject, by name or wildcard, as a JSON array in stream order', async () => {
    const two = await cli(['stream', 'get', 'DGET', '--last-for', 'dget.b', '--last-for', 'dget.a', '--json'])
    const wild = await cli(['stream', 'get', 'DGET', '--last-for', 'dget.*', '--json'])
    const batch = await cli(['stream', 'get', 'DGET', '2', '--batch', '3', '--json'])
    if (facts.caps.has('direct-get-batch')) {
      expect(two.code, two.stderr).toBe(0)
      expect(two.json<StoredMessageRecord[]>().map((m) => [m.jetstream.sequence, m.subject, m.data])).toEqual([
        [4, 'dget.a', 'dget.a body'],
        [5, 'dget.b', 'dget.b body'],
      ])
      expect(two.json<StoredMessageRecord[]>()[0].headers).toBeUndefined()
      expect(wild.code, wild.stderr).toBe(0)
      expect(wild.json<StoredMessageRecord[]>().map((m) => m.jetstream.sequence)).toEqual([3, 4, 5])
      expect(batch.code, batch.stderr).toBe(0)
      expect(batch.json<StoredMessageRecord[]>().map((m) => [m.jetstream.sequence, m.subject])).toEqual([
        [2, 'dget.b'],
        [3, 'dget.c'],
        [4, 'dget.a'],
      ])
      const human = await cli(['stream', 'get', 'DGET', '--last-for', 'dget.a', '--last-for', 'dget.c'])
      expect(human.stdout).toMatch(/seq 3 \/ subject: dget\.c[\s\S]*seq 4 \/ subject: dget\.a/)
      const none = await cli(['stream', 'get', 'DGET', '--last-for', 'dget.x', '--last-for', 'dget.y'])
      expect(none.code, none.stderr).toBe(3)
      const off = await cli(['stream', 'get', 'NODIRECT', '--last-for', 'nodirect.a', '--last-for', 'nodirect.b'])
      expect(off.code, off.stderr).toBe(2)
      expect(off.stderr).toContain('natsx stream edit NODIRECT --allow-direct')
      expect(natsxLines(off.stderr)).toHaveLength(1)
    } else {
      for (const res of [two, wild, batch]) {
        expect(res.code, res.stderr).toBe(8)
        expect(JSON.parse(res.stderr).error.message).toContain(`requires nats-server ${FEATURES['direct-get-batch'].version}; connected server is ${facts.version}`)
      }
    }

    // one literal subject is the single get every server has
    const one = await cli(['stream', 'get', 'DGET', '--last-for', 'dget.c', '--json'])
    expect(one.json<StoredMessageRecord>()).toMatchObject({jetstream: {sequence: 3}, subject: 'dget.c'})
  })
})

import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {ApplyResult} from '../../src/commands/apply.js'
import type {ExportResult} from '../../src/commands/export.js'

import {ROOT, runCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, startServer, waitFor} from '../helpers/servers.js'

const dir = mkdtempSync(join(tmpdir(), 'natsx-export-'))

/** Many options, so the round trip covers more than the defaults. */
const RICH = `streams:
  - name: EVENTS
    subjects: [events.>, audit.*]
    storage: memory
    retention: interest
    discard: new
    max_msgs: 100000
    max_msgs_per_subject: 10
    max_age: 36h
    duplicate_window: 30s
    max_msg_size: 512KiB
    allow_rollup_hdrs: true
    deny_delete: true
    allow_direct: true
    republish:
      src: events.>
      dest: repub.>
    consumers:
      - name: pusher
        deliver_subject: deliver.events
        flow_control: true
        idle_heartbeat: 5s
        ack_wait: 45s
        max_ack_pending: 200
      - name: grouped
        deliver_subject: deliver.grouped
        deliver_group: workers
        deliver_policy: new
      - name: puller
        filter_subject: events.important
        backoff: [500ms, 2s, 1m]
        max_deliver: 6
        max_batch: 50
        max_expires: 30s
        inactive_threshold: 1h
        replay_policy: instant
  - name: TASKS
    retention: workqueue
    max_bytes: 256MiB
  - name: AGGREGATE
    sources:
      - name: EVENTS
        filter_subject: events.important
      - name: TASKS
kv:
  - bucket: sessions
    history: 1
    ttl_ms: 15m
    storage: memory
objects:
  - bucket: blobs
    ttl_ms: 604800000
    description: large blobs
`

let a: NatsServer
let b: NatsServer
beforeAll(async () => {
  ;[a, b] = await Promise.all([startServer(), startServer()])
})
afterAll(async () => {
  await Promise.all([a?.destroy(), b?.destroy()])
})

const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('export', () => {
  it('export → apply on a fresh server → export gives an identical spec', async () => {
    const setup = await runCli(['apply', '-f', join(ROOT, 'examples', 'orders.yaml'), '-f', file('rich.yaml', RICH), '-s', a.url])
    expect(setup.code, setup.stderr).toBe(0)

    const first = await runCli(['export', '-s', a.url])
    expect(first.code, first.stderr).toBe(0)
    const exported = file('exported.yaml', first.stdout)

    // the export, applied back to where it came from, is no change
    const same = await runCli(['apply', '-f', exported, '--check', '-s', a.url])
    expect(same.code, same.stdout).toBe(0)

    const applied = await runCli(['apply', '-f', exported, '--json', '-s', b.url])
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.json<ApplyResult>().summary).toMatchObject({create: 13, unchanged: 0})

    const second = await runCli(['export', '-s', b.url])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toBe(first.stdout)

    // both servers now agree with the original specs too
    const check = await runCli(['apply', '-f', join(ROOT, 'examples', 'orders.yaml'), '-f', join(dir, 'rich.yaml'), '--check', '-s', b.url])
    expect(check.code, check.stdout).toBe(0)
  })

  it('leaves out what the server fills in and writes units', async () => {
    const r = await runCli(['export', 'EVENTS', 'TASKS', 'sessions', '--json', '-s', a.url])
    expect(r.code, r.stderr).toBe(0)
    const spec = r.json<ExportResult>()
    const tasks = spec.streams!.find((s) => s.name === 'TASKS')!
    expect(tasks).toEqual({max_bytes: '256MiB', name: 'TASKS', retention: 'workqueue'})
    const events = spec.streams!.find((s) => s.name === 'EVENTS')!
    expect(events).toMatchObject({duplicate_window: '30s', max_age: '36h', max_msg_size: '512KiB', storage: 'memory'})
    for (const k of ['num_replicas', 'max_consumers', 'sealed', 'deny_purge', 'mirror_direct']) expect(events).not.toHaveProperty(k)
    const puller = (events.consumers as Array<Record<string, unknown>>).find((c) => c.name === 'puller')!
    expect(puller).toEqual({
      backoff: ['500ms', '2s', '1m'],
      filter_subject: 'events.important',
      inactive_threshold: '1h',
      max_batch: 50,
      max_deliver: 6,
      max_expires: '30s',
      name: 'puller',
    })
    expect(spec.kv).toEqual([{bucket: 'sessions', storage: 'memory', ttl_ms: '15m'}])
    expect(spec.objects).toBeUndefined()
  })

  it('selects by pattern and kind, writes JSON or a file', async () => {
    const r = await runCli(['export', 'EV*', '--kind', 'stream', '--format', 'json', '-s', a.url])
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as ExportResult).streams!.map((s) => s.name)).toEqual(['EVENTS'])

    const buckets = await runCli(['export', '--kind', 'kv', '--kind', 'object', '--json', '-s', a.url])
    expect(Object.keys(buckets.json<ExportResult>())).toEqual(['kv', 'objects'])

    const out = join(dir, 'out.yaml')
    const w = await runCli(['export', 'ORDERS', '--output', out, '-s', a.url])
    expect(w.code, w.stderr).toBe(0)
    expect(w.stdout).toBe('')
    expect(w.stderr).toContain(`wrote 1 resource(s) to ${out}`)
    expect((parse(readFileSync(out, 'utf8')) as ExportResult).streams![0].name).toBe('ORDERS')

    const none = await runCli(['export', 'NOTHING*', '-s', a.url])
    expect(none.code).toBe(0)
    expect(none.stdout).toBe('{}\n')
    const bad = await runCli(['export', 'a.b', '-s', a.url])
    expect(bad.code).toBe(2)
  })
})

describe('export and apply leave out what the server made', () => {
  let c: NatsServer
  beforeAll(async () => {
    c = await startServer()
  })
  afterAll(async () => {
    await c?.destroy()
  })

  it('a work-queue stream sourced elsewhere: the consumer a 2.14+ server makes for it is neither exported nor pruned', async () => {
    const {caps} = await serverFacts(c)
    const text = `streams:
  - name: JOBS
    subjects: [jobs.>]
    retention: workqueue
  - name: NOTICES
    subjects: [notices.>]
    retention: interest
    consumers:
      - name: reader
  - name: JOBS_COPY
    sources:
      - name: JOBS
  - name: NOTICES_MIRROR
    mirror:
      name: NOTICES
`
    const specFile = file('sourced.yaml', text)
    const applied = await runCli(['apply', '-f', specFile, '-s', c.url])
    expect(applied.code, applied.stderr).toBe(0)

    // what the server made on the origins: durable JS_SRC_/JS_MIRROR_ consumers on 2.14+, nothing durable before
    const made = async (stream: string): Promise<string[]> => {
      const r = await runCli(['consumer', 'ls', stream, '--names', '-s', c.url])
      expect(r.code, r.stderr).toBe(0)
      return r.stdout.split('\n').filter((n) => /^JS_(SRC|MIRROR)_/.test(n))
    }

    if (caps.has('durable-sourcing')) {
      expect(await waitFor(async () => ((await made('JOBS')).length > 0 ? true : undefined), 15_000, 'a JS_SRC_ consumer on JOBS')).toBe(true)
      expect(await waitFor(async () => ((await made('NOTICES')).length > 0 ? true : undefined), 15_000, 'a JS_MIRROR_ consumer on NOTICES')).toBe(true)
    } else {
      expect(await made('JOBS')).toEqual([])
    }

    const r = await runCli(['export', '--json', '-s', c.url])
    expect(r.code, r.stderr).toBe(0)
    const exported = r.json<ExportResult>()
    const byName = new Map((exported.streams ?? []).map((s) => [String(s.name), s]))
    expect(byName.get('JOBS')).not.toHaveProperty('consumers')
    expect((byName.get('NOTICES')!.consumers as Array<{name: string}>).map((x) => x.name)).toEqual(['reader'])
    // nor the server's own metadata (2.11+ writes _nats.* into every stream and consumer)
    expect(r.stdout).not.toContain('_nats.')

    // the spec and its export agree with the server, and --prune would delete nothing the server made
    for (const f of [specFile, file('sourced-export.yaml', JSON.stringify(exported))]) {
      const check = await runCli(['apply', '-f', f, '--check', '--prune', '--json', '-s', c.url])
      expect(check.code, check.stdout).toBe(0)
    }

    expect((await made('JOBS')).length > 0).toBe(caps.has('durable-sourcing'))
  })

  it('a stream with consumer_limits: its consumers are exported without the limits the server applied, and --check is 0', async () => {
    const {caps} = await serverFacts(c)
    const text = `streams:
  - name: LIMITED
    subjects: [limited.>]
    consumer_limits:
      inactive_threshold: 1h
      max_ack_pending: 50
    consumers:
      - name: plain
      - name: own
        max_ack_pending: 20
`
    const specFile = file('limited.yaml', text)
    const applied = await runCli(['apply', '-f', specFile, '-s', c.url])
    if (!caps.has('stream-consumer-limits')) {
      expect(applied.code).toBe(8)
      expect(applied.stderr).toContain('streams[0].consumer_limits')
      expect((await runCli(['export', 'LIMITED', '--json', '-s', c.url])).json<ExportResult>()).toEqual({})
      return
    }

    expect(applied.code, applied.stderr).toBe(0)
    const again = await runCli(['apply', '-f', specFile, '--check', '-s', c.url])
    expect(again.code, again.stdout).toBe(0)
    const r = await runCli(['export', 'LIMITED', '--json', '-s', c.url])
    const stream = r.json<ExportResult>().streams![0]
    expect(stream.consumer_limits).toEqual({inactive_threshold: '1h', max_ack_pending: 50})
    expect(stream.consumers).toEqual([
      {max_ack_pending: 20, name: 'own'},
      {name: 'plain'},
    ])
  })
})

import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {ApplyResult} from '../../src/commands/apply.js'
import type {ExportResult} from '../../src/commands/export.js'

import {ROOT, runCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

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

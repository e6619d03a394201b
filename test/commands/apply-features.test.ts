/**
 * Issue 11's must-show for apply and export, on whichever server the suite runs against: a spec that uses every
 * feature this server supports (built here from the server's own version and API level) is applied, then
 * `apply --check` finds nothing to do; and `export` → `apply` on a fresh server of the same version → `export`
 * gives an identical spec.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import type {ApplyResult} from '../../src/commands/apply.js'
import type {Capabilities} from '../../src/lib/capabilities.js'

import {runCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer} from '../helpers/servers.js'

const dir = mkdtempSync(join(tmpdir(), 'natsx-apply-features-'))
const write = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

type Item = Record<string, unknown>

/** Every option of the spec that this server honours; `used` lists the capability-gated ones it holds. */
function everyFeatureSpec(caps: Capabilities): {spec: Record<string, Item[]>; used: string[]} {
  const used: string[] = []
  const when = <T extends Item>(feature: Parameters<Capabilities['has']>[0], value: T): Partial<T> => {
    if (!caps.has(feature)) return {}
    used.push(feature)
    return value
  }

  const streams: Item[] = [
    {
      allow_direct: true,
      allow_rollup_hdrs: true,
      consumers: [
        {
          backoff: ['1s', '5s', '30s'],
          description: 'pull with everything',
          filter_subject: 'orders.new',
          inactive_threshold: '1h',
          max_batch: 100,
          max_bytes: '1MiB',
          max_deliver: 5,
          max_expires: '30s',
          max_waiting: 64,
          name: 'puller',
          ...when('consumer-metadata', {metadata: {owner: 'billing'}}),
        },
        {
          ack_wait: '45s',
          deliver_subject: 'deliver.orders',
          flow_control: true,
          headers_only: true,
          idle_heartbeat: '5s',
          max_ack_pending: 200,
          name: 'pusher',
          rate_limit_bps: 1_000_000,
          replay_policy: 'original',
        },
        {deliver_group: 'workers', deliver_policy: 'new', deliver_subject: 'deliver.grouped', name: 'grouped'},
        {ack_policy: 'all', deliver_policy: 'by_start_sequence', mem_storage: true, name: 'from-ten', opt_start_seq: 10},
        {deliver_policy: 'by_start_time', name: 'from-time', opt_start_time: '2024-05-01T12:00:00Z', sample_freq: '30%'},
        {deliver_policy: 'last_per_subject', filter_subject: 'orders.>', name: 'latest'},
        ...(caps.has('multi-filter') ? [{filter_subjects: ['orders.new', 'orders.paid'], name: 'two-filters', ...when('multi-filter', {})}] : []),
        ...(caps.has('consumer-pause') ? [{name: 'sleeper', ...when('consumer-pause', {pause_until: '2099-01-01T00:00:00Z'})}] : []),
        ...(caps.has('priority-groups')
          ? [
              {name: 'overflow', ...when('priority-groups', {priority_groups: ['jobs'], priority_policy: 'overflow'})},
              {name: 'pinned', priority_groups: ['jobs'], priority_policy: 'pinned_client'},
              {name: 'pinned-ttl', priority_groups: ['jobs'], priority_policy: 'pinned_client', ...when('priority-timeout', {priority_timeout: '30s'})},
            ]
          : []),
        ...(caps.has('prioritized-policy') ? [{name: 'ranked', ...when('prioritized-policy', {priority_groups: ['jobs'], priority_policy: 'prioritized'})}] : []),
      ],
      deny_delete: true,
      description: 'every stream option',
      discard: 'new',
      discard_new_per_subject: true,
      duplicate_window: '30s',
      max_age: '36h',
      max_bytes: '256MiB',
      max_consumers: 50,
      max_msg_size: '512KiB',
      max_msgs: 100_000,
      max_msgs_per_subject: 10,
      name: 'ORDERS',
      republish: {dest: 'repub.>', headers_only: true, src: 'orders.>'},
      storage: 'file',
      subjects: ['orders.>'],
      ...when('stream-compression', {compression: 's2'}),
      ...when('stream-metadata', {metadata: {team: 'orders'}}),
      ...when('first-sequence', {first_seq: 1000}),
    },
    {name: 'EVENTS', retention: 'interest', storage: 'memory', subjects: ['events.>'], ...when('subject-transform', {subject_transform: {dest: 'moved.>', src: 'events.>'}})},
    {name: 'JOBS', retention: 'workqueue', subjects: ['jobs.>']},
    // sourcing a work-queue stream: a 2.14+ server makes a durable consumer on JOBS for it (not the spec's)
    {
      name: 'COPY',
      sources: [
        {filter_subject: 'orders.paid', name: 'ORDERS'},
        {name: 'JOBS', ...when('subject-transform', {subject_transforms: [{dest: 'copied.>', src: 'jobs.>'}]})},
      ],
    },
    {mirror: {name: 'EVENTS'}, name: 'EVENTS_MIRROR'},
  ]
  if (caps.has('stream-consumer-limits'))
    streams.push({
      consumer_limits: {inactive_threshold: '1h', max_ack_pending: 50},
      consumers: [{name: 'plain'}, {max_ack_pending: 20, name: 'own'}],
      name: 'LIMITED',
      subjects: ['limited.>'],
      ...when('stream-consumer-limits', {}),
    })
  if (caps.has('msg-ttl'))
    streams.push({
      name: 'TTL',
      subjects: ['ttl.>'],
      ...when('msg-ttl', {allow_msg_ttl: true}),
      ...when('subject-delete-markers', {subject_delete_marker_ttl: '5s'}),
    })
  if (caps.has('stream-counters')) streams.push({name: 'COUNT', subjects: ['count.>'], ...when('stream-counters', {allow_msg_counter: true})})
  if (caps.has('stream-schedules')) streams.push({name: 'SCHED', subjects: ['sched.>'], ...when('stream-schedules', {allow_msg_schedules: true})})
  if (caps.has('stream-atomic-batch'))
    streams.push({
      name: 'BATCH',
      subjects: ['batch.>'],
      ...when('stream-atomic-batch', {allow_atomic: true}),
      ...when('fast-batch', {allow_batched: true}),
    })
  if (caps.has('persist-mode')) streams.push({name: 'ASYNC', subjects: ['async.>'], ...when('persist-mode', {persist_mode: 'async'})})

  const kv: Item[] = [
    {
      bucket: 'settings',
      description: 'every bucket option',
      history: 5,
      max_bucket_size: '64MiB',
      max_value_size: '64KiB',
      republish: {dest: 'settings.changed.>', src: '$KV.settings.>'},
      storage: 'file',
      ttl_ms: '1h',
      ...when('kv-compression', {compression: true}),
      ...when('stream-metadata', {metadata: {team: 'platform'}}),
      ...when('kv-marker-ttl', {marker_ttl_ms: '10m'}),
    },
    {bucket: 'cache', storage: 'memory', ttl_ms: '15m'},
  ]
  const objects: Item[] = [
    {
      bucket: 'blobs',
      description: 'large blobs',
      max_bucket_size: '1GiB',
      ttl_ms: '7d',
      ...when('kv-compression', {compression: true}),
      ...when('stream-metadata', {metadata: {team: 'platform'}}),
    },
  ]
  return {spec: {kv, objects, streams}, used: [...new Set(used)]}
}

let a: NatsServer
let b: NatsServer
let facts: ServerFacts
beforeAll(async () => {
  ;[a, b] = await Promise.all([startServer(), startServer()])
  facts = await serverFacts(a)
})
afterAll(async () => {
  await Promise.all([a?.destroy(), b?.destroy()])
})

describe('apply and export with every feature the connected server supports', () => {
  it('apply, then apply --check is exit 0; export → apply on a fresh server → export is identical', async () => {
    const {spec, used} = everyFeatureSpec(facts.caps)
    // the spec grows with the server: each gated feature this server has is in it
    for (const f of ['stream-compression', 'msg-ttl', 'stream-counters', 'fast-batch'] as const)
      expect(used.includes(f)).toBe(facts.caps.has(f))
    const file = write('every.yaml', stringify(spec))

    const applied = await runCli(['apply', '-f', file, '--json', '-s', a.url])
    expect(applied.code, applied.stderr).toBe(0)
    const plan = applied.json<ApplyResult>()
    expect(plan.summary.create).toBe(plan.plan.length)

    const check = await runCli(['apply', '-f', file, '--check', '-s', a.url])
    expect(check.code, check.stdout + check.stderr).toBe(0)

    const first = await runCli(['export', '-s', a.url])
    expect(first.code, first.stderr).toBe(0)
    const exported = write('exported.yaml', first.stdout)
    const same = await runCli(['apply', '-f', exported, '--check', '-s', a.url])
    expect(same.code, same.stdout + same.stderr).toBe(0)

    const onB = await runCli(['apply', '-f', exported, '--json', '-s', b.url])
    expect(onB.code, onB.stderr).toBe(0)
    expect(onB.json<ApplyResult>().summary).toMatchObject({create: plan.summary.create, unchanged: 0})
    const second = await runCli(['export', '-s', b.url])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toBe(first.stdout)

    // and the server that got the export agrees with the original spec
    const original = await runCli(['apply', '-f', file, '--check', '-s', b.url])
    expect(original.code, original.stdout + original.stderr).toBe(0)
  })
})

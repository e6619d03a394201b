/**
 * The consumer update matrix: for each field, try the raw `$JS.API.CONSUMER.CREATE` update (action "update"; a 2.9
 * server ignores the action and creates or updates) on the real server, see what the server does with it, and
 * check that natsx's rule for the connected version says the same:
 * - in place: the server accepts the update and the consumer has the new value (natsx: `updatable`);
 * - refused: the server answers with an error (natsx: `create-only`, `consumer edit` is exit 2);
 * - dropped: the server accepts the update and keeps the old value, because it does not know the field
 *   (natsx: `unsupported`, exit 8);
 * - pause API: the server keeps the field out of updates, and `$JS.API.CONSUMER.PAUSE` changes it (natsx: `pause-api`).
 */
import {jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {sameValue} from '../../../src/lib/config-file.js'
import {
  type ConsumerConfigInput,
  consumerFieldRule,
  diffConsumerConfig,
  immutableConsumerChanges,
  normalizeConsumerConfig,
} from '../../../src/lib/consumers/config.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer} from '../../helpers/servers.js'

type Verdict = 'dropped' | 'in place' | 'pause API' | 'refused'

let server: NatsServer
let nc: NatsConnection
let facts: ServerFacts

const PULL: ConsumerConfigInput = {ack_policy: 'explicit', filter_subject: 'm.a'} as ConsumerConfigInput
const PUSH: ConsumerConfigInput = {ack_policy: 'explicit', deliver_subject: 'deliver.x'} as ConsumerConfigInput
const PUSH_HB: ConsumerConfigInput = {...PUSH, flow_control: true, idle_heartbeat: 5e9}
const PINNED: ConsumerConfigInput = {...PULL, priority_groups: ['g'], priority_policy: 'pinned_client', priority_timeout: 120e9} as ConsumerConfigInput

/** [field, configuration it is created with, what the update changes (undefined removes a field)] */
const CASES: Array<[string, ConsumerConfigInput, ConsumerConfigInput]> = [
  ['description', PULL, {description: 'changed'}],
  ['ack_wait', PULL, {ack_wait: 10e9}],
  ['max_deliver', PULL, {max_deliver: 5}],
  ['backoff', {...PULL, max_deliver: 5}, {ack_wait: 1e9, backoff: [1e9, 2e9]}],
  ['sample_freq', PULL, {sample_freq: '50%'}],
  ['max_ack_pending', PULL, {max_ack_pending: 10}],
  ['max_waiting', PULL, {max_waiting: 10}],
  ['headers_only', PULL, {headers_only: true}],
  ['max_batch', PULL, {max_batch: 10}],
  ['max_expires', PULL, {max_expires: 10e9}],
  ['max_bytes', PULL, {max_bytes: 1000}],
  ['inactive_threshold', PULL, {inactive_threshold: 3600e9}],
  ['num_replicas', PULL, {num_replicas: 1}],
  ['mem_storage', PULL, {mem_storage: true}],
  ['metadata', PULL, {metadata: {team: 'ops'}}],
  ['filter_subject', PULL, {filter_subject: 'm.b'}],
  ['filter_subjects', PULL, {filter_subject: undefined, filter_subjects: ['m.a', 'm.b']}],
  ['pause_until', PULL, {pause_until: '2031-01-01T00:00:00Z'}],
  ['priority_groups', PULL, {priority_groups: ['g'], priority_policy: 'overflow'} as ConsumerConfigInput],
  ['priority_policy', PINNED, {priority_policy: 'overflow', priority_timeout: undefined} as ConsumerConfigInput],
  ['priority_timeout', PINNED, {priority_timeout: 60e9}],
  ['deliver_policy', PULL, {deliver_policy: 'new'} as ConsumerConfigInput],
  ['opt_start_seq', {...PULL, deliver_policy: 'by_start_sequence', opt_start_seq: 1} as ConsumerConfigInput, {opt_start_seq: 5}],
  ['opt_start_time', {...PULL, deliver_policy: 'by_start_time', opt_start_time: '2020-01-01T00:00:00Z'} as ConsumerConfigInput, {opt_start_time: '2021-01-01T00:00:00Z'}],
  ['ack_policy', PULL, {ack_policy: 'all'} as ConsumerConfigInput],
  ['replay_policy', PULL, {replay_policy: 'original'} as ConsumerConfigInput],
  ['idle_heartbeat', PUSH_HB, {idle_heartbeat: 10e9}],
  ['flow_control', PUSH_HB, {flow_control: false}],
  ['rate_limit_bps', PUSH, {rate_limit_bps: 1000}],
  ['deliver_subject', PUSH, {deliver_subject: 'deliver.y'}],
  ['deliver_group', PUSH, {deliver_group: 'workers'}],
  ['deliver_subject (push → pull)', PUSH, {deliver_subject: undefined}],
  ['deliver_subject (pull → push)', PULL, {deliver_subject: 'deliver.z'}],
]

async function api(subject: string, body: unknown): Promise<{config?: ConsumerConfigInput; error?: {description: string}}> {
  const m = await nc.request(subject, JSON.stringify(body), {timeout: 5000})
  return m.json()
}

const field = (name: string): string => name.split(' ')[0]

beforeAll(async () => {
  server = await startServer()
  facts = await serverFacts(server)
  nc = await connect({servers: server.url})
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({name: 'M', subjects: ['m.>']})
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('consumer update matrix: natsx agrees with the connected server', () => {
  it.each(CASES.map((c, i) => [...c, i] as const))('%s', async (name, base, delta, i) => {
    const consumer = `C${i}`
    const created = await api(`$JS.API.CONSUMER.CREATE.M.${consumer}`, {
      action: 'create',
      config: {...base, durable_name: consumer, name: consumer},
      stream_name: 'M',
    })
    expect(created.error, JSON.stringify(created.error)).toBeUndefined()
    const before = created.config!
    const wanted: ConsumerConfigInput = {...before, ...delta}
    for (const k of Object.keys(wanted)) if (wanted[k] === undefined) delete wanted[k]
    const updated = await api(`$JS.API.CONSUMER.CREATE.M.${consumer}`, {action: 'update', config: wanted, stream_name: 'M'})
    const applied = async (): Promise<boolean> => {
      const info = await api(`$JS.API.CONSUMER.INFO.M.${consumer}`, {})
      const now = normalizeConsumerConfig(info.config!)
      const want = normalizeConsumerConfig(wanted)
      return Object.keys(delta).every((k) => sameValue(now[k], want[k]))
    }

    let server: Verdict
    if (updated.error) server = 'refused'
    else if (await applied()) server = 'in place'
    else {
      server = 'dropped'
      if (field(name) === 'pause_until' && facts.caps.has('consumer-pause')) {
        const paused = await api(`$JS.API.CONSUMER.PAUSE.M.${consumer}`, {pause_until: delta.pause_until})
        expect(paused.error, JSON.stringify(paused.error)).toBeUndefined()
        if (await applied()) server = 'pause API'
      }
    }

    const rule = consumerFieldRule(field(name), facts.caps)
    const natsx: Verdict =
      rule === 'unsupported'
        ? 'dropped'
        : rule === 'pause-api'
          ? 'pause API'
          : immutableConsumerChanges(diffConsumerConfig(before, wanted), facts.caps).length > 0
            ? 'refused'
            : 'in place'
    expect(natsx, `server ${facts.version} (API level ${facts.apiLevel}): ${updated.error?.description ?? 'accepted'}`).toBe(server)
  })
})

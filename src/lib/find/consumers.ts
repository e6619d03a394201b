/** `consumer find`: natscli's consumer selectors over one stream's consumers, and an expression. */
import type {ConsumerInfo, JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {usageError} from '../errors.js'
import {requireStream} from '../streams/ops.js'
import {type Predicate} from './expression.js'
import {checkInvert, msSince, plain, requiredApiLevel, select, type Selector} from './select.js'

export interface ConsumerQuery {
  /** fewer than this many messages waiting for an ack */
  ackPending?: number
  /** needs at least this JetStream API level (`_nats.req.level`) */
  apiLevel?: number
  /** push: a subscriber on the deliver subject; pull: pulls waiting */
  bound?: boolean
  /** created at least this long ago (ms) */
  created?: number
  expression?: Predicate
  /** no delivery for at least this long (ms), or never one */
  idle?: number
  invert?: boolean
  /** led by this server (exact name) */
  leader?: string
  /** paused (2.11+) */
  paused?: boolean
  /** fewer than this many messages not yet delivered */
  pending?: number
  /** a pinned_client priority policy with a client pinned in every group (2.11+) */
  pinned?: boolean
  pull?: boolean
  push?: boolean
  /** at most this many replicas (a consumer without its own count has its stream's) */
  replicas?: number
  /** fewer than this many pulls waiting */
  waiting?: number
}

type Info = ConsumerInfo & {
  paused?: boolean
  priority_groups?: Array<{group: string; pinned_client_id?: string}>
  push_bound?: boolean
}

const lastDelivery = (ci: ConsumerInfo): string | undefined => (ci.delivered as unknown as {last_active?: string}).last_active

/** Whether every priority group of a pinned_client consumer has a client pinned. */
export function allGroupsPinned(ci: ConsumerInfo): boolean {
  const groups = ci.config.priority_groups ?? []
  if (ci.config.priority_policy !== 'pinned_client' || groups.length === 0) return false
  const state = (ci as Info).priority_groups ?? []
  return groups.every((g) => Boolean(state.find((s) => s.group === g)?.pinned_client_id))
}

/** The selectors a query sets, in natscli's order. */
export function consumerSelectors(q: ConsumerQuery, streamReplicas = 1): Array<Selector<ConsumerInfo>> {
  const s: Array<Selector<ConsumerInfo>> = []
  const isPush = (ci: ConsumerInfo): boolean => Boolean(ci.config.deliver_subject)
  if (q.pull) s.push({flag: 'pull', test: (ci) => !isPush(ci)})
  if (q.push) s.push({flag: 'push', test: isPush})
  if (q.bound) s.push({flag: 'bound', test: (ci) => Boolean((ci as Info).push_bound) || ci.num_waiting > 0})
  if (q.ackPending !== undefined) s.push({flag: 'ack-pending', test: (ci) => ci.num_ack_pending < q.ackPending!})
  if (q.waiting !== undefined) s.push({flag: 'waiting', test: (ci) => ci.num_waiting < q.waiting!})
  if (q.pending !== undefined) s.push({flag: 'pending', test: (ci) => ci.num_pending < q.pending!})
  if (q.created !== undefined) s.push({flag: 'created', test: (ci, now) => msSince(ci.created, now) >= q.created!})
  if (q.idle !== undefined) s.push({flag: 'idle', test: (ci, now) => msSince(lastDelivery(ci), now) >= q.idle!})
  if (q.replicas !== undefined) s.push({flag: 'replicas', test: (ci) => (ci.config.num_replicas || streamReplicas) <= q.replicas!})
  if (q.leader !== undefined) s.push({flag: 'leader', test: (ci) => ci.cluster?.leader === q.leader})
  if (q.pinned) s.push({flag: 'pinned', test: allGroupsPinned})
  if (q.paused) s.push({flag: 'paused', test: (ci) => Boolean((ci as Info).paused)})
  if (q.apiLevel !== undefined) s.push({flag: 'api-level', test: (ci) => requiredApiLevel(ci.config) >= q.apiLevel!})
  return s
}

/** Apply a query to consumers already listed (pure apart from the clock). */
export async function selectConsumers(list: ConsumerInfo[], q: ConsumerQuery, streamReplicas = 1, now?: number): Promise<ConsumerInfo[]> {
  const selectors = consumerSelectors(q, streamReplicas)
  checkConsumerQuery(q)
  checkInvert(selectors, q.invert)
  return select(list, selectors, {
    describe: (ci) => `consumer "${ci.name}"`,
    expression: q.expression,
    input(ci) {
      const info = plain(ci) as unknown as Record<string, unknown>
      const {config, ...state} = info
      return {config, info, state}
    },
    invert: q.invert,
    now,
  })
}

/** Input checks that need no server: --pull with --push is exit 2. */
export function checkConsumerQuery(q: ConsumerQuery): void {
  if (q.pull && q.push) throw usageError('--pull and --push cannot both be given: a consumer is one or the other', 'pass one of them, or --pull --invert for push consumers')
}

/** Version-gated selectors: exit 8 where the server has no such thing. */
export function checkConsumerCapabilities(q: ConsumerQuery, caps: Capabilities): void {
  if (q.paused) caps.require('consumer-pause', '--paused (consumer pause)')
  if (q.pinned) caps.require('priority-groups', '--pinned (priority groups)')
  if (q.apiLevel !== undefined) caps.require('asset-api-level', '--api-level (the API level a consumer needs)')
}

/** List a stream's consumers (exit 3 when the stream does not exist) and select. */
export async function findConsumers(jsm: JetStreamManager, stream: string, q: ConsumerQuery): Promise<ConsumerInfo[]> {
  checkConsumerQuery(q)
  checkInvert(consumerSelectors(q), q.invert)
  const si = await requireStream(jsm, stream)
  const list: ConsumerInfo[] = []
  for await (const ci of jsm.consumers.list(stream)) list.push(ci)
  list.sort((a, b) => a.name.localeCompare(b.name))
  return selectConsumers(list, q, si.config.num_replicas || 1)
}

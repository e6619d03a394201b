/**
 * Consumer operations: idempotent add, edit with a diff, reports. Plain data out (pulling messages: next.ts).
 */
import type {ConsumerConfig, ConsumerInfo, JetStreamManager, StreamInfo} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {type FieldDiff, inlineDiff} from '../config-file.js'
import {conflict, ExitCode, notFound, toNatsxError, usageError} from '../errors.js'
import {requireStream} from '../streams/ops.js'
import {
  checkConsumerCapabilities,
  type ConsumerConfigInput,
  type ConsumerLimits,
  consumerName,
  diffConsumerConfig,
  immutableConsumerChanges,
  normalizeConsumerConfig,
  validateConsumerConfig,
  wireConsumerConfig,
} from './config.js'

export async function findConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name)
  } catch (error) {
    if (toNatsxError(error).exitCode === ExitCode.NOT_FOUND) return undefined
    throw error
  }
}

export async function requireConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo> {
  await requireStream(jsm, stream)
  const ci = await findConsumer(jsm, stream, name)
  if (!ci)
    throw notFound(
      `consumer "${name}" not found on stream "${stream}"`,
      `list consumers with \`natsx consumer ls ${stream}\``,
    )
  return ci
}

export interface ConsumerAddResult {
  action: 'created' | 'unchanged'
  info: ConsumerInfo
}

/** The stream's `consumer_limits` (2.10+), which fill in a new consumer's defaults. */
export const streamConsumerLimits = (si: StreamInfo): ConsumerLimits =>
  ((si.config as {consumer_limits?: ConsumerLimits}).consumer_limits ?? {})

/** Create a consumer; the same configuration again is "unchanged" (exit 0), a different one exit 4 with the diff. */
export async function addConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  desired: ConsumerConfigInput,
): Promise<ConsumerAddResult> {
  validateConsumerConfig(desired)
  checkConsumerCapabilities(desired, caps)
  const limits = streamConsumerLimits(await requireStream(jsm, stream))
  const name = consumerName(desired)
  if (name) {
    const existing = await findConsumer(jsm, stream, name)
    if (existing) return unchangedOrConflict(stream, existing, desired, limits)
  }

  try {
    const info = await jsm.consumers.add(stream, wireConsumerConfig(desired) as ConsumerConfig)
    return {action: 'created', info: withoutType(info)}
  } catch (error) {
    if (!name || toNatsxError(error).exitCode !== ExitCode.CONFLICT) throw error
    const now = await requireConsumer(jsm, stream, name)
    return unchangedOrConflict(stream, now, desired, limits)
  }
}

function unchangedOrConflict(
  stream: string,
  info: ConsumerInfo,
  desired: ConsumerConfigInput,
  limits: ConsumerLimits,
): ConsumerAddResult {
  const diff = diffConsumerConfig(info.config, desired, limits)
  if (diff.length === 0) return {action: 'unchanged', info}
  throw conflict(
    `consumer "${info.name}" on stream "${stream}" already exists with a different configuration: ${inlineDiff(diff)}`,
    'use `natsx consumer edit` or `natsx apply` to change it',
    {diff},
  )
}

export interface ConsumerEditResult {
  applied: boolean
  diff: FieldDiff[]
  info: ConsumerInfo
}

export async function editConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  desired: ConsumerConfigInput,
  dryRun: boolean,
): Promise<ConsumerEditResult> {
  const name = consumerName(desired)
  if (!name) throw usageError('the consumer has no name')
  const limits = streamConsumerLimits(await requireStream(jsm, stream))
  const current = await requireConsumer(jsm, stream, name)
  const diff = diffConsumerConfig(current.config, desired, limits)
  const immutable = immutableConsumerChanges(diff, caps)
  if (immutable.length > 0) {
    throw usageError(
      `cannot edit consumer "${name}": ${immutable.map((d) => d.reason).join('; ')}`,
      'create a new consumer (`natsx consumer copy`) or leave the field as it is',
      {diff, immutable},
    )
  }

  validateConsumerConfig(desired)
  checkConsumerCapabilities(desired, caps)
  if (dryRun || diff.length === 0) return {applied: false, diff, info: current}
  const info = await updateConsumer(jsm, stream, name, desired, diff)
  return {applied: true, diff, info}
}

/**
 * Apply a checked change to an existing consumer: the whole configuration as an update (nats.js's `update()`
 * merges into the current configuration, so a field could not be removed and one filter could not become
 * several), and a changed pause through `$JS.API.CONSUMER.PAUSE`, because 2.11+ servers keep `pause_until` out
 * of updates. Call after the immutable-field and capability checks; `diff` is `diffConsumerConfig`'s.
 */
export async function updateConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
  desired: ConsumerConfigInput,
  diff: FieldDiff[],
): Promise<ConsumerInfo> {
  const pause = diff.find((d) => d.field === 'pause_until')
  if (diff.some((d) => d.field !== 'pause_until')) {
    const wire = wireConsumerConfig(desired)
    delete wire.pause_until
    await (jsm.consumers as unknown as RawConsumerApi).addUpdate(stream, wire as ConsumerConfig, {action: 'update'})
  }

  if (pause) {
    const until = normalizeConsumerConfig(desired).pause_until
    await (until ? jsm.consumers.pause(stream, name, new Date(until)) : jsm.consumers.resume(stream, name))
  }

  return withoutType(await jsm.consumers.info(stream, name))
}

/** nats.js's create request with an action, which sends the configuration as given. */
interface RawConsumerApi {
  addUpdate(stream: string, cfg: ConsumerConfig, opts: {action: string}): Promise<ConsumerInfo>
}

export async function listConsumers(jsm: JetStreamManager, stream: string): Promise<ConsumerInfo[]> {
  await requireStream(jsm, stream)
  const out: ConsumerInfo[] = []
  for await (const ci of jsm.consumers.list(stream)) out.push(ci)
  out.sort((a, b) => a.name.localeCompare(b.name))
  return out
}

export interface ConsumerReportRow {
  ack_floor: number
  ack_pending: number
  /** RFC 3339 time of the last delivery, absent when nothing was delivered */
  last_delivery?: string
  leader?: string
  mode: 'pull' | 'push'
  name: string
  /** nanoseconds of the pause left (2.11+; absent when not paused) */
  pause_remaining?: number
  /** RFC 3339 end of the pause (2.11+; absent when not paused) */
  pause_until?: string
  /** true while the consumer is paused (2.11+ servers); absent otherwise */
  paused?: boolean
  /** the consumer's priority groups with the client pinned to each (2.11+; absent when it has none) */
  priority_groups?: Array<{group: string; pinned_client_id?: string; pinned_ts?: string}>
  /** `pinned_client`, `overflow` or `prioritized` (absent without priority groups) */
  priority_policy?: string
  problems: string[]
  redelivered: number
  replicas: Array<{lag?: number; leader: boolean; name: string; status: 'current' | 'lagging' | 'leader' | 'offline'}>
  stream: string
  unprocessed: number
  waiting_pulls: number
}

export function consumerReportRow(ci: ConsumerInfo): ConsumerReportRow {
  const replicas: ConsumerReportRow['replicas'] = []
  if (ci.cluster?.leader) replicas.push({leader: true, name: ci.cluster.leader, status: 'leader'})
  for (const p of ci.cluster?.replicas ?? [])
    replicas.push({
      lag: p.lag,
      leader: false,
      name: p.name,
      status: p.offline ? 'offline' : p.current ? 'current' : 'lagging',
    })
  const last = (ci.delivered as {last_active?: number | string}).last_active
  const problems = replicas
    .filter((r) => r.status === 'offline' || r.status === 'lagging')
    .map((r) => `${r.name} ${r.status}`)
  return {
    ack_floor: ci.ack_floor.stream_seq,
    ack_pending: ci.num_ack_pending,
    ...(typeof last === 'string' && !last.startsWith('0001-') ? {last_delivery: last} : {}),
    ...(ci.cluster?.leader ? {leader: ci.cluster.leader} : {}),
    mode: ci.config.deliver_subject ? 'push' : 'pull',
    name: ci.name,
    ...pauseAndGroups(ci),
    problems,
    redelivered: ci.num_redelivered,
    replicas,
    stream: ci.stream_name,
    unprocessed: ci.num_pending,
    waiting_pulls: ci.num_waiting,
  }
}

/** The pause and the priority groups of a consumer (2.11+), as `consumer report` and `consumer ls` show them. */
export function pauseAndGroups(ci: ConsumerInfo): Pick<ConsumerReportRow, 'pause_remaining' | 'pause_until' | 'paused' | 'priority_groups' | 'priority_policy'> {
  const x = ci as ConsumerInfo & {
    pause_remaining?: number
    paused?: boolean
    priority_groups?: Array<{group: string; pinned_client_id?: string; pinned_ts?: string}>
  }
  const out: ReturnType<typeof pauseAndGroups> = {}
  if (x.paused) out.paused = true
  const until = ci.config.pause_until
  if (x.paused && until && !String(until).startsWith('0001-')) {
    out.pause_until = String(until)
    out.pause_remaining = x.pause_remaining ?? 0
  }

  const groups = ci.config.priority_groups ?? []
  const policy = ci.config.priority_policy
  if (groups.length > 0 && policy && policy !== 'none') {
    out.priority_policy = policy
    out.priority_groups = groups.map((group) => {
      const state = x.priority_groups?.find((g) => g.group === group)
      return {
        group,
        ...(state?.pinned_client_id ? {pinned_client_id: state.pinned_client_id} : {}),
        ...(state?.pinned_client_id && state.pinned_ts && !state.pinned_ts.startsWith('0001-') ? {pinned_ts: state.pinned_ts} : {}),
      }
    })
  }

  return out
}

/** API responses carry a `type` field; infos are returned without it. */
function withoutType<T>(info: T): T {
  delete (info as {did_create?: boolean; type?: string}).type
  delete (info as {did_create?: boolean; type?: string}).did_create
  return info
}

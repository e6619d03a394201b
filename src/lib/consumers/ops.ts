/**
 * Consumer operations: idempotent add, edit with a diff, reports. Plain data out (pulling messages: next.ts).
 */
import type {ConsumerConfig, ConsumerInfo, JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {type FieldDiff, inlineDiff} from '../config-file.js'
import {conflict, ExitCode, notFound, toNatsxError, usageError} from '../errors.js'
import {requireStream} from '../streams/ops.js'
import {
  checkConsumerCapabilities,
  type ConsumerConfigInput,
  consumerName,
  diffConsumerConfig,
  immutableConsumerChanges,
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

/** Create a consumer; the same configuration again is "unchanged" (exit 0), a different one exit 4 with the diff. */
export async function addConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  desired: ConsumerConfigInput,
): Promise<ConsumerAddResult> {
  validateConsumerConfig(desired)
  checkConsumerCapabilities(desired, caps)
  await requireStream(jsm, stream)
  const name = consumerName(desired)
  if (name) {
    const existing = await findConsumer(jsm, stream, name)
    if (existing) return unchangedOrConflict(stream, existing, desired)
  }

  try {
    const info = await jsm.consumers.add(stream, wireConsumerConfig(desired) as ConsumerConfig)
    return {action: 'created', info: withoutType(info)}
  } catch (error) {
    if (!name || toNatsxError(error).exitCode !== ExitCode.CONFLICT) throw error
    const now = await requireConsumer(jsm, stream, name)
    return unchangedOrConflict(stream, now, desired)
  }
}

function unchangedOrConflict(stream: string, info: ConsumerInfo, desired: ConsumerConfigInput): ConsumerAddResult {
  const diff = diffConsumerConfig(info.config, desired)
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

export async function editConsumer(jsm: JetStreamManager, caps: Capabilities, stream: string, desired: ConsumerConfigInput, dryRun: boolean): Promise<ConsumerEditResult> {
  const name = consumerName(desired)
  if (!name) throw usageError('the consumer has no name')
  const current = await requireConsumer(jsm, stream, name)
  const diff = diffConsumerConfig(current.config, desired)
  const immutable = immutableConsumerChanges(diff)
  if (immutable.length > 0) {
    throw usageError(`cannot edit consumer "${name}": ${immutable.map((d) => d.reason).join('; ')}`, 'create a new consumer (`natsx consumer copy`) or leave the field as it is', {diff, immutable})
  }

  validateConsumerConfig(desired)
  checkConsumerCapabilities(desired, caps)
  if (dryRun || diff.length === 0) return {applied: false, diff, info: current}
  const info = await jsm.consumers.update(stream, name, wireConsumerConfig(desired) as ConsumerConfig)
  return {applied: true, diff, info: withoutType(info)}
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
    problems,
    redelivered: ci.num_redelivered,
    replicas,
    stream: ci.stream_name,
    unprocessed: ci.num_pending,
    waiting_pulls: ci.num_waiting,
  }
}

/** API responses carry a `type` field; infos are returned without it. */
function withoutType<T>(info: T): T {
  delete (info as {did_create?: boolean; type?: string}).type
  delete (info as {did_create?: boolean; type?: string}).did_create
  return info
}

/**
 * Consumer verbs of 2.11+ servers: pause and resume (`$JS.API.CONSUMER.PAUSE`), unpin a priority group's pinned
 * client (`$JS.API.CONSUMER.UNPIN`, 2.11) and reset the delivery point (`$JS.API.CONSUMER.RESET`, 2.14). Each one
 * checks the server can do it (exit 8) before anything is sent; `confirm` runs once the consumer is known to exist.
 */
import type {ConsumerInfo, JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {toNatsxError, usageError} from '../errors.js'
import {parseDuration} from '../format/duration.js'
import {apiRequest} from '../streams/snapshot.js'
import {requireConsumer} from './ops.js'

/** What 2.11+ servers add to a consumer's info. */
export type ConsumerInfoExtras = {
  pause_remaining?: number
  paused?: boolean
  priority_groups?: Array<{group: string; pinned_client_id?: string; pinned_ts?: string}>
}

/** `consumer pause` and `consumer resume` --json. */
export interface ConsumerPauseResult {
  consumer: string
  /** nanoseconds of the pause left (0 when not paused) */
  pause_remaining: number
  /** RFC 3339; absent when not paused */
  pause_until?: string
  /** whether the consumer is paused now */
  paused: boolean
  stream: string
}

/**
 * `--until`: a duration from now (`30m`, `2h`) or a time (RFC 3339); it must be in the future (a past time would
 * resume the consumer: that is `consumer resume`).
 */
export function parsePauseUntil(input: string, now: number = Date.now()): Date {
  const s = input.trim()
  let at: number
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    at = Date.parse(s)
    if (Number.isNaN(at)) throw usageError(`--until "${input}" is not a time`, 'give an RFC 3339 time (2030-01-02T15:04:05Z) or a duration (30m, 2h)')
  } else {
    let ms: number
    try {
      ms = parseDuration(s)
    } catch {
      throw usageError(`--until "${input}" is neither a time nor a duration`, 'give an RFC 3339 time (2030-01-02T15:04:05Z) or a duration (30m, 2h)')
    }

    at = now + ms
  }

  if (at <= now) throw usageError(`--until "${input}" is not in the future`, 'give a later time or a duration; to end a pause use `natsx consumer resume`')
  return new Date(at)
}

interface PauseResponse {
  pause_remaining?: number
  pause_until?: string
  paused?: boolean
}

function pauseResult(stream: string, consumer: string, r: PauseResponse): ConsumerPauseResult {
  const until = r.paused && r.pause_until && !r.pause_until.startsWith('0001-') ? r.pause_until : undefined
  return {consumer, paused: Boolean(r.paused), pause_remaining: r.paused ? (r.pause_remaining ?? 0) : 0, ...(until ? {pause_until: until} : {}), stream}
}

export async function pauseConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  name: string,
  until: Date,
  confirm: () => Promise<void>,
): Promise<ConsumerPauseResult> {
  caps.require('consumer-pause-verb', 'pausing a consumer')
  await requireConsumer(jsm, stream, name)
  await confirm()
  const r = await apiRequest<PauseResponse>(jsm, `CONSUMER.PAUSE.${stream}.${name}`, {pause_until: until.toISOString()})
  return pauseResult(stream, name, r)
}

export async function resumeConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  name: string,
  confirm: () => Promise<void>,
): Promise<ConsumerPauseResult & {was_paused: boolean}> {
  caps.require('consumer-pause-verb', 'resuming a consumer')
  const ci = (await requireConsumer(jsm, stream, name)) as ConsumerInfo & ConsumerInfoExtras
  await confirm()
  // an empty pause_until ends the pause (the server treats a zero time as "not paused")
  const r = await apiRequest<PauseResponse>(jsm, `CONSUMER.PAUSE.${stream}.${name}`, {})
  return {...pauseResult(stream, name, r), was_paused: Boolean(ci.paused)}
}

/** `consumer unpin` --json. */
export interface ConsumerUnpinResult {
  consumer: string
  group: string
  /** the client id that was pinned to the group before, absent when none was */
  previous_pinned_client_id?: string
  stream: string
  unpinned: boolean
}

export async function unpinConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  name: string,
  group: string,
  confirm: () => Promise<void>,
): Promise<ConsumerUnpinResult> {
  caps.require('consumer-unpin', 'unpinning a priority group')
  const ci = (await requireConsumer(jsm, stream, name)) as ConsumerInfo & ConsumerInfoExtras
  const groups = ci.config.priority_groups ?? []
  if (ci.config.priority_policy !== 'pinned_client')
    throw usageError(
      `consumer "${name}" has no pinned-client priority groups${groups.length > 0 ? ` (its groups ${groups.join(', ')} are ${ci.config.priority_policy})` : ''}`,
      'unpin applies to a consumer made with --pinned-groups',
    )
  if (!groups.includes(group))
    throw usageError(`consumer "${name}" has no priority group "${group}"`, `give one of its groups: ${groups.join(', ')}`)
  const previous = ci.priority_groups?.find((g) => g.group === group)?.pinned_client_id
  await confirm()
  await apiRequest(jsm, `CONSUMER.UNPIN.${stream}.${name}`, {group})
  return {consumer: name, group, ...(previous ? {previous_pinned_client_id: previous} : {}), stream, unpinned: true}
}

/** `consumer reset` --json: the server's consumer info after the reset and the stream sequence delivery starts from. */
export interface ConsumerResetResult {
  consumer: ConsumerInfo
  /** the stream sequence the next delivery starts from */
  reset_seq: number
  stream: string
}

/** The server's "invalid reset" (a sequence the consumer cannot start from). */
const INVALID_RESET = 10_204

export async function resetConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  name: string,
  seq: number | undefined,
  confirm: () => Promise<void>,
): Promise<ConsumerResetResult> {
  caps.require('consumer-reset', 'resetting a consumer')
  await requireConsumer(jsm, stream, name)
  await confirm()
  let r: ConsumerInfo & {reset_seq?: number; type?: string}
  try {
    r = await apiRequest(jsm, `CONSUMER.RESET.${stream}.${name}`, seq === undefined ? undefined : {seq})
  } catch (error) {
    const api = (error as {apiError?: () => {description?: string; err_code?: number}}).apiError?.()
    if (api?.err_code === INVALID_RESET)
      throw usageError(`the server refused to reset consumer "${name}"${seq === undefined ? '' : ` to sequence ${seq}`}: ${api.description ?? 'invalid reset'}`, 'give a sequence the consumer can deliver from (within the stream and its filter), or leave --seq out')
    throw toNatsxError(error)
  }

  const {reset_seq: resetSeq, ...info} = r
  delete info.type
  return {consumer: info as ConsumerInfo, reset_seq: resetSeq ?? 0, stream}
}

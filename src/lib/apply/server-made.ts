/**
 * What the server made is not the user's configuration. `export`, the plan's diffs, `apply --check` and `--prune`
 * read the live configuration through these functions, so that they leave out:
 * - `_nats.*` metadata (2.11+ writes its API level and version into every stream and consumer, ADR-44);
 * - the consumers a 2.14+ server creates on a work-queue or interest stream to source or mirror it into another
 *   stream (`JS_SRC_…` / `JS_MIRROR_…`, `ack_policy: flow_control`, `sourcing: true`, `_nats.src.*` /
 *   `_nats.mirror.*` metadata);
 * - values the server derives from other settings: a stream's `consumer_limits` applied to its consumers, the
 *   roll-ups that delete markers and schedules switch on, the pinned-client timeout.
 * Pure functions.
 */
import type {ConsumerConfigInput} from '../consumers/config.js'
import type {StreamConfigInput} from '../streams/config.js'

/** A stream's defaults and limits for its consumers (2.10+). */
export interface ConsumerLimits {
  inactive_threshold?: number
  max_ack_pending?: number
}

/** The pinned-client timeout a 2.11+ server gives a `pinned_client` consumer that names none (2 minutes). */
export const PINNED_TIMEOUT_DEFAULT = 120_000_000_000

/** Metadata without the keys the server writes itself (`_nats.*`); undefined when nothing is left. */
export function userMetadata(m: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!m) return undefined
  const out = Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('_nats.')))
  return Object.keys(out).length > 0 ? out : undefined
}

/** Whether a consumer is one the server made to source or mirror this stream into another (2.14+ durable sourcing). */
export function isServerMadeConsumer(c: {ack_policy?: unknown; metadata?: Record<string, string>; name?: string; sourcing?: unknown}): boolean {
  if (c.sourcing === true) return true
  if (Object.keys(c.metadata ?? {}).some((k) => k.startsWith('_nats.src.') || k.startsWith('_nats.mirror.'))) return true
  return c.ack_policy === 'flow_control' && /^JS_(SRC|MIRROR)_/.test(c.name ?? '')
}

/** A live stream configuration without what the server wrote into it. */
export function liveStream(c: StreamConfigInput): StreamConfigInput {
  const out = structuredClone(c)
  const metadata = userMetadata(out.metadata as Record<string, string> | undefined)
  if (metadata) out.metadata = metadata
  else delete out.metadata
  return out
}

/** A live consumer configuration without what the server wrote into it. */
export function liveConsumer(c: ConsumerConfigInput): ConsumerConfigInput {
  const out = structuredClone(c)
  const metadata = userMetadata(out.metadata as Record<string, string> | undefined)
  if (metadata) out.metadata = metadata
  else delete out.metadata
  delete out.sourcing
  return out
}

/**
 * The stream the server will keep for a desired configuration: subject delete markers and message schedules switch
 * roll-ups on and purges back on (2.11+/2.12+), whatever was asked.
 */
export function expectedStream(desired: StreamConfigInput): StreamConfigInput {
  const out = structuredClone(desired)
  if (out.subject_delete_marker_ttl || out.allow_msg_schedules) {
    out.allow_rollup_hdrs = true
    if (out.deny_purge !== undefined) out.deny_purge = false
  }

  return out
}

/**
 * The consumer the server will keep for a desired configuration: the stream's `consumer_limits` fill in an unset
 * inactive threshold and (for consumers that acknowledge) an unset max_ack_pending; a pinned-client policy gets its
 * default timeout.
 */
export function expectedConsumer(desired: ConsumerConfigInput, limits?: ConsumerLimits): ConsumerConfigInput {
  const out = structuredClone(desired)
  if (limits?.inactive_threshold && !out.inactive_threshold) out.inactive_threshold = limits.inactive_threshold
  const acks = (out.ack_policy ?? 'explicit') !== 'none'
  if (acks && limits?.max_ack_pending && !out.max_ack_pending) out.max_ack_pending = limits.max_ack_pending
  if (out.priority_policy === 'pinned_client' && !out.priority_timeout) out.priority_timeout = PINNED_TIMEOUT_DEFAULT
  return out
}

/** The `consumer_limits` of a stream configuration, when it has any. */
export function consumerLimitsOf(c: StreamConfigInput | undefined): ConsumerLimits | undefined {
  const l = c?.consumer_limits as ConsumerLimits | undefined
  return l && (l.inactive_threshold || l.max_ack_pending) ? l : undefined
}

/**
 * What to send to create or update a consumer: only what the spec sets, plus natsx's documented defaults for the
 * three policies (the API's zero value for ack_policy is `none`, natsx's default is `explicit`). The server fills in
 * the rest, from its own defaults and the stream's `consumer_limits`.
 */
export function consumerRequestConfig(desired: ConsumerConfigInput): ConsumerConfigInput {
  const out: ConsumerConfigInput = {
    ack_policy: 'explicit' as ConsumerConfigInput['ack_policy'],
    deliver_policy: 'all' as ConsumerConfigInput['deliver_policy'],
    replay_policy: 'instant' as ConsumerConfigInput['replay_policy'],
    ...structuredClone(desired),
  }
  // a 2.9 server reads only filter_subject: one filter goes there
  if (Array.isArray(out.filter_subjects) && out.filter_subjects.length === 1 && !out.filter_subject) {
    out.filter_subject = out.filter_subjects[0]
    delete out.filter_subjects
  }

  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
  return out
}

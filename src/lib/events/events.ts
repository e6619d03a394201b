/**
 * JetStream advisories and metrics and the server's own events, as `natsx events` shows them: which subjects each
 * filter listens on, each event parsed into a record, one line for people, or a CloudEvents v1 envelope.
 * Pure functions; the command owns the subscription.
 */

export interface EventSelection {
  /** every kind below */
  all?: boolean
  /** JetStream advisories: $JS.EVENT.ADVISORY.> */
  jsAdvisory?: boolean
  /** JetStream metrics: $JS.EVENT.METRIC.> */
  jsMetric?: boolean
  /** the server's client connect, disconnect and authentication-error advisories (system account) */
  srvAdvisory?: boolean
  /** more subjects to listen on */
  subjects?: string[]
}

export interface EventSubject {
  kind: 'js-advisory' | 'js-metric' | 'srv-advisory' | 'subject'
  subject: string
}

export const JS_ADVISORY = '$JS.EVENT.ADVISORY.>'
export const JS_METRIC = '$JS.EVENT.METRIC.>'
/** as natscli listens for server advisories: client connections and disconnections per account, authentication errors */
export const SRV_ADVISORY = ['$SYS.ACCOUNT.*.CONNECT', '$SYS.ACCOUNT.*.DISCONNECT', '$SYS.SERVER.*.CLIENT.AUTH.ERR']

export function eventSubjects(s: EventSelection): EventSubject[] {
  const out: EventSubject[] = []
  if (s.all || s.jsAdvisory) out.push({kind: 'js-advisory', subject: JS_ADVISORY})
  if (s.all || s.jsMetric) out.push({kind: 'js-metric', subject: JS_METRIC})
  if (s.all || s.srvAdvisory) for (const subject of SRV_ADVISORY) out.push({kind: 'srv-advisory', subject})
  for (const subject of s.subjects ?? []) if (!out.some((o) => o.subject === subject)) out.push({kind: 'subject', subject})
  return out
}

/** One event as `natsx events --json` prints it (one line of NDJSON each). */
export interface EventRecord {
  /** the event as the server sent it (parsed JSON; a body that is not JSON is kept as text) */
  event: unknown
  /** the event's own id, where it has one */
  id?: string
  /** when natsx received it (RFC 3339) */
  received: string
  /** the subject it arrived on */
  subject: string
  /** the event's own timestamp, where it has one */
  time?: string
  /** its schema type, e.g. io.nats.jetstream.advisory.v1.consumer_action (absent for an untyped body) */
  type?: string
}

export function eventRecord(subject: string, body: string, received = new Date()): EventRecord {
  let event: unknown = body
  try {
    event = JSON.parse(body)
  } catch {
    // not JSON: shown as text
  }

  const o = event && typeof event === 'object' ? (event as {id?: unknown; timestamp?: unknown; type?: unknown}) : {}
  return {
    event,
    ...(typeof o.id === 'string' ? {id: o.id} : {}),
    received: received.toISOString(),
    subject,
    ...(typeof o.timestamp === 'string' ? {time: o.timestamp} : {}),
    ...(typeof o.type === 'string' ? {type: o.type} : {}),
  }
}

/** The fields worth a glance, in the order they are shown, wherever an event has them. */
const FIELDS = ['stream', 'consumer', 'action', 'leader', 'stream_seq', 'consumer_seq', 'deliveries', 'reason', 'subject', 'domain'] as const

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s
}

/** A short name for an event type: `io.nats.jetstream.advisory.v1.consumer_action` → `consumer_action`. */
export function shortType(type: string | undefined): string {
  if (!type) return 'event'
  return type.split('.').at(-1) || type
}

/**
 * One line: time, short type, then what identifies it (stream, consumer, action, client, server …). Control
 * characters are escaped by the caller's output, never obeyed.
 */
export function eventLine(r: EventRecord): string {
  const time = (r.time ?? r.received).replace(/^\d{4}-\d\d-\d\dT/, '').replace(/(\.\d{3})\d*/, '$1').replace(/Z$/, '')
  const e = (r.event && typeof r.event === 'object' ? r.event : {}) as Record<string, unknown>
  const parts = [time, shortType(r.type)]
  for (const k of FIELDS) if (e[k] !== undefined && e[k] !== '' && !(k === 'subject' && !r.type)) parts.push(`${k}=${show(e[k])}`)
  const client = e.client as undefined | {acc?: string; host?: string; name?: string; user?: string}
  if (client) {
    for (const [k, v] of [['account', client.acc], ['user', client.user], ['client', client.name], ['host', client.host]] as const) if (v) parts.push(`${k}=${show(v)}`)
  }

  const server = (e.server as undefined | {name?: string})?.name
  if (server) parts.push(`server=${show(server)}`)
  if (typeof e.ack_time === 'number') parts.push(`ack_time=${(e.ack_time / 1_000_000).toFixed(3)}ms`)
  const err = (e.response as undefined | {error?: {description?: string}})?.error?.description
  if (err) parts.push(`error=${show(err)}`)
  if (!r.type) parts.push(`on=${show(r.subject)}`, typeof r.event === 'string' ? show(r.event) : JSON.stringify(r.event))
  return parts.join(' ')
}

/** A CloudEvents v1.0 envelope for an event (as natscli's --cloudevent gives it). */
export interface CloudEvent {
  data: unknown
  dataschema?: string
  id: string
  source: string
  specversion: '1.0'
  subject: string
  time: string
  type: string
}

const SCHEMAS = 'https://raw.githubusercontent.com/nats-io/jsm.go/master/schemas'

export function cloudEvent(r: EventRecord): CloudEvent {
  const type = r.type ?? 'io.nats.unknown_message'
  // io.nats.<area>.<kind>.v1.<name>: source urn:nats:<area>, subject <kind>
  const tokens = type.split('.')
  const natsType = type.startsWith('io.nats.') && tokens.length >= 4
  return {
    data: r.event,
    ...(natsType && r.type ? {dataschema: `${SCHEMAS}/${tokens.slice(2).join('/')}.json`} : {}),
    id: r.id ?? '',
    source: natsType ? `urn:nats:${tokens[2]}` : 'urn:nats',
    specversion: '1.0',
    subject: natsType ? tokens[3] : r.subject,
    time: r.time ?? r.received,
    type,
  }
}

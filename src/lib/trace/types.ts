/**
 * The trace messages nats-server 2.11+ publishes to a message's `Nats-Trace-Dest` (ADR-41): one per server the message
 * crosses, each holding that server's events. Field names are the server's own JSON; every optional field may be
 * absent.
 */

/** The server's connection kinds, as `kind` numbers in ingress and egress events. */
export const CONNECTION_KINDS = ['client', 'route', 'gateway', 'system', 'leafnode', 'jetstream', 'account'] as const
export type ConnectionKind = (typeof CONNECTION_KINDS)[number]

export function kindName(kind: number | undefined): string {
  return CONNECTION_KINDS[kind ?? -1] ?? `kind ${kind}`
}

interface EventBase {
  /** RFC 3339 with nanoseconds, the server's clock */
  ts: string
}

/** `in`: how the message entered this server (from a client, route, gateway or leafnode connection). */
export interface IngressEvent extends EventBase {
  acc?: string
  cid?: number
  error?: string
  kind?: number
  name?: string
  subj?: string
  type: 'in'
}

/** `sm`: a subject mapping changed the subject. */
export interface SubjectMappingEvent extends EventBase {
  to?: string
  type: 'sm'
}

/** `se`: the message crossed a stream export into another account. */
export interface StreamExportEvent extends EventBase {
  acc?: string
  to?: string
  type: 'se'
}

/** `si`: the message crossed a service import into another account. */
export interface ServiceImportEvent extends EventBase {
  acc?: string
  from?: string
  to?: string
  type: 'si'
}

/** `js`: the message reached a JetStream stream (`nointerest`: an interest stream kept nothing). */
export interface JetStreamEvent extends EventBase {
  error?: string
  nointerest?: boolean
  stream?: string
  subject?: string
  type: 'js'
}

/**
 * `eg`: the message left this server: to a client (`sub`, `queue`), or to a route, gateway or leafnode (`hop`: the
 * `Nats-Trace-Hop` the next server reports in its own trace message).
 */
export interface EgressEvent extends EventBase {
  acc?: string
  cid?: number
  error?: string
  hop?: string
  kind?: number
  name?: string
  queue?: string
  sub?: string
  type: 'eg'
}

export type TraceEvent = EgressEvent | IngressEvent | JetStreamEvent | ServiceImportEvent | StreamExportEvent | SubjectMappingEvent

/** One server's trace message, as it arrived. */
export interface TraceMessage {
  events: TraceEvent[]
  /** how many routes, gateways and leafnodes this server forwarded the message to */
  hops?: number
  request?: {header?: Record<string, string[]>; msgsize?: number}
  server: {cluster?: string; domain?: string; host?: string; id: string; jetstream?: boolean; name: string; ver?: string}
}

/** The `Nats-Trace-Hop` of a trace message: absent on the server the message was published to. */
export function hopOf(m: TraceMessage): string | undefined {
  const h = m.request?.header ?? {}
  const key = Object.keys(h).find((k) => k.toLowerCase() === 'nats-trace-hop')
  return key ? h[key][0] : undefined
}

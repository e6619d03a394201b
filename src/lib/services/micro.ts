/**
 * NATS micro services (ADR-32), found the way the protocol defines: a request to `$SRV.<VERB>`, `$SRV.<VERB>.<name>`
 * or `$SRV.<VERB>.<name>.<id>` that every instance answers. natsx collects the answers until they stop (see
 * collect.ts) and shapes them: one row per service for `ls`, each instance's endpoints for `info`, per-endpoint
 * counters for `stats`, round trips for `ping`. Answers that are not the expected response type are skipped.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {notFound, usageError} from '../errors.js'
import {collectReplies, replyJson} from './collect.js'

export type ServiceVerb = 'INFO' | 'PING' | 'STATS'

const RESPONSE_TYPES: Record<ServiceVerb, string> = {
  INFO: 'io.nats.micro.v1.info_response',
  PING: 'io.nats.micro.v1.ping_response',
  STATS: 'io.nats.micro.v1.stats_response',
}

/** What every micro response carries. */
export interface ServiceIdentity {
  id: string
  metadata?: Record<string, string>
  name: string
  version: string
}

export interface ServiceEndpointInfo {
  metadata?: Record<string, string>
  name: string
  queue_group?: string
  subject: string
}

export interface ServiceInfoResponse extends ServiceIdentity {
  description?: string
  endpoints?: ServiceEndpointInfo[]
}

export interface ServiceEndpointStatsResponse {
  /** nanoseconds */
  average_processing_time?: number
  data?: unknown
  last_error?: string
  name: string
  num_errors?: number
  num_requests?: number
  /** nanoseconds */
  processing_time?: number
  queue_group?: string
  subject: string
}

export interface ServiceStatsResponse extends ServiceIdentity {
  endpoints?: ServiceEndpointStatsResponse[]
  started?: string
}

export interface Discovered<T> {
  answers: Array<T & {rtt_ms: number}>
  /** the server said nothing listens on the subject (no service at all, or none of that name) */
  noResponders: boolean
  /** answers that were not this verb's response type (another protocol on the subject, a broken service) */
  skipped: number
}

/** A service name or id as ADR-32 allows them: letters, digits, `-` and `_`. */
const TOKEN = /^[\w-]+$/

export function validateServiceToken(value: string, what: 'id' | 'name'): void {
  if (!TOKEN.test(value)) {
    throw usageError(`service ${what} "${value}" is not valid: a micro service ${what} has only letters, digits, "-" and "_"`, `pass the ${what} as \`natsx service ls\` shows it`)
  }
}

export function discoverySubject(verb: ServiceVerb, name?: string, id?: string): string {
  return ['$SRV', verb, name, name ? id : undefined].filter(Boolean).join('.')
}

export interface DiscoverOptions {
  id?: string
  inboxPrefix?: string
  name?: string
  quietMs?: number
  signal?: AbortSignal
  timeoutMs: number
}

/** Ask every instance (of one service, or of all) and keep the answers of the right type, sorted by name then id. */
export async function discover<T extends ServiceIdentity>(nc: NatsConnection, verb: ServiceVerb, o: DiscoverOptions): Promise<Discovered<T>> {
  if (o.name) validateServiceToken(o.name, 'name')
  if (o.id) validateServiceToken(o.id, 'id')
  const got = await collectReplies(nc, discoverySubject(verb, o.name, o.id), {inboxPrefix: o.inboxPrefix, quietMs: o.quietMs, signal: o.signal, timeoutMs: o.timeoutMs})
  const answers: Discovered<T>['answers'] = []
  let skipped = 0
  const seen = new Set<string>()
  for (const r of got.replies) {
    const body = replyJson<T & {type?: string}>(r.msg)
    if (!body || body.type !== RESPONSE_TYPES[verb] || typeof body.name !== 'string' || typeof body.id !== 'string') {
      skipped++
      continue
    }

    // a service subscribed twice (or a reply relayed twice) answers once in the result
    if (seen.has(body.id)) continue
    seen.add(body.id)
    const rest = {...body} as Record<string, unknown>
    delete rest.type
    answers.push({...(rest as unknown as T), rtt_ms: round(r.rtt_ms, 3)})
  }

  answers.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  return {answers, noResponders: got.noResponders, skipped}
}

/** No instance answered for a named service: exit 3. */
export function noSuchService(name: string | undefined, id: string | undefined, d: {noResponders: boolean}, timeoutMs: number): Error {
  const what = name ? `instance of service "${name}"${id ? ` with id ${id}` : ''}` : 'service'
  return notFound(
    d.noResponders ? `no ${what} is running: nothing listens on ${discoverySubject('PING', name, id)}` : `no ${what} answered within ${timeoutMs}ms`,
    'list the running services with `natsx service ls` (names are case-sensitive), or raise --timeout',
  )
}

// ---------------------------------------------------------------- ls

export interface ServiceListRow {
  description?: string
  /** endpoints of the first instance (instances of one version have the same endpoints) */
  endpoints: number
  ids: string[]
  instances: number
  name: string
  versions: string[]
}

export function listRows(infos: ServiceInfoResponse[]): ServiceListRow[] {
  const rows = new Map<string, ServiceListRow>()
  for (const i of infos) {
    const row = rows.get(i.name) ?? {description: i.description || undefined, endpoints: i.endpoints?.length ?? 0, ids: [], instances: 0, name: i.name, versions: []}
    row.instances++
    row.ids.push(i.id)
    if (!row.versions.includes(i.version)) row.versions.push(i.version)
    rows.set(i.name, row)
  }

  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name))
}

// ---------------------------------------------------------------- stats

export interface EndpointStatsRow {
  /** average processing time per request, milliseconds */
  average_processing_ms: number
  errors: number
  /** the last error an instance reported */
  last_error?: string
  name: string
  /** total processing time, milliseconds */
  processing_ms: number
  queue_group?: string
  requests: number
  subject: string
}

export interface InstanceStats {
  endpoints: EndpointStatsRow[]
  id: string
  started?: string
  version: string
}

export interface ServiceStatsSummary {
  /** each endpoint summed over the instances (average weighted by requests) */
  endpoints: EndpointStatsRow[]
  instances: InstanceStats[]
  name: string
  totals: {errors: number; requests: number}
}

const nsToMs = (ns: number | undefined): number => round((ns ?? 0) / 1_000_000, 3)

function endpointRow(e: ServiceEndpointStatsResponse): EndpointStatsRow {
  return {
    average_processing_ms: nsToMs(e.average_processing_time),
    errors: e.num_errors ?? 0,
    ...(e.last_error ? {last_error: e.last_error} : {}),
    name: e.name,
    processing_ms: nsToMs(e.processing_time),
    ...(e.queue_group ? {queue_group: e.queue_group} : {}),
    requests: e.num_requests ?? 0,
    subject: e.subject,
  }
}

export function statsSummary(name: string, stats: ServiceStatsResponse[]): ServiceStatsSummary {
  const instances = stats.map((s) => ({endpoints: (s.endpoints ?? []).map((e) => endpointRow(e)), id: s.id, ...(s.started ? {started: s.started} : {}), version: s.version}))
  const byEndpoint = new Map<string, EndpointStatsRow>()
  for (const i of instances) {
    for (const e of i.endpoints) {
      const key = `${e.name}\u0000${e.subject}`
      const sum = byEndpoint.get(key)
      if (sum) {
        sum.requests += e.requests
        sum.errors += e.errors
        sum.processing_ms = round(sum.processing_ms + e.processing_ms, 3)
        if (e.last_error) sum.last_error = e.last_error
      } else byEndpoint.set(key, {...e})
    }
  }

  const endpoints = [...byEndpoint.values()].map((e) => ({...e, average_processing_ms: e.requests > 0 ? round(e.processing_ms / e.requests, 3) : 0}))
  return {
    endpoints,
    instances,
    name,
    totals: {errors: endpoints.reduce((n, e) => n + e.errors, 0), requests: endpoints.reduce((n, e) => n + e.requests, 0)},
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

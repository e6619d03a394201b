/**
 * Probes of the network path to the servers: `rtt` (a fresh connection to every address each server URL resolves
 * to, and the average of a few PING/PONG round trips on it) and `latency` (requests sent through one server to a
 * responder connected to another, timed one by one into an HDR histogram).
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {lookup} from 'node:dns/promises'
import {isIP} from 'node:net'

import {type ConnectionSettings, maskUrl, openConnection} from '../connection.js'
import {connectionError, toNatsxError} from '../errors.js'

// ---------------------------------------------------------------- rtt

export interface RttAddress {
  /** the address connected to, as a URL (scheme, IP and port) */
  address: string
  /** why there is no round trip: the address could not be reached or did not answer */
  error?: string
  /** the average round trip, milliseconds */
  rtt_ms?: number
  /** the server that answered there */
  server_name?: string
}

export interface RttTarget {
  addresses: RttAddress[]
  /** the server URL as given (credentials masked) */
  url: string
}

/** Each URL's addresses: an IP literal as it is, a name resolved to all its IPv4 and IPv6 addresses. */
export async function rttTargets(servers: string[]): Promise<Array<{addresses: string[]; error?: string; url: string}>> {
  return Promise.all(
    servers.map(async (raw) => {
      const url = new URL(raw.includes('://') ? raw : `nats://${raw}`)
      const host = url.hostname.replaceAll(/^\[|\]$/g, '')
      const port = url.port || '4222'
      const at = (ip: string): string => `${url.protocol}//${isIP(ip) === 6 ? `[${ip}]` : ip}:${port}`
      if (isIP(host)) return {addresses: [at(host)], url: maskUrl(raw)}
      try {
        const found = await lookup(host, {all: true})
        return {addresses: [...new Set(found.map((a) => at(a.address)))], url: maskUrl(raw)}
      } catch (error) {
        return {addresses: [], error: `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, url: maskUrl(raw)}
      }
    }),
  )
}

/** Connect to one address with the command's credentials and TLS, and average `iterations` round trips. */
export async function rttTo(settings: ConnectionSettings, address: string, iterations: number): Promise<RttAddress> {
  let nc: NatsConnection | undefined
  try {
    nc = await openConnection({...settings, displayServers: [address], servers: [address]})
    let total = 0
    for (let i = 0; i < iterations; i++) total += await nc.rtt()
    return {address, rtt_ms: Math.round((total / iterations) * 1000) / 1000, ...(nc.info?.server_name ? {server_name: nc.info.server_name} : {})}
  } catch (error) {
    return {address, error: toNatsxError(error, {servers: address}).message}
  } finally {
    await nc?.close().catch(() => {})
  }
}

export async function measureRtt(settings: ConnectionSettings, iterations: number): Promise<RttTarget[]> {
  const targets = await rttTargets(settings.servers)
  const out: RttTarget[] = []
  for (const t of targets) {
    const addresses: RttAddress[] = []
    for (const a of t.addresses) addresses.push(await rttTo(settings, a, iterations))
    if (t.error) addresses.push({address: t.url, error: t.error})
    out.push({addresses, url: t.url})
  }

  return out
}

// ---------------------------------------------------------------- latency

export interface LatencyOptions {
  durationMs: number
  /** requests per second to aim at */
  rate: number
  signal?: AbortSignal
  size: number
  timeoutMs: number
}

export interface LatencyPercentiles {
  count: number
  max: number
  mean: number
  min: number
  p10: number
  p25: number
  p50: number
  p75: number
  p90: number
  p99: number
  p99_9: number
  p99_99: number
  stddev: number
  /** the unit of every figure: microseconds */
  unit: 'us'
}

export interface LatencyRun {
  /** requests sent per second, as achieved */
  actual_rate: number
  /** how long sending took, milliseconds */
  duration_ms: number
  /** request/reply round trips, A → B → A, microseconds (absent when no reply came back) */
  latency?: LatencyPercentiles
  /** requests without a reply within the timeout */
  lost: number
  replies: number
  requests: number
  /** whether Ctrl-C ended the run early */
  stopped: boolean
}

/**
 * Make `responder` (on server B) answer on a fresh subject and wait until a request sent through `requester` (on
 * server A) reaches it: the subscription has to travel over the route first.
 */
export async function linkResponder(requester: NatsConnection, responder: NatsConnection, timeoutMs: number): Promise<{stop(): void; subject: string}> {
  const {randomBytes} = await import('node:crypto')
  const subject = `_INBOX.natsx-latency.${randomBytes(8).toString('hex')}`
  const sub = responder.subscribe(subject, {
    callback(_err, msg) {
      msg.respond(msg.data)
    },
  })
  await responder.flush()
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      await requester.request(subject, '', {timeout: Math.min(500, timeoutMs)})
      return {stop: () => sub.unsubscribe(), subject}
    } catch {
      if (Date.now() >= until) {
        sub.unsubscribe()
        throw connectionError(`a responder on server B was not reachable through server A within ${timeoutMs}ms`, 'server A and --server-b must be in one cluster (or linked by gateways or leafnodes) and the user may publish and subscribe on _INBOX.>; raise --timeout')
      }
    }
  }
}

/** Send requests at `rate` for `durationMs`, each timed from send to reply, into an HDR histogram. */
export async function runLatency(requester: NatsConnection, subject: string, o: LatencyOptions): Promise<LatencyRun> {
  const {newHistogram} = await import('../bench/stats.js')
  const h = newHistogram()
  const total = Math.max(1, Math.round((o.rate * o.durationMs) / 1000))
  const payload = new Uint8Array(o.size)
  const pending: Array<Promise<void>> = []
  let sent = 0
  let replies = 0
  let lost = 0
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      if (o.signal?.aborted) {
        resolve()
        return
      }

      const due = Math.min(total, Math.floor(((performance.now() - started) * o.rate) / 1000) + 1)
      while (sent < due) {
        sent++
        const t0 = process.hrtime.bigint()
        pending.push(
          requester.request(subject, payload, {timeout: o.timeoutMs}).then(
            () => {
              h.recordValue(Number(process.hrtime.bigint() - t0))
              replies++
            },
            () => {
              lost++
            },
          ),
        )
      }

      if (sent >= total) resolve()
      else setTimeout(tick, Math.max(1, Math.min(10, 1000 / o.rate)))
    }

    tick()
  })
  const sending = performance.now() - started
  await Promise.all(pending)
  const us = (ns: number): number => Math.round(ns / 10) / 100
  // a percentile is the top of its HDR bucket, which may lie above the largest value recorded
  const at = (p: number): number => us(Math.min(h.getValueAtPercentile(p), h.maxValue))
  return {
    actual_rate: sending > 0 ? Math.round((sent / sending) * 1000 * 100) / 100 : 0,
    duration_ms: Math.round(sending),
    ...(replies > 0
      ? {
          latency: {
            count: h.totalCount,
            max: us(h.maxValue),
            mean: us(h.mean),
            min: us(h.minNonZeroValue),
            p10: at(10),
            p25: at(25),
            p50: at(50),
            p75: at(75),
            p90: at(90),
            p99: at(99),
            p99_9: at(99.9),
            p99_99: at(99.99),
            stddev: us(h.stdDeviation),
            unit: 'us' as const,
          },
        }
      : {}),
    lost,
    replies,
    requests: sent,
    stopped: Boolean(o.signal?.aborted),
  }
}

/**
 * /healthz with `details` (2.10+): every problem a server finds, one per stream, consumer or account, instead of the
 * first. Servers before 2.10 ignore the option, so natsx refuses it there (exit 8) rather than show fewer problems.
 */
import type {MonitorTransport} from './transport.js'

import {compareVersions} from '../capabilities.js'
import {unsupported} from '../errors.js'

export const HEALTH_DETAILS_SINCE = '2.10.0'

export interface HealthProblem {
  account?: string
  consumer?: string
  error: string
  stream?: string
  /** CONNECTION, BAD_REQUEST, JETSTREAM, ACCOUNT, STREAM or CONSUMER */
  type: string
}

export interface HealthDetail {
  error?: string
  problems: HealthProblem[]
  server: string
  status: string
  status_code?: number
}

interface HealthzDetails {
  error?: string
  errors?: Array<{account?: string; consumer?: string; error?: string; stream?: string; type?: string}> | null
  status?: string
  status_code?: number
}

/** Refuse before asking when a server runs a version without `details`. */
export async function requireHealthDetails(t: MonitorTransport): Promise<void> {
  for (const r of await t.gather('varz')) {
    const v = r.ok ? r.data.version : r.server?.version
    if (v && compareVersions(v, HEALTH_DETAILS_SINCE) < 0) {
      throw unsupported(`health details (healthz details) require nats-server ${HEALTH_DETAILS_SINCE}; ${r.server?.name ?? r.target} runs ${v}`, 'leave out --details or upgrade the server')
    }
  }
}

export async function healthDetails(t: MonitorTransport): Promise<HealthDetail[]> {
  const replies = await t.gather('healthz', {raw: {details: true}})
  return replies.map((r): HealthDetail => {
    if (!r.ok) return {error: r.error, problems: [], server: r.server?.name ?? r.target, status: 'unreachable'}
    const d = r.data as HealthzDetails
    return {
      problems: (d.errors ?? []).map((e) => ({
        ...(e.account ? {account: e.account} : {}),
        ...(e.consumer ? {consumer: e.consumer} : {}),
        error: e.error ?? '',
        ...(e.stream ? {stream: e.stream} : {}),
        type: e.type ?? '?',
      })),
      server: r.server.name,
      status: d.status ?? '?',
      ...(d.status_code === undefined ? {} : {status_code: d.status_code}),
    }
  })
}

export function problemLine(p: HealthProblem): string {
  const where = [p.account && `account ${p.account}`, p.stream && `stream ${p.stream}`, p.consumer && `consumer ${p.consumer}`].filter(Boolean).join(', ')
  return `${p.type}${where ? ` (${where})` : ''}: ${p.error}`
}

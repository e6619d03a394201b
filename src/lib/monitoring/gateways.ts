/**
 * `server report gateways`: every gateway connection of every server (gatewayz), outbound and inbound, one row each.
 */
import type {MonitorTransport} from './transport.js'
import type {GatewayLink, Gatewayz, ServerResult} from './types.js'

import {parseGoDuration} from './json.js'

export interface GatewayRow {
  /** accounts with gateway interest state on an outbound link */
  accounts?: number
  configured: boolean
  direction: 'inbound' | 'outbound'
  /** the server's own gateway (its cluster's name for the super-cluster) */
  gateway?: string
  in_msgs: number
  ip?: string
  out_msgs: number
  pending_bytes: number
  port?: number
  /** the gateway on the other end */
  remote: string
  /** the server on the other end (its id) */
  remote_server?: string
  rtt_ms?: number
  server: string
}

export interface GatewaysReport {
  gateways: GatewayRow[]
  servers: Array<{error?: string; gateway?: string; ok: boolean; server: string}>
}

function row(server: string, gateway: string | undefined, remote: string, direction: GatewayRow['direction'], l: GatewayLink): GatewayRow {
  const c = l.connection ?? {}
  return {
    ...(direction === 'outbound' ? {accounts: l.accounts?.length ?? 0} : {}),
    configured: Boolean(l.configured),
    direction,
    gateway,
    in_msgs: c.in_msgs ?? 0,
    ip: c.ip,
    out_msgs: c.out_msgs ?? 0,
    pending_bytes: c.pending_bytes ?? 0,
    port: c.port,
    remote,
    remote_server: c.name,
    rtt_ms: parseGoDuration(c.rtt),
    server,
  }
}

/** One row per gateway link of every server that answered, sorted by server, direction and remote. */
export function gatewayRows(results: ReadonlyArray<ServerResult<Gatewayz>>): GatewayRow[] {
  const gateways: GatewayRow[] = []
  for (const r of results) {
    if (!r.ok) continue
    const name = r.server.name
    for (const [remote, l] of Object.entries(r.data.outbound_gateways ?? {})) gateways.push(row(name, r.data.name, remote, 'outbound', l))
    for (const [remote, links] of Object.entries(r.data.inbound_gateways ?? {})) {
      for (const l of links ?? []) gateways.push(row(name, r.data.name, remote, 'inbound', l))
    }
  }

  return gateways.sort(byLink)
}

/** Gateway rows in order: by server, direction, remote. */
export function byLink(a: GatewayRow, b: GatewayRow): number {
  return a.server.localeCompare(b.server) || a.direction.localeCompare(b.direction) || a.remote.localeCompare(b.remote)
}

export async function gatewaysReport(t: MonitorTransport): Promise<GatewaysReport> {
  const results = await t.gather('gatewayz')
  const servers = results.map((r) => (r.ok ? {gateway: r.data.name, ok: true, server: r.server.name} : {error: r.error, ok: false, server: r.server?.name ?? r.target}))
  return {gateways: gatewayRows(results), servers}
}

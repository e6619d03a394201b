/**
 * The server endpoints that arrived after 2.9 (modern-nats.md §1.7), asked through `server request`: where each
 * exists (`$SYS.REQ.SERVER.<id|PING>.<NAME>`, an HTTP path) and from which nats-server version, so that a server
 * without it is refused (exit 8) before anything is sent. `kick` (disconnect) and `ldm` (tell the client the server
 * is going into lame duck mode, so that it reconnects to another) act on one client of one server.
 */
import {compareVersions, parseVersion} from '../capabilities.js'

export const MORE_ENDPOINTS = ['raftz', 'ipqueuesz', 'expvarz', 'profilez', 'kick', 'ldm'] as const
export type MoreEndpoint = (typeof MORE_ENDPOINTS)[number]

export interface EndpointSpec {
  /** what it does to the server, for the confirmation (destructive endpoints only) */
  destructive?: string
  /** the HTTP monitoring path and whether a version serves it (absent: $SYS only) */
  http?: {path: string; since: string; test(version: string): boolean}
  /** whether it must be aimed at one server (--server-name) */
  one: boolean
  /** the first version that answers it over $SYS */
  sys: string
  what: string
}

const atLeast = (v: string) => (version: string) => compareVersions(version, v) >= 0

/** /debug/vars came to the monitoring port in 2.11.11, 2.12.2 and 2.14.0 (back-ported per minor). */
function expvarOverHttp(version: string): boolean {
  const v = parseVersion(version)
  if (v.major !== 2) return v.major > 2
  if (v.minor >= 14) return true
  if (v.minor === 12) return v.patch >= 2
  if (v.minor === 11) return v.patch >= 11
  return false
}

export const ENDPOINT_SPECS: Record<MoreEndpoint, EndpointSpec> = {
  expvarz: {http: {path: 'debug/vars', since: '2.11.11 (2.12.2, 2.14.0)', test: expvarOverHttp}, one: false, sys: '2.10.16', what: 'expvar (memstats, cmdline)'},
  ipqueuesz: {http: {path: 'ipqueuesz', since: '2.9.0', test: atLeast('2.9.0')}, one: false, sys: '2.10.26', what: 'internal queues'},
  kick: {destructive: 'disconnect client', one: true, sys: '2.10.0', what: 'kick a client'},
  ldm: {destructive: 'tell client', one: true, sys: '2.10.0', what: 'a lame duck notice to a client'},
  profilez: {one: false, sys: '2.10.0', what: 'a runtime profile'},
  raftz: {http: {path: 'raftz', since: '2.10.17', test: atLeast('2.10.17')}, one: false, sys: '2.10.26', what: 'Raft groups'},
}

export function isMoreEndpoint(e: string): e is MoreEndpoint {
  return (MORE_ENDPOINTS as readonly string[]).includes(e)
}

/** Whether a server of `version` answers the endpoint over the transport, and if not the version it needs. */
export function endpointSupport(e: MoreEndpoint, kind: 'http' | 'sys', version: string | undefined): {needs: string; ok: boolean} {
  const spec = ENDPOINT_SPECS[e]
  if (kind === 'sys') return {needs: spec.sys, ok: version !== undefined && compareVersions(version, spec.sys) >= 0}
  if (!spec.http) return {needs: 'none (it is $SYS only)', ok: false}
  return {needs: spec.http.since, ok: version !== undefined && spec.http.test(version)}
}

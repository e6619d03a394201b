/**
 * One interface over the two ways of reading the monitoring endpoints: HTTP (one URL per server) and the system
 * account over NATS (`$SYS.REQ.SERVER.PING.*` scatter-gather that discovers every server). Options are given once,
 * in neutral names, and mapped to each transport's spelling (HTTP query names differ from the `$SYS` body names).
 */
import type {Endpoint, EndpointTypes, ServerResult} from './types.js'

export interface EndpointOptions {
  /** accountz: the details of this account */
  account?: string
  accounts?: boolean
  auth?: boolean
  config?: boolean
  consumers?: boolean
  /** healthz */
  js_enabled_only?: boolean
  js_server_only?: boolean
  limit?: number
  offset?: number
  /** raw extra parameters, passed as they are (query parameters over HTTP, body keys over $SYS) */
  raw?: Record<string, boolean | number | string>
  sort?: string
  state?: 'all' | 'closed' | 'open'
  streams?: boolean
  subs?: boolean
}

export interface MonitorTransport {
  close(): Promise<void>
  /** ask every server (every URL, or every server of the cluster) */
  gather<E extends Endpoint>(endpoint: E, options?: EndpointOptions): Promise<Array<ServerResult<EndpointTypes[E]>>>
  readonly kind: 'http' | 'sys'
  /** ask one server, named by its target (a URL for HTTP, a server name for $SYS) */
  one<E extends Endpoint>(
    endpoint: E,
    target: string,
    options?: EndpointOptions,
  ): Promise<ServerResult<EndpointTypes[E]>>
  /**
   * What the cluster itself says about its size, where the transport can tell ($SYS: the servers' own count of
   * active servers and the peers named in their routes); HTTP knows only its URLs.
   */
  roster?(): {count: number; names: string[]}
}

type Param = [option: keyof EndpointOptions, http: string, sys: string]

const PAGING: Param[] = [
  ['offset', 'offset', 'offset'],
  ['limit', 'limit', 'limit'],
]
const SUBS_PAGED: Param[] = [['subs', 'subs', 'subscriptions'], ...PAGING]

/** Each endpoint's neutral options, with their HTTP query names and the `$SYS` body names (the Go structs' JSON). */
const PARAMS: Partial<Record<Endpoint, Param[]>> = {
  accountz: [['account', 'acc', 'account']],
  connz: [['subs', 'subs', 'subscriptions'], ['auth', 'auth', 'auth'], ['sort', 'sort', 'sort'], ['state', 'state', 'state'], ...PAGING],
  healthz: [
    ['js_enabled_only', 'js-enabled-only', 'js-enabled-only'],
    ['js_server_only', 'js-server-only', 'js-server-only'],
  ],
  jsz: [['accounts', 'accounts', 'accounts'], ['streams', 'streams', 'streams'], ['consumers', 'consumers', 'consumer'], ['config', 'config', 'config'], ...PAGING],
  leafz: SUBS_PAGED,
  routez: SUBS_PAGED,
  subsz: SUBS_PAGED,
}

/** The HTTP query string for the neutral options. */
export function httpQuery(endpoint: Endpoint, o: EndpointOptions = {}): URLSearchParams {
  const q = new URLSearchParams()
  for (const [option, name] of PARAMS[endpoint] ?? []) {
    const v = o[option]
    if (v !== undefined && v !== false) q.set(name, String(v))
  }

  for (const [k, v] of Object.entries(o.raw ?? {})) q.set(k, String(v))
  return q
}

/** The `$SYS` request body for the neutral options (the Go structs' JSON names; connz `state` is numeric there). */
export function sysBody(endpoint: Endpoint, o: EndpointOptions = {}): Record<string, unknown> {
  const b: Record<string, unknown> = {}
  for (const [option, , name] of PARAMS[endpoint] ?? []) {
    const v = o[option]
    if (v === undefined || v === false) continue
    b[name] = option === 'state' ? {all: 2, closed: 1, open: 0}[v as 'all' | 'closed' | 'open'] : v
  }

  for (const [k, v] of Object.entries(o.raw ?? {})) b[k] = v
  return b
}

/** `host:port`, `host` or a full URL to a monitoring base URL without a trailing slash. */
export function normaliseMonitorUrl(input: string): string {
  const s = input.trim().replace(/\/+$/, '')
  if (/^https?:\/\//i.test(s)) {
    // validate
    const u = new URL(s)
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`
  }

  if (s.includes('://')) throw new TypeError(`"${input}" is not an http(s) monitoring URL`)
  if (!/^[\w.-]+(:\d+)?$|^\[[\da-f:]+\](:\d+)?$/i.test(s)) throw new TypeError(`"${input}" is not host:port or a URL`)
  return /:\d+$/.test(s) ? `http://${s}` : `http://${s}:8222`
}

/**
 * One interface over the two ways of reading the monitoring endpoints: HTTP (one URL per server) and the system
 * account over NATS (`$SYS.REQ.SERVER.PING.*` scatter-gather that discovers every server). Options are given once,
 * in neutral names, and mapped to each transport's spelling (HTTP query names differ from the `$SYS` body names).
 */
import type {Endpoint, EndpointTypes, ServerResult} from './types.js'

export interface EndpointOptions {
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
}

/** HTTP query parameters for the neutral options. */
export function httpQuery(endpoint: Endpoint, o: EndpointOptions = {}): URLSearchParams {
  const q = new URLSearchParams()
  const set = (k: string, v: boolean | number | string | undefined): void => {
    if (v !== undefined && v !== false) q.set(k, String(v))
  }

  switch (endpoint) {
    case 'connz': {
      set('subs', o.subs)
      set('auth', o.auth)
      set('sort', o.sort)
      set('state', o.state)
      set('offset', o.offset)
      set('limit', o.limit)
      break
    }

    case 'healthz': {
      set('js-enabled-only', o.js_enabled_only)
      set('js-server-only', o.js_server_only)
      break
    }

    case 'jsz': {
      set('accounts', o.accounts)
      set('streams', o.streams)
      set('consumers', o.consumers)
      set('config', o.config)
      set('offset', o.offset)
      set('limit', o.limit)
      break
    }

    case 'leafz':
    case 'routez':
    case 'subsz': {
      set('subs', o.subs)
      set('offset', o.offset)
      set('limit', o.limit)
      break
    }

    default:
  }

  for (const [k, v] of Object.entries(o.raw ?? {})) q.set(k, String(v))
  return q
}

/** The `$SYS` request body for the neutral options (the Go structs' JSON names). */
export function sysBody(endpoint: Endpoint, o: EndpointOptions = {}): Record<string, unknown> {
  const b: Record<string, unknown> = {}
  const set = (k: string, v: unknown): void => {
    if (v !== undefined && v !== false) b[k] = v
  }

  switch (endpoint) {
    case 'connz': {
      set('subscriptions', o.subs)
      set('auth', o.auth)
      set('sort', o.sort)
      if (o.state) b.state = {all: 2, closed: 1, open: 0}[o.state]
      set('offset', o.offset)
      set('limit', o.limit)
      break
    }

    case 'healthz': {
      set('js-enabled-only', o.js_enabled_only)
      set('js-server-only', o.js_server_only)
      break
    }

    case 'jsz': {
      set('accounts', o.accounts)
      set('streams', o.streams)
      set('consumer', o.consumers)
      set('config', o.config)
      set('offset', o.offset)
      set('limit', o.limit)
      break
    }

    case 'leafz':
    case 'routez':
    case 'subsz': {
      set('subscriptions', o.subs)
      set('offset', o.offset)
      set('limit', o.limit)
      break
    }

    default:
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

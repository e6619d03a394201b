/**
 * The `$SYS` transport: requests in the system account over the NATS connection. `gather` publishes once to
 * `$SYS.REQ.SERVER.PING.<EP>` and collects one reply per server until every known server has answered or the timeout
 * passes; servers seen before that stay silent are reported as failed. `one` asks `$SYS.REQ.SERVER.<id>.<EP>`.
 * Targets are server NAMES (stable across restarts; the id changes each time a server starts).
 */
import type {Msg, NatsConnection, Subscription} from '@nats-io/transport-node'

import {randomBytes} from 'node:crypto'

import type {Endpoint, EndpointTypes, ServerRef, ServerResult, Statsz} from './types.js'

import {authError, connectionError} from '../errors.js'
import {parseMonitorJson} from './json.js'
import {type EndpointOptions, type MonitorTransport, sysBody} from './transport.js'

interface Envelope {
  data?: unknown
  error?: {code?: number; description?: string}
  server?: {cluster?: string; host?: string; id: string; name: string; ver?: string}
  statsz?: Statsz
}

interface Pending {
  expected: number
  onReply(msg: Msg): void
}

const NO_SYS_HINT =
  'connect as a user of the system account (system_account in the server config), or use --monitor for HTTP'

export interface SysTransportOptions {
  inboxPrefix?: string
  /** how long to wait for replies */
  timeoutMs: number
}

export class SysTransport implements MonitorTransport {
  readonly kind = 'sys'
  /** every server seen so far, by name */
  readonly known = new Map<string, ServerRef>()
  private expected = 0
  private readonly inbox: string
  private next = 0
  /** server names seen in other servers' routes (STATSZ) */
  private readonly peers = new Set<string>()
  private readonly pending = new Map<string, Pending>()
  private sub?: Subscription

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: SysTransportOptions,
  ) {
    this.inbox = `${options.inboxPrefix ?? '_INBOX'}.${randomBytes(8).toString('hex')}`
  }

  async close(): Promise<void> {
    this.sub?.unsubscribe()
    this.sub = undefined
  }

  /** Find every server: a STATSZ ping, waiting for as many replies as the servers say are active. */
  async discover(): Promise<ServerRef[]> {
    const replies = await this.request('$SYS.REQ.SERVER.PING', {}, 0)
    for (const r of replies) {
      const env = r.env
      if (env.server) this.remember(env.server)
      this.expected = Math.max(this.expected, env.statsz?.active_servers ?? 0)
      for (const route of env.statsz?.routes ?? []) if (route.name) this.peers.add(route.name)
    }

    return [...this.known.values()]
  }

  async gather<E extends Endpoint>(
    endpoint: E,
    options?: EndpointOptions,
  ): Promise<Array<ServerResult<EndpointTypes[E]>>> {
    if (this.known.size === 0) await this.discover()
    const replies = await this.request(
      `$SYS.REQ.SERVER.PING.${endpoint.toUpperCase()}`,
      sysBody(endpoint, options),
      Math.max(this.expected, this.known.size),
    )
    const out: Array<ServerResult<EndpointTypes[E]>> = []
    const answered = new Set<string>()
    for (const r of replies) out.push(this.result<E>(r.env, r.rtt, answered))
    for (const [name, ref] of this.known) {
      if (!answered.has(name))
        out.push({error: `no reply within ${this.options.timeoutMs}ms`, ok: false, server: ref, target: name})
    }

    return out.sort((a, b) => a.target.localeCompare(b.target))
  }

  async one<E extends Endpoint>(
    endpoint: E,
    target: string,
    options?: EndpointOptions,
  ): Promise<ServerResult<EndpointTypes[E]>> {
    if (!this.known.has(target)) await this.discover()
    const ref = this.known.get(target) ?? [...this.known.values()].find((s) => s.id === target)
    if (!ref) return {error: `no server named ${target} answered`, ok: false, target}
    try {
      const replies = await this.request(
        `$SYS.REQ.SERVER.${ref.id}.${endpoint.toUpperCase()}`,
        sysBody(endpoint, options),
        1,
      )
      if (replies.length === 0)
        return {error: `no reply within ${this.options.timeoutMs}ms`, ok: false, server: ref, target: ref.name}
      return this.result<E>(replies[0].env, replies[0].rtt, new Set())
    } catch (error) {
      return {error: (error as Error).message, ok: false, server: ref, target: ref.name}
    }
  }

  /** The servers' own count of active servers (it keeps a killed server for a while), and every name seen. */
  roster(): {count: number; names: string[]} {
    return {count: this.expected, names: [...new Set([...this.known.keys(), ...this.peers])]}
  }

  private ensureSub(): void {
    if (this.sub) return
    this.sub = this.nc.subscribe(`${this.inbox}.*`, {
      callback: (_err, msg) => {
        const token = msg.subject.slice(this.inbox.length + 1)
        this.pending.get(token)?.onReply(msg)
      },
    })
  }

  private remember(s: NonNullable<Envelope['server']>): ServerRef {
    const ref: ServerRef = {cluster: s.cluster, host: s.host, id: s.id, name: s.name || s.id, version: s.ver}
    this.known.set(ref.name, ref)
    return ref
  }

  /**
   * Publish one request and collect replies until `expected` (when > 0) have arrived or the timeout passes.
   * No reply at all is an error that says the user probably lacks system-account rights.
   */
  private async request(
    subject: string,
    body: Record<string, unknown>,
    expected: number,
  ): Promise<Array<{env: Envelope; rtt: number}>> {
    this.ensureSub()
    const token = String(++this.next)
    const replies: Array<{env: Envelope; rtt: number}> = []
    const started = performance.now()
    let noResponders = false
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, this.options.timeoutMs)
      function finish(): void {
        clearTimeout(timer)
        resolve()
      }

      this.pending.set(token, {
        expected,
        onReply(msg) {
          if (msg.headers?.code === 503 || (msg.data.length === 0 && msg.headers)) {
            noResponders = true
            finish()
            return
          }

          try {
            const env = parseMonitorJson<Envelope>(msg.string())
            replies.push({env, rtt: performance.now() - started})
            // discovery: the first STATSZ says how many servers are active
            if (expected === 0 && env.statsz?.active_servers) expected = env.statsz.active_servers
          } catch {
            // a reply that is not JSON: ignore it
          }

          if (expected > 0 && replies.length >= expected) finish()
        },
      })
      this.nc.publish(subject, JSON.stringify(body), {reply: `${this.inbox}.${token}`})
    })
    this.pending.delete(token)
    if (noResponders) {
      throw authError(`no responders on ${subject}: this user is not in the system account`, NO_SYS_HINT)
    }

    if (replies.length === 0 && this.known.size === 0) {
      throw connectionError(
        `no server answered ${subject} within ${this.options.timeoutMs}ms: this user probably lacks system-account rights`,
        NO_SYS_HINT,
      )
    }

    return replies
  }

  private result<E extends Endpoint>(
    env: Envelope,
    rtt: number,
    answered: Set<string>,
  ): ServerResult<EndpointTypes[E]> {
    const ref = env.server ? this.remember(env.server) : {id: '?', name: '?'}
    answered.add(ref.name)
    if (env.error)
      return {
        error: `${env.error.code ?? ''} ${env.error.description ?? 'error'}`.trim(),
        ok: false,
        server: ref,
        target: ref.name,
      }
    return {data: (env.data ?? env.statsz) as EndpointTypes[E], ok: true, rtt_ms: rtt, server: ref, target: ref.name}
  }
}

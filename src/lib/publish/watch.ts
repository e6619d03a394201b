/**
 * The state of a publisher's connection, from nats.js's status events: whether it is up, how often it dropped, and
 * whether it can come back. A connection fails over only where failover is wanted and another server is known (listed
 * in --server or announced by the cluster in INFO `connect_urls`); a lone server that goes away, or a server that
 * closes the connection for a protocol error, ends the command (exit 6, one line).
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {connectionError, interrupted, type NatsxError} from '../errors.js'

export interface WatchOptions {
  /** reconnect to another known server after a drop */
  failover: boolean
  onDisconnect?(server: string): void
  onReconnect?(server: string): void
  /** the servers as they may be printed */
  servers: string
}

export class ConnectionWatch {
  /** times the connection dropped */
  disconnects = 0
  /** the connection is down and may come back */
  down = false
  /** when it last dropped (ms since the epoch), 0 if never */
  lastDisconnectAt = 0
  private closedWith?: NatsxError
  private readonly listeners = new Set<() => void>()
  private readonly nc: NatsConnection
  private readonly o: WatchOptions
  /** what the server said in its last -ERR (other than a permission refusal, which leaves the connection up) */
  private serverError?: string

  constructor(nc: NatsConnection, o: WatchOptions) {
    this.nc = nc
    this.o = o
  }

  /** The server closed the connection for a protocol error: why, as the one line a person sees (exit 6). */
  get closedByServer(): NatsxError | undefined {
    return this.serverError === undefined ? undefined : this.failure()
  }

  /** Whether another server can take over after a drop. */
  canFailover(): boolean {
    return this.o.failover && this.serverError === undefined && this.nc.getServers().length > 1
  }

  /** Resolves on the next change of state, after `ms`, or on abort. */
  changed(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.listeners.delete(done)
        signal?.removeEventListener('abort', done)
        resolve()
      }

      const timer = setTimeout(done, ms)
      this.listeners.add(done)
      signal?.addEventListener('abort', done, {once: true})
    })
  }

  /** A promise that rejects (with `disconnected`) once the connection drops after the `epoch`-th drop; `cancel` ends it. */
  dropAfter(epoch: number): {cancel(): void; promise: Promise<never>} {
    let check!: () => void
    const promise = new Promise<never>((_, reject) => {
      check = (): void => {
        if (this.disconnects > epoch || this.closedWith) {
          this.listeners.delete(check)
          reject(new DisconnectedError())
        }
      }

      this.listeners.add(check)
      check()
    })
    promise.catch(() => {})
    return {cancel: () => this.listeners.delete(check), promise}
  }

  /** Why the connection is gone, as the one line a person sees (exit 6). */
  failure(reason?: string): NatsxError {
    if (this.serverError) return connectionError(`the server closed the connection: ${this.serverError}`, 'see the server log; fix the cause, then run the command again')
    const others = this.o.failover ? ' and no other server is known' : ''
    return connectionError(`lost the connection to ${this.o.servers}${others}${reason ? `: ${reason}` : ''}`, 'the server went away; check it, then run the command again')
  }

  /** Follow the connection's status events (once, right after connecting). */
  start(): void {
    this.follow().catch(() => {})
    this.nc
      .closed()
      .then((err) => {
        this.closedWith ??= this.failure(err?.message)
        this.notify()
      })
      .catch(() => {})
  }

  /** Resolves once the connection is up; exit 6 when it closed or did not come back within `ms`, 130 on abort. */
  async whenUp(ms: number, signal?: AbortSignal): Promise<void> {
    const until = Date.now() + ms
    for (;;) {
      if (this.closedWith) throw this.closedWith
      if (this.nc.isClosed()) throw this.failure()
      if (!this.down) return
      if (signal?.aborted) throw interrupted()
      const left = until - Date.now()
      if (left <= 0) {
        throw connectionError(`lost the connection to ${this.o.servers} and no server took over within ${ms}ms`, 'check the servers, then run the command again')
      }

      await this.changed(left, signal)
    }
  }

  private async follow(): Promise<void> {
    for await (const st of this.nc.status()) {
      switch (st.type) {
        case 'disconnect': {
          this.disconnects++
          this.down = true
          this.lastDisconnectAt = Date.now()
          this.o.onDisconnect?.(st.server)
          if (!this.canFailover()) {
            this.closedWith ??= this.failure()
            this.nc.close().catch(() => {})
          }

          break
        }

        case 'error': {
          const e = st.error as Error | undefined
          if (e && e.name !== 'PermissionViolationError') this.serverError = e.message
          break
        }

        case 'reconnect': {
          this.down = false
          this.o.onReconnect?.(st.server)
          break
        }

        default: {
          continue
        }
      }

      this.notify()
    }
  }

  private notify(): void {
    for (const l of this.listeners) l()
  }
}

/** The connection dropped while waiting for an answer. */
export class DisconnectedError extends Error {
  constructor() {
    super('connection disconnected')
    this.name = 'DisconnectedError'
  }
}

/** Whether an error says the connection dropped under a request or a flush (nats.js words it so). */
export function isDisconnect(error: unknown): boolean {
  const e = error as undefined | {message?: string; name?: string}
  return e?.name === 'DisconnectedError' || (e?.name === 'RequestError' && /disconnect/i.test(e.message ?? ''))
}

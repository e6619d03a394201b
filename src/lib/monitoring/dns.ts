/**
 * Reverse-DNS names for client addresses (`top --lookup`, key `d`), looked up in the background so that a slow or
 * silent resolver never holds a poll or a frame: `name(ip)` answers from the cache at once and, on a miss, starts a
 * lookup whose answer shows on a later frame. The cache is bounded (least recently used out), failures are cached
 * too (so a dead resolver is asked once per address per `ttlMs`), and at most `concurrency` lookups run at a time.
 *
 * The default resolver is c-ares (`dns.Resolver#reverse`: /etc/hosts, then DNS), which does not use libuv's thread
 * pool; `dns.lookupService` would, and a stuck one would also stall the host-name lookups of the HTTP polls.
 */
import {Resolver} from 'node:dns/promises'

export type ReverseLookup = (ip: string) => Promise<string[]>

export interface ReverseNamesOptions {
  /** lookups in flight at most (default 4); a miss beyond that is asked again on a later poll */
  concurrency?: number
  /** addresses kept at most (default 1024) */
  max?: number
  /** the resolver (tests inject a slow or failing one); default c-ares with `timeoutMs` and one try */
  resolve?: ReverseLookup
  /** per-lookup time limit of the default resolver (default 2000) */
  timeoutMs?: number
  /** how long an answer (or a failure) is kept (default 10 minutes) */
  ttlMs?: number
}

interface Entry {
  at: number
  name: string
}

export class ReverseNames {
  private readonly cache = new Map<string, Entry>()
  private readonly concurrency: number
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly max: number
  private readonly resolve: ReverseLookup
  private readonly ttlMs: number

  constructor(options: ReverseNamesOptions = {}) {
    this.concurrency = options.concurrency ?? 4
    this.max = options.max ?? 1024
    this.ttlMs = options.ttlMs ?? 600_000
    if (options.resolve) this.resolve = options.resolve
    else {
      const resolver = new Resolver({timeout: options.timeoutMs ?? 2000, tries: 1})
      this.resolve = (ip) => resolver.reverse(ip)
    }
  }

  /** lookups running now */
  get pending(): number {
    return this.inFlight.size
  }

  /** addresses cached (answers and failures) */
  get size(): number {
    return this.cache.size
  }

  /**
   * The name of `ip` when it is known (an empty string when the lookup found none), or undefined while it is not: then
   * a lookup starts in the background (when fewer than `concurrency` run). Never waits.
   */
  name(ip: string, now = Date.now()): string | undefined {
    const e = this.cache.get(ip)
    if (e && now - e.at < this.ttlMs) {
      // least recently used goes first: move it to the end
      this.cache.delete(ip)
      this.cache.set(ip, e)
      return e.name
    }

    if (!this.inFlight.has(ip) && this.inFlight.size < this.concurrency) this.start(ip)
    return e?.name
  }

  /** Wait for the lookups running now (batch output and tests); never longer than they take. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight.values())
  }

  private start(ip: string): void {
    const p = this.resolve(ip)
      .then(
        (names) => names[0] ?? '',
        () => '',
      )
      .then((name) => {
        this.cache.delete(ip)
        this.cache.set(ip, {at: Date.now(), name})
        while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string)
      })
      .finally(() => this.inFlight.delete(ip))
    this.inFlight.set(ip, p)
  }
}

/**
 * A live source of snapshots: polls the feed every interval (the next poll starts an interval after the previous one
 * started, or at once when a poll took longer) and tells its listeners. The Ink view subscribes to it; tests inject a
 * fake source with the same interface.
 */
import type {ConnDetail, TopSnapshot} from './feed.js'

export type SnapshotListener = (snapshot: TopSnapshot | undefined, error?: Error) => void

export interface TopSource {
  subscribe(listener: SnapshotListener): () => void
}

/**
 * What the live view may ask of the feed besides snapshots (the feed does the I/O; the view only calls these):
 * one connection in detail, the closed connections while their pane is shown, reverse-DNS names.
 */
export interface TopControls {
  connection(serverId: string, cid: number): Promise<ConnDetail>
  /** poll at most `max` recently closed connections per server (0: stop) */
  setClosed(max: number): void
  setLookup(on: boolean): void
}

export class PollingSource implements TopSource {
  latest?: TopSnapshot
  private readonly listeners = new Set<SnapshotListener>()
  private stopped = false
  private timer?: NodeJS.Timeout

  constructor(
    private readonly poll: () => Promise<TopSnapshot>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.tick().catch(() => {})
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener)
    if (this.latest) listener(this.latest)
    return () => this.listeners.delete(listener)
  }

  private async tick(): Promise<void> {
    if (this.stopped) return
    const started = Date.now()
    try {
      this.latest = await this.poll()
      for (const l of this.listeners) l(this.latest)
    } catch (error) {
      for (const l of this.listeners) l(this.latest, error as Error)
    }

    if (this.stopped) return
    this.timer = setTimeout(
      () => {
        this.tick().catch(() => {})
      },
      Math.max(0, this.intervalMs - (Date.now() - started)),
    )
  }
}

/** Wait `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve()
      return
    }

    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }

    signal?.addEventListener('abort', done, {once: true})
  })
}

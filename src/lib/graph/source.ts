/**
 * A live source of graph samples: calls the sampler every interval (the next sample starts an interval after the
 * previous one started, or at once when it took longer), keeps the latest samples in a bounded ring and tells its
 * listeners. The Ink view subscribes to it; tests inject a fake source with the same interface.
 */
import type {Sampler} from './types.js'

import {Ring} from './ring.js'

export type HistoryListener<S> = (history: readonly S[], error?: Error) => void

export interface GraphSource<S> {
  subscribe(listener: HistoryListener<S>): () => void
}

/** Samples kept: more than a wide terminal has columns, so the charts can always fill the width. */
export const HISTORY = 1000

export class PollingGraphSource<S> implements GraphSource<S> {
  readonly ring: Ring<S>
  private readonly listeners = new Set<HistoryListener<S>>()
  private stopped = false
  private timer?: NodeJS.Timeout

  constructor(
    private readonly sampler: Sampler<S>,
    private readonly intervalMs: number,
    capacity = HISTORY,
  ) {
    this.ring = new Ring<S>(capacity)
  }

  start(): void {
    this.tick().catch(() => {})
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  subscribe(listener: HistoryListener<S>): () => void {
    this.listeners.add(listener)
    if (this.ring.size > 0) listener(this.ring.toArray())
    return () => this.listeners.delete(listener)
  }

  private async tick(): Promise<void> {
    if (this.stopped) return
    const started = Date.now()
    try {
      this.ring.push(await this.sampler.sample())
      const history = this.ring.toArray()
      for (const l of this.listeners) l(history)
    } catch (error) {
      // no rate may span the gap: the first sample after it primes again
      this.sampler.reset?.()
      const history = this.ring.toArray()
      for (const l of this.listeners) l(history, error as Error)
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

/** Waiting that Ctrl-C (an AbortSignal) ends: used by the commands' connection, requests and pauses. */
import {setTimeout as delay} from 'node:timers/promises'

import {interrupted} from './errors.js'

/**
 * `work`, or an `interrupted()` error (exit 130) as soon as `signal` aborts. `work` cannot be cancelled, so natsx
 * stops waiting for it: its late rejection is ignored, and `dispose` gets what it yields later (a connection to close).
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, dispose?: (value: T) => unknown): Promise<T> {
  if (!signal) return work
  let onAbort!: () => void
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(interrupted())
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, {once: true})
  })
  try {
    return await Promise.race([work, aborted])
  } catch (error) {
    if (signal.aborted) work.then((value) => dispose?.(value)).catch(() => {})
    throw error
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** Wait `ms`; false when `signal` ends the wait (at once). */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await delay(ms, undefined, {signal})
    return true
  } catch {
    return false
  }
}

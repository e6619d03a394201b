/**
 * The ordered consumers a read command makes (kv history/keys/watch/compact, object get/ls/watch) would stay on the
 * server for their 5-minute inactive threshold after natsx exits. Each consumer nats.js makes through a tracked
 * JetStream client is remembered and deleted on the way out.
 */
import type {JetStreamClient} from '@nats-io/jetstream'

interface Deletable {
  delete(): Promise<unknown>
}

const made = new WeakMap<JetStreamClient, Set<Deletable>>()

/** Remember every consumer made through this client (`consumers.get` for ordered pulls, `getPushConsumer`). */
export function trackConsumers(js: JetStreamClient): void {
  if (made.has(js)) return
  const set = new Set<Deletable>()
  made.set(js, set)
  const c = js.consumers as unknown as Record<'get' | 'getPushConsumer', (...args: unknown[]) => Promise<Deletable>>
  for (const m of ['get', 'getPushConsumer'] as const) {
    const original = c[m].bind(js.consumers)
    c[m] = async (...args: unknown[]) => {
      const consumer = await original(...args)
      // a named consumer (a string) is someone's durable: never delete that
      if (typeof args[1] !== 'string') set.add(consumer)
      return consumer
    }
  }
}

/** Delete the consumers made so far (an ordered consumer's current incarnation); one that is gone already is fine. */
export async function releaseConsumers(js: JetStreamClient | undefined): Promise<void> {
  const set = js && made.get(js)
  if (!set || set.size === 0) return
  // a closed connection cannot delete anything: the server drops the consumers after their inactive threshold
  if ((js as unknown as {nc?: {isClosed?: () => boolean}}).nc?.isClosed?.()) return
  const all = [...set]
  set.clear()
  await Promise.allSettled(all.map(async (c) => c.delete()))
}

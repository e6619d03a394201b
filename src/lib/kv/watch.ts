/**
 * A bucket watch that a slow reader slows down: the bucket's stream read by pull, through an ordered consumer, one
 * batch at a time, the next batch asked for only once the caller's output can take more (`ready`).
 *
 * Why not nats.js's `kv.watch()` or its ordered push consumer: a push consumer is paced by flow control, and nats.js
 * answers the server's flow-control request once the entries before it have been taken, which would be enough; but
 * when the server has been stalled on that request for an idle-heartbeat interval (5 s for a KV watcher) it says so
 * in the heartbeat (`Nats-Consumer-Stalled`), and nats.js answers that at once, past the queue. The server then
 * sends the next window, larger each time (15,000 entries, then 30,000, then 60,000 in one probe). With a
 * full-speed producer and a reader that had stopped, the server had delivered 280,950 entries while 3,209 had been
 * written, and the process held 308 MiB; bench/streaming-memory.mjs measured 273–320 MiB for 200,000 puts. A pull asks
 * for a fixed number, so at most one batch is held, whatever the reader does.
 */
import type {Consumer, ConsumerMessages, JetStreamClient, JsMsg, OrderedConsumerOptions} from '@nats-io/jetstream'
import type {KV, KvWatchEntry} from '@nats-io/kv'

export interface WatchOptions {
  filter?: string
  include: 'history' | 'last' | 'updates'
  /** the bucket stream's last sequence when the watch starts: `updates` start after it */
  lastSeq?: number
  /** resolves when the caller can take another batch (stdout below its high-water mark) */
  ready?: () => Promise<void>
  /** start at this revision */
  revision?: number
}

/** The bucket's own internals that name its stream's subjects and turn a message into an entry. */
interface KvInternals {
  _buildCC(key: string, include: string, opts: Record<string, unknown>): {deliver_policy?: string; filter_subject?: string; filter_subjects?: string[]}
  jmToWatchEntry(m: JsMsg, isUpdate: boolean): KvWatchEntry
  stream: string
}

export interface EntryWatch {
  [Symbol.asyncIterator](): AsyncIterator<KvWatchEntry>
  stop(): void
}

/** entries asked for at a time: what a stopped reader makes this process hold, besides stdout's own buffer */
const BATCH = 256
/** how long one pull waits for new entries before it is asked again (an idle watch costs one request per period) */
const EXPIRES_MS = 5000
/** pulls that fail one after another (not by a closed connection) before the watch gives up with the error */
const MAX_FAILURES = 3

export async function watchBucket(js: JetStreamClient, kv: KV, o: WatchOptions): Promise<EntryWatch> {
  const k = kv as unknown as KvInternals
  const include = o.include === 'history' ? 'history' : o.include === 'updates' ? 'updates' : ''
  // the bucket builds its own filter: key encoding, the subject prefix of a mirror or another domain
  const cc = k._buildCC(o.filter ?? '>', include, {headers_only: false})
  const opts: Partial<OrderedConsumerOptions> = {
    deliver_policy: cc.deliver_policy as OrderedConsumerOptions['deliver_policy'],
    // nats-server 2.9 takes a single filter subject as a string, not an array
    filter_subjects: cc.filter_subject ?? cc.filter_subjects,
  }
  // An ordered consumer that is recreated (a gap, a lost consumer) starts after the last entry it delivered, or at its
  // own start sequence before the first: "new" is made a start sequence so that such a restart does not replay the
  // whole bucket.
  if (o.revision !== undefined) Object.assign(opts, {deliver_policy: 'by_start_sequence', opt_start_seq: o.revision})
  else if (o.include === 'updates' && o.lastSeq !== undefined)
    Object.assign(opts, {deliver_policy: 'by_start_sequence', opt_start_seq: o.lastSeq + 1})

  const consumer: Consumer = await js.consumers.get(k.stream, opts)
  const closed = (): boolean => Boolean((js as unknown as {nc?: {isClosed?: () => boolean}}).nc?.isClosed?.())
  // set by stop(), from outside the loop that reads it
  const state = {stopped: false}
  let current: ConsumerMessages | undefined
  return {
    async *[Symbol.asyncIterator]() {
      let failures = 0
      while (!state.stopped && !closed()) {
        await o.ready?.()
        if (state.stopped) break
        try {
          current = await consumer.fetch({expires: EXPIRES_MS, max_messages: BATCH})
          for await (const m of current) {
            yield k.jmToWatchEntry(m, true)
            if (state.stopped) break
          }

          failures = 0
        } catch (error) {
          // a closed connection ends the watch (the caller says so); a missed heartbeat or a lost consumer is tried
          // again (the ordered consumer is recreated where it was), a few times
          if (state.stopped || closed()) break
          if (++failures >= MAX_FAILURES) throw error
        } finally {
          current?.stop()
          current = undefined
        }
      }
    },
    stop() {
      state.stopped = true
      current?.stop()
    },
  }
}

/**
 * A bucket watch that a slow reader slows down. nats.js's `kv.watch()` consumes its ordered push consumer with a
 * callback, which answers the server's flow-control requests as they arrive and queues every entry without bound, so
 * a reader that stops lets the whole bucket pile up in memory. This reads the same consumer (the same configuration,
 * built by the bucket itself) through its iterator instead: a flow-control request is answered only once the entries
 * before it have been taken, so the server stops sending while the caller is not taking, and the caller takes the
 * next entry only once stdout can hold it.
 */
import type {ConsumerConfig, ConsumerMessages, JetStreamClient, JsMsg} from '@nats-io/jetstream'
import type {KV, KvWatchEntry} from '@nats-io/kv'

export interface WatchOptions {
  filter?: string
  include: 'history' | 'last' | 'updates'
  /** start at this revision */
  revision?: number
}

/** The bucket's own internals that build its watch consumer and turn a message into an entry. */
interface KvInternals {
  _buildCC(key: string, include: string, opts: Record<string, unknown>): Partial<ConsumerConfig>
  jmToWatchEntry(m: JsMsg, isUpdate: boolean): KvWatchEntry
  stream: string
}

export interface EntryWatch {
  [Symbol.asyncIterator](): AsyncIterator<KvWatchEntry>
  stop(): void
}

export async function watchBucket(js: JetStreamClient, kv: KV, o: WatchOptions): Promise<EntryWatch> {
  const k = kv as unknown as KvInternals
  const include = o.include === 'history' ? 'history' : o.include === 'updates' ? 'updates' : ''
  const cc = k._buildCC(o.filter ?? '>', include, {headers_only: false})
  if (o.revision !== undefined) {
    cc.deliver_policy = 'by_start_sequence' as ConsumerConfig['deliver_policy']
    cc.opt_start_seq = o.revision
  }

  const oc = await js.consumers.getPushConsumer(k.stream, cc)
  const messages: ConsumerMessages = await oc.consume()
  return {
    async *[Symbol.asyncIterator]() {
      for await (const m of messages) yield k.jmToWatchEntry(m, true)
    },
    stop() {
      messages.stop()
    },
  }
}

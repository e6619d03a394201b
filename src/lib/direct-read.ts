/**
 * Reading a stream by batched direct get (nats-server 2.11+): `$JS.API.DIRECT.GET.<stream>` with `batch`, a start
 * (`seq` or `start_time`) and `next_by_subj`, answered by any replica that holds the stream, without a consumer. The
 * read is a snapshot: it stops at the stream's last sequence when it began (`up_to_seq`), so a stream that keeps
 * growing still ends. Batches are asked for one after the other, each only once the output has room.
 */
import type {JetStreamManager, StoredMsg} from '@nats-io/jetstream'

import {encodeData, headersToObject, type MessageRecord} from './messages.js'

/** The headers a direct get adds to each message (where it is stored); the record has them as `jetstream`. */
const DIRECT_HEADERS = new Set(['Nats-Last-Sequence', 'Nats-Num-Pending', 'Nats-Sequence', 'Nats-Stream', 'Nats-Subject', 'Nats-Time-Stamp'])

/** messages asked for in one request */
export const DIRECT_BATCH = 256

export interface DirectReadOptions {
  /** stop after this many messages delivered */
  count?: number
  /** resolves when the output can take more: the next batch is asked for only then */
  ready?: () => Promise<void>
  signal: AbortSignal
  /** messages stored in the last this many milliseconds (otherwise from `startSequence`, else the first) */
  sinceMs?: number
  startSequence?: number
  stream: string
  /** one subject filter (wildcards allowed); every subject when absent */
  subject?: string
}

export interface DirectReadSummary {
  ended: 'count' | 'end' | 'interrupted'
  messages: number
}

/** The record of a message read by direct get, as `sub --stream` prints it (the direct-get headers taken out). */
export function directMessageRecord(stream: string, m: StoredMsg, received = new Date()): MessageRecord {
  const rec: MessageRecord = {subject: m.subject, ...encodeData(m.data), received: received.toISOString(), size: m.data.length}
  const all = headersToObject(m.header)
  const headers = all && Object.fromEntries(Object.entries(all).filter(([k]) => !DIRECT_HEADERS.has(k)))
  if (headers && Object.keys(headers).length > 0) rec.headers = headers
  rec.jetstream = {sequence: m.seq, stream, time: m.timestamp}
  return rec
}

/**
 * Deliver the stream's messages (matching `subject`) to `onMessage`, in sequence order, up to the last sequence the
 * stream had when the read began, `count` messages, or the signal. `lastSeq` is that last sequence (from the stream's
 * info). `onMessage` says whether the message counts (false: skipped, as an ignored subject is) and may take its time
 (a translation): the next message waits for it.
 */
export async function readDirect(
  jsm: JetStreamManager,
  o: DirectReadOptions & {lastSeq: number},
  onMessage: (m: StoredMsg) => boolean | Promise<boolean>,
): Promise<DirectReadSummary> {
  let n = 0
  let next: number | undefined = o.sinceMs === undefined ? Math.max(1, o.startSequence ?? 1) : undefined
  const startTime = o.sinceMs === undefined ? undefined : new Date(Date.now() - o.sinceMs)
  if (o.lastSeq === 0 || (next !== undefined && next > o.lastSeq)) return {ended: 'end', messages: 0}
  for (;;) {
    if (o.signal.aborted) return {ended: 'interrupted', messages: n}
    await o.ready?.()
    if (o.signal.aborted) return {ended: 'interrupted', messages: n}
    const want = o.count === undefined ? DIRECT_BATCH : Math.min(DIRECT_BATCH, o.count - n)
    const iter = await jsm.direct.getBatch(o.stream, {
      batch: want,
      ...(next === undefined ? {start_time: startTime!} : {seq: next}),
      ...(o.subject === undefined ? {} : {next_by_subj: o.subject}),
      up_to_seq: o.lastSeq,
      // nats.js 3.4 does not type up_to_seq beside a start (the server takes it)
    } as unknown as Parameters<JetStreamManager['direct']['getBatch']>[1])
    const stop = (): void => iter.stop()
    o.signal.addEventListener('abort', stop, {once: true})
    let got = 0
    let last = 0
    try {
      for await (const m of iter) {
        got++
        last = m.seq
        if (await onMessage(m)) n++
        if (o.signal.aborted || (o.count !== undefined && n >= o.count)) break
      }
    } catch (error) {
      // 404: nothing (more) matches
      const e = error as {code?: number | string; message?: string}
      if (!(Number(e.code) === 404 || /message not found|no message found/i.test(e.message ?? ''))) throw error
    } finally {
      o.signal.removeEventListener('abort', stop)
    }

    if (o.signal.aborted) return {ended: 'interrupted', messages: n}
    if (o.count !== undefined && n >= o.count) return {ended: 'count', messages: n}
    // nothing more matches, or the snapshot's end is reached (a short batch is not the end: the server may cut a
    // batch by size)
    if (got === 0 || last >= o.lastSeq) return {ended: 'end', messages: n}
    next = last + 1
  }
}

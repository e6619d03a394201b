/**
 * Streaming object transfers. Put reads its source as a stream and get writes as it receives, so memory does not
 * grow with the object size. Get writes to a temporary file beside the target, checks size and SHA-256 digest,
 * and renames only a complete, verified object onto the target path; on any failure the temporary file is removed.
 */
import type {JetStreamClient, JetStreamManager} from '@nats-io/jetstream'
import type {ObjectStore} from '@nats-io/obj'
import type {Writable} from 'node:stream'

import {createHash, randomBytes} from 'node:crypto'
import {type FileHandle, open, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {connectionError, ExitCode, NatsxError, notFound} from '../errors.js'
import {objectRecord, type ObjectRecord} from './store.js'

export interface PutOptions {
  chunkSize?: number
  description?: string
  headers?: Array<[string, string]>
  /** the server's max_payload: a chunk is never larger */
  maxPayload: number
  name: string
  onBytes?: (n: number) => void
  signal?: AbortSignal
  source: AsyncIterable<Buffer | Uint8Array>
  timeoutMs?: number
  /** chunk publishes awaiting their acknowledgement at once */
  window?: number
}

export const DEFAULT_CHUNK_SIZE = 128 * 1024
export const PUT_WINDOW = 32

/** base64url with padding, as nats.js and the Go client name object metadata subjects and digests. */
export function base64UrlPadded(b: Buffer): string {
  const s = b.toString('base64url')
  return s + '='.repeat((4 - (s.length % 4)) % 4)
}

/**
 * Store an object in the layout nats.js and the Go client use (chunks on `$O.<bucket>.C.<nuid>`, then one
 * metadata message on `$O.<bucket>.M.<base64url(name)>` with a subject rollup), but with up to `window` chunk
 * publishes in flight instead of one at a time. Memory is bounded by window × chunk size. On failure the chunks
 * written so far are purged and the previous version of the object stays.
 */
export async function putObject(js: JetStreamClient, jsm: JetStreamManager, os: ObjectStore, bucket: string, o: PutOptions): Promise<ObjectRecord> {
  const {headers, nuid} = await import('../nats/core.js')
  const chunkSize = Math.max(1, Math.min(o.chunkSize ?? DEFAULT_CHUNK_SIZE, o.maxPayload))
  const window = Math.max(2, o.window ?? PUT_WINDOW)
  const old = await os.info(o.name)
  const id = nuid.next()
  const chunkSubject = `$O.${bucket}.C.${id}`
  const hash = createHash('sha256')
  const timeout = o.timeoutMs
  let size = 0
  let chunks = 0
  const inflight: Array<Promise<unknown>> = []
  const send = async (chunk: Buffer): Promise<void> => {
    hash.update(chunk)
    size += chunk.length
    chunks++
    inflight.push(js.publish(chunkSubject, chunk, timeout ? {timeout} : {}))
    o.onBytes?.(chunk.length)
    if (inflight.length >= window) await Promise.all(inflight.splice(0, window / 2))
  }

  try {
    let parts: Buffer[] = []
    let buffered = 0
    for await (const piece of o.source) {
      if (o.signal?.aborted) throw new NatsxError(ExitCode.INTERRUPTED, 'interrupted')
      const b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)
      parts.push(b)
      buffered += b.length
      if (buffered < chunkSize) continue
      let all = parts.length === 1 ? parts[0] : Buffer.concat(parts, buffered)
      while (all.length >= chunkSize) {
        await send(all.subarray(0, chunkSize))
        all = all.subarray(chunkSize)
      }

      parts = all.length > 0 ? [all] : []
      buffered = all.length
    }

    if (buffered > 0) await send(parts.length === 1 ? parts[0] : Buffer.concat(parts, buffered))
    await Promise.all(inflight.splice(0))
    const meta: Record<string, unknown> = {
      bucket,
      chunks,
      deleted: false,
      description: o.description ?? '',
      digest: `SHA-256=${base64UrlPadded(hash.digest())}`,
      mtime: new Date().toISOString(),
      name: o.name,
      nuid: id,
      options: {max_chunk_size: chunkSize},
      size,
    }
    if (o.headers && o.headers.length > 0) {
      const record: Record<string, string[]> = {}
      for (const [k, v] of o.headers) (record[k] ??= []).push(v)
      meta.headers = record
    }

    const h = headers()
    h.set('Nats-Rollup', 'sub')
    const ack = await js.publish(`$O.${bucket}.M.${base64UrlPadded(Buffer.from(o.name))}`, JSON.stringify(meta), {headers: h, ...(timeout ? {timeout} : {})})
    if (old && !old.deleted && old.nuid) {
      await jsm.streams.purge(`OBJ_${bucket}`, {filter: `$O.${bucket}.C.${old.nuid}`}).catch(() => {})
    }

    const info = await os.info(o.name)
    return info ? objectRecord(info) : {bucket, chunks, deleted: false, digest: meta.digest as string, modified: meta.mtime as string, name: o.name, revision: ack.seq, size}
  } catch (error) {
    await Promise.allSettled(inflight)
    await jsm.streams.purge(`OBJ_${bucket}`, {filter: chunkSubject}).catch(() => {})
    throw error
  }
}

export interface GetOptions {
  /** true once the connection is gone: a failure then is a lost connection (exit 6) */
  connectionLost: () => boolean
  name: string
  onBytes?: (n: number) => void
  /** resolves when the connection closes */
  onClose: Promise<unknown>
  signal: AbortSignal
  /** flush the file to disk before it is renamed into place (survives a power loss; slower) */
  sync?: boolean
  /** a file path, or a writable (stdout) */
  target: string | Writable
}

/** Digests as the store writes them: `SHA-256=` and base64url, padded or not. */
export function digestBytes(digest: string): Buffer | undefined {
  if (!digest.startsWith('SHA-256=')) return undefined
  return Buffer.from(digest.slice(8).replaceAll('-', '+').replaceAll('_', '/'), 'base64')
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.natsx-part`)
}

/** How many bytes of chunks the reader asks the server for at a time: the bound on buffered data. */
export const GET_WINDOW_BYTES = 8 * 1024 * 1024
/** Chunks are written to the target in batches of about this size. */
const WRITE_BATCH_BYTES = 2 * 1024 * 1024

/** Write to a stream, waiting for it to drain when its buffer is full (backpressure). */
async function writeTo(w: Writable, data: Uint8Array): Promise<void> {
  if (w.write(data)) return
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      w.off('drain', done)
      w.off('error', done)
      if (err) reject(err)
      else resolve()
    }

    w.on('drain', done)
    w.on('error', done)
  })
}

/**
 * Read an object's chunks with an ordered pull consumer that asks for at most GET_WINDOW_BYTES at a time and
 * waits for each write (file or stdout) before taking the next chunk, so memory stays flat whatever the size.
 * nats.js `ObjectStore.get()` pushes chunks without backpressure: a slow writer makes it buffer the object.
 */
export async function getObject(js: JetStreamClient, os: ObjectStore, bucket: string, o: GetOptions): Promise<ObjectRecord> {
  let info = await os.info(o.name)
  let store = bucket
  if (info?.options?.link?.name) {
    store = info.options.link.bucket
    const {Objm} = await import('../nats/obj.js')
    info = await (await new Objm(js).open(store, false)).info(info.options.link.name)
  }

  if (!info || info.deleted) throw notFound(`object "${o.name}" not found in bucket "${bucket}"`, 'list objects with `natsx object ls BUCKET`')
  const rec = objectRecord(info)
  const expected = digestBytes(rec.digest)
  if (!expected) throw new NatsxError(ExitCode.UNEXPECTED, `object "${o.name}" has an unknown digest type: ${rec.digest}`)
  const hash = createHash('sha256')
  let received = 0
  let chunks = 0
  const temp = typeof o.target === 'string' ? tempPathFor(o.target) : undefined
  let file: FileHandle | undefined
  let stopped = false
  let iter: undefined | {stop(): void}
  const stop = (): void => {
    stopped = true
    iter?.stop()
  }

  // chunks are written in batches, one batch on its way to the disk while the next one fills (double buffering)
  let batch: Uint8Array[] = []
  let batchBytes = 0
  let writing: Promise<unknown> = Promise.resolve()
  const flush = async (): Promise<void> => {
    if (batchBytes === 0) return
    const out = batch
    batch = []
    batchBytes = 0
    await writing
    writing = file ? file.writev(out) : writeTo(o.target as Writable, Buffer.concat(out))
  }

  o.signal.addEventListener('abort', stop)
  o.onClose.then(stop, stop)
  try {
    if (temp) file = await open(temp, 'wx')
    if (info.size > 0) {
      const consumer = await js.consumers.get(`OBJ_${store}`, {filter_subjects: `$O.${store}.C.${info.nuid}`})
      const messages = await consumer.consume({max_bytes: GET_WINDOW_BYTES})
      iter = messages
      if (stopped) messages.stop()
      for await (const m of messages) {
        const data = m.data
        hash.update(data)
        received += data.length
        chunks++
        batch.push(data)
        batchBytes += data.length
        if (batchBytes >= WRITE_BATCH_BYTES) await flush()
        o.onBytes?.(data.length)
        if (m.info.pending === 0 || received >= info.size) break
      }

      messages.stop()
      await flush()
      await writing
    }

    if (stopped && o.signal.aborted) throw new NatsxError(ExitCode.INTERRUPTED, 'interrupted')
    if (stopped || o.connectionLost()) throw connectionError('connection closed')
    const actual = hash.digest()
    if (received !== rec.size || !expected.equals(actual)) {
      throw new NatsxError(ExitCode.UNEXPECTED, `object "${o.name}" arrived corrupt: ${received} of ${rec.size} bytes in ${chunks} chunks, digest SHA-256=${actual.toString('base64url')} instead of ${rec.digest}`, {
        hint: 'retry the download',
      })
    }

    if (file) {
      if (o.sync) await file.sync()
      await file.close()
      file = undefined
      await rename(temp!, o.target as string)
    }

    return rec
  } catch (error) {
    if (o.connectionLost() && !o.signal.aborted) {
      throw connectionError(`lost the connection to the server while reading object "${o.name}" (${received} of ${rec.size} bytes)`, 'check the server and retry')
    }

    throw error
  } finally {
    o.signal.removeEventListener('abort', stop)
    iter?.stop()
    await writing.catch(() => {})
    await file?.close().catch(() => {})
    if (temp) await unlink(temp).catch(() => {})
  }
}

/**
 * Streaming object transfers. Put reads its source as a stream and get writes as it receives, so memory does not
 * grow with the object size. Get writes to a temporary file beside the target, checks size and SHA-256 digest,
 * and renames only a complete, verified object onto the target path; on any failure the temporary file is removed.
 */
import type {JetStreamClient, JetStreamManager} from '@nats-io/jetstream'
import type {ObjectStore} from '@nats-io/obj'
import type {Readable, Writable} from 'node:stream'

import {createHash, randomBytes} from 'node:crypto'
import {type FileHandle, open, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {conflict, connectionError, ExitCode, NatsxError, notFound, toNatsxError} from '../errors.js'
import {formatSize} from '../format/size.js'
import {objectRecord, type ObjectRecord} from './store.js'

export interface PutOptions {
  chunkSize?: number
  /** true once the connection is gone: the chunks are then purged on a fresh connection (`reconnect`) */
  connectionLost?: () => boolean
  description?: string
  headers?: Array<[string, string]>
  /** the server's max_payload: a chunk is never larger */
  maxPayload: number
  name: string
  onBytes?: (n: number) => void
  /**
   * After a lost connection: run the clean-up on a fresh connection if the server is back within --timeout
   * (undefined when it is not). Without it, a lost connection leaves the chunks to the next sweep.
   */
  reconnect?: <T>(fn: (jsm: JetStreamManager) => Promise<T>) => Promise<T | undefined>
  /** the servers as shown to people, for the error line */
  server?: string
  signal?: AbortSignal
  source: AsyncIterable<Buffer | Uint8Array>
  timeoutMs?: number
  /** the source's size when known (a file), for the error line */
  total?: number
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

/** What became of the chunks of a put that failed. */
export type PutCleanup = 'left' | 'purged' | 'stored'

/** The one line a failed put ends with: what happened, how much was sent, and where its chunks are. */
export function putFailure(
  error: unknown,
  p: {bucket: string; chunks: number; cleanup: PutCleanup; connectionLost: boolean; interrupted: boolean; name: string; sent: number; server?: string; total?: number},
): NatsxError {
  const sent = p.total === undefined ? formatSize(p.sent) : `${formatSize(p.sent)} of ${formatSize(p.total)}`
  const what = `"${p.name}" in bucket "${p.bucket}" (${sent} sent)`
  const where =
    p.chunks === 0
      ? 'no chunk was written'
      : p.cleanup === 'purged'
        ? `its ${p.chunks} chunk${p.chunks === 1 ? ' was' : 's were'} purged`
        : `its chunks stay in the bucket until the next \`natsx object put\`, \`del\` or \`ls ${p.bucket}\` removes them`
  if (p.cleanup === 'stored') {
    // the metadata got there before the failure: the object is complete
    return connectionError(`no acknowledgement for the metadata of ${what}, but it is there: the object is stored`, 'check it with `natsx object info`')
  }

  if (p.interrupted) return new NatsxError(ExitCode.INTERRUPTED, `interrupted while storing ${what}: the object was not stored`, {hint: where})
  if (p.connectionLost) {
    return connectionError(`lost the connection${p.server ? ` to ${p.server}` : ''} while storing ${what}: the object was not stored`, where)
  }

  const e = toNatsxError(error)
  return new NatsxError(e.exitCode, `${what} was not stored: ${e.message}`, {details: e.details, hint: e.hint ? `${where}; ${e.hint}` : where})
}

/**
 * Store an object in the layout nats.js and the Go client use (chunks on `$O.<bucket>.C.<nuid>`, then one
 * metadata message on `$O.<bucket>.M.<base64url(name)>` with a subject rollup), but with up to `window` chunk
 * publishes in flight instead of one at a time. Memory is bounded by window × chunk size. On failure (the server
 * gone, a refusal, Ctrl-C) every publish is waited for, the chunks written so far are purged (on a fresh connection
 * when the first one is lost and the server is back in time), the previous version of the object stays, and the
 * error says what became of the chunks.
 */
export async function putObject(js: JetStreamClient, jsm: JetStreamManager, os: ObjectStore, bucket: string, o: PutOptions): Promise<ObjectRecord> {
  const {headers, nuid} = await import('../nats/core.js')
  const chunkSize = Math.max(1, Math.min(o.chunkSize ?? DEFAULT_CHUNK_SIZE, o.maxPayload))
  const window = Math.max(2, o.window ?? PUT_WINDOW)
  const old = await os.info(o.name)
  const id = nuid.next()
  const stream = `OBJ_${bucket}`
  const chunkSubject = `$O.${bucket}.C.${id}`
  const metaSubject = `$O.${bucket}.M.${base64UrlPadded(Buffer.from(o.name))}`
  const hash = createHash('sha256')
  const timeout = o.timeoutMs
  let size = 0
  let chunks = 0
  let metaSent = false
  // the first publish that failed; every publish is handled at once, so none is ever an unhandled rejection
  let failed: undefined | {error: unknown}
  const inflight: Array<Promise<void>> = []
  const settle = async (batch: Array<Promise<void>>): Promise<void> => {
    await Promise.all(batch)
    if (failed) throw failed.error
  }

  const send = async (chunk: Buffer): Promise<void> => {
    hash.update(chunk)
    size += chunk.length
    chunks++
    inflight.push(
      js.publish(chunkSubject, chunk, timeout ? {timeout} : {}).then(
        () => {},
        (error: unknown) => {
          failed ??= {error}
        },
      ),
    )
    o.onBytes?.(chunk.length)
    if (inflight.length >= window) await settle(inflight.splice(0, window / 2))
  }

  // after a failure: purge the chunks, unless the metadata got there after all (then the object is complete)
  const cleanUp = async (m: JetStreamManager): Promise<PutCleanup> => {
    if (metaSent) {
      const last = await m.streams.getMessage(stream, {last_by_subj: metaSubject}).catch(() => {})
      if (last && last.json<{nuid?: string}>().nuid === id) return 'stored'
    }

    await m.streams.purge(stream, {filter: chunkSubject})
    return 'purged'
  }

  // Ctrl-C ends a read that waits on a quiet source (stdin) too
  const interrupted = new Promise<never>((_, reject) => {
    const abort = (): void => reject(new NatsxError(ExitCode.INTERRUPTED, 'interrupted'))
    if (o.signal?.aborted) abort()
    else o.signal?.addEventListener('abort', abort, {once: true})
  })
  interrupted.catch(() => {})
  const source = o.source[Symbol.asyncIterator]()

  try {
    let parts: Buffer[] = []
    let buffered = 0
    for (;;) {
      const next = await Promise.race([source.next(), interrupted])
      if (next.done) break
      if (failed) throw failed.error
      const piece = next.value
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
    await settle(inflight.splice(0))
    if (o.signal?.aborted) throw new NatsxError(ExitCode.INTERRUPTED, 'interrupted')
    // Every chunk must still be there: another client's sweep of unfinished uploads removes chunks that stood still
    // for longer than its --timeout (a source that paused that long); metadata must never point at a gap.
    if (chunks > 0) {
      const si = await jsm.streams.info(stream, {subjects_filter: chunkSubject})
      const stored = si.state.subjects?.[chunkSubject] ?? 0
      if (stored !== chunks) {
        throw conflict(
          `${chunks - stored} of its ${chunks} chunks were removed meanwhile (the input paused for longer than another client's --timeout, which took them for an unfinished upload)`,
          'run the put again',
        )
      }
    }

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
    metaSent = true
    const ack = await js.publish(metaSubject, JSON.stringify(meta), {headers: h, ...(timeout ? {timeout} : {})})
    metaSent = false
    if (old && !old.deleted && old.nuid) {
      await jsm.streams.purge(stream, {filter: `$O.${bucket}.C.${old.nuid}`}).catch(() => {})
    }

    const info = await os.info(o.name)
    return info ? objectRecord(info) : {bucket, chunks, deleted: false, digest: meta.digest as string, modified: meta.mtime as string, name: o.name, revision: ack.seq, size}
  } catch (error) {
    await Promise.all(inflight.splice(0))
    // a read may still be pending (a quiet stdin): an async generator's return() would wait for it, destroy does not
    const readable = o.source as Partial<Readable>
    if (typeof readable.destroy === 'function') readable.destroy()
    else source.return?.().catch(() => {})
    const lost = o.connectionLost?.() ?? false
    let cleanup: PutCleanup = 'left'
    if (chunks === 0 && !metaSent) cleanup = 'purged'
    else if (lost) cleanup = (await o.reconnect?.(cleanUp)) ?? 'left'
    else cleanup = await cleanUp(jsm).catch((): PutCleanup => 'left')
    throw putFailure(error, {
      bucket,
      chunks,
      cleanup,
      connectionLost: lost,
      interrupted: Boolean(o.signal?.aborted) || (error instanceof NatsxError && error.exitCode === ExitCode.INTERRUPTED),
      name: o.name,
      sent: size,
      server: o.server,
      total: o.total,
    })
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

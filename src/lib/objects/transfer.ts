import type {JetStreamClient} from '@nats-io/jetstream'
import type {ObjectStore} from '@nats-io/obj'
/**
 * Streaming object transfers. Put reads its source as a stream and get writes as it receives, so memory does not
 * grow with the object size. Get writes to a temporary file beside the target, checks size and SHA-256 digest,
 * and renames only a complete, verified object onto the target path; on any failure the temporary file is removed.
 */
import type {MsgHdrs} from '@nats-io/transport-node'

import {createHash, randomBytes} from 'node:crypto'
import {type FileHandle, open, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {Readable, Transform, type Writable} from 'node:stream'

import {connectionError, ExitCode, NatsxError, notFound} from '../errors.js'
import {objectRecord, type ObjectRecord} from './store.js'

let nativeSha = false

/** Use node's native SHA-256 for object digests (nats.js defaults to a pure-JS one, several times slower). */
export async function useNativeSha256(): Promise<void> {
  if (nativeSha) return
  const {setSha256Backend} = await import('@nats-io/obj')
  setSha256Backend('native')
  nativeSha = true
}

/** A pass-through that counts bytes (and hashes them when asked). */
function meter(onBytes: (n: number) => void, hash?: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash?.update(chunk)
      onBytes(chunk.length)
      cb(null, chunk)
    },
  })
}

export interface PutOptions {
  chunkSize?: number
  description?: string
  headers?: MsgHdrs
  name: string
  onBytes?: (n: number) => void
  signal?: AbortSignal
  source: Readable
}

export async function putObject(os: ObjectStore, o: PutOptions): Promise<ObjectRecord> {
  await useNativeSha256()
  const counted = o.source.pipe(meter(o.onBytes ?? (() => {})))
  o.source.on('error', (err) => counted.destroy(err))
  const web = Readable.toWeb(counted) as unknown as ReadableStream<Uint8Array>
  const info = await os.put(
    {
      name: o.name,
      ...(o.description ? {description: o.description} : {}),
      ...(o.headers ? {headers: o.headers} : {}),
      ...(o.chunkSize ? {options: {max_chunk_size: o.chunkSize}} : {}),
    },
    web,
  )
  return objectRecord(info)
}

export interface GetOptions {
  /** true once the connection is gone: a failure then is a lost connection (exit 6) */
  connectionLost: () => boolean
  name: string
  onBytes?: (n: number) => void
  /** resolves when the connection closes */
  onClose: Promise<unknown>
  signal: AbortSignal
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
    const {Objm} = await import('@nats-io/obj')
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
        await (file ? file.write(data) : writeTo(o.target as Writable, data));
        o.onBytes?.(data.length)
        if (m.info.pending === 0 || received >= info.size) break
      }

      messages.stop()
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
      await file.sync()
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
    await file?.close().catch(() => {})
    if (temp) await unlink(temp).catch(() => {})
  }
}

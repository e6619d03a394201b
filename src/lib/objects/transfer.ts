import type {ObjectStore} from '@nats-io/obj'
/**
 * Streaming object transfers. Put reads its source as a stream and get writes as it receives, so memory does not
 * grow with the object size. Get writes to a temporary file beside the target, checks size and SHA-256 digest,
 * and renames only a complete, verified object onto the target path; on any failure the temporary file is removed.
 */
import type {MsgHdrs} from '@nats-io/transport-node'
import type {ReadableStream as WebReadableStream} from 'node:stream/web'

import {createHash, randomBytes} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import {rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {Readable, Transform, type Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

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

export async function getObject(os: ObjectStore, bucket: string, o: GetOptions): Promise<ObjectRecord> {
  await useNativeSha256()
  const r = await os.get(o.name)
  if (!r) throw notFound(`object "${o.name}" not found in bucket "${bucket}"`, 'list objects with `natsx object ls BUCKET`')
  const rec = objectRecord(r.info)
  const abort = new AbortController()
  const onAbort = (): void => abort.abort()
  o.signal.addEventListener('abort', onAbort)
  o.onClose.then(onAbort, onAbort)
  const hash = createHash('sha256')
  let received = 0
  const temp = typeof o.target === 'string' ? tempPathFor(o.target) : undefined
  try {
    const source = Readable.fromWeb(r.data as unknown as WebReadableStream<Uint8Array>)
    const sink = temp ? createWriteStream(temp, {flags: 'wx'}) : (o.target as Writable)
    const counter = meter((n) => {
      received += n
      o.onBytes?.(n)
    }, hash)
    await (temp ? pipeline(source, counter, sink, {signal: abort.signal}) : pipeline(source, counter, sink, {end: false, signal: abort.signal}))
    const storeError = await r.error
    if (storeError) throw storeError
    const expected = digestBytes(rec.digest)
    const actual = hash.digest()
    if (received !== rec.size || !expected || !expected.equals(actual)) {
      throw new NatsxError(ExitCode.UNEXPECTED, `object "${o.name}" arrived corrupt: ${received} of ${rec.size} bytes, digest SHA-256=${actual.toString('base64url')} instead of ${rec.digest}`, {
        hint: 'retry the download',
      })
    }

    if (temp) await rename(temp, o.target as string)
    return rec
  } catch (error) {
    if (temp) await unlink(temp).catch(() => {})
    if (o.connectionLost()) throw connectionError(`lost the connection to the server while reading object "${o.name}" (${received} of ${rec.size} bytes)`, 'check the server and retry')
    throw error
  } finally {
    o.signal.removeEventListener('abort', onAbort)
    r.data.cancel().catch(() => {})
  }
}

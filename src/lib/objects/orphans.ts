/**
 * Unfinished uploads: the chunks of an object that never got its metadata (a put whose server died, a put killed
 * with Ctrl-C before it could clean up, another client's failed put) stay in the bucket's stream, counted in its
 * size, read by nobody. `object put`, `del` and `ls BUCKET` find them and purge them; a failed put purges its own
 * chunks on a fresh connection when the server is back within --timeout.
 */
import type {JetStreamManager} from '@nats-io/jetstream'
import type {ObjectInfo, ObjectStore} from '@nats-io/obj'

import type {ConnectionSettings} from '../connection.js'

import {formatSize} from '../format/size.js'

export interface OrphanSweep {
  bucket: string
  /** bytes the bucket gave back */
  bytes: number
  /** chunk messages purged */
  chunks: number
  /** unfinished uploads purged (one chunk subject each) */
  uploads: number
  /** unfinished uploads left alone because they are younger than the age limit: perhaps a put still in progress */
  young: number
}

export interface SweepOptions {
  /** the objects as `os.list()` gave them, when the caller has listed them already */
  listed?: ObjectInfo[]
  /**
   * Only chunks whose newest message is older than this are purged: a put in progress (by anyone) sends a chunk
   * at least this often, or its own publishes time out. The command's --timeout, the request timeout of a put.
   */
  minAgeMs: number
  now?: () => number
}

/** The chunk subjects of a bucket: `$O.<bucket>.C.<nuid>`. */
export const chunkSubjectPrefix = (bucket: string): string => `$O.${bucket}.C.`

/**
 * Find chunk subjects that no object's metadata refers to, and purge those whose newest chunk is older than
 * `minAgeMs`. Undefined when there was nothing to purge. A sealed bucket cannot be purged: it is left alone.
 */
export async function sweepOrphans(jsm: JetStreamManager, os: ObjectStore, bucket: string, o: SweepOptions): Promise<OrphanSweep | undefined> {
  const stream = `OBJ_${bucket}`
  const prefix = chunkSubjectPrefix(bucket)
  const before = await jsm.streams.info(stream, {subjects_filter: `${prefix}>`})
  if (before.config.sealed) return undefined
  const subjects = Object.keys(before.state.subjects ?? {})
  if (subjects.length === 0) return undefined
  const listed = o.listed ?? (await os.list())
  const live = new Set(listed.filter((i) => !i.deleted && i.nuid).map((i) => i.nuid))
  const candidates = subjects.filter((s) => !live.has(s.slice(prefix.length)))
  if (candidates.length === 0) return undefined

  const now = o.now ?? Date.now
  const out: OrphanSweep = {bucket, bytes: 0, chunks: 0, uploads: 0, young: 0}
  for (const subject of candidates) {
    const last = await jsm.streams.getMessage(stream, {last_by_subj: subject}).catch(() => {})
    if (!last) continue
    if (now() - last.time.getTime() < o.minAgeMs) {
      out.young++
      continue
    }

    const r = await jsm.streams.purge(stream, {filter: subject})
    out.chunks += r.purged
    out.uploads++
  }

  if (out.uploads === 0) return undefined
  const after = await jsm.streams.info(stream)
  out.bytes = Math.max(0, before.state.bytes - after.state.bytes)
  return out
}

/** A sweep that never fails the command it runs in (a user who may not purge, a stream that moved meanwhile). */
export async function sweepOrphansQuietly(jsm: JetStreamManager, os: ObjectStore, bucket: string, o: SweepOptions): Promise<OrphanSweep | undefined> {
  try {
    return await sweepOrphans(jsm, os, bucket, o)
  } catch {
    return undefined
  }
}

/** One line: what the sweep removed. */
export function describeSweep(s: OrphanSweep): string {
  const uploads = `${s.uploads} unfinished upload${s.uploads === 1 ? '' : 's'}`
  return `removed ${uploads} from bucket "${s.bucket}": ${s.chunks} chunk${s.chunks === 1 ? '' : 's'} (${formatSize(s.bytes)}) that no object referred to`
}

/** Say on stderr (never stdout, so --json output stays one document) what a sweep removed. */
export function reportSweep(s: OrphanSweep | undefined, json: boolean, stream: NodeJS.WritableStream = process.stderr): void {
  if (!s) return
  const line = describeSweep(s)
  stream.write(json ? `${JSON.stringify({notice: line})}\n` : `natsx: ${line}\n`)
}

/**
 * Run `fn` on a fresh connection to the same servers, trying again until `budgetMs` has passed: after a lost
 * connection, the server may be back a moment later. Undefined when no attempt succeeded in time.
 */
export async function onFreshConnection<T>(settings: ConnectionSettings, budgetMs: number, fn: (jsm: JetStreamManager) => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  const {openConnection} = await import('../connection.js')
  const {jetstreamManager} = await import('../nats/jetstream.js')
  const until = Date.now() + budgetMs
  while (Date.now() < until && !signal?.aborted) {
    const left = Math.max(200, until - Date.now())
    let nc: Awaited<ReturnType<typeof openConnection>> | undefined
    try {
      nc = await openConnection({...settings, timeoutMs: left})
      const jsm = await jetstreamManager(nc, {
        checkAPI: false,
        timeout: left,
        ...(settings.jsDomain ? {domain: settings.jsDomain} : {}),
        ...(settings.jsApiPrefix ? {apiPrefix: settings.jsApiPrefix} : {}),
      })
      return await fn(jsm)
    } catch {
      // not back yet (refused, or JetStream still recovering the stream): try again shortly
      await new Promise((resolve) => {
        setTimeout(resolve, Math.min(250, Math.max(0, until - Date.now())))
      })
    } finally {
      await nc?.close().catch(() => {})
    }
  }

  return undefined
}

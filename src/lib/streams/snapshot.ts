/**
 * Stream backup and restore through the JetStream snapshot API (`$JS.API.STREAM.SNAPSHOT/RESTORE`), which
 * nats.js does not wrap. The directory layout is natscli's: `backup.json` (configuration and state) and
 * `stream.tar.s2` (the server's snapshot, kept as received).
 */
import type {JetStreamManager, StreamConfig, StreamInfo, StreamState} from '@nats-io/jetstream'

import {createInbox, type NatsConnection} from '@nats-io/transport-node'
import {createHash} from 'node:crypto'
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {type Capabilities, compareVersions, parseVersion} from '../capabilities.js'
import {conflict, connectionError, NatsxError, restoreRefused, unsupported, usageError} from '../errors.js'
import {checkStreamCapabilities} from './config.js'
import {findStream} from './ops.js'

export const BACKUP_META = 'backup.json'
export const BACKUP_DATA = 'stream.tar.s2'

interface ApiClient {
  _request(subj: string, data?: unknown, opts?: {timeout?: number}): Promise<unknown>
  prefix: string
}

/** A raw JetStream API request through the manager (its prefix, timeout and error mapping). */
export async function apiRequest<T>(
  jsm: JetStreamManager,
  suffix: string,
  body?: unknown,
  timeout?: number,
): Promise<T> {
  const api = jsm as unknown as ApiClient
  return (await api._request(`${api.prefix}.${suffix}`, body, timeout ? {timeout} : undefined)) as T
}

export interface BackupResult {
  bytes: number
  chunks: number
  directory: string
  messages: number
  /** the oldest nats-server version the backup restores on (the taking server's major.minor.0) */
  restores_on: string
  /** the server that took it */
  server: BackupServer
  sha256: string
  stream: string
}

/** Which server took a backup: written into backup.json beside natscli's `config` and `state`. */
export interface BackupServer {
  api_level: number
  version: string
}

/**
 * The oldest server a snapshot restores on. A server reads the store files of its own release and older ones, not
 * newer ones (a 2.15 snapshot on 2.9 ends in "unexpected EOF"), so: the taking server's major.minor.0 or newer.
 */
export function restoresOn(takenOn: string): string {
  const v = parseVersion(takenOn)
  return `${v.major}.${v.minor}.0`
}

/** Refuse (exit 8) a restore onto a server older than the backup allows, or one lacking a field of its config. */
export function checkRestoreTarget(meta: {config: StreamConfig; server?: BackupServer}, caps: Capabilities, dir: string): void {
  if (meta.server?.version) {
    const oldest = restoresOn(meta.server.version)
    if (compareVersions(caps.version, oldest) < 0)
      throw unsupported(
        `the backup in ${dir} was taken on nats-server ${meta.server.version} and restores on ${oldest} or newer; the connected server is ${caps.version}`,
        `restore it into a nats-server ${oldest} or newer`,
      )
  }

  checkStreamCapabilities(meta.config as never, caps)
}

export type Progress = (bytes: number, chunks: number) => void

/** Snapshot a stream into `dir` (created if missing; refused when it already holds a backup). */
export async function backupStream(
  nc: NatsConnection,
  jsm: JetStreamManager,
  stream: string,
  dir: string,
  options: {caps: Capabilities; consumers?: boolean; inboxPrefix?: string; onProgress?: Progress; timeoutMs: number},
): Promise<BackupResult> {
  await mkdir(dir, {recursive: true})
  if (await exists(join(dir, BACKUP_META))) throw conflict(`${dir} already holds a backup`, 'choose an empty directory')
  const inbox = createInbox(options.inboxPrefix)
  const chunks: Uint8Array[] = []
  let bytes = 0
  const hash = createHash('sha256')
  const done = new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const arm = (): void => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(
        () => {
          sub.unsubscribe()
          reject(
            connectionError(`snapshot of stream "${stream}" stalled for ${options.timeoutMs} ms`, 'raise --timeout'),
          )
        },
        Math.max(options.timeoutMs, 10_000),
      )
    }

    const sub = nc.subscribe(inbox, {
      callback(err, m) {
        if (err) {
          clearTimeout(timer)
          reject(err)
          return
        }

        const code = m.headers?.code ?? 0
        if (code >= 300) {
          clearTimeout(timer)
          sub.unsubscribe()
          reject(new NatsxError(1, `snapshot of stream "${stream}" failed: ${m.headers?.description ?? code}`))
          return
        }

        if (m.data.length === 0) {
          clearTimeout(timer)
          sub.unsubscribe()
          resolve()
          return
        }

        chunks.push(m.data)
        hash.update(m.data)
        bytes += m.data.length
        options.onProgress?.(bytes, chunks.length)
        if (m.reply) m.respond()
        arm()
      },
    })
    arm()
  })
  const res = await apiRequest<{config: StreamConfig; state: StreamState}>(jsm, `STREAM.SNAPSHOT.${stream}`, {
    chunk_size: 128 * 1024,
    deliver_subject: inbox,
    jsck: false,
    no_consumers: !options.consumers,
  })
  await done
  await writeFile(join(dir, BACKUP_DATA), Buffer.concat(chunks))
  const server: BackupServer = {api_level: options.caps.apiLevel, version: options.caps.version}
  const restores = restoresOn(server.version)
  await writeFile(
    join(dir, BACKUP_META),
    JSON.stringify({config: res.config, restores_on: restores, server, state: res.state}, null, 2) + '\n',
  )
  const sha256 = hash.digest('hex')
  return {bytes, chunks: chunks.length, directory: dir, messages: res.state.messages, restores_on: restores, server, sha256, stream}
}

export interface RestoreResult {
  bytes: number
  directory: string
  stream: StreamInfo
}

/** Restore a backup made by `backupStream` (or natscli) into a server where the stream does not exist. */
export async function restoreStream(
  nc: NatsConnection,
  jsm: JetStreamManager,
  dir: string,
  options: {caps: Capabilities; name?: string; onProgress?: Progress; timeoutMs: number},
): Promise<RestoreResult> {
  let meta: {config: StreamConfig; server?: BackupServer; state: StreamState}
  let data: Buffer
  try {
    meta = JSON.parse(await readFile(join(dir, BACKUP_META), 'utf8'))
    data = await readFile(join(dir, BACKUP_DATA))
  } catch (error) {
    throw usageError(
      `${dir} is not a stream backup: ${(error as Error).message}`,
      `expect ${BACKUP_META} and ${BACKUP_DATA} made by \`natsx stream backup\``,
    )
  }

  if (!meta?.config?.name) throw usageError(`${join(dir, BACKUP_META)} has no stream configuration`)
  const name = options.name ?? meta.config.name
  if (name !== meta.config.name) throw usageError('a snapshot restores under its own name', 'leave out --name')
  checkRestoreTarget(meta, options.caps, dir)
  if (await findStream(jsm, name))
    throw conflict(
      `stream "${name}" already exists`,
      'remove it first (`natsx stream rm`) or restore into another server',
    )
  const res = await apiRequest<{deliver_subject: string}>(jsm, `STREAM.RESTORE.${name}`, {
    config: meta.config,
    state: meta.state,
  })
  const chunk = 128 * 1024
  let sent = 0
  let n = 0
  for (let off = 0; off < data.length; off += chunk) {
    const part = data.subarray(off, Math.min(off + chunk, data.length))
    const reply = await nc.request(res.deliver_subject, part, {timeout: Math.max(options.timeoutMs, 10_000)})
    failOnReply(reply.data, name)
    sent += part.length
    n++
    options.onProgress?.(sent, n)
  }

  const fin = await nc.request(res.deliver_subject, new Uint8Array(0), {timeout: Math.max(options.timeoutMs, 60_000)})
  failOnReply(fin.data, name)
  const parsed = JSON.parse(new TextDecoder().decode(fin.data)) as StreamInfo & {type?: string}
  delete parsed.type
  const info = parsed.config ? (parsed as StreamInfo) : await jsm.streams.info(name)
  return {bytes: sent, directory: dir, stream: info}
}

function failOnReply(data: Uint8Array, stream: string): void {
  if (data.length === 0) return
  let doc: {error?: {code?: number; description?: string}}
  try {
    doc = JSON.parse(new TextDecoder().decode(data))
  } catch {
    return
  }

  if (doc.error)
    throw restoreRefused(stream, doc.error.description ?? String(doc.error.code))
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

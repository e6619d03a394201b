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
import {checkStreamCapabilities, type StreamConfigInput, validateStreamConfig} from './config.js'
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
  options: {caps: Capabilities; check?: boolean; consumers?: boolean; inboxPrefix?: string; onProgress?: Progress; timeoutMs: number},
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
    jsck: Boolean(options.check),
    no_consumers: !options.consumers,
  })
  await done
  await writeFile(join(dir, BACKUP_DATA), Buffer.concat(chunks))
  const server: BackupServer = {api_level: options.caps.apiLevel, version: options.caps.version}
  const restores = restoresOn(server.version)
  const sha256 = hash.digest('hex')
  await writeFile(
    join(dir, BACKUP_META),
    JSON.stringify({config: res.config, data: {bytes, file: BACKUP_DATA, sha256}, restores_on: restores, server, state: res.state}, null, 2) + '\n',
  )
  return {bytes, chunks: chunks.length, directory: dir, messages: res.state.messages, restores_on: restores, server, sha256, stream}
}

export interface RestoreResult {
  bytes: number
  directory: string
  /** what the restore changed from the backup's configuration (--config, --cluster, --tag, --replicas) */
  overrides: string[]
  stream: StreamInfo
}

/** What `stream restore` may change from the backup's configuration. */
export interface RestoreOverrides {
  cluster?: string
  /** fields that replace the backup's (a whole `stream info --json` document works too) */
  config?: StreamConfigInput
  replicas?: number
  tags?: string[]
}

/** The configuration a restore sends: the backup's, with `--config`'s fields over it, then placement and replicas. */
export function restoreConfig(backup: StreamConfig, o: RestoreOverrides): {config: StreamConfig; overrides: string[]} {
  const overrides: string[] = []
  const c = {...structuredClone(backup), ...(o.config ? structuredClone(o.config) : {})} as Record<string, unknown> & StreamConfig
  if (o.config) for (const [k, v] of Object.entries(o.config)) if (JSON.stringify(v) !== JSON.stringify((backup as unknown as Record<string, unknown>)[k])) overrides.push(k)
  if (o.cluster !== undefined || o.tags !== undefined) {
    const p = {...c.placement} as {cluster?: string; tags?: string[]}
    if (o.cluster !== undefined) p.cluster = o.cluster
    if (o.tags !== undefined) p.tags = o.tags
    if (!p.cluster) delete p.cluster
    if (!p.tags || p.tags.length === 0) delete p.tags
    c.placement = p as StreamConfig['placement']
    if (Object.keys(p).length === 0) delete (c as {placement?: unknown}).placement
    overrides.push('placement')
  }

  if (o.replicas !== undefined) {
    c.num_replicas = o.replicas
    overrides.push('num_replicas')
  }

  return {config: c, overrides: [...new Set(overrides)]}
}

/** Restore a backup made by `backupStream` (or natscli) into a server where the stream does not exist. */
export async function restoreStream(
  nc: NatsConnection,
  jsm: JetStreamManager,
  dir: string,
  options: RestoreOverrides & {caps: Capabilities; onProgress?: Progress; timeoutMs: number},
): Promise<RestoreResult> {
  // the whole backup is checked before anything is sent: a damaged one is refused with nothing changed
  const {data, meta} = await readBackup(dir)
  if (options.replicas !== undefined && !(options.replicas >= 1 && options.replicas <= 5))
    throw usageError(`--replicas ${options.replicas} is not between 1 and 5`)
  if (options.config) {
    try {
      validateStreamConfig(restoreConfig(meta.config, {config: options.config}).config as StreamConfigInput)
    } catch (error) {
      if (error instanceof NatsxError) throw usageError(`--config: ${error.message}`, error.hint)
      throw error
    }
  }

  const {config, overrides} = restoreConfig(meta.config, options)
  validateStreamConfig(config as StreamConfigInput)

  const name = config.name
  if (name !== meta.config.name)
    options.caps.require('restore-rename', `restoring stream "${meta.config.name}" as "${name}" (--config with another name)`)
  checkRestoreTarget({config, server: meta.server}, options.caps, dir)
  if (await findStream(jsm, name))
    throw conflict(
      `stream "${name}" already exists`,
      'remove it first (`natsx stream rm`), restore under another name (--config with another "name"), or restore into another server',
    )
  const res = await apiRequest<{deliver_subject: string}>(jsm, `STREAM.RESTORE.${name}`, {config, state: meta.state})
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
  return {bytes: sent, directory: dir, overrides, stream: info}
}

export interface BackupCheckResult {
  /** size of stream.tar.s2 */
  bytes: number
  /** `verified` against the checksum backup.json records (natsx backups), `not recorded` (natscli backups) */
  checksum: 'not recorded' | 'verified'
  directory: string
  /** the S2 frames of stream.tar.s2, walked end to end */
  frames: number
  messages: number
  /** the oldest server it restores on, where backup.json records the server that took it */
  restores_on?: string
  sha256: string
  stream: string
}

interface BackupMeta {
  config: StreamConfig
  data?: {bytes?: number; file?: string; sha256?: string}
  server?: BackupServer
  state: StreamState
}

/**
 * Check that `dir` holds a complete, consistent backup without restoring it: backup.json readable with a stream
 * configuration and state, stream.tar.s2 present and a whole S2 stream (every frame complete, the checksums of its
 * uncompressed frames right, nothing after the last frame), and, where backup.json records them (natsx backups), its
 * size and SHA-256. Exit 2 naming every problem found.
 */
export async function checkBackup(dir: string): Promise<BackupCheckResult> {
  return (await readBackup(dir)).result
}

/** `checkBackup`, with what it read: the snapshot's bytes and backup.json. */
async function readBackup(dir: string): Promise<{data: Buffer; meta: BackupMeta; result: BackupCheckResult}> {
  const metaPath = join(dir, BACKUP_META)
  const dataPath = join(dir, BACKUP_DATA)
  const fix = `make a new backup with \`natsx stream backup\`, or use another copy`
  try {
    if (!(await stat(dir)).isDirectory()) throw usageError(`${dir} is not a directory`, 'give the directory `stream backup` wrote')
  } catch (error) {
    if (error instanceof NatsxError) throw error
    throw usageError(`${dir} is not a stream backup: no such directory`, 'give the directory `stream backup` wrote')
  }

  const problems: string[] = []
  let meta: BackupMeta | undefined
  let text: string | undefined
  try {
    text = await readFile(metaPath, 'utf8')
  } catch {
    problems.push(`${BACKUP_META} is missing`)
  }

  if (text !== undefined) {
    try {
      meta = JSON.parse(text) as BackupMeta
    } catch (error) {
      problems.push(`${BACKUP_META} is not JSON (${(error as Error).message})`)
    }
  }

  if (meta) {
    if (typeof meta !== 'object' || !meta.config || typeof meta.config.name !== 'string' || !meta.config.name) problems.push(`${BACKUP_META} has no stream configuration`)
    if (!meta.state || typeof meta.state.messages !== 'number') problems.push(`${BACKUP_META} has no stream state`)
    else if (meta.state.messages > 0 && meta.state.last_seq < meta.state.first_seq) problems.push(`${BACKUP_META} has an impossible state (last sequence ${meta.state.last_seq} before first ${meta.state.first_seq})`)
  }

  let data: Buffer | undefined
  try {
    data = await readFile(dataPath)
  } catch {
    problems.push(`${BACKUP_DATA} is missing`)
  }

  let frames = 0
  let sha256 = ''
  let checksum: BackupCheckResult['checksum'] = 'not recorded'
  if (data) {
    sha256 = createHash('sha256').update(data).digest('hex')
    const walk = walkS2(data)
    frames = walk.frames
    if (walk.error) problems.push(`${BACKUP_DATA} is damaged: ${walk.error}`)
    const rec = meta?.data
    if (rec?.bytes !== undefined && rec.bytes !== data.length) problems.push(`${BACKUP_DATA} has ${data.length} bytes, backup.json records ${rec.bytes} (truncated or replaced)`)
    else if (rec?.sha256 && rec.sha256 !== sha256) problems.push(`${BACKUP_DATA} does not match the SHA-256 backup.json records (its content changed)`)
    else if (rec?.sha256) checksum = 'verified'
  }

  if (problems.length > 0 || !meta || !data)
    throw usageError(`the backup in ${dir} is damaged: ${problems.join('; ')}`, fix)
  const result: BackupCheckResult = {
    bytes: data.length,
    checksum,
    directory: dir,
    frames,
    messages: meta.state.messages,
    ...(meta.server?.version ? {restores_on: restoresOn(meta.server.version)} : {}),
    sha256,
    stream: meta.config.name,
  }
  return {data, meta, result}
}

/**
 * Walk an S2 (or Snappy) framed stream without decompressing it: the stream identifier first, then chunks of a type
 * byte and a 3-byte length; a data chunk holds a 4-byte masked CRC-32C of its uncompressed content, checked here for
 * uncompressed chunks. The walk must end exactly at the end of the data.
 */
export function walkS2(bytes: Uint8Array): {error?: string; frames: number} {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let off = 0
  let frames = 0
  if (data.length === 0) return {error: 'it is empty', frames}
  while (off < data.length) {
    if (off + 4 > data.length) return {error: `it ends inside a frame header at byte ${off} (truncated)`, frames}
    const type = data[off]
    const len = data.readUIntLE(off + 1, 3)
    const body = off + 4
    if (body + len > data.length) return {error: `frame ${frames + 1} at byte ${off} needs ${len} bytes, ${data.length - body} are left (truncated)`, frames}
    if (frames === 0) {
      const id = Buffer.from(data.subarray(body, body + len)).toString('latin1')
      if (type !== 0xff || (id !== 'S2sTwO' && id !== 'sNaPpY')) return {error: 'it does not start with an S2 stream header', frames}
    } else if (type === 0x00 || type === 0x01) {
      if (len < 4) return {error: `frame ${frames + 1} at byte ${off} is too short for its checksum`, frames}
      if (type === 0x01) {
        const want = data.readUInt32LE(body)
        if (maskedCrc32c(data.subarray(body + 4, body + len)) !== want) return {error: `frame ${frames + 1} at byte ${off} fails its checksum`, frames}
      }
    } else if (type === 0xff) {
      const id = Buffer.from(data.subarray(body, body + len)).toString('latin1')
      if (id !== 'S2sTwO' && id !== 'sNaPpY') return {error: `frame ${frames + 1} at byte ${off} is a bad stream header`, frames}
    } else if (type >= 0x02 && type <= 0x7f) {
      return {error: `frame ${frames + 1} at byte ${off} has an unknown type 0x${type.toString(16)}`, frames}
    }

    frames++
    off = body + len
  }

  return {frames}
}

let CRC_TABLE: Uint32Array | undefined

/* eslint-disable no-bitwise -- a checksum is bit arithmetic */
/** CRC-32C (Castagnoli), masked as the Snappy/S2 framing format stores it. */
export function maskedCrc32c(buf: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256)
    for (let i = 0; i < 256; i++) {
      let c = i
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82_F6_3B_78 ^ (c >>> 1) : c >>> 1
      CRC_TABLE[i] = c >>> 0
    }
  }

  let crc = 0xFF_FF_FF_FF
  for (const b of buf) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8)
  crc = (crc ^ 0xFF_FF_FF_FF) >>> 0
  return (((crc >>> 15) | (crc << 17)) + 0xA2_82_EA_D8) >>> 0
}
/* eslint-enable no-bitwise */

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

/**
 * How natsx connects: settings resolved from flags (which already include their env vars), the selected
 * natscli context and defaults, in that order; then one lazily imported nats.js connection.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'

import type {NatsContext} from './context-store.js'

import {compareVersions} from './capabilities.js'
import {authError, clientCertRefused, connectionError, ExitCode, type NatsxError, serverRefused, toNatsxError, unsupported, usageError} from './errors.js'

/** the first nats-server with `handshake_first` for client connections */
const TLS_FIRST_VERSION = '2.10.4'

export const DEFAULT_SERVER = 'nats://127.0.0.1:4222'
export const DEFAULT_TIMEOUT_MS = 5000

/** The connection flags as parsed (env vars already folded in by oclif). */
export interface ConnectionFlags {
  'connection-name'?: string
  context?: string
  creds?: string
  'inbox-prefix'?: string
  'js-api-prefix'?: string
  'js-domain'?: string
  nkey?: string
  'no-context'?: boolean
  password?: string
  server?: string
  timeout?: number
  tlsca?: string
  tlscert?: string
  tlsfirst?: boolean
  tlskey?: string
  token?: string
  trace?: boolean
  user?: string
}

export interface ConnectionSettings {
  contextName?: string
  creds?: string
  /** the servers as they may be printed: credentials in a URL masked */
  displayServers: string[]
  inboxPrefix?: string
  jsApiPrefix?: string
  jsDomain?: string
  name: string
  nkey?: string
  password?: string
  servers: string[]
  timeoutMs: number
  tls?: {ca?: string; cert?: string; handshakeFirst?: boolean; key?: string}
  token?: string
  user?: string
  userJwt?: string
  userSeed?: string
}

const nonEmpty = (s: string | undefined): string | undefined => (s && s.length > 0 ? s : undefined)

/** natscli allows `~`, `file://` and `env://VAR` in credential values. */
export function expandPath(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = nonEmpty(value)
  if (!v) return undefined
  if (v.startsWith('env://')) return nonEmpty(env[v.slice(6)])
  if (v.startsWith('file://')) return v.slice(7)
  if (v === '~' || v.startsWith('~/')) return homedir() + v.slice(1)
  return v
}

/** A server URL as natsx may print it: the password (or a lone token) in its user part replaced by `***`. */
export function maskUrl(server: string): string {
  return server.replace(/^((?:[a-z][\w+.-]*:\/\/)?)([^/@\s]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':')
    return `${scheme}${colon === -1 ? '***' : `${userinfo.slice(0, colon)}:***`}@`
  })
}

/** Every URL in a comma-separated list masked (maskUrl). */
export const maskUrls = (value: string): string =>
  value
    .split(',')
    .map((u) => maskUrl(u))
    .join(',')

/** One server URL taken apart: where to connect, and the credentials its user part carried, if any. */
export interface ParsedServer {
  password?: string
  /** the URL without its user part */
  server: string
  token?: string
  user?: string
}

/** A percent-encoded URL user part, decoded where it decodes. */
function decodeUserinfo(v: string): string {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

/** Check one server URL (`nats://h:p`, `tls://h`, `h:p`, `nats://user:pass@h`, `nats://token@h`) and split off its credentials. */
export function parseServer(raw: string): ParsedServer {
  const shown = maskUrl(raw)
  const hint = 'use nats://host:port, tls://host:port or host:port (port 1-65535)'
  if (/[\s\u0000-\u001F\u007F]/.test(raw) || (raw.includes('://') && !/^(nats|tls|ws|wss):\/\//i.test(raw))) {
    throw usageError(`invalid server URL "${shown}"`, hint)
  }

  let url: URL
  try {
    url = new URL(raw.includes('://') ? raw : `nats://${raw}`)
  } catch {
    throw usageError(`invalid server URL "${shown}"`, hint)
  }

  if (!url.hostname) throw usageError(`invalid server URL "${shown}": it has no host`, hint)
  if (url.port !== '' && Number(url.port) === 0) throw usageError(`invalid server URL "${shown}": port 0`, hint)
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) throw usageError(`invalid server URL "${shown}": a server URL has no path or query`, hint)
  const user = decodeUserinfo(url.username)
  const password = decodeUserinfo(url.password)
  if (!user && !password) return {server: raw}
  // the same URL with nothing before the host: nats.js connects there, and the secret never leaves the settings
  const at = raw.lastIndexOf('@')
  const scheme = /^[a-z][\w+.-]*:\/\//i.exec(raw)?.[0] ?? ''
  const server = `${scheme}${raw.slice(at + 1)}`
  // as nats.go reads a URL: user:pass@ is a user and a password, a lone user part is a token
  return url.password === '' && !raw.slice(scheme.length, at).includes(':') ? {server, token: user} : {password, server, user}
}

export function splitServers(value: string): string[] {
  return parseServers(value).map((p) => p.server)
}

/** A comma-separated server list, each URL checked; at least one. */
export function parseServers(value: string): ParsedServer[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  if (servers.length === 0) throw usageError('--server is empty', 'pass a URL such as nats://127.0.0.1:4222')
  return servers.map((s) => parseServer(s))
}

/** Flag > env (already in the flag) > context > default. Pure: no I/O beyond what it is given. */
export function resolveSettings(
  flags: ConnectionFlags,
  ctx: NatsContext | undefined,
  contextName: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const c = ctx
  const pick = (flag: string | undefined, key: keyof NatsContext): string | undefined =>
    nonEmpty(flag) ?? (c ? nonEmpty(String(c[key] ?? '')) : undefined)
  if (flags.server !== undefined && flags.server.trim() === '') throw usageError('--server is empty', 'pass a URL such as nats://127.0.0.1:4222, or leave out --server')
  const server = pick(flags.server, 'url') ?? DEFAULT_SERVER
  let user = pick(flags.user, 'user')
  let password = pick(flags.password, 'password')
  let token = pick(flags.token, 'token')
  // A user with neither password nor token in a context is a token (natscli's rule for saved contexts).
  if (!flags.user && user && !password && !token && c?.user) {
    token = user
    user = undefined
  }

  if (flags.user) {
    // An explicit --user replaces the context's credentials wholesale.
    password = nonEmpty(flags.password)
    if (!flags.token) token = undefined
  }

  const cert = expandPath(pick(flags.tlscert, 'cert'), env)
  const key = expandPath(pick(flags.tlskey, 'key'), env)
  const ca = expandPath(pick(flags.tlsca, 'ca'), env)
  const handshakeFirst = Boolean(flags.tlsfirst || c?.tls_first)
  if ((cert && !key) || (key && !cert)) {
    throw usageError('--tlscert and --tlskey go together', 'pass both, or neither')
  }

  // Credentials in a URL (nats://user:pass@host, nats://token@host) authenticate, as nats.go reads them: they win
  // over flags and context. Different credentials on different URLs cannot be honoured by one connection.
  const parsed = parseServers(server)
  const withCreds = parsed.filter((p) => p.user !== undefined || p.token !== undefined)
  const first = withCreds[0]
  if (first) {
    if (withCreds.some((p) => p.user !== first.user || p.password !== first.password || p.token !== first.token)) {
      throw usageError('the server URLs carry different credentials', 'give every URL the same user:password@ (or token@), or pass --user/--password instead')
    }

    user = first.user
    password = first.user === undefined ? undefined : first.password
    token = first.token
  }

  const settings: ConnectionSettings = {
    contextName,
    displayServers: server
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u.length > 0)
      .map((u) => maskUrl(u)),
    creds: expandPath(pick(flags.creds, 'creds'), env),
    inboxPrefix: pick(flags['inbox-prefix'], 'inbox_prefix'),
    jsApiPrefix: pick(flags['js-api-prefix'], 'jetstream_api_prefix'),
    jsDomain: pick(flags['js-domain'], 'jetstream_domain'),
    name: nonEmpty(flags['connection-name']) ?? 'natsx',
    nkey: expandPath(pick(flags.nkey, 'nkey'), env),
    password,
    servers: parsed.map((p) => p.server),
    timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
    token,
    user,
    userJwt: c ? nonEmpty(c.user_jwt) : undefined,
    userSeed: c ? nonEmpty(c.user_seed) : undefined,
  }
  if (cert || key || ca || handshakeFirst) settings.tls = {ca, cert, handshakeFirst, key}
  return settings
}

/** A description of the settings that is safe to print: no secrets. */
export function describeSettings(s: ConnectionSettings): string {
  const parts = [`servers=${s.displayServers.join(',')}`]
  if (s.contextName) parts.push(`context=${s.contextName}`)
  if (s.user) parts.push(`user=${s.user}`, `password=${s.password ? '********' : '(none)'}`)
  if (s.token) parts.push('token=********')
  if (s.nkey) parts.push(`nkey=${s.nkey}`)
  if (s.creds) parts.push(`creds=${s.creds}`)
  if (s.tls) parts.push(`tls(cert=${s.tls.cert ?? '-'}, ca=${s.tls.ca ?? '-'}${s.tls.handshakeFirst ? ', first' : ''})`)
  parts.push(`timeout=${s.timeoutMs}ms`)
  return parts.join(' ')
}

/** The flag and context key that name each file, for messages: `--tlsca (context key "ca")`. */
const FILE_SOURCES = {ca: ['tlsca', 'ca'], cert: ['tlscert', 'cert'], creds: ['creds', 'creds'], key: ['tlskey', 'key'], nkey: ['nkey', 'nkey']} as const
type FileKind = keyof typeof FILE_SOURCES
const fileHint = (kind: FileKind): string => `check --${FILE_SOURCES[kind][0]} (or "${FILE_SOURCES[kind][1]}" in the context)`

function readSecretFile(path: string, kind: FileKind): Uint8Array {
  try {
    return readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message)
    throw usageError(`cannot read the ${FILE_SOURCES[kind][0]} file ${path}: ${why}`, fileHint(kind))
  }
}

/** A file that is not what it should be: exit 2 naming it, before any connection is tried. */
const badFile = (kind: FileKind, path: string, what: string): NatsxError =>
  usageError(`the ${FILE_SOURCES[kind][0]} file ${path} is not ${what}`, fileHint(kind))

/** The TLS files must exist and hold PEM that Node can load; nats.js would otherwise fail later with a vaguer error. */
async function checkTlsFiles(tls: NonNullable<ConnectionSettings['tls']>): Promise<void> {
  const {createPrivateKey, X509Certificate} = await import('node:crypto')
  const certs = (kind: 'ca' | 'cert', path: string): void => {
    const text = Buffer.from(readSecretFile(path, kind)).toString('utf8')
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    if (blocks.length === 0) throw badFile(kind, path, 'a PEM certificate (no BEGIN CERTIFICATE block)')
    for (const block of blocks) {
      try {
        // eslint-disable-next-line no-new
        new X509Certificate(block)
      } catch {
        throw badFile(kind, path, 'a valid PEM certificate (a certificate block does not parse)')
      }
    }
  }

  if (tls.ca) certs('ca', tls.ca)
  if (tls.cert) certs('cert', tls.cert)
  if (tls.key) {
    try {
      createPrivateKey(Buffer.from(readSecretFile(tls.key, 'key')))
    } catch (error) {
      if ((error as NatsxError).name === 'NatsxError') throw error
      throw badFile('key', tls.key, 'a PEM private key')
    }
  }
}

/** The user seed in a creds or nkey file, checked: `SU` and 56 more base32 characters that decode as a user seed. */
function userSeed(text: string, kind: 'creds' | 'nkey', path: string, fromSeed: (seed: Uint8Array) => unknown): Uint8Array {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith('SU'))
  if (!line) throw badFile(kind, path, `a ${kind === 'creds' ? 'NATS credentials file (no user seed, a line starting with SU)' : 'user nkey seed file (no line starting with SU)'}`)
  const seed = new TextEncoder().encode(line)
  try {
    fromSeed(seed)
  } catch {
    throw badFile(kind, path, `a ${kind === 'creds' ? 'NATS credentials file' : 'user nkey seed file'} (its seed does not decode)`)
  }

  return seed
}

/** A creds file: a user JWT between its markers, and a valid user seed. */
function checkCreds(bytes: Uint8Array, path: string, fromSeed: (seed: Uint8Array) => unknown): void {
  const text = new TextDecoder().decode(bytes)
  if (!/-----BEGIN NATS USER JWT-----\s*[\w-]+\.[\w-]+\.[\w-]+\s*-+END NATS USER JWT-+/.test(text)) {
    throw badFile('creds', path, 'a NATS credentials file (no user JWT between BEGIN/END NATS USER JWT)')
  }

  userSeed(text, 'creds', path, fromSeed)
}

export interface ConnectOptionsExtra {
  /** drop stack capture on every request (bench hot paths) */
  noAsyncTraces?: boolean
  /** reconnect after a drop (long-running commands) */
  reconnect?: boolean
}

/** Build the nats.js options (may read key files). Exported for tests and the bench workers. */
export async function buildConnectOptions(
  s: ConnectionSettings,
  extra: ConnectOptionsExtra = {},
): Promise<import('@nats-io/transport-node').NodeConnectionOptions> {
  const core = await import('./nats/core.js')
  const opts: import('@nats-io/transport-node').NodeConnectionOptions = {
    maxReconnectAttempts: extra.reconnect ? -1 : 0,
    name: s.name,
    noAsyncTraces: extra.noAsyncTraces,
    reconnect: Boolean(extra.reconnect),
    servers: s.servers,
    timeout: s.timeoutMs,
    waitOnFirstConnect: false,
  }
  if (s.inboxPrefix) opts.inboxPrefix = s.inboxPrefix
  if (s.user) {
    opts.user = s.user
    if (s.password) opts.pass = s.password
  }

  if (s.token) opts.token = s.token
  if (s.creds) {
    const bytes = readSecretFile(s.creds, 'creds')
    checkCreds(bytes, s.creds, core.fromSeed)
    opts.authenticator = core.credsAuthenticator(bytes)
  } else if (s.nkey) {
    const text = new TextDecoder().decode(readSecretFile(s.nkey, 'nkey'))
    opts.authenticator = core.nkeyAuthenticator(userSeed(text, 'nkey', s.nkey, core.fromSeed))
  } else if (s.userJwt && s.userSeed) {
    opts.authenticator = core.jwtAuthenticator(s.userJwt, new TextEncoder().encode(s.userSeed))
  }

  if (s.tls) {
    await checkTlsFiles(s.tls)
    opts.tls = {}
    if (s.tls.ca) opts.tls.caFile = s.tls.ca
    if (s.tls.cert) opts.tls.certFile = s.tls.cert
    if (s.tls.key) opts.tls.keyFile = s.tls.key
    if (s.tls.handshakeFirst) opts.tls.handshakeFirst = true
  }

  return opts
}

export async function openConnection(s: ConnectionSettings, extra: ConnectOptionsExtra = {}): Promise<NatsConnection> {
  const {connect} = await import('./nats/core.js')
  const opts = await buildConnectOptions(s, extra)
  const servers = s.displayServers.join(',')
  const noAnswer = (): NatsxError => connectionError(`cannot reach ${servers}: no answer within ${s.timeoutMs}ms`, 'check --server and raise --timeout')
  let timer: NodeJS.Timeout | undefined
  try {
    // nats.js bounds each socket attempt by `timeout`; this bounds the whole handshake (TLS included).
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(noAnswer()), s.timeoutMs + 250)
    })
    const nc = await Promise.race([connect(opts), deadline])
    boundFlush(nc, s.timeoutMs, servers)
    return nc
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw noAnswer()
    const mapped = toNatsxError(error, {servers})
    if (mapped.exitCode === ExitCode.AUTH && s.creds) throw explainCredsRefusal(mapped, s.creds)
    // Under --tlsfirst, or after a reset or broken pipe, what the servers say to a fresh socket names the reason.
    const tlsFirst = Boolean(s.tls?.handshakeFirst)
    if (mapped.exitCode === ExitCode.CONNECTION && (tlsFirst || /EPIPE|ECONNRESET|disconnected before secure TLS/.test(mapped.message))) {
      const greetings = await serverGreetings(s.servers, Math.min(s.timeoutMs, 1000), tlsFirst ? 'info' : 'refusal')
      const clear = tlsFirst ? greetings.find((g) => g.version) : undefined
      if (clear) throw noTlsFirst(clear)
      const refusal = refusalIn(greetings, Boolean(s.tls?.cert))
      if (refusal) throw refusal
    }

    throw mapped
  } finally {
    if (timer) clearTimeout(timer)
  }
}

/**
 * nats.js waits for a flush's PONG for ever; a server that accepted the connection and then went silent (frozen, or a
 * peer that never answers) would hold the command with it. Every flush is bounded by --timeout: exit 6 after it.
 */
export function boundFlush(nc: NatsConnection, timeoutMs: number, servers: string): void {
  const flush = nc.flush.bind(nc)
  nc.flush = async () => {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        flush(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(connectionError(`${servers} did not answer within ${timeoutMs}ms`, 'the server stopped answering; check it, or raise --timeout')), timeoutMs)
        }),
      ])
    } finally {
      if (timer) clearTimeout(timer)
    }
  }
}

/**
 * Some refusals reach nats.js only as a broken pipe or a reset, because the server hung up while the client was still
 * writing and the kernel dropped the server's last words:
 * - a server at a connection limit sends `-ERR 'maximum connections exceeded'` and hangs up;
 * - a server that verifies client certificates (`verify: true`) sends a TLS alert to a client without one and hangs
 *   up; on a busy machine the client's CONNECT can reach the closed socket first, and the reset wins over the alert.
 * On those failures only, natsx reads what each server says to a fresh socket: its -ERR, or the INFO flag
 * `tls_verify`, so the message names the real reason. Under --tlsfirst, an INFO in clear text is the reason.
 */
export interface ServerGreeting {
  err?: string
  server: string
  tlsVerify: boolean
  /** the version in the server's INFO, when it sent one in clear text */
  version?: string
}

/** Host and port to open a socket to a server URL (`nats://h:p`, `h:p`); an IPv6 host loses its brackets. */
export function socketAddress(server: string): undefined | {host: string; port: number} {
  try {
    const url = new URL(server.includes('://') ? server : `nats://${server}`)
    return {host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 4222)}
  } catch {
    return undefined
  }
}

/** `until: 'info'` stops at the first INFO line; by default an -ERR may follow it and is waited for. */
export async function serverGreetings(servers: string[], waitMs: number, until: 'info' | 'refusal' = 'refusal'): Promise<ServerGreeting[]> {
  const {connect} = await import('node:net')
  const greet = (server: string): Promise<ServerGreeting> =>
    new Promise((resolve) => {
      const address = socketAddress(server)
      if (!address) {
        resolve({server, tlsVerify: false})
        return
      }

      let text = ''
      const socket = connect(address)
      const info = (): undefined | {tls_verify?: boolean; version?: string} => {
        const line = /^INFO (\{.*\})[ \t]*\r?\n/m.exec(text)?.[1]
        try {
          return line ? (JSON.parse(line) as {tls_verify?: boolean; version?: string}) : undefined
        } catch {
          return undefined
        }
      }

      const done = (): void => {
        clearTimeout(timer)
        socket.destroy()
        const i = info()
        resolve({err: /^-ERR '?([^'\r\n]+)'?/m.exec(text)?.[1], server, tlsVerify: i?.tls_verify === true, ...(i ? {version: i.version ?? '?'} : {})})
      }

      const timer = setTimeout(done, waitMs)
      socket.on('data', (b: Buffer) => {
        text += b.toString('latin1')
        // an -ERR is the answer; so is an INFO that asks for client certificates, as nothing follows it in clear text
        const i = info()
        if (/^-ERR /m.test(text) || (i && (until === 'info' || i.tls_verify))) done()
      })
      socket.on('close', done)
      socket.on('error', done)
    })
  return Promise.all(servers.slice(0, 3).map((server) => greet(server)))
}

/** The reason in what the servers said, if there is one: their -ERR, or a client certificate they need and lack. */
export function refusalIn(greetings: ServerGreeting[], hasClientCert: boolean): NatsxError | undefined {
  const refused = greetings.find((g) => g.err)
  if (refused?.err) return serverRefused(refused.server, refused.err)
  const verifying = hasClientCert ? undefined : greetings.find((g) => g.tlsVerify)
  if (!verifying) return undefined
  return clientCertRefused(verifying.server, 'the server verifies client certificates and none was given')
}

/** A server that sent its INFO in clear text to a client that started with TLS (--tlsfirst). */
export function noTlsFirst(g: ServerGreeting): NatsxError {
  const hint =
    g.version && /^\d/.test(g.version) && compareVersions(g.version, TLS_FIRST_VERSION) < 0
      ? `--tlsfirst needs nats-server ${TLS_FIRST_VERSION} or later with handshake_first in its tls block; connect without --tlsfirst`
      : 'its tls block does not set handshake_first; set it there, or connect without --tlsfirst'
  return unsupported(`${g.server} (nats-server ${g.version ?? '?'}) sends its INFO before TLS, so it does not take --tlsfirst`, hint)
}

/**
 * The server answers an expired user JWT with a bare "Authorization Violation"; the creds file says why, so say it.
 * Only after the server refused: a local clock is not the judge of expiry.
 */
function explainCredsRefusal(err: NatsxError, credsFile: string): NatsxError {
  const exp = credsExpiry(credsFile)
  if (exp === undefined || exp * 1000 > Date.now()) return err
  return authError(`the user JWT in ${credsFile} expired at ${new Date(exp * 1000).toISOString()}`, 'renew the credentials (nsc generate creds) and try again')
}

/** The `exp` claim (seconds) of the user JWT in a creds file, if it has one. */
export function credsExpiry(credsFile: string): number | undefined {
  try {
    const text = readFileSync(credsFile, 'utf8')
    const jwt = /-----BEGIN NATS USER JWT-----\s*([\w-]+\.[\w-]+\.[\w-]+)/.exec(text)?.[1]
    if (!jwt) return undefined
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as {exp?: unknown}
    return typeof claims.exp === 'number' && claims.exp > 0 ? claims.exp : undefined
  } catch {
    return undefined
  }
}

const maskSecrets = (s: string): string => s.replaceAll(/"(password|pass|token|seed|jwt|auth_token)"\s*:\s*"[^"]*"/g, '"$1":"********"')

/**
 * `--trace`: print each JetStream API request and reply to stderr. The API carries no credentials, but
 * anything that looks like one is masked anyway.
 */
export function traceRequests(nc: NatsConnection, write: (line: string) => void, apiPrefix = '$JS.'): void {
  const original = nc.request.bind(nc)
  const dec = new TextDecoder()
  nc.request = async (subject, payload, opts) => {
    const traced = subject.startsWith(apiPrefix) || subject.startsWith('$KV.') || subject.startsWith('$O.')
    if (traced) {
      const body = payload === undefined ? '' : typeof payload === 'string' ? payload : dec.decode(payload as Uint8Array)
      write(`>>> ${subject}${body ? `\n${maskSecrets(body)}` : ''}`)
    }

    const started = performance.now()
    try {
      const reply = await original(subject, payload, opts)
      if (traced) write(`<<< ${subject} (${(performance.now() - started).toFixed(1)}ms)\n${maskSecrets(dec.decode(reply.data))}`)
      return reply
    } catch (error) {
      if (traced) write(`<<< ${subject} error: ${(error as Error).message}`)
      throw error
    }
  }
}

/**
 * Reconnect after a drop, on a connection already open (pub's failover, request --retries). The connection is made as
 * every command makes it, so a refusal at connect time reads as before; only a later drop reconnects, to whichever
 * known server answers (the ConnectionWatch of the command decides whether waiting is worth it).
 */
export function enableReconnect(nc: NatsConnection): void {
  const options = (nc as unknown as {options?: {maxReconnectAttempts?: number; reconnect?: boolean}}).options
  if (!options) return
  options.reconnect = true
  options.maxReconnectAttempts = -1
}

/**
 * The one error and exit-code contract of natsx. Every failure that leaves a command goes through
 * `toNatsxError`, which turns nats.js, oclif and system errors into a NatsxError with an exit code,
 * a one-line message and, where there is one, a hint naming the fix.
 *
 * Nothing here imports the NATS client: errors are recognised by name and shape, so start-up stays lazy.
 */

export const ExitCode = {
  /** authentication failed or permission denied */
  AUTH: 7,
  /** already exists with another configuration, wrong revision or sequence */
  CONFLICT: 4,
  /** connection failure, timeout or no responders */
  CONNECTION: 6,
  /** a dry run or check found differences */
  DRIFT: 5,
  /** interrupted by Ctrl-C (SIGINT) or SIGTERM */
  INTERRUPTED: 130,
  /** a stream, consumer, bucket, key, object, context or message does not exist */
  NOT_FOUND: 3,
  OK: 0,
  /** an unexpected error: a bug or an unclassified failure */
  UNEXPECTED: 1,
  /** the connected server does not support the requested feature */
  UNSUPPORTED: 8,
  /** bad usage or bad input: a flag, an argument, a file */
  USAGE: 2,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** A short machine-readable name for each exit code, used in JSON errors. */
export const ERROR_KINDS: Record<ExitCodeValue, string> = {
  0: 'ok',
  1: 'unexpected',
  2: 'usage',
  3: 'not_found',
  4: 'conflict',
  5: 'drift',
  6: 'connection',
  7: 'auth',
  8: 'unsupported',
  130: 'interrupted',
}

export interface NatsxErrorOptions {
  cause?: unknown
  /** structured details that go into the JSON error (a diff, a list of problems) */
  details?: unknown
  hint?: string
}

export class NatsxError extends Error {
  readonly details?: unknown
  readonly exitCode: ExitCodeValue
  readonly hint?: string

  constructor(exitCode: ExitCodeValue, message: string, options: NatsxErrorOptions = {}) {
    // one line, always: messages from below (OpenSSL, the server) may carry newlines
    super(message.replaceAll(/\s*\n\s*/g, ' ').trim(), options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'NatsxError'
    this.exitCode = exitCode
    this.hint = options.hint
    this.details = options.details
  }

  get kind(): string {
    return ERROR_KINDS[this.exitCode] ?? 'unexpected'
  }

  /** The one line a person sees: the problem, then the fix. */
  line(): string {
    return this.hint ? `${this.message}; ${this.hint}` : this.message
  }

  toJSON(): {error: {code: number; details?: unknown; hint?: string; kind: string; message: string}} {
    return {
      error: {
        code: this.exitCode,
        kind: this.kind,
        message: this.message,
        ...(this.hint ? {hint: this.hint} : {}),
        ...(this.details === undefined ? {} : {details: this.details}),
      },
    }
  }
}

export const usageError = (message: string, hint?: string, details?: unknown): NatsxError =>
  new NatsxError(ExitCode.USAGE, message, {details, hint})
export const notFound = (message: string, hint?: string): NatsxError => new NatsxError(ExitCode.NOT_FOUND, message, {hint})
export const conflict = (message: string, hint?: string, details?: unknown): NatsxError =>
  new NatsxError(ExitCode.CONFLICT, message, {details, hint})
export const unsupported = (message: string, hint?: string): NatsxError =>
  new NatsxError(ExitCode.UNSUPPORTED, message, {hint})
export const connectionError = (message: string, hint?: string): NatsxError =>
  new NatsxError(ExitCode.CONNECTION, message, {hint})
export const authError = (message: string, hint?: string): NatsxError => new NatsxError(ExitCode.AUTH, message, {hint})

/** A message (or request) larger than the connected server accepts: exit 2 naming the limit. */
export const payloadTooLarge = (
  maxPayload: number | undefined,
  what = 'the message',
  hint = 'send less in one message (split it, or store large data with `natsx object put`), or raise max_payload on the server',
): NatsxError => usageError(`${what} is larger than the server's max_payload${maxPayload ? ` (${maxPayload} bytes)` : ''}`, hint)

/** How nats.js words a connection that went away under a request or a pull. */
const CONNECTION_LOST = /connection (closed|lost|draining)|disconnect|heartbeats? missed|stale connection/i

/** The -ERR of a server or account at its connection limit. */
const CONNECTION_LIMIT = /maximum (account )?(active )?connections exceeded/i

/** The server turned the connection away with an -ERR (a connection limit, say): exit 6 naming its reason. */
export const serverRefused = (server: string, reason: string): NatsxError =>
  connectionError(
    `${server} refused the connection: ${reason}`,
    CONNECTION_LIMIT.test(reason) ? 'the server or account is at its connection limit; close connections or raise the limit' : 'see the server log',
  )

/** A server that verifies client certificates turned away the one given, or the lack of one: exit 7. */
export const clientCertRefused = (server: string, reason: string): NatsxError =>
  authError(`${server} refused the TLS client certificate (${reason})`, 'pass --tlscert and --tlskey with a certificate signed by a CA the server trusts')

/** The server refused the data of a `stream restore` (a damaged or foreign snapshot): bad input, exit 2. */
export const restoreRefused = (stream: string, reason: string): NatsxError =>
  usageError(`restore of stream "${stream}" failed: the server could not read the backup (${reason})`, 'the backup is damaged or not a stream snapshot; restore another one, or make a new one with `natsx stream backup`')

/** Raised by long-running commands when the user interrupts them. */
export const interrupted = (): NatsxError => new NatsxError(ExitCode.INTERRUPTED, 'interrupted')

/** JetStream API error codes natsx gives meaning to (server `error.err_code`). */
export const JsApiCode = {
  ACCOUNT_RESOURCES_EXCEEDED: 10_002,
  CLUSTER_REQUIRED: 10_074,
  CONSUMER_ALREADY_EXISTS: 10_148,
  CONSUMER_NAME_EXISTS: 10_013,
  CONSUMER_NOT_FOUND: 10_014,
  INSUFFICIENT_MEMORY: 10_028,
  INSUFFICIENT_RESOURCES: 10_023,
  INSUFFICIENT_STORAGE: 10_047,
  JETSTREAM_NOT_ENABLED: 10_076,
  JETSTREAM_NOT_ENABLED_FOR_ACCOUNT: 10_039,
  NO_MESSAGE_FOUND: 10_037,
  STREAM_NAME_IN_USE: 10_058,
  STREAM_NOT_FOUND: 10_059,
  STREAM_WRONG_LAST_SEQUENCE: 10_071,
  /** the server's generic "stream configuration invalid" (mirror_direct without a mirror, async persist with atomic batches) */
  STREAM_INVALID_CONFIG: 10_052,
  /** a message delete refused by the stream (deny_delete) */
  STREAM_MSG_DELETE_FAILED: 10_057,
} as const

interface ErrorLike {
  cause?: unknown
  code?: number | string
  message?: string
  name?: string
  oclif?: {exit?: number}
  status?: number
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT'])

export interface ErrorContext {
  /** the connected server's max_payload, for "larger than max_payload" */
  maxPayload?: number
  /** the servers the command tried, for "could not connect to …" */
  servers?: string
  /** the subject of a request, for "no responders on …" */
  subject?: string
}

function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = []
  let cur: unknown = err
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur as ErrorLike)
    cur = (cur as ErrorLike).cause
  }

  return out
}

/** Map anything thrown to a NatsxError. Unknown errors keep their message and exit 1. */
export function toNatsxError(err: unknown, ctx: ErrorContext = {}): NatsxError {
  if (err instanceof NatsxError) return err
  const links = chain(err)
  const top = links[0] ?? {message: String(err)}
  const msg = (top.message ?? String(err)).split('\n')[0]

  for (const e of links) {
    const name = e.name ?? ''
    const emsg = e.message ?? ''
    if (name === 'NatsxError') return e as unknown as NatsxError
    if (name === 'AuthorizationError' || /authorization violation|authentication/i.test(emsg)) {
      return authError(`authentication failed${ctx.servers ? ` at ${ctx.servers}` : ''}: ${emsg}`, 'check --user/--password, --token, --nkey, --creds or the context')
    }

    if (name === 'UserAuthenticationExpiredError') return authError(`user credentials expired: ${emsg}`, 'renew the credentials')
    if (name === 'PermissionViolationError' || /permissions violation/i.test(emsg)) {
      return authError(`permission denied: ${emsg}`, 'ask for the permission or use a user that has it')
    }

    if (name === 'NoRespondersError' || name === 'NoResponders' || (name === 'RequestError' && /no responders/i.test(emsg)) || emsg === '503') {
      const subject = (e as {subject?: string}).subject ?? ctx.subject
      return connectionError(`no responders${subject ? ` on "${subject}"` : ''}`, 'nothing is subscribed to that subject; start a responder or check the subject')
    }

    if (name === 'TimeoutError' || /^timeout$/i.test(emsg)) {
      return connectionError(`timed out${ctx.subject ? ` waiting for a reply on "${ctx.subject}"` : ''}`, 'raise --timeout or check that the server and the responder are up')
    }

    if (name === 'JetStreamNotEnabled') return new NatsxError(ExitCode.UNSUPPORTED, `JetStream is not enabled: ${emsg}`, {hint: 'start the server with -js or enable JetStream for the account'})
    if (name === 'JetStreamApiError' || name === 'StreamNotFoundError' || name === 'ConsumerNotFoundError') {
      return fromApiError(e)
    }

    if (CONNECTION_LIMIT.test(emsg)) return serverRefused(ctx.servers ?? 'the server', emsg.replaceAll("'", ''))
    if (name === 'InvalidArgumentError' && /max_payload/i.test(emsg)) return payloadTooLarge(ctx.maxPayload)
    if (name === 'InvalidArgumentError') return usageError(emsg)
    if (name === 'InvalidSubjectError') return usageError(emsg)
    if (name === 'InvalidNameError') return usageError(emsg)
    // the connection went away under a request, a pull or a publish: the server's doing, not a bug
    if (name === 'ClosedConnectionError' || name === 'DrainingConnectionError' || (/^(JetStreamError|ProtocolError|RequestError)$/.test(name) && CONNECTION_LOST.test(emsg))) {
      return connectionError(`lost the connection${ctx.servers ? ` to ${ctx.servers}` : ''}: ${emsg}`, 'the server went away or stopped answering; check it, then run the command again')
    }

    if (name === 'ConnectionError') {
      return connectionError(`${ctx.servers ? `cannot reach ${ctx.servers}` : 'connection failed'}: ${emsg}`, 'check --server and that nats-server is running')
    }

    if (typeof e.code === 'string' && CONNECT_CODES.has(e.code)) {
      return connectionError(`${ctx.servers ? `cannot reach ${ctx.servers}` : 'connection failed'}: ${emsg}`, 'check --server and that nats-server is running')
    }

    // the server's TLS alert when it wants a client certificate (verify: true) and got none, or none it trusts
    if (/alert (bad certificate|certificate required|unknown ca)/i.test(emsg)) {
      return clientCertRefused(ctx.servers ?? 'the server', opensslReason(emsg))
    }

    if ((typeof e.code === 'string' && /^(ERR_TLS|ERR_SSL|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO|CERT_)/.test(e.code)) || /certificate|tls handshake|ssl/i.test(emsg)) {
      return connectionError(`TLS with ${ctx.servers ?? 'the server'} failed: ${opensslReason(emsg)}`, 'check --tlsca (the CA that signed the server certificate), --tlscert and --tlskey')
    }

    if (typeof e.code === 'string' && FS_REASONS[e.code]) return fsError(e)
  }

  // oclif parse errors (missing flags, bad options, unexpected arguments) are usage errors.
  if (top.oclif?.exit === 2 || /^(Missing|Unexpected|Nonexistent|Expected|Parsing|The following error occurred|--)/.test(msg) || top.name === 'CLIParseError') {
    return usageError(parseErrorLine(top.message ?? msg), 'see --help')
  }

  return new NatsxError(ExitCode.UNEXPECTED, msg || 'unexpected error', {cause: err})
}

/** A file-system failure on a path the user gave, as a person would say it (not `EEXIST: file already exists, mkdir '…'`). */
const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EEXIST: 'a file already exists there',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  ENOSPC: 'the disk is full',
  ENOTDIR: 'a part of the path is not a directory',
  ENOTEMPTY: 'the directory is not empty',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
}

const FS_VERBS: Record<string, string> = {mkdir: 'create the directory', open: 'open', opendir: 'read the directory', read: 'read', rename: 'rename', rmdir: 'remove', scandir: 'read the directory', stat: 'read', unlink: 'remove', write: 'write'}

function fsError(e: ErrorLike & {path?: string; syscall?: string}): NatsxError {
  const code = String(e.code)
  const verb = (e.syscall && FS_VERBS[e.syscall]) ?? 'use'
  return usageError(`cannot ${verb} ${e.path ?? 'the file'}: ${FS_REASONS[code]}`, code === 'ENOSPC' ? 'free some space' : 'check the path')
}

/** "…:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/…" → "sslv3 alert bad certificate" */
function opensslReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1]?.trim() ?? message
}

function fromApiError(e: ErrorLike): NatsxError {
  const emsg = e.message ?? 'JetStream API error'
  const api = (e as {apiError?: () => {code?: number; description?: string; err_code?: number}}).apiError?.()
  const code = api?.err_code ?? (typeof e.code === 'number' ? e.code : 0)
  const status = api?.code ?? e.status ?? 0
  // before nats-server#3803 (early 2023) a server refused this as an invalid config, and changed nothing
  if (/can not change RePublish/i.test(emsg)) {
    return unsupported('the connected server cannot change the republish setting of an existing stream', 'upgrade the server, or make a new stream with the republish setting')
  }

  switch (code) {
    // "replicas > 1 not supported in non-clustered mode"
    case JsApiCode.CLUSTER_REQUIRED: {
      return unsupported(emsg, 'use 1 replica, or connect to a JetStream cluster')
    }

    case JsApiCode.CONSUMER_ALREADY_EXISTS:

    case JsApiCode.CONSUMER_NAME_EXISTS:

    case JsApiCode.STREAM_NAME_IN_USE: {
      return conflict(emsg, 'use `edit` or `apply` to change it')
    }

    case JsApiCode.CONSUMER_NOT_FOUND: {
      return notFound(emsg, 'list consumers with `natsx consumer ls STREAM`')
    }

    // the server reserves max_bytes up front and has less than was asked
    case JsApiCode.INSUFFICIENT_MEMORY:

    case JsApiCode.INSUFFICIENT_RESOURCES:

    case JsApiCode.INSUFFICIENT_STORAGE: {
      return usageError(emsg, 'ask for less (max bytes, replicas) or another storage type')
    }

    case JsApiCode.JETSTREAM_NOT_ENABLED:
    case JsApiCode.JETSTREAM_NOT_ENABLED_FOR_ACCOUNT: {
      return unsupported(emsg, 'enable JetStream on the server or the account')
    }

    case JsApiCode.NO_MESSAGE_FOUND: {
      return notFound(emsg)
    }

    case JsApiCode.STREAM_INVALID_CONFIG: {
      if (/mirror direct/i.test(emsg)) return usageError(emsg, 'mirror-direct (allow mirror direct get) is for a mirror only; drop it, or make the stream a mirror')
      if (/persist mode.*atomic|atomic.*persist mode/i.test(emsg)) return usageError(emsg, 'a stream with persist_mode async cannot allow atomic batches; drop allow_atomic or use persist_mode default')
      return usageError(emsg, 'fix the stream configuration the server refused')
    }

    case JsApiCode.STREAM_MSG_DELETE_FAILED: {
      return conflict(emsg, 'the stream denies deletes (deny_delete); remove messages by purge or limits instead')
    }

    case JsApiCode.STREAM_NOT_FOUND: {
      return notFound(emsg, 'list streams with `natsx stream ls`')
    }

    case JsApiCode.STREAM_WRONG_LAST_SEQUENCE: {
      return conflict(emsg, 'read the current revision and retry')
    }

    default: {
      if (status === 404) return notFound(emsg)
      if (status === 409) return conflict(emsg)
      if (status === 400) return usageError(emsg)
      return new NatsxError(ExitCode.UNEXPECTED, `JetStream API error ${code}: ${emsg}`)
    }
  }
}

/** oclif's parse errors span several lines; natsx shows one. */
function parseErrorLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('See more help with'))
  const note = lines.findIndex((l) => l.startsWith('Note:'))
  if (note !== -1) lines.splice(note)
  const parsing = /^Parsing (--?[\w-]+)/.exec(lines[0] ?? '')
  if (parsing) return `${parsing[1]}: ${lines.slice(1).join(' ')}`
  return lines.join(' ').replaceAll(/\s+/g, ' ')
}

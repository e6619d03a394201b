/**
 * Reusable flag builders: one per kind of value, each validating with a clear message.
 * Connection flags are named and env-bound as natscli names them.
 */
import * as Flags from '@oclif/core/flags'

import {payloadTooLarge, usageError} from './errors.js'
import {parseDuration} from './format/duration.js'
import {parseSize} from './format/size.js'

const CONNECTION = 'CONNECTION'

/** A duration flag (`5s`, `1h30m`, `500ms`), parsed to milliseconds; for one natsx times itself, see timerFlag. */
export const durationFlag = Flags.custom<number>({
  async parse(input) {
    return parseDuration(input)
  },
})

/** The longest wait a Node timer can hold (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647

/** A wait that natsx times itself (a timeout, a pause): more than 0 and at most MAX_TIMER_MS. */
export function parseWait(input: string): number {
  const ms = parseDuration(input)
  if (ms <= 0) throw new TypeError(`"${input}" must be more than 0, e.g. 500ms or 5s`)
  if (ms > MAX_TIMER_MS) throw new TypeError(`"${input}" is too long; the longest wait is 24d`)
  return ms
}

/** A duration flag for a wait natsx times itself that must be more than 0 (`--timeout`): at most 24 days. */
export const waitFlag = Flags.custom<number>({
  async parse(input) {
    return parseWait(input)
  },
})

/** A duration that natsx runs a timer for, where 0 means none (a pause, an idle limit): at most MAX_TIMER_MS. */
export function parseTimer(input: string): number {
  const tooLong = new TypeError(`"${input}" is too long; the longest wait is 24d`)
  let ms: number
  try {
    ms = parseDuration(input)
  } catch (error) {
    // past what any duration may be: name the limit that matters here
    throw /too long/.test((error as Error).message) ? tooLong : error
  }

  if (ms > MAX_TIMER_MS) throw tooLong
  return ms
}

/**
 * A duration flag that becomes a timer in natsx (`sub --wait`, `pub --sleep`, `consumer next --wait`, `bench
 * --duration`): at most 24 days, since Node fires a longer timer at once (with a warning). A duration only sent to the
 * server (`--max-age`) is a `durationFlag`.
 */
export const timerFlag = Flags.custom<number>({
  async parse(input) {
    return parseTimer(input)
  },
})

/** A size flag (`128`, `64KiB`, `1GB`), parsed to bytes; `-1` is unlimited. */
export const sizeFlag = Flags.custom<number>({
  async parse(input) {
    return parseSize(input)
  },
})

/** Parse a whole number within limits (at most 2^53-1 unless `max` says less). */
export function parseWhole(input: string, limits: {allowNegative?: boolean; max?: number; min?: number} = {}): number {
  if (!/^-?\d+$/.test(input.trim())) throw new TypeError(`"${input}" is not a whole number`)
  const n = Number(input)
  if (!limits.allowNegative && n < 0) throw new TypeError(`"${input}" must not be negative`)
  if (limits.min !== undefined && n < limits.min) throw new TypeError(`"${input}" must be at least ${limits.min}`)
  const max = Math.min(limits.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
  if (n > max || n < -Number.MAX_SAFE_INTEGER) throw new TypeError(`"${input}" is too large; the most is ${max}`)
  return n
}

/** A size that goes into one message (a chunk, a body) must fit the connected server's max_payload: exit 2 naming it. */
export function refuseOverMaxPayload(size: number, maxPayload: number | undefined, what: string): void {
  if (maxPayload && size > maxPayload) throw payloadTooLarge(maxPayload, `${what} ${size}`, `pass at most ${what} ${maxPayload}`)
}

/** A whole-number flag: `intFlag({min: 1})({default: 1, description: '…'})`. */
export function intFlag(limits: {allowNegative?: boolean; max?: number; min?: number} = {}) {
  return Flags.custom<number>({
    async parse(input) {
      return parseWhole(input, limits)
    },
  })
}

/** `-H key:value`, repeatable. */
export const headerFlag = Flags.string({
  char: 'H',
  description: 'a header as key:value (repeatable); templates are expanded in values',
  multiple: true,
  multipleNonGreedy: true,
})

export function parseHeaders(values: string[] | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const v of values ?? []) {
    const i = v.indexOf(':')
    if (i <= 0) throw usageError(`header "${v}" is not key:value`, 'write it as -H Name:value')
    const key = v.slice(0, i).trim()
    if (!/^[!#$%&'*+.^`|~\w-]+$/.test(key)) throw usageError(`header name "${key}" has characters a header may not have`, 'use letters, digits and "-"')
    const value = v.slice(i + 1).trim()
    // a CR or LF would end the header line early and let the rest pose as another header or the body
    if (/[\r\n\0]/.test(value)) throw usageError(`header "${key}" has a line break or NUL in its value`, 'a header value is one line; remove the CR/LF')
    out.push([key, value])
  }

  return out
}

export const forceFlag = Flags.boolean({char: 'f', description: 'do it without asking (required when there is no terminal)'})

/** The global connection flags, in a CONNECTION help group, env-bound as natscli binds them. */
export const connectionFlags = {
  'connection-name': Flags.string({description: 'name of the connection as the server shows it', helpGroup: CONNECTION}),
  context: Flags.string({description: 'use this natscli context instead of the selected one', env: 'NATS_CONTEXT', helpGroup: CONNECTION}),
  creds: Flags.string({description: 'user credentials file (JWT and seed)', env: 'NATS_CREDS', helpGroup: CONNECTION}),
  'inbox-prefix': Flags.string({description: 'custom inbox prefix', helpGroup: CONNECTION, hidden: true}),
  'js-api-prefix': Flags.string({description: 'JetStream API prefix for cross-account access', helpGroup: CONNECTION, hidden: true}),
  'js-domain': Flags.string({description: 'JetStream domain', helpGroup: CONNECTION}),
  nkey: Flags.string({description: 'user nkey seed file', env: 'NATS_NKEY', helpGroup: CONNECTION}),
  'no-context': Flags.boolean({description: 'ignore the selected context', helpGroup: CONNECTION}),
  password: Flags.string({description: 'password', env: 'NATS_PASSWORD', helpGroup: CONNECTION}),
  server: Flags.string({char: 's', description: 'NATS server URLs, comma separated [default: nats://127.0.0.1:4222]', env: 'NATS_URL', helpGroup: CONNECTION}),
  timeout: waitFlag({description: 'time to wait for the server and for each request [default: 5s]', env: 'NATS_TIMEOUT', helpGroup: CONNECTION}),
  tlsca: Flags.string({description: 'CA certificate to verify the server', env: 'NATS_CA', helpGroup: CONNECTION}),
  tlscert: Flags.string({description: 'client TLS certificate', env: 'NATS_CERT', helpGroup: CONNECTION}),
  tlsfirst: Flags.boolean({description: 'do the TLS handshake before the server INFO', helpGroup: CONNECTION}),
  tlskey: Flags.string({description: 'client TLS private key', env: 'NATS_KEY', helpGroup: CONNECTION}),
  token: Flags.string({description: 'authentication token', env: 'NATS_TOKEN', helpGroup: CONNECTION}),
  trace: Flags.boolean({description: 'print JetStream API requests and replies, and error stacks, to stderr', helpGroup: CONNECTION}),
  user: Flags.string({description: 'user name', env: 'NATS_USER', helpGroup: CONNECTION}),
}

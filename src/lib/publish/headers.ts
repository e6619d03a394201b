/**
 * What goes on the wire with a published message besides its body: headers (templates expanded per message) and the
 * protocol line that carries subject and reply, which the server limits (max_control_line).
 */
import type {MsgHdrs, NatsConnection} from '@nats-io/transport-node'

import {usageError} from '../errors.js'
import {expandTemplate} from '../templates.js'

/** nats-server's default max_control_line, used when the server does not say. */
export const DEFAULT_MAX_CONTROL_LINE = 4096

/** Headers from `key:value` pairs; values are templates unless `templates` is false. */
export async function buildHeaders(
  pairs: Array<[string, string]>,
  count: number,
  tokens?: string[],
  templates = true,
): Promise<MsgHdrs | undefined> {
  if (pairs.length === 0) return undefined
  const {headers} = await import('../nats/core.js')
  const h = headers()
  for (const [k, v] of pairs) h.append(k, templates ? expandTemplate(v, {count, tokens}) : v)
  return h
}

/** The connected server's max_control_line: from its INFO where it says, otherwise nats-server's default. */
export function maxControlLine(nc: NatsConnection): number {
  const v = (nc.info as undefined | {max_control_line?: unknown})?.max_control_line
  return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_CONTROL_LINE
}

/**
 * The server closes a connection whose protocol line (`HPUB <subject> <reply> <header bytes> <total bytes>`) is longer
 * than its max_control_line. Refuse such a subject before anything is sent: exit 2 naming the limit.
 */
export function checkControlLine(subject: string, reply: string | undefined, limit: number, what = 'the subject'): void {
  // the longest line the message can need: both sizes at their widest
  const line = `HPUB ${subject} ${reply ? `${reply} ` : ''}${'9'.repeat(10)} ${'9'.repeat(10)}\r\n`
  const bytes = Buffer.byteLength(line)
  if (bytes <= limit) return
  const long = reply && Buffer.byteLength(reply) > Buffer.byteLength(subject) ? 'the reply subject' : what
  throw usageError(
    `${long} is too long: the protocol line that carries it would be ${bytes} bytes, over the server's max_control_line of ${limit} bytes`,
    `use a subject of at most about ${Math.max(0, limit - 40 - Buffer.byteLength(reply ?? ''))} bytes, or raise max_control_line on the server`,
  )
}

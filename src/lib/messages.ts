/**
 * The JSON record of one message, shared by `sub`, `request`, `stream get/view` and `consumer next`:
 * text stays text, anything that is not valid UTF-8 is base64 with `encoding: "base64"`.
 */
import type {JsMsg} from '@nats-io/jetstream'
import type {Msg, MsgHdrs} from '@nats-io/transport-node'

import {escapeControls as esc} from './format/escape.js'

export interface JetStreamMeta {
  consumer_sequence?: number
  pending?: number
  redelivered?: boolean
  sequence: number
  stream: string
  time?: string
}

export interface MessageRecord {
  data: string
  encoding: 'base64' | 'utf8'
  headers?: Record<string, string[]>
  jetstream?: JetStreamMeta
  received: string
  reply?: string
  size: number
  subject: string
  /** `--translate`: why the command failed; `data` is then the untranslated body */
  translate_error?: string
}

// ignoreBOM: a leading byte-order mark is part of the body (bodies are opaque bytes; `size` counts it)
const strict = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

export function encodeData(data: Uint8Array): {data: string; encoding: 'base64' | 'utf8'} {
  try {
    return {data: strict.decode(data), encoding: 'utf8'}
  } catch {
    return {data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), encoding: 'base64'}
  }
}

/** The body bytes of a record, exactly as they arrived (`--raw`): the inverse of encodeData. */
export function recordBytes(rec: Pick<MessageRecord, 'data' | 'encoding'>): Buffer {
  return Buffer.from(rec.data, rec.encoding === 'utf8' ? 'utf8' : 'base64')
}

export function headersToObject(h: MsgHdrs | undefined): Record<string, string[]> | undefined {
  if (!h) return undefined
  const out: Record<string, string[]> = {}
  for (const k of h.keys()) out[k] = h.values(k)
  return Object.keys(out).length > 0 ? out : undefined
}

export function messageRecord(m: Msg, received = new Date()): MessageRecord {
  const rec: MessageRecord = {subject: m.subject, ...encodeData(m.data), received: received.toISOString(), size: m.data.length}
  if (m.reply) rec.reply = m.reply
  const headers = headersToObject(m.headers)
  if (headers) rec.headers = headers
  return rec
}

export function jsMessageRecord(m: JsMsg, received = new Date()): MessageRecord {
  const rec: MessageRecord = {subject: m.subject, ...encodeData(m.data), received: received.toISOString(), size: m.data.length}
  const headers = headersToObject(m.headers)
  if (headers) rec.headers = headers
  rec.jetstream = {
    consumer_sequence: m.info.deliverySequence,
    pending: m.info.pending,
    redelivered: m.redelivered,
    sequence: m.seq,
    stream: m.info.stream,
    time: m.timestamp,
  }
  return rec
}

/**
 * natscli-style lines for people; `prefix` (a time, say) leads the first line, followed by a space. Subjects, the
 * stream name, headers and the body come from the server: their control characters are shown escaped
 * (format/escape.ts), so a message cannot recolour the terminal, move its cursor or rewrite a line. A body keeps its
 * line breaks (a multi-line body stays readable); a carriage return, an escape or a tab in it is shown as `\xNN`.
 * `--json` and `--raw` output never passes through here and carries the bytes unchanged.
 */
export function humanMessage(n: number, rec: MessageRecord, options: {headersOnly?: boolean; prefix?: string} = {}): string {
  const lines: string[] = []
  const lead = options.prefix === undefined ? '' : `${options.prefix} `
  if (rec.jetstream) {
    lines.push(`${lead}[#${n}] Received JetStream message: stream: ${esc(rec.jetstream.stream)} seq ${rec.jetstream.sequence} / subject: ${esc(rec.subject)} / time: ${esc(rec.jetstream.time ?? '')}`)
  } else {
    lines.push(`${lead}[#${n}] Received on "${esc(rec.subject)}"${rec.reply ? ` with reply "${esc(rec.reply)}"` : ''}`)
  }

  for (const [k, vs] of Object.entries(rec.headers ?? {})) for (const v of vs) lines.push(`${esc(k)}: ${esc(v)}`)
  if (!options.headersOnly) {
    if (rec.headers) lines.push('')
    lines.push(rec.encoding === 'utf8' ? escapeBody(rec.data) : `(${rec.size} bytes of binary data, base64) ${rec.data}`)
  }

  lines.push('')
  return lines.join('\n')
}

/** A text body for a terminal: every control character escaped but the line feed, so its lines stay lines. */
function escapeBody(text: string): string {
  return text.includes('\n') ? text.split('\n').map((line) => esc(line)).join('\n') : esc(text)
}

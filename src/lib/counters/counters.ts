/**
 * Counters (nats-server 2.12+, ADR-49): a stream with `allow_msg_counter` keeps, per subject, a running total. An
 * increment is an empty JetStream publish with a `Nats-Incr: +N` / `-N` header; the ack carries the new total as a
 * string (`val`), and the subject's last message holds `{"val":"N"}`. Totals are big integers (they pass 2^53), so
 * they travel as strings and are computed with BigInt.
 */
import type {JetStreamClient, JetStreamManager, StoredMsg} from '@nats-io/jetstream'

import {conflict, NatsxError, notFound, toNatsxError, usageError} from '../errors.js'
import {validateFilterSubject, validatePublishSubject} from '../subjects.js'

export interface CounterValue {
  /** the stream's sequence of the message that holds this total */
  seq: number
  stream: string
  subject: string
  /** the total, a base-10 big integer as a string */
  value: string
}

export interface CounterIncrement extends CounterValue {
  /** what was added (negative for `decr`), as a string */
  delta: string
}

/** A delta as the server takes it: optional sign, digits. `decr` negates it. Exit 2 on anything else. */
export function parseDelta(input: string, negate = false): bigint {
  if (!/^[+-]?\d+$/.test(input)) throw usageError(`"${input}" is not a whole number`, 'pass a whole number such as 1, 25 or 9007199254740993')
  const n = BigInt(input)
  if (negate && n < 0n) throw usageError(`decr takes a positive amount, not ${input}`, 'use incr to add, decr to subtract')
  return negate ? -n : n
}

/** `+N` / `-N`, the Nats-Incr header value. */
export const incrHeader = (delta: bigint): string => (delta < 0n ? `${delta}` : `+${delta}`)

/** The total in a counter message's body (`{"val":"N"}`); exit 4 when the body is not a counter's. */
export function valueOf(data: Uint8Array, where: string): string {
  let val: unknown
  try {
    val = (JSON.parse(new TextDecoder().decode(data)) as {val?: unknown}).val
  } catch {
    val = undefined
  }

  if (typeof val !== 'string' || !/^-?\d+$/.test(val)) {
    throw conflict(`${where} does not hold a counter value`, 'counters live in streams made with allow_msg_counter (2.12+)')
  }

  return BigInt(val).toString()
}

/** The stream that takes `subject`: exit 3 when none does. */
export async function streamFor(jsm: JetStreamManager, subject: string): Promise<string> {
  try {
    return await jsm.streams.find(subject)
  } catch (error) {
    const e = toNatsxError(error)
    if (e.exitCode === 3 || /no stream matches subject/i.test((error as Error).message)) {
      throw notFound(`no stream takes the subject "${subject}"`, 'make a counter stream for it (allow_msg_counter) first')
    }

    throw e
  }
}

export async function requireCounterStream(jsm: JetStreamManager, stream: string): Promise<void> {
  const info = await jsm.streams.info(stream)
  if (!(info.config as {allow_msg_counter?: boolean}).allow_msg_counter) {
    throw usageError(`stream ${stream} does not keep counters (allow_msg_counter is off)`, 'counters need a stream made with allow_msg_counter; it cannot be turned on later')
  }
}

/** Add `delta` to the counter on `subject`; the server returns the new total. */
export async function increment(js: JetStreamClient, subject: string, delta: bigint): Promise<CounterIncrement> {
  validatePublishSubject(subject)
  const {headers} = await import('../nats/core.js')
  const h = headers()
  h.set('Nats-Incr', incrHeader(delta))
  let ack: {seq: number; stream: string; val?: string}
  try {
    ack = (await js.publish(subject, new Uint8Array(0), {headers: h})) as typeof ack
  } catch (error) {
    throw counterError(error, subject)
  }

  if (typeof ack.val !== 'string') {
    throw conflict(`stream ${ack.stream} stored the increment on "${subject}" as a plain message`, 'the server did not apply it as a counter: is it nats-server 2.12 or later with allow_msg_counter?')
  }

  return {delta: delta.toString(), seq: ack.seq, stream: ack.stream, subject, value: BigInt(ack.val).toString()}
}

function counterError(error: unknown, subject: string): NatsxError {
  const e = toNatsxError(error, {subject})
  const code = (error as {apiError?: () => {err_code?: number}}).apiError?.()?.err_code
  if (code === 10_168) return usageError(`the stream that takes "${subject}" does not keep counters (allow_msg_counter is off)`, 'counters need a stream made with allow_msg_counter')
  // nats.js reports a publish no stream answers as "JetStream is not enabled"; the capability check before it has
  // already seen JetStream answer, so it means no stream takes the subject
  if ((error as Error).name === 'JetStreamNotEnabled' || (e.exitCode === 6 && /no responders/.test(e.message))) return notFound(`no stream takes the subject "${subject}"`, 'make a counter stream for it (allow_msg_counter) first')
  return e
}

/** The current total of one subject; exit 3 when it has none. */
export async function counterValue(jsm: JetStreamManager, subject: string, stream?: string): Promise<CounterValue> {
  validatePublishSubject(subject)
  const name = stream ?? (await streamFor(jsm, subject))
  await requireCounterStream(jsm, name)
  let m: null | StoredMsg
  try {
    m = await jsm.streams.getMessage(name, {last_by_subj: subject})
  } catch (error) {
    const e = toNatsxError(error)
    if (e.exitCode !== 3) throw e
    m = null
  }

  if (!m) throw notFound(`no counter on "${subject}" in stream ${name}`, 'incr creates it')

  return {seq: m.seq, stream: name, subject, value: valueOf(m.data, `"${subject}" in stream ${name}`)}
}

/** Every counter subject of a stream (optionally under a filter) with its total, sorted by subject. */
export async function listCounters(jsm: JetStreamManager, stream: string, filter = '>'): Promise<CounterValue[]> {
  validateFilterSubject(filter, 'filter subject')
  await requireCounterStream(jsm, stream)
  const info = await jsm.streams.info(stream, {subjects_filter: filter})
  const subjects = Object.keys(info.state.subjects ?? {}).sort()
  const out: CounterValue[] = []
  for (const subject of subjects) {
    const m = await jsm.streams.getMessage(stream, {last_by_subj: subject})
    if (!m) continue // removed since the stream listed it
    out.push({seq: m.seq, stream, subject, value: valueOf(m.data, `"${subject}" in stream ${stream}`)})
  }

  return out
}

/** `stream gaps` and `stream state`: the deleted ranges of a stream, and its state section alone. */
import type {JetStreamManager, StreamInfo} from '@nats-io/jetstream'

import {requireStream} from '../streams/ops.js'

export interface Gap {
  count: number
  first: number
  last: number
}

export interface StreamGapsResult {
  /** messages deleted inside the stream (between its first and last sequence) */
  deleted: number
  first_seq: number
  gaps: Gap[]
  last_seq: number
  stream: string
}

/** Consecutive sequences folded into ranges: [3,4,5,9] → 3–5 (3), 9 (1). */
export function deletedRanges(deleted: readonly number[]): Gap[] {
  const seqs = [...new Set(deleted)].sort((a, b) => a - b)
  const out: Gap[] = []
  for (const seq of seqs) {
    const last = out.at(-1)
    if (last && seq === last.last + 1) {
      last.last = seq
      last.count++
    } else out.push({count: 1, first: seq, last: seq})
  }

  return out
}

/** The deleted ranges of a stream, from STREAM.INFO with deleted_details (exit 3 when there is no such stream). */
export async function streamGaps(jsm: JetStreamManager, name: string): Promise<StreamGapsResult> {
  await requireStream(jsm, name)
  const si = await jsm.streams.info(name, {deleted_details: true})
  const {first_seq: first, last_seq: last} = si.state
  // a stream that never held a message lists sequence 0 as deleted: only sequences inside the stream are gaps
  const gaps = deletedRanges((si.state.deleted ?? []).filter((seq) => seq > 0 && seq >= first && seq <= last))
  return {
    deleted: gaps.reduce((n, g) => n + g.count, 0),
    first_seq: si.state.first_seq,
    gaps,
    last_seq: si.state.last_seq,
    stream: si.config.name,
  }
}

export interface StreamStateResult {
  bytes: number
  consumer_count: number
  first_seq: number
  /** RFC 3339; absent when the stream never held a message */
  first_ts?: string
  last_seq: number
  /** RFC 3339; absent when the stream never held a message */
  last_ts?: string
  messages: number
  num_deleted: number
  num_subjects: number
  stream: string
}

const time = (ts: string | undefined): string | undefined => (ts && !ts.startsWith('0001-') ? ts : undefined)

/** The state section of a stream info, alone. */
export function streamState(si: StreamInfo): StreamStateResult {
  const s = si.state
  const first = time(s.first_ts)
  const last = time(s.last_ts)
  return {
    bytes: s.bytes,
    consumer_count: s.consumer_count,
    first_seq: s.first_seq,
    ...(first ? {first_ts: first} : {}),
    last_seq: s.last_seq,
    ...(last ? {last_ts: last} : {}),
    messages: s.messages,
    num_deleted: s.num_deleted ?? 0,
    num_subjects: s.num_subjects ?? 0,
    stream: si.config.name,
  }
}

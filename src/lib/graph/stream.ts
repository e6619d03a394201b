/**
 * `stream graph`: one sample is one stream info request; the rate of messages in is the growth of the last sequence
 * over the server's own clock (the info's `ts`, 2.10+; the local clock on older servers).
 */
import type {JetStreamManager} from '@nats-io/jetstream'

import type {DisconnectedSample, GraphFrame, Sampler} from './types.js'

import {parseTime} from '../monitoring/json.js'
import {requireStream} from '../streams/ops.js'
import {perSecond} from './types.js'

/** One NDJSON line of `stream graph --iterations N --json`. */
export interface StreamGraphSample {
  /** total size of the stored messages */
  bytes: number
  consumers: number
  first_seq: number
  last_seq: number
  messages: number
  /** messages stored per second since the previous sample (Δ last_seq / Δt); null on the first sample, the first after a disconnected one, or a recreated stream */
  messages_per_sec: null | number
  stream: string
  /** when the server answered (its clock where it says, 2.10+), ISO 8601 */
  time: string
}

/** A line of the batch form taken while the server was away: `{stream, time, disconnected: true, error}`. */
export type StreamGraphGap = DisconnectedSample & Pick<StreamGraphSample, 'stream'>

export class StreamSampler implements Sampler<StreamGraphSample> {
  private prev?: {at: number; created: string; value: number}

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly name: string,
  ) {}

  identity(): Pick<StreamGraphSample, 'stream'> {
    return {stream: this.name}
  }

  reset(): void {
    this.prev = undefined
  }

  async sample(): Promise<StreamGraphSample> {
    const si = await requireStream(this.jsm, this.name)
    const serverTime = parseTime((si as {ts?: string}).ts)
    const at = Number.isNaN(serverTime) ? Date.now() : serverTime
    const state = si.state
    const cur = {at, created: si.created, value: state.last_seq}
    const rate = this.prev && this.prev.created === cur.created ? perSecond(this.prev, cur) : null
    this.prev = cur
    return {
      bytes: state.bytes,
      consumers: state.consumer_count,
      first_seq: state.first_seq,
      last_seq: state.last_seq,
      messages: state.messages,
      messages_per_sec: rate,
      stream: si.config.name,
      time: new Date(at).toISOString(),
    }
  }
}

export function streamView(history: readonly StreamGraphSample[]): GraphFrame {
  const last = history.at(-1)
  const pick = (f: (s: StreamGraphSample) => null | number): Array<null | number> => history.map((s) => f(s))
  return {
    panels: [
      {current: last?.messages_per_sec ?? null, fromZero: true, title: 'Messages in', unit: 'count/s', values: pick((s) => s.messages_per_sec)},
      {current: last?.messages ?? null, fromZero: false, title: 'Messages', unit: 'count', values: pick((s) => s.messages)},
      {current: last?.bytes ?? null, fromZero: false, title: 'Bytes', unit: 'bytes', values: pick((s) => s.bytes)},
      {current: last?.consumers ?? null, fromZero: true, title: 'Consumers', unit: 'count', values: pick((s) => s.consumers)},
    ],
    subtitle: last ? `sequences ${last.first_seq}–${last.last_seq} at ${last.time}` : 'waiting for the first sample…',
    title: `Stream ${last?.stream ?? ''}`,
  }
}

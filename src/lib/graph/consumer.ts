/**
 * `consumer graph`: one sample is one consumer info request. Delivered and acknowledged per second are the growth of
 * the consumer's delivered sequence and of its ack floor, over the server's own clock (the info's `ts`, 2.10+; the
 * local clock on older servers).
 */
import type {JetStreamManager} from '@nats-io/jetstream'

import type {DisconnectedSample, GraphFrame, Sampler} from './types.js'

import {findConsumer} from '../consumers/ops.js'
import {notFound} from '../errors.js'
import {parseTime} from '../monitoring/json.js'
import {requireStream} from '../streams/ops.js'
import {perSecond} from './types.js'

/** One NDJSON line of `consumer graph --iterations N --json`. */
export interface ConsumerGraphSample {
  /** the ack floor: consumer sequence up to which every message is acknowledged */
  acked: number
  /** ack floor growth per second since the previous sample; null on the first sample, the first after a disconnected one, or a recreated consumer */
  acked_per_sec: null | number
  consumer: string
  /** messages delivered (the consumer sequence) */
  delivered: number
  /** deliveries per second since the previous sample; null as acked_per_sec is */
  delivered_per_sec: null | number
  /** delivered and not yet acknowledged (num_ack_pending) */
  outstanding_acks: number
  /** stream messages not yet delivered (num_pending) */
  pending: number
  /** messages delivered more than once (num_redelivered) */
  redelivered: number
  stream: string
  /** when the server answered (its clock where it says, 2.10+), ISO 8601 */
  time: string
  /** pull requests waiting (num_waiting) */
  waiting: number
}

/** A line of the batch form taken while the server was away: `{stream, consumer, time, disconnected: true, error}`. */
export type ConsumerGraphGap = DisconnectedSample & Pick<ConsumerGraphSample, 'consumer' | 'stream'>

export class ConsumerSampler implements Sampler<ConsumerGraphSample> {
  private prev?: {acked: number; at: number; created: string; delivered: number}

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly name: string,
  ) {}

  identity(): Pick<ConsumerGraphSample, 'consumer' | 'stream'> {
    return {stream: this.stream, consumer: this.name}
  }

  reset(): void {
    this.prev = undefined
  }

  async sample(): Promise<ConsumerGraphSample> {
    let ci = await findConsumer(this.jsm, this.stream, this.name)
    if (!ci) {
      await requireStream(this.jsm, this.stream)
      ci = await findConsumer(this.jsm, this.stream, this.name)
      if (!ci) throw notFound(`consumer "${this.name}" not found on stream "${this.stream}"`, `list consumers with \`natsx consumer ls ${this.stream}\``)
    }

    const serverTime = parseTime((ci as {ts?: string}).ts)
    const at = Number.isNaN(serverTime) ? Date.now() : serverTime
    const cur = {acked: ci.ack_floor.consumer_seq, at, created: ci.created, delivered: ci.delivered.consumer_seq}
    const same = this.prev && this.prev.created === cur.created
    const rate = (k: 'acked' | 'delivered'): null | number =>
      same ? perSecond({at: this.prev!.at, value: this.prev![k]}, {at, value: cur[k]}) : null
    const sample: ConsumerGraphSample = {
      acked: cur.acked,
      acked_per_sec: rate('acked'),
      consumer: ci.name,
      delivered: cur.delivered,
      delivered_per_sec: rate('delivered'),
      outstanding_acks: ci.num_ack_pending,
      pending: ci.num_pending,
      redelivered: ci.num_redelivered,
      stream: ci.stream_name,
      time: new Date(at).toISOString(),
      waiting: ci.num_waiting,
    }
    this.prev = cur
    return sample
  }
}

export function consumerView(history: readonly ConsumerGraphSample[]): GraphFrame {
  const last = history.at(-1)
  const pick = (f: (s: ConsumerGraphSample) => null | number): Array<null | number> => history.map((s) => f(s))
  return {
    panels: [
      {current: last?.delivered_per_sec ?? null, fromZero: true, title: 'Delivered', unit: 'count/s', values: pick((s) => s.delivered_per_sec)},
      {current: last?.acked_per_sec ?? null, fromZero: true, title: 'Acknowledged', unit: 'count/s', values: pick((s) => s.acked_per_sec)},
      {current: last?.outstanding_acks ?? null, fromZero: true, title: 'Outstanding acks', unit: 'count', values: pick((s) => s.outstanding_acks)},
      {current: last?.pending ?? null, fromZero: true, title: 'Pending', unit: 'count', values: pick((s) => s.pending)},
      {current: last?.redelivered ?? null, fromZero: true, title: 'Redelivered', unit: 'count', values: pick((s) => s.redelivered)},
    ],
    subtitle: last ? `delivered ${last.delivered}, ack floor ${last.acked}, waiting pulls ${last.waiting} at ${last.time}` : 'waiting for the first sample…',
    title: `Consumer ${last?.stream ?? ''} > ${last?.consumer ?? ''}`,
  }
}

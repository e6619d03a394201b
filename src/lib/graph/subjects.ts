/**
 * `sub --graph`: messages per second per subject on core subscriptions. The subscriptions count what arrives by
 * subject (at most MAX_SUBJECTS distinct ones are told apart; the rest are counted as "other subjects"); one sample
 * reads and resets the counts. A sample carries the busiest subjects only, so its size stays bounded.
 *
 * The connection reconnects after a drop, as `sub` does: a sample during which it was down says so (`disconnected`),
 * its rates are drawn as a gap rather than as a quiet zero, and what was published meanwhile is lost to the count.
 */
import type {NatsConnection, Subscription} from '@nats-io/transport-node'

import type {GraphFrame, GraphPanel, Sampler} from './types.js'

import {connectionError} from '../errors.js'
import {escapeControls} from '../format/escape.js'

/** Distinct subjects told apart; a wildcard over many more subjects counts the rest together. */
export const MAX_SUBJECTS = 10_000
/** Subjects carried in each sample (the busiest since the previous one). */
export const SAMPLE_SUBJECTS = 8
export const OTHER = '(other subjects)'

/** One NDJSON line of `sub --graph --iterations N --json`. */
export interface SubjectGraphSample {
  /** present (true) when the connection was down at some moment since the previous sample: the rates undercount */
  disconnected?: true
  /** the busiest subjects since the previous sample, busiest first */
  subjects: Array<{messages: number; messages_per_sec: number; subject: string}>
  /** when the sample was taken, ISO 8601 */
  time: string
  /** all messages since the start */
  total: number
  /** all messages since the previous sample, per second */
  total_per_sec: number
}

/** What the sampler tells of its connection as it happens (for a warning line in the batch form). */
export type ConnectionNote = (event: 'disconnect' | 'reconnect', server?: string) => void

export class SubjectRateSampler implements Sampler<SubjectGraphSample> {
  private counts = new Map<string, number>()
  /** the connection is down now */
  private down_ = false
  /** the connection was down at some moment since the previous sample */
  private downInSample = false
  private last = performance.now()
  private readonly subs: Subscription[]
  private total = 0

  constructor(
    private readonly nc: NatsConnection,
    subjects: string[],
    queue?: string,
    onConnection?: ConnectionNote,
  ) {
    this.watch(onConnection).catch(() => {})
    this.subs = subjects.map((s) =>
      nc.subscribe(s, {
        callback: (err, msg) => {
          if (err) return
          this.total++
          const key = this.counts.has(msg.subject) || this.counts.size < MAX_SUBJECTS ? msg.subject : OTHER
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
        },
        ...(queue ? {queue} : {}),
      }),
    )
  }

  /** the connection is down now (dropped, and not back yet) */
  get down(): boolean {
    return this.down_
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe()
  }

  async sample(): Promise<SubjectGraphSample> {
    if (this.nc.isClosed()) throw connectionError('the connection to the server is closed: nothing more can be counted', 'check the server, then run the command again')
    const disconnected = this.down_ || this.downInSample
    this.downInSample = false
    const now = performance.now()
    const seconds = (now - this.last) / 1000
    this.last = now
    const counts = [...this.counts.entries()]
    this.counts = new Map()
    const rate = (n: number): number => (seconds > 0 ? Math.round((n / seconds) * 100) / 100 : 0)
    const sum = counts.reduce((a, [, n]) => a + n, 0)
    return {
      subjects: counts
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, SAMPLE_SUBJECTS)
        .map(([subject, messages]) => ({messages, messages_per_sec: rate(messages), subject})),
      time: new Date().toISOString(),
      total: this.total,
      total_per_sec: rate(sum),
      ...(disconnected ? {disconnected: true as const} : {}),
    }
  }

  private async watch(onConnection?: ConnectionNote): Promise<void> {
    for await (const st of this.nc.status()) {
      if (st.type === 'disconnect') {
        this.down_ = true
        this.downInSample = true
        onConnection?.('disconnect')
      } else if (st.type === 'reconnect') {
        this.down_ = false
        onConnection?.('reconnect', st.server)
      }
    }
  }
}

/** The total rate, then one panel for each of the (up to) three busiest subjects of the latest sample. */
export function subjectsView(history: readonly SubjectGraphSample[], title = 'Subscription'): GraphFrame {
  const last = history.at(-1)
  const busiest = (last?.subjects ?? []).slice(0, 3).map((s) => s.subject)
  // a sample taken while the connection was down is a gap, not a quiet zero
  const rate = (s: SubjectGraphSample, n: null | number): null | number => (s.disconnected ? null : n)
  const panels: GraphPanel[] = [
    {current: last ? rate(last, last.total_per_sec) : null, fromZero: true, title: 'All subjects', unit: 'count/s', values: history.map((s) => rate(s, s.total_per_sec))},
    ...busiest.map((subject): GraphPanel => {
      const values = history.map((s) => rate(s, s.subjects.find((x) => x.subject === subject)?.messages_per_sec ?? null))
      return {current: values.at(-1) ?? null, fromZero: true, title: escapeControls(subject), unit: 'count/s', values}
    }),
  ]
  return {
    panels,
    subtitle: last
      ? last.disconnected
        ? `connection lost, reconnecting: messages published meanwhile are not counted (${last.total.toLocaleString('en-US')} since the start, at ${last.time})`
        : `${last.total.toLocaleString('en-US')} messages since the start, at ${last.time}`
      : 'waiting for the first sample…',
    title,
  }
}

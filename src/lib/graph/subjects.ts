/**
 * `sub --graph`: messages per second per subject on core subscriptions. The subscriptions count what arrives by
 * subject (at most MAX_SUBJECTS distinct ones are told apart; the rest are counted as "other subjects"); one sample
 * reads and resets the counts. A sample carries the busiest subjects only, so its size stays bounded.
 */
import type {NatsConnection, Subscription} from '@nats-io/transport-node'

import type {GraphFrame, GraphPanel, Sampler} from './types.js'

import {escapeControls} from '../format/escape.js'

/** Distinct subjects told apart; a wildcard over many more subjects counts the rest together. */
export const MAX_SUBJECTS = 10_000
/** Subjects carried in each sample (the busiest since the previous one). */
export const SAMPLE_SUBJECTS = 8
export const OTHER = '(other subjects)'

/** One NDJSON line of `sub --graph --iterations N --json`. */
export interface SubjectGraphSample {
  /** the busiest subjects since the previous sample, busiest first */
  subjects: Array<{messages: number; messages_per_sec: number; subject: string}>
  /** when the sample was taken, ISO 8601 */
  time: string
  /** all messages since the start */
  total: number
  /** all messages since the previous sample, per second */
  total_per_sec: number
}

export class SubjectRateSampler implements Sampler<SubjectGraphSample> {
  private counts = new Map<string, number>()
  private last = performance.now()
  private readonly subs: Subscription[]
  private total = 0

  constructor(nc: NatsConnection, subjects: string[], queue?: string) {
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

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe()
  }

  async sample(): Promise<SubjectGraphSample> {
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
    }
  }
}

/** The total rate, then one panel for each of the (up to) three busiest subjects of the latest sample. */
export function subjectsView(history: readonly SubjectGraphSample[], title = 'Subscription'): GraphFrame {
  const last = history.at(-1)
  const busiest = (last?.subjects ?? []).slice(0, 3).map((s) => s.subject)
  const panels: GraphPanel[] = [
    {current: last?.total_per_sec ?? null, fromZero: true, title: 'All subjects', unit: 'count/s', values: history.map((s) => s.total_per_sec)},
    ...busiest.map((subject): GraphPanel => {
      const values = history.map((s) => s.subjects.find((x) => x.subject === subject)?.messages_per_sec ?? null)
      return {current: values.at(-1) ?? null, fromZero: true, title: escapeControls(subject), unit: 'count/s', values}
    }),
  ]
  return {
    panels,
    subtitle: last ? `${last.total.toLocaleString('en-US')} messages since the start, at ${last.time}` : 'waiting for the first sample…',
    title,
  }
}

/**
 * `sub --report-subjects` / `--report-subscriptions`: messages and bytes counted per subject and per subscription
 * (the subject pattern subscribed to, or the consumer filter a message came through), reported when the run ends.
 */
import {renderTable} from '../format/table.js'

export interface SubjectCount {
  bytes: number
  messages: number
  subject: string
}

export interface SubscriptionCount {
  bytes: number
  messages: number
  subscription: string
}

/** What the report adds to `sub`'s summary: the busiest first (then by name), at most `--report-top` of each. */
export interface SubReport {
  /** every message counted (not only the rows shown) */
  bytes: number
  subjects?: SubjectCount[]
  /** how many different subjects / subscriptions there were (the rows may be fewer, see --report-top) */
  subjects_seen?: number
  subscriptions?: SubscriptionCount[]
  subscriptions_seen?: number
}

interface Tally {
  bytes: number
  messages: number
}

export class SubjectReport {
  private readonly bySubject = new Map<string, Tally>()
  private readonly bySubscription = new Map<string, Tally>()
  private bytes = 0

  constructor(private readonly o: {subjects: boolean; subscriptions: boolean; top?: number}) {}

  add(subject: string, subscription: string, size: number): void {
    this.bytes += size
    if (this.o.subjects) bump(this.bySubject, subject, size)
    if (this.o.subscriptions) bump(this.bySubscription, subscription, size)
  }

  result(): SubReport {
    const out: SubReport = {bytes: this.bytes}
    if (this.o.subjects) {
      out.subjects = this.rows(this.bySubject).map(([subject, t]) => ({bytes: t.bytes, messages: t.messages, subject}))
      out.subjects_seen = this.bySubject.size
    }

    if (this.o.subscriptions) {
      out.subscriptions = this.rows(this.bySubscription).map(([subscription, t]) => ({bytes: t.bytes, messages: t.messages, subscription}))
      out.subscriptions_seen = this.bySubscription.size
    }

    return out
  }

  private rows(m: Map<string, Tally>): Array<[string, Tally]> {
    const rows = [...m].sort(([a, x], [b, y]) => y.messages - x.messages || (a < b ? -1 : a > b ? 1 : 0))
    return this.o.top === undefined ? rows : rows.slice(0, this.o.top)
  }
}

function bump(m: Map<string, Tally>, key: string, size: number): void {
  const t = m.get(key) ?? {bytes: 0, messages: 0}
  t.messages++
  t.bytes += size
  m.set(key, t)
}

/** The report as tables for people: one per kind asked for, with the totals of every message counted. */
export function renderSubReport(r: SubReport, messages: number): string {
  const parts: string[] = []
  const table = (kind: string, rows: Array<{bytes: number; messages: number; name: string}>, seen: number): string => {
    const shown = rows.length < seen ? ` (top ${rows.length} of ${seen})` : ''
    return renderTable(
      [kind, 'Messages', 'Bytes'],
      [...rows.map((x) => [x.name, x.messages, x.bytes]), ['Totals', messages, r.bytes]],
      {align: ['left', 'right', 'right'], title: `${kind}s receiving messages${shown}`},
    )
  }

  if (r.subjects) parts.push(table('Subject', r.subjects.map((x) => ({...x, name: x.subject})), r.subjects_seen ?? 0))
  if (r.subscriptions) parts.push(table('Subscription', r.subscriptions.map((x) => ({...x, name: x.subscription})), r.subscriptions_seen ?? 0))
  return parts.join('\n\n')
}

/**
 * Per-message TTL and message schedules as publish headers (modern-nats.md §1.5):
 * - `Nats-TTL` (2.11): how long the stream keeps the message; at least 1s.
 * - `Nats-Schedule` (2.12 `@at <RFC 3339>`; 2.14 `@every <duration>`, 6-field cron with seconds first, `@hourly` …),
 *   with `Nats-Schedule-Target` (required; a subject of the same stream, not the publish subject: 10190),
 *   `Nats-Schedule-TTL` (2.12) and `Nats-Schedule-Source` (2.14).
 * Everything is checked before anything is sent.
 */
import type {Capabilities} from '../capabilities.js'

import {usageError} from '../errors.js'
import {validatePublishSubject} from '../subjects.js'

export interface ScheduleFlags {
  'schedule-after'?: number
  'schedule-at'?: string
  'schedule-cron'?: string
  'schedule-every'?: number
  'schedule-source'?: string
  'schedule-target'?: string
  'schedule-ttl'?: number
  ttl?: number
}

/** What a publish schedules, for --json. */
export interface ScheduleRecord {
  /** the Nats-Schedule value */
  schedule: string
  source?: string
  target: string
  ttl?: string
}

const PREDEFINED = new Set(['@annually', '@daily', '@hourly', '@midnight', '@monthly', '@weekly', '@yearly'])

/** A Go duration the server parses: whole seconds where it can, else milliseconds. */
export const goDuration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`)

/** RFC 3339 in UTC, to the second, as the server reads `@at`. */
export const rfc3339 = (t: Date): string => t.toISOString().replace(/\.\d{3}Z$/, 'Z')

function atLeastSecond(ms: number, flag: string): void {
  if (ms < 1000) throw usageError(`--${flag} must be at least 1s`, `pass --${flag} 1s or more`)
}

/** Parse --schedule-at: an RFC 3339 / ISO 8601 time with a zone, e.g. 2030-01-02T15:04:05Z. */
export function parseScheduleAt(input: string): Date {
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(input.trim()) ? new Date(input.trim()) : undefined
  if (!t || Number.isNaN(t.getTime())) throw usageError(`--schedule-at "${input}" is not a time`, 'write it as RFC 3339 with a zone, e.g. 2030-01-02T15:04:05Z')
  return t
}

/** A cron expression as the server reads it: 6 fields (seconds first), or one of @hourly, @daily, … */
export function checkCron(expr: string): string {
  const e = expr.trim()
  if (e.startsWith('@')) {
    if (PREDEFINED.has(e)) return e
    throw usageError(`--schedule-cron "${expr}" is not a known shorthand`, `use one of ${[...PREDEFINED].join(', ')}, or 6 fields (seconds first); for an interval use --schedule-every`)
  }

  const fields = e.split(/\s+/)
  if (fields.length !== 6 || !fields.every((f) => /^[\d*?/,A-Za-z-]+$/.test(f))) {
    throw usageError(`--schedule-cron "${expr}" is not a 6-field cron expression`, 'write 6 fields, seconds first, e.g. "0 */5 * * * *" (every 5 minutes)')
  }

  return e
}

/** The headers of --ttl and --schedule-*, refused (exit 8) where the server lacks them; none when none are set. */
export function scheduleHeaders(
  f: ScheduleFlags,
  subject: string,
  caps: Capabilities | undefined,
  now = new Date(),
): {headers: Array<[string, string]>; schedule?: ScheduleRecord} {
  const headers: Array<[string, string]> = []
  if (f.ttl !== undefined) {
    atLeastSecond(f.ttl, 'ttl')
    caps?.require('ttl-header', 'a per-message TTL (--ttl, Nats-TTL)')
    headers.push(['Nats-TTL', goDuration(f.ttl)])
  }

  const kinds = (['schedule-at', 'schedule-after', 'schedule-every', 'schedule-cron'] as const).filter((k) => f[k] !== undefined)
  if (kinds.length === 0) {
    for (const k of ['schedule-target', 'schedule-source', 'schedule-ttl'] as const) {
      if (f[k] !== undefined) throw usageError(`--${k} needs a schedule`, 'add --schedule-at, --schedule-after, --schedule-every or --schedule-cron')
    }

    return {headers}
  }

  if (kinds.length > 1) throw usageError(`--${kinds[0]} and --${kinds[1]} cannot be used together`, 'give one schedule')
  const target = f['schedule-target']
  if (target === undefined) throw usageError('a schedule needs --schedule-target', 'name the subject the scheduled message is published to')
  validatePublishSubject(target, 'schedule target')
  if (target === subject) {
    throw usageError(`--schedule-target "${target}" is the subject published to`, 'the schedule lives on the publish subject and fires to another subject of the same stream; pick a different target')
  }

  let schedule: string
  switch (kinds[0]) {
    case 'schedule-after': {
      schedule = `@at ${rfc3339(new Date(now.getTime() + f['schedule-after']!))}`
      break
    }

    case 'schedule-at': {
      schedule = `@at ${rfc3339(parseScheduleAt(f['schedule-at']!))}`
      break
    }

    case 'schedule-cron': {
      schedule = checkCron(f['schedule-cron']!)
      break
    }

    case 'schedule-every': {
      atLeastSecond(f['schedule-every']!, 'schedule-every')
      schedule = `@every ${goDuration(f['schedule-every']!)}`
      break
    }
  }

  const repeating = kinds[0] === 'schedule-every' || kinds[0] === 'schedule-cron'
  if (repeating) caps?.require('schedule-cron', `a repeating schedule (--${kinds[0]})`)
  else caps?.require('schedule-at', `a scheduled message (--${kinds[0]})`)
  const source = f['schedule-source']
  if (source !== undefined) {
    validatePublishSubject(source, 'schedule source')
    caps?.require('schedule-cron', 'a schedule source (--schedule-source)')
  }

  const record: ScheduleRecord = {schedule, target}
  headers.push(['Nats-Schedule', schedule], ['Nats-Schedule-Target', target])
  if (source !== undefined) {
    headers.push(['Nats-Schedule-Source', source])
    record.source = source
  }

  if (f['schedule-ttl'] !== undefined) {
    atLeastSecond(f['schedule-ttl'], 'schedule-ttl')
    record.ttl = goDuration(f['schedule-ttl'])
    headers.push(['Nats-Schedule-TTL', record.ttl])
  }

  return {headers, schedule: record}
}

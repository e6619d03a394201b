import parse from 'parse-duration'

const NS_PER_MS = 1_000_000

/** The longest duration JetStream can hold: its fields are int64 nanoseconds (about 292 years). */
export const MAX_DURATION_MS = 9_223_372_036_854

/**
 * The whole grammar of a duration: one or more `<number><unit>` groups and nothing else (no sign, no spaces, no
 * exponent, no bare trailing number). parse-duration adds the groups up; it is lenient (it skips what it does not
 * understand), so only input that matched this grammar reaches it.
 */
const DURATION = /^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h|d|w))+$/
const FORM = 'write it as a number and a unit, repeated: 5s, 1m30s, 500ms, 2h, 7d (units ns us ms s m h d w)'

/**
 * Parse a duration such as `5s`, `1h30m`, `500ms`, `1.5s`, `2d` into milliseconds. A bare number is refused
 * (except 0) because its unit would be a guess.
 */
export function parseDuration(input: string): number {
  const s = input.trim()
  if (s === '0') return 0
  if (/^[-+]?\d+(\.\d+)?$/.test(s)) throw new TypeError(`"${input}" has no unit; write it as 5s, 1m30s, 500ms or 2h`)
  if (s.startsWith('-')) throw new TypeError(`"${input}" is negative; a duration is 0 or more (0 means unlimited where the flag allows it)`)
  if (!DURATION.test(s)) throw new TypeError(`"${input}" is not a duration; ${FORM}`)
  const ms = parse(s.replaceAll('μ', 'u').replaceAll('µ', 'u'))
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) throw new TypeError(`"${input}" is not a duration; ${FORM}`)
  if (ms > MAX_DURATION_MS) throw new TypeError(`"${input}" is too long; the longest duration is ${Math.floor(MAX_DURATION_MS / 86_400_000)}d`)
  return ms
}

export const msToNanos = (ms: number): number => Math.round(ms * NS_PER_MS)
export const nanosToMs = (ns: number): number => ns / NS_PER_MS

/** Compact Go-like duration: `1d2h3m4s`, `2m0s`, `350ms`, `0s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return ''
  if (ms < 0) return 'unlimited'
  if (ms === 0) return '0s'
  if (ms < 1) return `${Math.round(ms * 1000)}µs`
  if (ms < 1000) return `${Math.round(ms)}ms`
  let s = Math.floor(ms / 1000)
  const d = Math.floor(s / 86_400)
  s -= d * 86_400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  if (d > 0) return `${d}d${h}h${m}m${s}s`
  if (h > 0) return `${h}h${m}m${s}s`
  if (m > 0) return `${m}m${s}s`
  const frac = ms / 1000
  return Number.isInteger(frac) ? `${s}s` : `${frac.toFixed(2).replace(/0+$/, '')}s`
}

/** Nanoseconds (the JetStream API unit) to a compact duration; 0 is "unlimited" where `zeroIsUnlimited`. */
export function formatNanos(ns: number | undefined, zeroIsUnlimited = false): string {
  if (ns === undefined) return ''
  if (zeroIsUnlimited && ns === 0) return 'unlimited'
  return formatDuration(nanosToMs(ns))
}

/** "3s ago", "2m0s ago"; `never` for missing or Go's zero time. */
export function formatAge(time: Date | string | undefined, now: number = Date.now()): string {
  if (!time) return 'never'
  const t = typeof time === 'string' ? Date.parse(time) : time.getTime()
  if (Number.isNaN(t) || t <= 0 || (typeof time === 'string' && time.startsWith('0001-'))) return 'never'
  return `${formatDuration(Math.max(0, now - t))} ago`
}

/**
 * JSON of the monitoring endpoints, parsed safely: integers past 2^63 are Go's uint64 "unlimited"/"none" sentinels
 * (e.g. 18446744073709551615) and become -1; integers between 2^53 and 2^63 are kept as the nearest double.
 */
const SENTINEL = 2n ** 63n
const BIG = /([:[,]\s*)(\d{16,})(?=\s*[,\]}])/g

export function parseMonitorJson<T>(text: string): T {
  const safe = text.replaceAll(BIG, (all, pre: string, digits: string) =>
    BigInt(digits) >= SENTINEL ? `${pre}-1` : all,
  )
  return JSON.parse(safe) as T
}

const RFC3339 = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/

/** RFC 3339 (nanoseconds allowed) to epoch milliseconds with sub-millisecond precision; NaN for missing/zero time. */
export function parseTime(s: string | undefined): number {
  if (!s || s.startsWith('0001-')) return Number.NaN
  const fast = parseRfc3339(s)
  if (fast !== undefined) return fast
  const m = RFC3339.exec(s)
  if (!m) return Date.parse(s)
  const base = Date.parse(m[1] + m[3])
  const frac = m[2] ? Number(`0${m[2]}`) * 1000 : 0
  return base + frac
}

const digit = (s: string, i: number): number => {
  const d = (s.codePointAt(i) ?? 0) - 48
  return d >= 0 && d <= 9 ? d : Number.NaN
}

const num = (s: string, i: number, n: number): number => {
  let v = 0
  for (let k = i; k < i + n; k++) v = v * 10 + digit(s, k)
  return v
}

/**
 * The form every server writes (`2026-11-23T05:06:17.15503859Z`, or a `+01:00` offset) read without a regular
 * expression or Date.parse: a poll reads two per connection. Anything else is left to the general path (undefined).
 */
function parseRfc3339(s: string): number | undefined {
  if (s.length < 20 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return undefined
  const [year, month, day, hour, minute, second] = [num(s, 0, 4), num(s, 5, 2), num(s, 8, 2), num(s, 11, 2), num(s, 14, 2), num(s, 17, 2)]
  const valid = year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59
  if (!valid) return undefined
  let i = 19
  if (s[i] === '.') {
    i++
    while (digit(s, i) >= 0) i++
    if (i === 20) return undefined
  }

  let offset = 0
  if (s[i] === '+' || s[i] === '-') {
    if (i !== s.length - 6 || s[i + 3] !== ':') return undefined
    const [h, m] = [num(s, i + 1, 2), num(s, i + 4, 2)]
    if (!(h <= 23 && m <= 59)) return undefined
    offset = (h * 60 + m) * 60_000 * (s[i] === '-' ? -1 : 1)
  } else if (s[i] !== 'Z' || i !== s.length - 1) return undefined

  const base = Date.UTC(year, month - 1, day, hour, minute, second) - offset
  return i > 20 ? base + Number(`0${s.slice(19, i)}`) * 1000 : base
}

const UNITS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  ms: 1,
  ns: 1e-6,
  s: 1000,
  us: 1e-3,
  y: 365 * 86_400_000,
  µs: 1e-3,
  μs: 1e-3,
}
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h|d|y)/g

/** Go `Duration.String()` (`688µs`, `2.48ms`, `1m47.9s`, `1h2m3s`) or the server's uptime form (`1d2h3m4s`) to ms. */
export function parseGoDuration(s: string | undefined): number | undefined {
  if (!s) return undefined
  let total = 0
  let matched = false
  for (const m of s.matchAll(DURATION_PART)) {
    total += Number(m[1]) * UNITS[m[2]]
    matched = true
  }

  return matched ? total : undefined
}

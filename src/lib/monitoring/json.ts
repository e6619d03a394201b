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

/** RFC 3339 (nanoseconds allowed) to epoch milliseconds with sub-millisecond precision; NaN for missing/zero time. */
export function parseTime(s: string | undefined): number {
  if (!s || s.startsWith('0001-')) return Number.NaN
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(s)
  if (!m) return Date.parse(s)
  const base = Date.parse(m[1] + m[3])
  const frac = m[2] ? Number(`0${m[2]}`) * 1000 : 0
  return base + frac
}

/** Go `Duration.String()` (`688µs`, `2.48ms`, `1m47.9s`, `1h2m3s`) or the server's uptime form (`1d2h3m4s`) to ms. */
export function parseGoDuration(s: string | undefined): number | undefined {
  if (!s) return undefined
  const units: Record<string, number> = {
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
  let total = 0
  let matched = false
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h|d|y)/g)) {
    total += Number(m[1]) * units[m[2]]
    matched = true
  }

  return matched ? total : undefined
}

import bytes from 'bytes-iec'

/**
 * The whole grammar of a size: a number and an optional unit, nothing else. bytes-iec converts it; it is lenient
 * (`1.5B`, `1.5.5MB`), so only input that matched this grammar reaches it. Fractions need a unit above bytes (and are
 * rounded down to whole bytes).
 */
const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgtp]i?b?|b)?$/i
const FORM = 'use a number of bytes or a number and a unit: 512B, 64KiB, 10MiB, 1.5GiB (-1 for unlimited)'

/** Parse a size such as `128`, `128B`, `1KiB`, `10MB`, `1GiB` (KB/MB/GB are base 2, as in natscli). `-1` means unlimited. */
export function parseSize(input: string): number {
  const s = input.trim()
  if (s === '-1' || /^unlimited$/i.test(s)) return -1
  const m = SIZE.exec(s)
  if (!m) throw new TypeError(`"${input}" is not a size; ${FORM}`)
  const [, number, unit = 'B'] = m
  const bytesUnit = /^b$/i.test(unit)
  if (bytesUnit && !/^\d+$/.test(number)) throw new TypeError(`"${input}" is not a whole number of bytes; ${FORM}`)
  const normalised = `${number}${bytesUnit ? 'B' : /b$/i.test(unit) ? unit : `${unit}B`}`
  const n = bytes.parse(normalised, {mode: 'jedec'})
  if (n === null || !Number.isFinite(n) || n < 0) throw new TypeError(`"${input}" is not a size; ${FORM}`)
  if (n > Number.MAX_SAFE_INTEGER) throw new TypeError(`"${input}" is too large; the largest size is 8191TiB`)
  return n
}

/** Human size in base-2 units: `1.5 KiB`, `256 MiB`; negative means unlimited. */
export function formatSize(n: number | undefined, raw = false): string {
  if (n === undefined || n === null) return ''
  if (n < 0) return 'unlimited'
  if (raw) return String(n)
  if (n < 1024) return `${n} B`
  return bytes.format(n, {decimalPlaces: 1, mode: 'binary', unitSeparator: ' '}) ?? String(n)
}

/** Thousands separators for counts. */
export function formatCount(n: number | undefined, raw = false): string {
  if (n === undefined || n === null) return ''
  if (n < 0) return 'unlimited'
  return raw ? String(n) : n.toLocaleString('en-US')
}

import bytes from 'bytes-iec'

/** Parse a size such as `128`, `128B`, `1KiB`, `10MB`, `1GiB` (KB/MB/GB are base 2, as in natscli). `-1` means unlimited. */
export function parseSize(input: string): number {
  const s = input.trim()
  if (s === '-1' || /^unlimited$/i.test(s)) return -1
  const normalised = /^[\d.]+\s*[kmgtp]$/i.test(s) ? `${s}B` : s
  const n = bytes.parse(normalised, {mode: 'jedec'})
  if (n === null || Number.isNaN(n) || n < 0 || !Number.isFinite(n)) {
    throw new TypeError(`"${input}" is not a size; use a number of bytes or a unit such as 512B, 64KiB, 10MiB, 1GiB`)
  }

  return Math.floor(n)
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

/**
 * Whether two subjects (either may hold `*` and `>`) overlap: some concrete subject matches both. `orders.*` and
 * `orders.eu` overlap, `orders.>` and `orders` do not, `a.*.c` and `a.b.*` do.
 */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.')
  const y = b.split('.')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (i >= x.length || i >= y.length) return false
    if (x[i] === '>' || y[i] === '>') return true
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false
  }

  return true
}

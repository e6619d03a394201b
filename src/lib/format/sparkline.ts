/**
 * Sparklines: a series drawn in one line of the eight block characters ▁▂▃▄▅▆▇█. Pure: it returns a string, with no
 * colour (the shape carries the meaning, so NO_COLOR and a plain terminal lose nothing).
 */

export const SPARK_BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/**
 * `values` oldest first, drawn in at most `cells` characters (the newest at the right).
 *
 * - More values than cells: each cell is the mean of the values it covers (a drop to zero shows as a dip, a burst as
 *   a rise; a maximum would hide the drops), grouped from the newest so the last cell is always the latest value.
 * - Scale: from zero to the sparkline's own largest value, so its full height is its own peak. Zero is the lowest
 *   block and only zero is: any traffic at all is at least ▂; an all-zero window is a line of ▁.
 * - A gap is a space (a blank, never a block: ▁ means zero traffic, and a gap must not look like data). A value is a
 *   gap when it is NaN: no rate yet, a restart, a server down, or (for `top`'s clock-based history, one value a
 *   poll-interval time slot) no sample in that slot because the poll came late or failed. A cell covering several
 *   values is blank only when none of them is finite; one that has some is the mean of those it has.
 */
export function sparkline(values: ArrayLike<number>, cells = values.length): string {
  const n = values.length
  const width = Math.max(1, Math.floor(cells))
  const per = Math.max(1, Math.ceil(n / width))
  const points: number[] = []
  // from the newest backwards, `per` values a cell; the oldest cell may cover fewer
  for (let end = n; end > 0; end -= per) {
    let sum = 0
    let count = 0
    for (let i = Math.max(0, end - per); i < end; i++) {
      const v = values[i]
      if (Number.isFinite(v)) {
        sum += Math.max(0, v)
        count++
      }
    }

    points.push(count === 0 ? Number.NaN : sum / count)
  }

  points.reverse()
  let max = 0
  for (const p of points) if (p > max) max = p
  let out = ''
  for (const p of points) {
    if (Number.isNaN(p)) out += ' '
    else if (p <= 0 || max <= 0) out += SPARK_BLOCKS[0]
    else out += SPARK_BLOCKS[Math.max(1, Math.round((p / max) * (SPARK_BLOCKS.length - 1)))]
  }

  return out
}

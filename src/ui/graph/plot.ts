/**
 * One chart as lines of text, drawn by asciichart at an exact size: `width` columns including the y-axis labels and
 * `height` rows. Fewer samples than columns are stretched to fill the width; more are cut to the newest.
 * Pure, so the components and the tests share it.
 */
import asciichart from 'asciichart'

import type {GraphUnit} from '../../lib/graph/types.js'

import {axisLabel} from '../../lib/graph/format.js'

export interface PlotOptions {
  /** the y axis starts at 0 (otherwise it spans the values) */
  fromZero: boolean
  height: number
  unit: GraphUnit
  width: number
}

/** The values to draw: leading gaps dropped, a gap inside the series holds the value before it. */
export function fillGaps(values: ReadonlyArray<null | number>): number[] {
  const out: number[] = []
  for (const v of values) {
    if (v !== null && Number.isFinite(v)) out.push(v)
    else if (out.length > 0) out.push(out.at(-1)!)
  }

  return out
}

/** Exactly `points` values: the newest `points`, or every sample repeated over its share of the columns. */
export function fitPoints(values: readonly number[], points: number): number[] {
  if (values.length >= points) return values.slice(values.length - points)
  return Array.from({length: points}, (_, c) => values[Math.floor((c * values.length) / points)])
}

/** The chart's lines, or [] when there is nothing to draw yet. */
export function plotLines(values: ReadonlyArray<null | number>, o: PlotOptions): string[] {
  const data = fillGaps(values)
  if (data.length === 0) return []
  let lo = Math.min(...data)
  let hi = Math.max(...data)
  if (o.fromZero) lo = Math.min(0, lo)
  if (hi - lo < 1e-9) hi = lo + 1
  // whole counts get one row per value when they span fewer rows than there are, and whole labels
  const whole = o.unit === 'count' && data.every((v) => Number.isInteger(v))
  const height = Math.max(2, whole ? Math.min(o.height, hi - lo + 1) : o.height)
  const rowValues = Array.from({length: height}, (_, k) => hi - (k * (hi - lo)) / (height - 1))
  // values close together (a large total that barely moves) get more digits, until the rows' labels differ
  const distinct = (extra: number): boolean => whole || new Set(rowValues.map((x) => axisLabel(x, o.unit, extra))).size === height
  const extra = [0, 1, 2, 3].find((e) => distinct(e)) ?? 4
  const label = (x: number): string => axisLabel(whole ? Math.round(x) : x, o.unit, extra)
  // the labels of every row, so all are padded to the widest
  const labels = rowValues.map((x) => label(x))
  // (asciichart writes a label narrower than 3 next to or over the axis, so labels take at least 3)
  const labelWidth = Math.max(3, ...labels.map((l) => l.length))
  // a row is: label, one space, the axis, then one column per point (asciichart's offset 3 and its last blank column)
  const points = Math.max(2, o.width - labelWidth - 2)
  const chart = asciichart.plot(fitPoints(data, points), {
    format: (x) => label(x).padStart(labelWidth),
    height: height - 1,
    max: hi,
    min: lo,
  })
  return chart.split('\n').map((l) => l.trimEnd())
}

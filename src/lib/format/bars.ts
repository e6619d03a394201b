/**
 * Horizontal bar charts for people: the largest items of a report drawn to scale, in eighths of a cell. Pure: they
 * return lines. Labels come from the server or the user and are escaped.
 */
import {escapeControls} from './escape.js'

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** A bar `fraction` (0..1) of `width` cells long, in eighths of a cell; any fraction above zero shows at least one eighth. */
export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction))
  const eighths = Math.max(f > 0 ? 1 : 0, Math.round(f * width * 8))
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8]
}

export interface BarItem {
  label: string
  /** how the value is written after its bar (default: the number) */
  shown?: string
  value: number
}

/**
 * A titled chart of the `top` largest items, largest first, each bar scaled to the largest value and the whole
 * fitting `width` columns. Items of equal value keep their order; an empty list draws only the title and "none".
 */
export function barChart(title: string, items: BarItem[], width = 80, top = 10): string[] {
  const chosen = [...items].sort((a, b) => b.value - a.value).slice(0, top)
  if (chosen.length === 0) return [title, '  (none)']
  const largest = chosen[0].value
  const labels = chosen.map((i) => escapeControls(i.label))
  const labelWidth = Math.min(30, Math.max(...labels.map((s) => s.length)))
  const values = chosen.map((i) => i.shown ?? i.value.toLocaleString('en-US'))
  const valueWidth = Math.max(...values.map((s) => s.length))
  const barWidth = Math.max(10, width - labelWidth - valueWidth - 4)
  return [
    title,
    ...chosen.map((item, i) => {
      const label = labels[i].length > labelWidth ? `${labels[i].slice(0, labelWidth - 1)}…` : labels[i].padStart(labelWidth)
      return `${label} │${bar(largest > 0 ? item.value / largest : 0, barWidth).padEnd(barWidth)} ${values[i]}`
    }),
  ]
}

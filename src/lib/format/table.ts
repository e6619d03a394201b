import Table from 'cli-table3'

import {escapeControls as esc} from './escape.js'

export interface TableOptions {
  /** right-align these column indexes (numbers) */
  align?: Array<'center' | 'left' | 'right'>
  title?: string
}

/**
 * Render rows as a boxed table (a string; the caller prints it). The heading, the title and every cell are shown with
 * their control characters escaped (see escape.ts): a cell cannot break the table or reach the terminal.
 */
export function renderTable(head: string[], rows: Array<Array<number | string>>, options: TableOptions = {}): string {
  const table = new Table({
    // no rule between body rows (natscli's tables read the same way)
    chars: {'left-mid': '', mid: '', 'mid-mid': '', 'right-mid': ''},
    head: head.map((h) => esc(h)),
    style: {border: [], compact: false, head: []},
    ...(options.align ? {colAligns: options.align} : {}),
  })
  for (const row of rows) table.push(row.map((cell) => esc(String(cell))))
  // one rule under the heading: the top border with its corners turned into junctions
  const lines = table.toString().split('\n')
  if (lines.length > 2) lines.splice(2, 0, lines[0].replace('┌', '├').replaceAll('┬', '┼').replace('┐', '┤'))
  const body = lines.join('\n')
  return options.title ? `${esc(options.title)}\n\n${body}` : body
}

/**
 * Right-aligned `Label: value` rows, natscli's column view; a string is a line of its own. Labels, values and lines
 * are shown with their control characters escaped (see escape.ts).
 */
export function renderColumns(rows: Array<[string, number | string | undefined] | string>): string {
  const pairs = rows.filter((r): r is [string, number | string | undefined] => Array.isArray(r))
  const width = Math.max(0, ...pairs.map(([k]) => esc(k).length))
  return rows
    .map((r) => (Array.isArray(r) ? `${esc(r[0]).padStart(width)}: ${esc(String(r[1] ?? ''))}` : esc(r)))
    .join('\n')
}

/** Where the panels go on a screen of a given size: a grid of one or two columns that fills the terminal. */
export interface GraphLayout {
  chartHeight: number
  columns: number
  gap: number
  panelWidth: number
}

/** Lines above the panels (title, subtitle) and one left free so the frame never scrolls the terminal. */
export const HEADER_LINES = 2

export function graphLayout(panels: number, columns: number, rows: number): GraphLayout {
  const gridColumns = columns >= 100 && panels > 1 ? 2 : 1
  const gap = gridColumns > 1 ? 2 : 0
  const gridRows = Math.max(1, Math.ceil(panels / gridColumns))
  const free = Math.max(0, rows - HEADER_LINES - 1)
  // each panel: its title line, the chart, one blank line under it
  const chartHeight = Math.max(2, Math.floor(free / gridRows) - 2)
  const panelWidth = Math.max(20, Math.floor((columns - gap * (gridColumns - 1)) / gridColumns))
  return {chartHeight, columns: gridColumns, gap, panelWidth}
}

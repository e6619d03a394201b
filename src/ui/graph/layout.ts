/**
 * Where the panels go on a screen of a given size: a grid of one or two columns that fills the terminal and never
 * grows taller than it (a frame taller than the terminal scrolls its title away).
 */
export interface GraphLayout {
  chartHeight: number
  columns: number
  /** blank columns between two panels side by side */
  gap: number
  panelWidth: number
  /** blank lines under each row of panels */
  spacing: number
}

/** Lines above the panels (title, subtitle); one more is left free so the frame never scrolls the terminal. */
export const HEADER_LINES = 2
/** the fewest chart rows asciichart can draw (the top and bottom labels) */
const MIN_CHART = 2

export function graphLayout(panels: number, columns: number, rows: number): GraphLayout {
  const free = Math.max(0, rows - HEADER_LINES - 1)
  // two columns where there is room across; one where it is narrow, unless one column is too tall to fit
  const choices = panels < 2 ? [1] : columns >= 100 ? [2] : columns >= 60 ? [1, 2] : [1]
  for (const gridColumns of choices) {
    const perRow = Math.floor(free / Math.ceil(panels / gridColumns))
    for (const spacing of [1, 0]) {
      // each panel: its title line, the chart, the spacing under it
      const chartHeight = perRow - 1 - spacing
      if (chartHeight >= MIN_CHART) return sized(gridColumns, chartHeight, spacing, columns)
    }
  }

  return sized(choices.at(-1)!, MIN_CHART, 0, columns)
}

function sized(gridColumns: number, chartHeight: number, spacing: number, columns: number): GraphLayout {
  const gap = gridColumns > 1 ? 2 : 0
  const panelWidth = Math.max(20, Math.floor((columns - gap * (gridColumns - 1)) / gridColumns))
  return {chartHeight, columns: gridColumns, gap, panelWidth, spacing}
}

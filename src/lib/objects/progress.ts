/**
 * Transfer progress: a pure formatter for one progress line and a throttled writer that draws it on stderr only
 * when stderr is a terminal (never on stdout, never under --json or when piped).
 */
import {formatDuration} from '../format/duration.js'
import {formatSize} from '../format/size.js'

export interface ProgressState {
  /** bytes moved so far */
  done: number
  elapsedMs: number
  label: string
  /** total bytes when known */
  total?: number
  /** terminal columns */
  width: number
}

/** `label [#####.....]  42%  12.0 MiB / 28.6 MiB  85.3 MiB/s  ETA 0s`, fitted to `width`. */
export function formatProgress(s: ProgressState): string {
  const rate = s.elapsedMs > 0 ? (s.done * 1000) / s.elapsedMs : 0
  const rateText = `${formatSize(Math.round(rate))}/s`
  if (s.total === undefined || s.total <= 0) {
    return fit(`${s.label} ${formatSize(s.done)}  ${rateText}`, s.width)
  }

  const frac = Math.min(1, s.done / s.total)
  const pct = `${Math.floor(frac * 100)}%`.padStart(4)
  const eta = rate > 0 && frac < 1 ? `  ETA ${formatDuration(Math.ceil((s.total - s.done) / rate) * 1000)}` : ''
  const tail = ` ${pct}  ${formatSize(s.done)} / ${formatSize(s.total)}  ${rateText}${eta}`
  const barWidth = Math.max(0, Math.min(40, s.width - s.label.length - tail.length - 4))
  if (barWidth < 5) return fit(`${s.label}${tail}`, s.width)
  const filled = Math.round(frac * barWidth)
  return fit(`${s.label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`, s.width)
}

function fit(line: string, width: number): string {
  return width > 0 && line.length > width ? line.slice(0, Math.max(0, width - 1)) : line
}

export interface ProgressWriter {
  /** draw the final state and end the line */
  done(): void
  update(bytes: number): void
}

const NOOP: ProgressWriter = {
  done() {},
  update() {},
}

/** A writer that redraws at most every `intervalMs`; a no-op when `enabled` is false. */
export function progressWriter(
  label: string,
  total: number | undefined,
  options: {enabled: boolean; intervalMs?: number; now?: () => number; stream?: NodeJS.WriteStream},
): ProgressWriter {
  if (!options.enabled) return NOOP
  const stream = options.stream ?? process.stderr
  const now = options.now ?? Date.now
  const interval = options.intervalMs ?? 100
  const start = now()
  let last = Number.NEGATIVE_INFINITY
  let bytes = 0
  const draw = (): void => {
    stream.write(`\r${formatProgress({done: bytes, elapsedMs: now() - start, label, total, width: (stream.columns || 80) - 1})}\u001B[K`)
  }

  return {
    done() {
      draw()
      stream.write('\n')
    },
    update(n) {
      bytes += n
      const t = now()
      if (t - last >= interval) {
        last = t
        draw()
      }
    },
  }
}

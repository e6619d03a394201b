import {formatCount, formatSize} from '../format/size.js'
/**
 * Pure renderings of a benchmark: natscli's banner and summary for people, one CSV row per client, and the
 * progress line. They return strings; the command decides where they go.
 */
import {type BenchResult, type BenchSpec, type LatencySummary, SENDING_MODES} from './types.js'

const TITLES: Record<BenchResult['mode'], string> = {
  'js consume': 'JetStream consume',
  'js fetch': 'JetStream fetch',
  'js get': 'JetStream direct get',
  'js ordered': 'JetStream ordered consumer',
  'js pub': 'JetStream publish',
  'kv get': 'KV get',
  'kv put': 'KV put',
  pub: 'Pub',
  reply: 'Reply',
  request: 'Request',
  sub: 'Sub',
}

const rate = (n: number): string => formatCount(Math.round(n))
const perSec = (bytes: number): string => `${formatSize(Math.round(bytes))}/sec`

/** natscli's "Starting … benchmark [clients=…, msg-size=…, msgs=…]". */
export function banner(spec: BenchSpec): string {
  const parts = [`clients=${spec.clients}`]
  if (SENDING_MODES.has(spec.mode)) parts.push(`msg-size=${formatSize(spec.size)}`)
  parts.push(spec.durationMs ? `duration=${spec.durationMs / 1000}s` : `msgs=${formatCount(spec.msgs)}`)
  if (spec.rate > 0) parts.push(`rate=${formatCount(spec.rate)}/s`)
  if (spec.multisubject > 0) parts.push(`multisubject=${spec.multisubject}`)
  if (spec.mode === 'js pub' && spec.batchMode)
    parts.push(
      `batch-mode=${spec.batchMode}`,
      `batch-size=${spec.batchSize ? formatCount(spec.batchSize) : 'run'}`,
      ...(spec.batchMode === 'fast' ? [`flow=${spec.batch}`] : []),
      `max-outstanding-acks=${spec.maxOutstanding}`,
      `dedup=${Boolean(spec.dedup)}`,
    )
  else if (spec.mode === 'js pub')
    parts.push(
      `mode=${spec.jsPubMode}`,
      ...(spec.jsPubMode === 'async' ? [`batch=${spec.batch}`] : []),
      `dedup=${Boolean(spec.dedup)}`,
    )
  if (spec.mode === 'js get') parts.push(`mode=${spec.jsGetMode}`, ...(spec.jsGetMode === 'batch' ? [`batch=${spec.batch}`] : []))
  if (spec.stream && spec.mode === 'js pub') parts.push(`stream=${spec.stream}`)
  if (spec.consumer && (spec.mode === 'js consume' || spec.mode === 'js fetch'))
    parts.push(`consumer=${spec.consumer}`, `acks=${spec.acks}`, `batch=${spec.batch}`)
  const on = spec.subject ? `"${spec.subject}"` : spec.bucket ? `bucket ${spec.bucket}` : `stream ${spec.stream}`
  return `Starting ${TITLES[spec.mode]} benchmark on ${on} [${parts.join(', ')}]`
}

const f = (n: number): string => n.toLocaleString('en-US', {maximumFractionDigits: 1, minimumFractionDigits: 1})

function latencyLine(l: LatencySummary, op?: string): string {
  return `latency${op ? ` (${op})` : ''} µs: min ${f(l.min)} | avg ${f(l.mean)} | max ${f(l.max)} | stddev ${f(l.stddev)} | p50 ${f(l.p50)} | p90 ${f(l.p90)} | p99 ${f(l.p99)} | p99.9 ${f(l.p999)} (${formatCount(l.count)} ops)`
}

/** The summary natscli prints after a run. */
export function humanSummary(r: BenchResult, cause: 'interrupt' | 'lost' = 'interrupt'): string {
  const lines: string[] = []
  if (r.interrupted)
    lines.push(cause === 'lost' ? 'Interrupted: figures for the work done before the connection was lost' : 'Interrupted: figures for the work done before Ctrl-C')
  lines.push(
    `${TITLES[r.mode]} stats: ${rate(r.total.msgs_per_sec)} msgs/sec ~ ${perSec(r.total.bytes_per_sec)} (${formatCount(r.total.msgs)} msgs, ${formatSize(r.total.bytes)} in ${r.total.seconds.toFixed(3)}s)`,
  )
  if (r.clients.length > 1) {
    for (const c of r.clients) {
      lines.push(
        ` [${c.id}] ${rate(c.msgs_per_sec)} msgs/sec ~ ${perSec(c.bytes_per_sec)} (${formatCount(c.msgs)} msgs)`,
      )
    }

    const s = r.client_rates
    lines.push(
      ` message rates min ${rate(s.min)} | avg ${rate(s.avg)} | max ${rate(s.max)} | stddev ${rate(s.stddev)} msgs/sec`,
    )
  }

  if (r.latency) lines.push(` ${latencyLine(r.latency, r.latency_op)}`)
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  return lines.join('\n')
}

const CSV_HEAD = ['RunID', 'ClientID', 'MsgCount', 'MsgBytes', 'MsgsPerSec', 'BytesPerSec', 'DurationSecs']
const CSV_LATENCY = ['LatMinUs', 'LatAvgUs', 'LatMaxUs', 'LatStdDevUs', 'LatP50Us', 'LatP90Us', 'LatP99Us', 'LatP999Us']

/** natscli's CSV columns, one row per client; latency columns when the mode times operations. */
export function csv(r: BenchResult, runId: string): string {
  const timed = Boolean(r.latency)
  const rows = [[...CSV_HEAD, ...(timed ? CSV_LATENCY : [])].join(',')]
  for (const c of r.clients) {
    const row: Array<number | string> = [runId, c.id, c.msgs, c.bytes, c.msgs_per_sec, c.bytes_per_sec, c.seconds]
    if (timed) {
      const l = c.latency
      row.push(
        ...(l ? [l.min, l.mean, l.max, l.stddev, l.p50, l.p90, l.p99, l.p999] : ['', '', '', '', '', '', '', '']),
      )
    }

    rows.push(row.join(','))
  }

  return rows.join('\n') + '\n'
}

/** One progress line (drawn over itself with \r on a terminal). */
export function progressLine(done: number, target: number, elapsedMs: number, durationMs?: number, width = 30): string {
  const fraction = durationMs ? Math.min(1, elapsedMs / durationMs) : target > 0 ? Math.min(1, done / target) : 0
  const filled = Math.round(fraction * width)
  const bar = '='.repeat(filled) + (filled < width ? '>' : '') + ' '.repeat(Math.max(0, width - filled - 1))
  const speed = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0
  const count = durationMs ? formatCount(done) : `${formatCount(done)}/${formatCount(target)}`
  return `[${bar}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)}% ${count} msgs ${rate(speed)} msgs/sec`
}

/**
 * The result of a per-resource `server check <kind>`: a list of observations, each with its own status, and the
 * worst of them as the whole check's status and Nagios exit code. Rendered as text, JSON, a Nagios plugin line or
 * Prometheus text. Pure functions only.
 */
import {type CheckStatus, NAGIOS_CODE} from '../monitoring/servers.js'

export type {CheckStatus} from '../monitoring/servers.js'

export type CheckKind = 'connection' | 'consumer' | 'credential' | 'jetstream' | 'kv' | 'message' | 'meta' | 'server' | 'stream'

/** One thing looked at: a measured value (with its thresholds) or a condition that holds or not. */
export interface Observation {
  /** the critical threshold, as given */
  crit?: number
  message: string
  /** a short metric name: `messages`, `rtt`, `memory_pct`, … */
  name: string
  status: CheckStatus
  unit?: '%' | 'B' | 'ms' | 's'
  value?: number
  /** the warning threshold, as given */
  warn?: number
}

/** `server check <kind> --json` */
export interface ResourceCheckResult {
  check: CheckKind
  /** Nagios plugin exit code: 0 ok, 1 warning, 2 critical, 3 unknown */
  nagios_code: number
  observations: Observation[]
  /** the worst status of all observations (unknown when there is none) */
  status: CheckStatus
  /** what was checked: a stream, `STREAM > CONSUMER`, a server, a file, … */
  target: string
}

const ORDER: CheckStatus[] = ['ok', 'warning', 'unknown', 'critical']

export function worst(statuses: CheckStatus[], none: CheckStatus = 'unknown'): CheckStatus {
  if (statuses.length === 0) return none
  return statuses.reduce((w, s) => (ORDER.indexOf(s) > ORDER.indexOf(w) ? s : w), 'ok')
}

export function resourceResult(check: CheckKind, target: string, observations: Observation[]): ResourceCheckResult {
  const status = worst(observations.map((o) => o.status))
  return {check, nagios_code: NAGIOS_CODE[status], observations, status, target}
}

/** A check that could not look at its resource at all (server down, no permission): one observation. */
export function failedResource(check: CheckKind, target: string, message: string, status: CheckStatus): ResourceCheckResult {
  return resourceResult(check, target, [{message, name: 'connection', status}])
}

const oneLine = (s: string): string => s.replaceAll(/\s*[\r\n|]+\s*/g, ' ').trim()

/** Nagios perfdata label: quoted when it holds anything but word characters. */
const perfLabel = (s: string): string => (/^\w+$/.test(s) ? s : `'${s.replaceAll("'", '"')}'`)

/**
 * `NATS OK: stream ORDERS: 10 messages, 3 of 3 replicas current | messages=10;;; …`: the failing observations (or
 * all of them when none fails) on one line, perfdata for every measured value.
 */
export function nagiosLine(r: ResourceCheckResult): string {
  const bad = r.observations.filter((o) => o.status !== 'ok')
  const shown = (bad.length > 0 ? bad : r.observations).map((o) => o.message)
  const summary = oneLine(`${r.check} ${r.target}: ${shown.join(', ') || 'nothing checked'}`)
  const perf = r.observations
    .filter((o) => o.value !== undefined)
    .map((o) => `${perfLabel(o.name)}=${o.value}${o.unit ?? ''};${o.warn ?? ''};${o.crit ?? ''}`)
  return `NATS ${r.status.toUpperCase()}: ${summary}${perf.length > 0 ? ` | ${perf.join(' ')}` : ''}`
}

const esc = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', String.raw`\n`)

/** Prometheus text: one status gauge for the check and one per observation, and a value gauge per measured value. */
export function prometheusLines(r: ResourceCheckResult): string {
  const labels = `check="${r.check}",target="${esc(r.target)}"`
  const lines = [
    '# HELP natsx_check_status Check status: 0 ok, 1 warning, 2 critical, 3 unknown.',
    '# TYPE natsx_check_status gauge',
    `natsx_check_status{${labels}} ${r.nagios_code}`,
    ...r.observations.map((o) => `natsx_check_status{${labels},name="${esc(o.name)}"} ${NAGIOS_CODE[o.status]}`),
  ]
  const measured = r.observations.filter((o) => o.value !== undefined)
  if (measured.length > 0) {
    lines.push('# HELP natsx_check_value A measured value (unit in the unit label).', '# TYPE natsx_check_value gauge')
    for (const o of measured) lines.push(`natsx_check_value{${labels},name="${esc(o.name)}",unit="${o.unit ?? ''}"} ${o.value}`)
  }

  return lines.join('\n')
}

/** Text for a person: one line per observation, then the Nagios line. */
export function textLines(r: ResourceCheckResult): string[] {
  const width = Math.max(4, ...r.observations.map((o) => o.name.length))
  return [...r.observations.map((o) => `${o.status.toUpperCase().padEnd(8)} ${o.name.padEnd(width)}  ${oneLine(o.message)}`), '', nagiosLine(r)]
}

/**
 * `--report FILE.html` and `bench --compare`: one self-contained HTML page for one or more runs. The page holds
 * Chart.js inline (no CDN, no network request), the runs' parameters, throughput over time, the latency percentile
 * curve (HDR style: a log x-axis that spreads out the tail), the per-client rates, and each run's JSON result.
 * `htmlReport` is pure: the caller passes Chart.js's source in (`chartJsSource`).
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

import type {BenchResult} from './types.js'

import {latencyCurve} from './distribution.js'
import {rates} from './timeline.js'

export interface ReportRun {
  /** how the run is named in legends: the file it came from, or "this run" */
  label: string
  result: BenchResult
}

/** The data each chart draws, embedded in the page beside the results (tests compare the two). */
export interface ReportChartData {
  clientIds: number[]
  clients: Array<{label: string; rates: number[]}>
  latency: Array<{label: string; points: Array<{percentile: number; us: number; x: number}>}>
  throughput: Array<{label: string; points: Array<{msgs_per_sec: number; s: number}>}>
}

/** Chart.js's one-file build, from the installed package. */
export function chartJsSource(): string {
  const req = createRequire(import.meta.url)
  const file = join(dirname(req.resolve('chart.js')), 'chart.umd.min.js')
  // a source map comment would make a browser with developer tools open ask for the map
  return readFileSync(file, 'utf8').replaceAll(/\/\/# sourceMappingURL=\S+/g, '')
}

const escapeHtml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')

/** JSON that can sit inside a <script> element: no "<" can close it. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replaceAll('<', String.raw`\u003c`)

/** x of a percentile on the HDR axis: 1/(1-p), so 90% is 10, 99% is 100, 99.9% is 1000; 100% sits at the count. */
export function hdrX(percentile: number, count: number): number {
  if (percentile >= 100) return Math.max(10, count)
  return 1 / (1 - percentile / 100)
}

export function chartData(runs: ReportRun[]): ReportChartData {
  const ids = [...new Set(runs.flatMap((r) => r.result.clients.map((c) => c.id)))].sort((a, b) => a - b)
  return {
    clientIds: ids,
    clients: runs.map((r) => ({
      label: r.label,
      rates: ids.map((id) => r.result.clients.find((c) => c.id === id)?.msgs_per_sec ?? 0),
    })),
    latency: runs
      .filter((r) => r.result.latency?.histogram)
      .map((r) => ({
        label: r.label,
        points: latencyCurve(r.result.latency!.histogram!).map((p) => ({...p, x: hdrX(p.percentile, r.result.latency!.count)})),
      })),
    throughput: runs.map((r) => ({label: r.label, points: rates(r.result.timeline ?? [])})),
  }
}

function parameters(run: ReportRun): string {
  const r = run.result
  const rows: Array<[string, string]> = [
    ['mode', r.mode],
    ['server version', r.server_version ?? 'unknown'],
    ...Object.entries(r.options).map(([k, v]): [string, string] => [k, String(v)]),
    ['messages', r.total.msgs.toLocaleString('en-US')],
    ['seconds', String(r.total.seconds)],
    ['msgs/sec', Math.round(r.total.msgs_per_sec).toLocaleString('en-US')],
    ['bytes/sec', Math.round(r.total.bytes_per_sec).toLocaleString('en-US')],
    ...(r.latency
      ? ([
          ['latency p50 / p90 / p99 / p99.9 (µs)', `${r.latency.p50} / ${r.latency.p90} / ${r.latency.p99} / ${r.latency.p999}`],
          ...(r.latency_op ? [['latency of', r.latency_op] as [string, string]] : []),
        ] as Array<[string, string]>)
      : []),
    ['interrupted', String(r.interrupted)],
    ...r.warnings.map((w): [string, string] => ['warning', w]),
  ]
  return `<table class="params"><caption>${escapeHtml(run.label)}</caption>${rows
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')}</table>`
}

// Draws the three charts from the embedded data, then marks the page ready (tests wait for data-charts-ready).
const DRAW = `
const data = JSON.parse(document.getElementById('natsx-chart-data').textContent);
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const common = {animation: false, responsive: false, devicePixelRatio: 1};
const pct = (x) => { const p = 100 * (1 - 1 / x); return (Math.round(p * 1000) / 1000) + '%'; };
new Chart(document.getElementById('throughput'), {type: 'line', options: {...common,
  scales: {x: {type: 'linear', title: {display: true, text: 'seconds'}}, y: {beginAtZero: true, title: {display: true, text: 'msgs/sec'}}}},
  data: {datasets: data.throughput.map((t, i) => ({label: t.label, borderColor: colors[i % 4], pointRadius: 0,
    data: t.points.map((p) => ({x: p.s, y: p.msgs_per_sec}))}))}});
if (data.latency.length > 0) new Chart(document.getElementById('latency'), {type: 'line', options: {...common,
  scales: {x: {type: 'logarithmic', title: {display: true, text: 'percentile'},
      ticks: {callback: (v) => (Math.log10(v) % 1 === 0 ? pct(v) : '')}},
    y: {type: 'logarithmic', title: {display: true, text: 'latency (µs)'}}}},
  data: {datasets: data.latency.map((l, i) => ({label: l.label, borderColor: colors[i % 4], stepped: true,
    data: l.points.map((p) => ({x: p.x, y: Math.max(p.us, 0.001)}))}))}});
new Chart(document.getElementById('clients'), {type: 'bar', options: {...common,
  scales: {y: {beginAtZero: true, title: {display: true, text: 'msgs/sec'}}}},
  data: {labels: data.clientIds.map((id) => 'client ' + id),
    datasets: data.clients.map((c, i) => ({label: c.label, backgroundColor: colors[i % 4], data: c.rates}))}});
document.body.dataset.chartsReady = 'true';
`

const canvas = (id: string, heading: string): string =>
  `<section><h2>${heading}</h2><canvas id="${id}" width="900" height="360"></canvas></section>`

export function htmlReport(runs: ReportRun[], chartJs: string): string {
  const data = chartData(runs)
  const title = runs.length === 1 ? `natsx bench: ${runs[0].result.mode}` : `natsx bench: ${runs.map((r) => r.label).join(' vs ')}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table.params{border-collapse:collapse;margin:0 2em 1em 0;display:inline-table;vertical-align:top}
th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}caption{font-weight:bold;text-align:left}h2{font-size:16px}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<section id="parameters">${runs.map((r) => parameters(r)).join('')}</section>
${canvas('throughput', 'Throughput over time')}
${data.latency.length > 0 ? canvas('latency', 'Latency by percentile') : '<section><h2>Latency by percentile</h2><p>This mode does not time its operations.</p></section>'}
${canvas('clients', 'Messages per second by client')}
<script type="application/json" id="natsx-results">${scriptJson(runs.map((r) => ({label: r.label, result: r.result})))}</script>
<script type="application/json" id="natsx-chart-data">${scriptJson(data)}</script>
<script>${chartJs.replaceAll('</script', String.raw`<\/script`)}</script>
<script>${DRAW}</script>
</body></html>
`
}

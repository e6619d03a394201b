import * as Flags from '@oclif/core/flags'
import {readFileSync, writeFileSync} from 'node:fs'

import type {BenchResult} from '../lib/bench/types.js'

import {BaseCommand} from '../lib/base-command.js'
import {chartJsSource, htmlReport, type ReportRun} from '../lib/bench/html-report.js'
import {usageError} from '../lib/errors.js'

export interface BenchCompareResult {
  /** the HTML file written */
  report: string
  runs: Array<{file: string; mode: string; msgs_per_sec: number; server_version?: string}>
}

/** A saved `natsx bench … --json` result, or exit 2 naming the file and what is wrong with it. */
function readResult(file: string): BenchResult {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'pass the file a `natsx bench … --json` run wrote')
  }

  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw usageError(`${file} is not JSON`, 'pass the output of a `natsx bench … --json` run')
  }

  const r = value as null | Partial<BenchResult>
  if (!r || typeof r !== 'object' || typeof r.mode !== 'string' || !Array.isArray(r.clients) || typeof r.total?.msgs_per_sec !== 'number')
    throw usageError(`${file} is not a natsx bench result (no mode, clients and total)`, 'pass the output of a `natsx bench … --json` run')
  return r as BenchResult
}

export default class Bench extends BaseCommand<typeof Bench> {
  static description = `Draws earlier runs, saved with \`natsx bench … --json > FILE\`, into one self-contained HTML page: their
parameters side by side, throughput over time, the latency percentile curves and the per-client rates. The page
loads nothing from the network. To benchmark, run one of the modes below (each takes --report FILE.html too).`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> bench js pub ORDERS.new --json > before.json',
    '<%= config.bin %> bench --compare before.json after.json --report compare.html',
  ]
  static flags = {
    compare: Flags.string({
      description: 'one to four saved `natsx bench … --json` results to draw together',
      multiple: true,
    }),
    report: Flags.string({description: 'the HTML file to write'}),
  }
  static summary = 'Benchmark NATS; draw saved runs into an HTML report.'

  async run(): Promise<BenchCompareResult> {
    const {compare, report} = this.flags
    if (!compare || compare.length === 0)
      throw usageError('natsx bench needs a mode (e.g. `natsx bench pub`) or --compare A.json B.json', 'run `natsx bench --help` to see the modes')
    if (compare.length > 4) throw usageError(`--compare takes at most 4 results, not ${compare.length}`, 'pass up to four files')
    if (!report) throw usageError('--compare needs --report FILE.html, the page to write', 'add --report compare.html')
    const runs: ReportRun[] = compare.map((file) => ({label: file, result: readResult(file)}))
    try {
      writeFileSync(report, htmlReport(runs, chartJsSource()))
    } catch (error) {
      throw usageError(`cannot write the report file ${report}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'pass a writable path to --report')
    }

    const result: BenchCompareResult = {
      report,
      runs: runs.map((r) => ({
        file: r.label,
        mode: r.result.mode,
        msgs_per_sec: r.result.total.msgs_per_sec,
        ...(r.result.server_version ? {server_version: r.result.server_version} : {}),
      })),
    }
    this.say(`wrote ${report}: ${runs.map((r) => `${r.label} (${r.result.mode}, ${Math.round(r.result.total.msgs_per_sec).toLocaleString('en-US')} msgs/sec)`).join(' vs ')}`)
    return result
  }
}

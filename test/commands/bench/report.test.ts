/// <reference lib="dom" />
// bench drawn: the terminal histogram and client bars, `--report FILE.html` opened in Debian's headless Chromium (no
// network), and `bench --compare`. Chromium is installed by scripts/setup.sh (NATSX_SETUP_TEST_TOOLS=1, as in CI).
import {existsSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type Browser, chromium} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BenchResult} from '../../../src/lib/bench/types.js'

import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, startServer} from '../../helpers/servers.js'

const CHROMIUM = '/usr/bin/chromium'

let server: NatsServer
let dir: string
let browser: Browser
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run NATSX_SETUP_TEST_TOOLS=1 bash scripts/setup.sh`)
  server = await startServer({jetstream: false})
  dir = mkdtempSync(join(tmpdir(), 'natsx-bench-report-'))
  browser = await chromium.launch({
    // as the machine's notes say: no sandbox as root, and none of Chromium's own background connections
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    executablePath: CHROMIUM,
  })
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await server?.destroy()
})

interface Drawn {
  /** points (or bars) of each dataset */
  data: Array<Array<number | {x: number; y: number}>>
  labels: string[]
  /** canvas pixels that are not transparent */
  painted: number
}

/** Opens the page from disk, waits for its charts, and reads each chart back from Chart.js and from its pixels. */
async function open(file: string, shot: string): Promise<{charts: Record<string, Drawn | null>; embedded: Array<{label: string; result: BenchResult}>; requests: string[]}> {
  const page = await browser.newPage()
  const requests: string[] = []
  page.on('request', (r) => requests.push(r.url()))
  try {
    await page.goto(`file://${file}`)
    await page.waitForSelector('body[data-charts-ready="true"]', {timeout: 20_000})
    /* eslint-disable no-undef -- this function runs in the page, where document and the canvas types are defined */
    const charts = await page.evaluate(() => {
      const out: Record<string, Drawn | null> = {}
      for (const id of ['throughput', 'latency', 'clients']) {
        const canvas = document.querySelector<HTMLCanvasElement>(`#${id}`)
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const chart = canvas ? (globalThis as any).Chart.getChart(canvas) : undefined
        if (!canvas || !chart) {
          out[id] = null
          continue
        }

        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let painted = 0
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        out[id] = {data: chart.data.datasets.map((d: any) => d.data), labels: chart.data.datasets.map((d: any) => d.label), painted}
      }

      return out
    })
    /* eslint-enable no-undef */
    const embedded = JSON.parse((await page.textContent('#natsx-results')) ?? '[]')
    await page.screenshot({fullPage: true, path: shot})
    return {charts, embedded, requests}
  } finally {
    await page.close()
  }
}

describe('bench --report', () => {
  it('writes one self-contained page: every chart draws, its points match the JSON result, no network request', async () => {
    const file = join(dir, 'request.html')
    const reply = spawnCli(['bench', 'reply', 'b.rep', '--msgs', '4000', '-s', server.url, '--timeout', '30s'])
    // bench request does not wait for a responder: a request before the service has subscribed finds none (exit 6)
    await reply.waitFor('Starting Reply benchmark', 'stderr')
    const res = await runCli(['bench', 'request', 'b.rep', '--clients', '2', '--msgs', '4000', '--report', file, '--json', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    expect((await reply.done).code).toBe(0)
    const r = res.json<BenchResult>()
    expect(r.latency?.histogram).toBeTruthy()
    expect(r.timeline!.at(-1)!.msgs).toBe(r.total.msgs)
    const shot = join(dir, 'request.png')
    const {charts, embedded, requests} = await open(file, shot)
    expect(requests).toEqual([`file://${file}`])
    expect(statSync(shot).size).toBeGreaterThan(10_000)
    for (const id of ['throughput', 'latency', 'clients']) expect(charts[id]?.painted, id).toBeGreaterThan(1000)
    // the page embeds the very result --json printed
    expect(embedded[0].result.total).toEqual(r.total)
    // clients: one bar per client, its height the client's rate
    expect(charts.clients!.data[0]).toEqual(r.clients.map((c) => c.msgs_per_sec))
    // latency: the point at 99% (x = 1/(1-0.99) = 100) is the p99 the summary reports
    const p99 = (charts.latency!.data[0] as Array<{x: number; y: number}>).find((p) => Math.abs(p.x - 100) < 1e-6)
    expect(p99?.y).toBe(r.latency!.p99)
    // throughput: the rate between the last two samples of the timeline
    const [a, b] = r.timeline!.slice(-2)
    const last = (charts.throughput!.data[0] as Array<{x: number; y: number}>).at(-1)!
    expect(last.x).toBe(b.ms / 1000)
    expect(last.y).toBe(Math.round(((b.msgs - a.msgs) * 1000) / (b.ms - a.ms)))
  }, 90_000)

  it('prints the latency histogram with its percentiles marked, and a bar per client', async () => {
    const reply = spawnCli(['bench', 'reply', 'b.hist', '--msgs', '2000', '-s', server.url, '--timeout', '30s'])
    await reply.waitFor('Starting Reply benchmark', 'stderr')
    const res = await runCli(['bench', 'request', 'b.hist', '--clients', '2', '--msgs', '2000', '-s', server.url], {env: {COLUMNS: '100'}})
    expect(res.code, res.stderr).toBe(0)
    expect((await reply.done).code).toBe(0)
    const lines = res.stdout.split('\n')
    const start = lines.findIndex((l) => l.startsWith('Latency distribution'))
    expect(start).toBeGreaterThan(0)
    const rows = lines.slice(start + 1).filter((l) => l.includes('│'))
    expect(rows.length).toBeGreaterThan(1)
    // the counts of the rows add up to the operations timed, and each percentile is marked once
    const counts = rows.map((l) => Number(/│\S*\s+([\d,]+) \(/.exec(l)![1].replaceAll(',', '')))
    expect(counts.reduce((x, y) => x + y, 0)).toBe(2000)
    for (const p of ['p50', 'p90', 'p99', 'p99.9']) expect(rows.filter((l) => new RegExp(`◀.*\\b${p.replace('.', '\\.')}(\\s|$)`).test(l)), p).toHaveLength(1)
    const bars = lines.slice(lines.indexOf('Messages per second by client:') + 1, lines.indexOf('Messages per second by client:') + 3)
    expect(bars.map((l) => l.trim().slice(0, 3))).toEqual(['[1]', '[2]'])
  }, 90_000)
})

describe('bench --compare', () => {
  it('draws two saved runs into one page, one dataset each, named by file', async () => {
    const files: string[] = []
    for (const n of [1, 2]) {
      const res = await runCli(['bench', 'pub', `b.cmp${n}`, '--msgs', String(5000 * n), '--clients', String(n), '--json', '-s', server.url])
      expect(res.code, res.stderr).toBe(0)
      const file = join(dir, `run${n}.json`)
      writeFileSync(file, res.stdout)
      files.push(file)
    }

    const out = join(dir, 'compare.html')
    const res = await runCli(['bench', '--compare', ...files, '--report', out, '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<{report: string; runs: unknown[]}>().runs).toHaveLength(2)
    const {charts, requests} = await open(out, join(dir, 'compare.png'))
    expect(requests).toEqual([`file://${out}`])
    expect(charts.throughput!.labels).toEqual(files)
    expect(charts.clients!.labels).toEqual(files)
    // core pub times nothing: there is no latency chart, and the page says why
    expect(charts.latency).toBeNull()
    expect(readFileSync(out, 'utf8')).toContain('does not time its operations')
    const saved = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchResult)
    // client 2 ran only in the second run: the first run's bar there is 0
    expect(charts.clients!.data).toEqual([
      [saved[0].clients[0].msgs_per_sec, 0],
      saved[1].clients.map((c) => c.msgs_per_sec),
    ])
  }, 90_000)

  it('refuses what it cannot draw, in one line, exit 2', async () => {
    const notJson = join(dir, 'not.json')
    writeFileSync(notJson, 'hello')
    const other = join(dir, 'other.json')
    writeFileSync(other, '{"name": "x"}')
    const cases: Array<[string[], RegExp]> = [
      [['bench', '--compare', join(dir, 'missing.json'), '--report', join(dir, 'x.html')], /cannot read .*missing\.json: ENOENT/],
      [['bench', '--compare', notJson, '--report', join(dir, 'x.html')], /not\.json is not JSON/],
      [['bench', '--compare', other, '--report', join(dir, 'x.html')], /is not a natsx bench result/],
      [['bench', '--compare', other], /needs --report/],
      [['bench'], /needs a mode/],
      [['bench', 'pub', 'b.bad', '--report', join(dir, 'no', 'such', 'dir.html'), '-s', server.url], /cannot write the report file .*ENOENT/],
    ]
    for (const [args, message] of cases) {
      const res = await runCli(args)
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stderr).toMatch(message)
      expect(res.stderr.trim().split('\n').length).toBeLessThanOrEqual(3)
      expect(res.stderr).not.toMatch(/\n\s+at /)
    }

    expect(existsSync(join(dir, 'x.html'))).toBe(false)
  }, 90_000)
})

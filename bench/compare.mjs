#!/usr/bin/env node
// bench/compare: raw @nats-io/transport-node loops against `natsx bench`, in one go, against one local
// nats-server it starts on a free loopback port. Prints each pair and their ratio; --write puts the table into
// bench/README.md under "## bench compare". Needs a built natsx (npm run build). Not a test.
//   node bench/compare.mjs [--rounds 3] [--scale 1] [--write]
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {freePort, startNatsServer} from './lib.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RAW = join(ROOT, 'bench', 'raw.mjs')
const NATSX = join(ROOT, 'bin', 'run.js')
const {values} = parseArgs({
  options: {
    rounds: {default: '3', type: 'string'},
    scale: {default: '1', type: 'string'},
    server: {default: process.env.NATS_SERVER_BIN ?? 'nats-server', type: 'string'},
    write: {default: false, type: 'boolean'},
  },
})
const rounds = Number(values.rounds)
const scale = Number(values.scale)
const n = (x) => Math.max(1000, Math.round(x * scale))


async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'natsx-compare-'))
  const port = await freePort()
  const child = await startNatsServer(values.server, port, ['-js', '-sd', join(dir, 'store')])
  return {
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => {
        child.once('exit', r)
      })
      rmSync(dir, {force: true, recursive: true})
    },
    url: `nats://127.0.0.1:${port}`,
  }
}

/** Run a node script; resolves with its last stdout line parsed as JSON. `ready` resolves on a stderr pattern. */
function run(args, readyPattern) {
  const child = spawn(process.execPath, args, {
    env: {...process.env, CI: 'true', NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  let onReady
  const ready = new Promise((r) => {
    onReady = r
  })
  child.stdout.on('data', (b) => {
    out += b
  })
  child.stderr.on('data', (b) => {
    err += b
    if (readyPattern && err.includes(readyPattern)) onReady()
  })
  const done = new Promise((resolve, reject) => {
    child.on('close', (code) => {
      if (code === 0) {
        // natsx prints one pretty JSON document; the raw loops print one line
        try {
          resolve(JSON.parse(out))
        } catch {
          resolve(JSON.parse(out.trim().split('\n').at(-1)))
        }
      } else reject(new Error(`${args.join(' ')} exited ${code}\n${out}\n${err}`))
    })
  })
  return {done, ready}
}

const raw = (mode, url, extra) => run([RAW, mode, '--url', url, ...extra], 'ready')
const natsx = (args, url) => run([NATSX, 'bench', ...args, '--json', '--no-progress', '-s', url], 'Starting ')
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Create the JetStream stream if needed and empty it (one message published by a natsx run with --purge). */
const emptyStream = (url) =>
  natsx(['js', 'pub', 'cmp.js', '--stream', 'CMP', '--create', '--purge', '--force', '--msgs', '1'], url).done

const pairs = [
  {
    async natsx(url) {
      return (await natsx(['pub', 'cmp.pub16', '--size', '16B', '--msgs', String(n(1_000_000))], url).done).total
        .msgs_per_sec
    },
    name: 'core publish 16 B (msgs/s)',
    async raw(url) {
      return (await raw('pub', url, ['--subject', 'cmp.pub16', '--size', '16', '--msgs', String(n(1_000_000))]).done)
        .msgs_per_sec
    },
  },
  {
    async natsx(url) {
      return (await natsx(['pub', 'cmp.pub128', '--size', '128B', '--msgs', String(n(1_000_000))], url).done).total
        .msgs_per_sec
    },
    name: 'core publish 128 B (msgs/s)',
    async raw(url) {
      return (await raw('pub', url, ['--subject', 'cmp.pub128', '--size', '128', '--msgs', String(n(1_000_000))]).done)
        .msgs_per_sec
    },
    target: 0.95,
  },
  {
    async natsx(url) {
      return (
        await natsx(['pub', 'cmp.pub2', '--size', '128B', '--clients', '2', '--msgs', String(n(2_000_000))], url).done
      ).total.msgs_per_sec
    },
    name: 'core publish 128 B, natsx --clients 2 vs raw single loop (msgs/s)',
    async raw(url) {
      return (await raw('pub', url, ['--subject', 'cmp.pub2', '--size', '128', '--msgs', String(n(1_000_000))]).done)
        .msgs_per_sec
    },
    target: 1.4,
  },
  {
    async natsx(url) {
      const m = String(n(500_000))
      const sub = natsx(['sub', 'cmp.ps', '--msgs', m], url)
      await sub.ready
      await natsx(['pub', 'cmp.ps', '--size', '128B', '--msgs', m], url).done
      return (await sub.done).total.msgs_per_sec
    },
    name: 'pub→sub 128 B, two processes, subscriber rate (msgs/s)',
    async raw(url) {
      const m = String(n(500_000))
      const sub = raw('sub', url, ['--subject', 'cmp.ps', '--msgs', m])
      await sub.ready
      await raw('pub', url, ['--subject', 'cmp.ps', '--size', '128', '--msgs', m]).done
      return (await sub.done).msgs_per_sec
    },
  },
  {
    lowerIsBetter: true,
    async natsx(url) {
      const m = String(n(10_000))
      const rep = natsx(['reply', 'cmp.rr', '--msgs', m], url)
      await rep.ready
      const r = await natsx(['request', 'cmp.rr', '--size', '128B', '--msgs', m], url).done
      await rep.done
      return r.latency.p50
    },
    name: 'request/reply 128 B, sequential, p50 latency (µs)',
    async raw(url) {
      const m = String(n(10_000))
      const rep = raw('reply', url, ['--subject', 'cmp.rr', '--msgs', m])
      await rep.ready
      const r = await raw('request', url, ['--subject', 'cmp.rr', '--size', '128', '--msgs', m]).done
      await rep.done
      return r.latency.p50
    },
    target: 1.1,
  },
  {
    async natsx(url) {
      // both sides start on the same emptied stream, purged by a separate run before (a purge right before the
      // measured loop would leave the server deleting files during it)
      await emptyStream(url)
      const args = [
        'js',
        'pub',
        'cmp.js',
        '--stream',
        'CMP',
        '--batch',
        '256',
        '--size',
        '128B',
        '--msgs',
        String(n(100_000)),
      ]
      return (await natsx(args, url).done).total.msgs_per_sec
    },
    name: 'JetStream async publish 128 B, window 256 (msgs/s)',
    async raw(url) {
      await emptyStream(url)
      return (
        await raw('jspub', url, [
          '--subject',
          'cmp.js',
          '--size',
          '128',
          '--window',
          '256',
          '--msgs',
          String(n(100_000)),
        ]).done
      ).msgs_per_sec
    },
    target: 0.9,
  },
]

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1))
const range = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`
const server = await startServer()
const started = new Date()
const load0 = loadavg()[0]
const rows = []
try {
  for (const p of pairs) {
    const r = []
    const x = []
    for (let i = 0; i < rounds; i++) {
      // alternate which goes first, so drift in the machine's load hits both alike
      if (i % 2 === 0) {
        r.push(await p.raw(server.url))
        x.push(await p.natsx(server.url))
      } else {
        x.push(await p.natsx(server.url))
        r.push(await p.raw(server.url))
      }
    }

    const rawM = median(r)
    const natsxM = median(x)
    // the ratio is natsx / raw (for rates > 1 is natsx faster; for latency ≤ target is good), the median of the
    // ratios of each round's pair: the two runs of a pair are back to back, so drift in the machine's load
    // between rounds cancels out
    const ratio = median(x.map((v, k) => v / r[k]))
    const ok =
      p.target === undefined
        ? ''
        : p.lowerIsBetter
          ? ratio <= p.target
            ? 'yes'
            : 'NO'
          : ratio >= p.target
            ? 'yes'
            : 'NO'
    const target = p.target === undefined ? '' : `${p.lowerIsBetter ? '≤' : '≥'} ${p.target}`
    const row = {name: p.name, natsx: natsxM, natsxAll: x, ok, ratio, raw: rawM, rawAll: r, target}
    rows.push(row)
    console.log(
      `${p.name}: raw ${fmt(rawM)} | natsx ${fmt(natsxM)} | ratio ${ratio.toFixed(2)} ${target} ${ok}   (raw ${r.map((v) => fmt(v)).join(', ')}; natsx ${x.map((v) => fmt(v)).join(', ')})`,
    )
  }
} finally {
  await server.stop()
}

const table = [
  '| measurement | raw nats.js (median) | natsx bench (median) | ratio (median of pairs) | target | met | raw rounds (min–max) | natsx rounds (min–max) |',
  '|---|---:|---:|---:|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.raw)} | ${fmt(r.natsx)} | ${r.ratio.toFixed(2)} | ${r.target} | ${r.ok} | ${range(r.rawAll)} | ${range(r.natsxAll)} |`,
  ),
].join('\n')
const note = `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${rounds} rounds (medians; raw and natsx alternate), scale ${scale}, ${cpus().length} CPUs, load average ${load0.toFixed(2)} at the start, Node ${process.version}, one nats-server on loopback.`
console.log(`\n${table}\n\n${note}`)
if (values.write) {
  const file = join(ROOT, 'bench', 'README.md')
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf('<!-- compare:start -->')
  const end = text.indexOf('<!-- compare:end -->')
  if (start === -1 || end === -1) throw new Error('bench/README.md has no compare markers')
  writeFileSync(file, `${text.slice(0, start)}<!-- compare:start -->\n${table}\n\n${note}\n${text.slice(end)}`)
  console.log('\nwrote bench/README.md')
}

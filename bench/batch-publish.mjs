#!/usr/bin/env node
// bench/batch-publish: JetStream publishing, 128 B messages to a file-storage stream on the newest server (sid's
// nats-server from .servers/), in one run: `natsx bench js pub --batch-mode fast`, `--batch-mode atomic`, the
// per-message async `natsx bench js pub`, the tuned raw nats.js async loop (bench/raw.mjs jspub) and the NATS C
// client's async JetStream publish (../shared/baselines/cbench.c, built here into bench/.build/ with Debian's
// libnats-dev; never copied into the project). Each round runs the five in a rotated order, each on a fresh,
// empty stream. Prints the medians and the ratios (natsx batch / C, natsx per-message / raw, each the median of
// the rounds' ratios) and the server's CPU per 100k messages of each (read from /proc: what each way of
// publishing costs the server, which no client can go below); --write puts the table into bench/README.md between
// the batch-publish markers. The server is started with its atomic-batch limit (jetstream.limits.batch.max_msgs)
// raised to --atomic-limit (default 10000), and atomic batches run twice: at the server's default size of 1000, and
// at the raised limit (the limit changes nothing for the other publishers).
//   node bench/batch-publish.mjs [--rounds 5] [--msgs 200000] [--atomic-limit 10000] [--write] [--server PATH] [--cbench-src PATH]
import {jetstreamManager} from '@nats-io/jetstream'
import {connect} from '@nats-io/transport-node'
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {freePort, startNatsServer} from './lib.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const {values} = parseArgs({
  options: {
    'atomic-limit': {default: '10000', type: 'string'},
    'cbench-src': {default: join(ROOT, '..', 'shared', 'baselines', 'cbench.c'), type: 'string'},
    msgs: {default: '200000', type: 'string'},
    rounds: {default: '5', type: 'string'},
    server: {default: join(ROOT, '.servers', 'sid', 'usr', 'sbin', 'nats-server'), type: 'string'},
    write: {default: false, type: 'boolean'},
  },
})
const rounds = Number(values.rounds)
const atomicLimit = Number(values['atomic-limit'])
if (!Number.isInteger(atomicLimit) || atomicLimit < 1000) throw new Error('--atomic-limit must be a whole number of messages, at least 1000')
const msgs = String(Number(values.msgs))
const NATSX = join(ROOT, 'bin', 'run.js')
const RAW = join(ROOT, 'bench', 'raw.mjs')

/** Build cbench from the shared source into the git-ignored bench/.build (again when the source is newer). */
function buildCbench() {
  const src = values['cbench-src']
  if (!existsSync(src)) throw new Error(`no ${src}: pass --cbench-src`)
  const out = join(ROOT, 'bench', '.build', 'cbench')
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out
  mkdirSync(dirname(out), {recursive: true})
  let flags
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libnats'], {encoding: 'utf8'}).trim().split(/\s+/)
  } catch {
    throw new Error('libnats not found by pkg-config: install it with `apt-get install -y libnats-dev pkg-config` (scripts/setup.sh does)')
  }

  execFileSync('gcc', ['-O2', '-o', out, src, ...flags, '-lpthread'], {stdio: 'inherit'})
  return out
}

function run(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env: {...process.env, CI: 'true', NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (b) => {
      out += b
    })
    child.stderr.on('data', (b) => {
      err += b
    })
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}\n${err}`))
        return
      }

      try {
        resolve(JSON.parse(out))
      } catch {
        resolve(JSON.parse(out.trim().split('\n').at(-1)))
      }
    })
  })
}

const cbench = buildCbench()
const dir = mkdtempSync(join(tmpdir(), 'natsx-batchpub-'))
const port = await freePort()
// the atomic-batch limit is only in the config file; -js and -sd still come from the command line
const conf = join(dir, 'server.conf')
writeFileSync(conf, `jetstream {\n  limits {\n    batch {\n      max_msgs: ${atomicLimit}\n    }\n  }\n}\n`)
const server = await startNatsServer(values.server, port, ['-c', conf, '-js', '-sd', join(dir, 'store')])
const url = `nats://127.0.0.1:${port}`
const nc = await connect({servers: url})
const jsm = await jetstreamManager(nc)
const version = nc.info?.version
let streamNo = 0

async function dropStreams() {
  for await (const s of jsm.streams.list()) await jsm.streams.delete(s.config.name)
}

/** natsx on a fresh stream it creates (allowing the batch mode); the figure is its total msgs/s. */
async function natsx(extra) {
  const n = ++streamNo
  const r = await run(process.execPath, [NATSX, 'bench', 'js', 'pub', `bp.${n}`, '--stream', `BP${n}`, '--create', '--storage', 'file', '--size', '128B', '--msgs', msgs, '--json', '--no-progress', '-s', url, ...extra])
  return {latency: r.latency, rate: r.total.msgs_per_sec}
}

const sides = {
  async atomic() {
    return natsx(['--batch-mode', 'atomic'])
  },
  async atomicBig() {
    return natsx(['--batch-mode', 'atomic', '--batch-size', String(atomicLimit)])
  },
  async c() {
    // cbench makes (and removes) its own file stream CBENCHPUB; window 256 as in the baselines
    const r = await run(cbench, ['jspub', 'size=128', `count=${msgs}`, 'window=256'], {NATS_URL: url})
    return {rate: r.msgs_per_s}
  },
  async fast() {
    return natsx(['--batch-mode', 'fast'])
  },
  async permsg() {
    return natsx(['--batch', '256'])
  },
  async raw() {
    const n = ++streamNo
    await jsm.streams.add({name: `BP${n}`, storage: 'file', subjects: [`bp.${n}`]})
    const r = await run(process.execPath, [RAW, 'jspub', '--url', url, '--subject', `bp.${n}`, '--size', '128', '--window', '256', '--msgs', msgs])
    return {rate: r.msgs_per_sec}
  },
}
const NAMES = {
  atomic: 'natsx bench js pub --batch-mode atomic (batch 1000, 2 in flight)',
  atomicBig: `natsx bench js pub --batch-mode atomic --batch-size ${atomicLimit.toLocaleString('en-US')} (server limit raised to ${atomicLimit.toLocaleString('en-US')}, 2 in flight)`,
  c: 'C client (libnats) js_PublishAsync, window 256',
  fast: 'natsx bench js pub --batch-mode fast (one batch, flow 500, 2 acks outstanding)',
  permsg: 'natsx bench js pub (per-message async, window 256)',
  raw: 'raw nats.js async loop (window 256, tuned)',
}
const order = Object.keys(sides)
const got = Object.fromEntries(order.map((k) => [k, []]))
const serverCpu = Object.fromEntries(order.map((k) => [k, []]))
/** CPU seconds (user + system) the server has used so far, from /proc (undefined where there is no /proc). */
const cpuOf = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return undefined
  }
}

const lat = {fast: [], permsg: []}
const started = new Date()
const loads = [loadavg()[0]]
try {
  for (let i = 0; i < rounds; i++) {
    // rotate the order, so drift in the machine's load falls on every side alike
    const turn = [...order.slice(i % order.length), ...order.slice(0, i % order.length)]
    const line = []
    for (const k of turn) {
      const before = cpuOf(server.pid)
      const r = await sides[k]()
      const after = cpuOf(server.pid)
      got[k].push(r.rate)
      if (before !== undefined && after !== undefined) serverCpu[k].push(((after - before) * 100_000) / Number(msgs))
      if (r.latency && lat[k]) lat[k].push(r.latency.p50)
      line.push(`${k} ${Math.round(r.rate)}`)
      await dropStreams()
    }

    loads.push(loadavg()[0])
    console.log(`round ${i + 1}: ${line.join(', ')} (load ${loadavg()[0].toFixed(2)})`)
  }
} finally {
  await dropStreams().catch(() => {})
  await nc.close()
  server.kill('SIGTERM')
  await new Promise((r) => {
    server.once('exit', r)
  })
  rmSync(dir, {force: true, recursive: true})
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const fmt = (x) => Math.round(x).toLocaleString('en-US')
const ratio = (a, b) => median(got[a].map((v, k) => v / got[b][k]))
const rows = [
  ['fast', 'c', 1],
  ['atomic', 'c', 1],
  ['atomicBig', 'c', 1],
  ['permsg', 'raw', 0.9],
  ['permsg', 'c', undefined],
  ['raw', 'c', undefined],
]
const table = [
  '| publisher | msgs/s (median) | rounds (min–max) | server CPU s per 100k msgs (median) |',
  '|---|---:|---|---:|',
  ...order.map((k) => `| ${NAMES[k]} | ${fmt(median(got[k]))} | ${fmt(Math.min(...got[k]))}–${fmt(Math.max(...got[k]))} | ${serverCpu[k].length > 0 ? median(serverCpu[k]).toFixed(2) : ''} |`),
  '',
  '| ratio (median of the rounds\' ratios) | value | target | met |',
  '|---|---:|---|---|',
  ...rows.map(([a, b, t]) => {
    const r = ratio(a, b)
    return `| ${a} / ${b} | ${r.toFixed(2)} | ${t === undefined ? '' : `≥ ${t}`} | ${t === undefined ? '' : r >= t ? 'yes' : 'NO'} |`
  }),
].join('\n')
const latNote = lat.permsg.length > 0 ? ` natsx per-message publish → ack p50 (median of rounds): ${fmt(median(lat.permsg))} µs; fast-batch flow ack p50: ${fmt(median(lat.fast))} µs.` : ''
const note = `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC against nats-server ${version} (file storage, 128 B, ${Number(msgs).toLocaleString('en-US')} messages per run, a fresh stream each; the server's defaults except its atomic-batch limit, \`jetstream { limits { batch { max_msgs: ${atomicLimit} } } }\`), ${rounds} rounds, ${cpus().length} CPUs, load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run, Node ${process.version}, libnats from Debian's libnats-dev.${latNote}`
console.log(`\n${table}\n\n${note}`)
if (values.write) {
  const file = join(ROOT, 'bench', 'README.md')
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf('<!-- batch-publish:start -->')
  const end = text.indexOf('<!-- batch-publish:end -->')
  if (start === -1 || end === -1) throw new Error('bench/README.md has no batch-publish markers')
  writeFileSync(file, `${text.slice(0, start)}<!-- batch-publish:start -->\n${table}\n\n${note}\n${text.slice(end)}`)
  console.log('\nwrote bench/README.md')
}

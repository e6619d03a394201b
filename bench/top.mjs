// Benchmark of `natsx top`: a 3-node cluster with N client connections in total (default 1,000, from a child
// process), polled at a 1 s interval for D seconds (default 30) through the real feed and the real Ink view rendered
// to a 160×50 fake terminal. Reports this process's CPU (% of one core), CPU ms per frame, poll latency and the time
// from a snapshot to its frame on screen. Usage: npm run build && node bench/top.mjs [--conns 1000] [--seconds 30] [--sys]
import {build} from 'esbuild'
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {PassThrough, Writable} from 'node:stream'
import {fileURLToPath} from 'node:url'

import {freePort} from './lib.mjs'

delete process.env.CI // Ink renders only the last frame in CI mode
process.env.NODE_ENV ??= 'production' // as `natsx top` does before it loads React

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : process.argv[i + 1]
}

const CONNS = Number(arg('conns', 1000))
const SECONDS = Number(arg('seconds', 30))
const SYS = process.argv.includes('--sys')
const SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server'

const dir = mkdtempSync(join(tmpdir(), 'natsx-bench-top-'))
const ports = []
for (let i = 0; i < 3; i++) ports.push({client: await freePort(), cluster: await freePort(), monitor: await freePort()})
const routes = ports.map((p) => `nats://127.0.0.1:${p.cluster}`).join(',')
const conf = join(dir, 'sys.conf')
const {writeFileSync} = await import('node:fs')
writeFileSync(conf, 'accounts {\n SYS { users: [{user: sys, password: sys}] }\n APP { jetstream: enabled, users: [{user: app, password: app}] } }\nsystem_account: SYS\nno_auth_user: app\nmax_connections: 100000\n')
const servers = ports.map((p, i) =>
  spawn(SERVER, ['-a', '127.0.0.1', '-p', p.client, '-m', p.monitor, '-n', `n${i + 1}`, '-js', '-sd', join(dir, `s${i}`), '--cluster_name', 'bench', '--cluster', `nats://127.0.0.1:${p.cluster}`, '--routes', routes, '-c', conf].map(String), {stdio: 'ignore'}),
)
const stopAll = () => {
  for (const s of servers) s.kill('SIGTERM')
}

process.on('exit', stopAll)
const monitorUrls = ports.map((p) => `http://127.0.0.1:${p.monitor}`)
for (const u of monitorUrls) {
  for (let t = 0; ; t++) {
    try {
      if ((await fetch(`${u}/healthz?js-server-only=true`)).ok) break
    } catch {}

    if (t > 300) throw new Error(`${u} not healthy`)
    await new Promise((r) => {
      setTimeout(r, 100)
    })
  }
}

const clients = spawn(process.execPath, [new URL('top-clients.mjs', import.meta.url).pathname, ports.map((p) => `nats://127.0.0.1:${p.client}`).join(','), String(CONNS)], {stdio: ['pipe', 'pipe', 'inherit']})
await new Promise((resolve) => {
  clients.stdout.on('data', (b) => {
    if (b.toString().includes('ready')) resolve()
  })
})

// natsx ships as bundles (scripts/build.mjs); this script drives the monitoring feed and the view directly, so it
// bundles just those modules from src/ for itself
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// inside node_modules, so that its imports of ink and react resolve
const kit = join(root, 'node_modules', '.cache', 'natsx-bench', 'top-kit.mjs')
await build({
  absWorkingDir: root,
  banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
  bundle: true,
  external: ['ink', 'react', 'react/*'],
  format: 'esm',
  logLevel: 'warning',
  outfile: kit,
  platform: 'node',
  stdin: {
    contents: [
      "export {TopFeed} from './src/lib/monitoring/feed.ts'",
      "export {HttpTransport} from './src/lib/monitoring/http.ts'",
      "export {SysTransport} from './src/lib/monitoring/sys.ts'",
      "export {PollingSource} from './src/lib/monitoring/source.ts'",
      "export {TopApp} from './src/ui/top/TopApp.tsx'",
    ].join('\n'),
    loader: 'ts',
    resolveDir: root,
  },
})
const {HttpTransport, PollingSource, SysTransport, TopApp, TopFeed} = await import(kit)
const {render} = await import('ink')
const {createElement} = await import('react')

let sysNc
let transport
if (SYS) {
  const {connect} = await import('@nats-io/transport-node')
  sysNc = await connect({pass: 'sys', servers: `nats://127.0.0.1:${ports[0].client}`, user: 'sys'})
  transport = new SysTransport(sysNc, {timeoutMs: 1000})
  await transport.discover()
} else {
  transport = new HttpTransport({timeoutMs: 2000, urls: monitorUrls})
}

const feed = new TopFeed(transport, {detailsEvery: 5, interval_ms: 1000}) // as `natsx top` does live at 1 s
const polls = []
const pollCpu = []
let snapshotAt = 0
const frames = []
let lastSnap
const source = new PollingSource(async () => {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const s = await feed.poll()
  const c = process.cpuUsage(c0)
  pollCpu.push((c.user + c.system) / 1000)
  polls.push(performance.now() - t0)
  snapshotAt = performance.now()
  lastSnap = s
  return s
}, 1000)

// a 160×50 terminal that records when each frame is written after a snapshot
const stdout = new Writable({
  write(chunk, _enc, cb) {
    if (snapshotAt) {
      frames.push(performance.now() - snapshotAt)
      snapshotAt = 0
    }

    cb()
  },
})
Object.assign(stdout, {columns: 160, isTTY: true, rows: 50})
const stdin = new PassThrough()
Object.assign(stdin, {isTTY: true, ref() {}, setRawMode() {}, unref() {}})

const app = render(createElement(TopApp, {initial: {filter: '', raw: false, reverse: false, sort: 'in_msgs_rate'}, source}), {exitOnCtrlC: false, patchConsole: false, stdin, stdout})
source.start()
// warm up two polls, then measure
await new Promise((r) => {
  setTimeout(r, 2500)
})
polls.length = 0
pollCpu.length = 0
frames.length = 0
const cpu0 = process.cpuUsage()
const t0 = performance.now()
await new Promise((r) => {
  setTimeout(r, SECONDS * 1000)
})
const cpu = process.cpuUsage(cpu0)
const wall = performance.now() - t0
source.stop()
app.unmount()
await feed.close()
await sysNc?.close()

const cpuMs = (cpu.user + cpu.system) / 1000
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))]
const f = (n) => n.toFixed(1)
const result = {
  connections_seen: lastSnap.connections.length,
  connections_total: CONNS,
  cpu_ms_per_frame: f(cpuMs / Math.max(1, polls.length)),
  cpu_percent_of_one_core: f((cpuMs / wall) * 100),
  // CPU spent inside feed.poll (HTTP/NATS I/O callbacks, JSON parsing, rates); the rest of the frame is rendering
  poll_cpu_ms_p50: f(pct(pollCpu, 50)),
  render_cpu_ms_per_frame: f((cpuMs - pollCpu.reduce((a, b) => a + b, 0)) / Math.max(1, polls.length)),
  frames: frames.length,
  poll_ms_p50: f(pct(polls, 50)),
  poll_ms_p95: f(pct(polls, 95)),
  polls: polls.length,
  render_ms_p50: f(pct(frames, 50)),
  render_ms_p95: f(pct(frames, 95)),
  seconds: SECONDS,
  servers_up: lastSnap.servers.filter((s) => s.up).length,
  transport: SYS ? 'sys' : 'http',
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n')
clients.stdin.end()
await new Promise((r) => {
  clients.on('exit', r)
})
stopAll()
rmSync(dir, {force: true, recursive: true})
process.exit(0)

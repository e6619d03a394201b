#!/usr/bin/env node
// Does a long-running `natsx top` grow? Drives the shipped view (dist/ui/render-top.mjs, Ink bundled in) into a
// 160×50 fake terminal from a fake feed whose numbers change every frame, as live traffic does, and prints the
// heap after a full GC every --every frames.
// Usage: npm run build && node --expose-gc bench/top-memory.mjs [--frames 2000] [--every 400] [--conns 1000] [--keys c]
//        [--churn 0]
// --keys types those keys once the view is up (c: the closed-connections pane; each snapshot then has 100 closed ones
// per server and reverse-DNS names on every row, as `top --lookup` with the closed pane shown gets them; t: the
// connections' sparkline column). The servers' sparklines are always on. --churn N: N connections close every frame
// and as many new ones (new cids) take their place, so the sparkline history has connections to drop.
import {dirname, join} from 'node:path'
import {PassThrough, Writable} from 'node:stream'
import {fileURLToPath, pathToFileURL} from 'node:url'

delete process.env.CI // Ink renders only the last frame in CI mode
process.env.NODE_ENV ??= 'production' // as `natsx top` does before it loads React
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : Number(process.argv[i + 1])
}

const FRAMES = arg('frames', 2000)
const EVERY = arg('every', 400)
const CONNS = arg('conns', 1000)
const KEYS = process.argv.includes('--keys') ? process.argv[process.argv.indexOf('--keys') + 1] : ''
const CLOSED = KEYS.includes('c')
const CHURN = arg('churn', 0)
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {renderTop} = await import(pathToFileURL(join(root, 'dist', 'ui', 'render-top.mjs')).href)

const rnd = (k) => Math.floor(Math.random() * k)
let n = 0
function snapshot() {
  n++
  const servers = ['n1', 'n2', 'n3'].map((name) => ({
    cluster: 'c1', connections: CONNS / 3, cpu: rnd(100) / 10, id: `ID${name}`, in_bytes: n * 1e6, in_msgs: n * 1e4, jetstream: true, leafnodes: 0,
    mem: 20e6 + rnd(1e6), name, out_bytes: n * 1e6, out_msgs: n * 1e4, rates: {in_bytes: rnd(1e6), in_msgs: rnd(1e4), out_bytes: rnd(1e6), out_msgs: rnd(1e4)},
    restarted: false, routes: 2, slow_consumers: 0, slow_consumers_delta: 0, stale: false, subscriptions: 10, target: name, up: true, uptime_ms: n * 1000, version: '2.9.10',
  }))
  const connections = Array.from({length: CONNS}, (_, i) => ({
    // the last CHURN connections are new ones every frame
    account: 'APP', cid: i < CONNS - CHURN ? i + 1 : CONNS + n * CHURN + i, idle_ms: rnd(5000), in_bytes: n * i, in_msgs: n * i, ip: '127.0.0.1', lang: 'nats.js', name: `pub-${i}`, new: false, out_bytes: 0,
    out_msgs: 0, pending_bytes: 0, port: 40_000 + i, rates: {in_bytes: rnd(1e5), in_msgs: rnd(1e3), out_bytes: 0, out_msgs: 0}, rtt_ms: rnd(1000) / 1000,
    server: `n${(i % 3) + 1}`, server_id: `IDn${(i % 3) + 1}`, stale: false, subscriptions: 1, uptime_ms: n * 1000, version: '3.4.0',
    ...(CLOSED ? {host: `client-${i}.example`} : {}),
  }))
  const closed = CLOSED
    ? Array.from({length: 300}, (_, i) => ({
        ...connections[i % CONNS], cid: 100_000 + n * 300 + i, host: `gone-${i}.example`, rates: null, reason: 'Client Closed',
        stop: new Date().toISOString(), stopped_ago_ms: i * 1000,
      }))
    : undefined
  return {...(closed ? {closed} : {}), connections, connections_total: CONNS, consumers: [], health: [], interval_ms: 1000, leafs: [], routes: [], seq: n, servers, streams: [], time: new Date().toISOString(), transport: 'http'}
}

// the JS heap, and the memory of ArrayBuffers besides it (typed arrays past 64 bytes, such as the sparklines' rings,
// keep their data outside the heap)
const heap = () => {
  globalThis.gc()
  const m = process.memoryUsage()
  return [m.heapUsed / 2 ** 20, m.arrayBuffers / 2 ** 20]
}

const stdout = new Writable({write: (_c, _e, cb) => cb()})
Object.assign(stdout, {columns: 160, isTTY: true, rows: 50})
const stdin = new PassThrough()
Object.assign(stdin, {isTTY: true, ref() {}, setRawMode() {}, unref() {}})
const stop = new AbortController()
const rows = []
// each poll is a frame; the heap is read inside the poll, between frames
const feed = {
  async poll() {
    if (n % EVERY === 0) rows.push([n, ...heap()])
    if (n >= FRAMES) stop.abort()
    return snapshot()
  },
}
if (KEYS) setTimeout(() => stdin.write(KEYS), 50)
await renderTop(feed, {filter: '', interval: 1, raw: false, reverse: false, signal: stop.signal, sort: 'in_msgs_rate', stdin, stdout})
process.stdout.write(`frames  heap MiB after a full GC, array buffers MiB (${CONNS} connections, 160×50${KEYS ? `, keys ${KEYS}` : ''}${CHURN ? `, ${CHURN} replaced a frame` : ''})\n`)
for (const [f, h, b] of rows) process.stdout.write(`${String(f).padStart(6)}  ${h.toFixed(1).padStart(6)}  ${b.toFixed(2).padStart(6)}\n`)

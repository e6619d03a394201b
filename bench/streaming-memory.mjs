#!/usr/bin/env node
// Does natsx hold memory, or lose messages, when whatever reads its stdout is slow? Runs `sub --json` (a core
// subscription under a full-speed publisher), `stream view --json` and `consumer next --json` (a stream filled by a
// full-speed JetStream publisher) and, with --kv, `kv watch --json`, each with a reader that reads at once and with
// one that stops reading for --pause seconds after the first bytes; prints peak RSS (VmHWM of the natsx process)
// and the messages that did not come out. The rows `view-live` and `next-live` read while a full-speed JetStream
// publisher is still publishing: `stream view --count N` of the filled stream while N more are appended to it, and
// `consumer next --count N` of a stream that is being filled meanwhile.
// Usage: npm run build && node bench/streaming-memory.mjs [--messages 1000000] [--pause 20] [--size 100] [--kv]
//        [--only sub,view,next,kv,view-live,next-live] (default: sub, view, next, and kv with --kv)
//        [--server PATH] (default: the newest server setup fetched, .servers/sid, else /usr/sbin/nats-server)
//        [--natsx DIR] (a copy of the built tree to run: bin/ and dist/; default: this checkout)
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {freePort, startNatsServer} from './lib.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : process.argv[i + 1]
}

// `--produce URL N SIZE`: this script as the full-speed core publisher, in a process of its own (so that the
// publisher does not starve the reader of CPU in one event loop, nor the other way round).
if (process.argv[2] === '--produce') {
  const {connect} = await import('@nats-io/transport-node')
  const [url, n, size] = process.argv.slice(3)
  const nc = await connect({servers: url})
  const data = new Uint8Array(Number(size)).fill(0x61)
  for (let i = 1; i <= Number(n); i++) {
    nc.publish('bench.core', data)
    if (i % 5000 === 0) await nc.flush()
  }

  await nc.drain()
  process.exit(0)
}

const N = Number(arg('messages', 1_000_000))
const PAUSE_S = Number(arg('pause', 20))
const SIZE = Number(arg('size', 100))
const KV = process.argv.includes('--kv')
// --only sub,view,next,kv,view-live,next-live: run just these rows (kv implies --kv)
const ONLY = arg('only', undefined)?.split(',')
const wanted = (row) => (ONLY ? ONLY.includes(row) : row === 'kv' ? KV : !row.endsWith('-live'))
const natsxBin = join(arg('natsx', root), 'bin', 'run.js')
const serverBin = arg('server', [join(root, '.servers/sid/usr/sbin/nats-server'), '/usr/sbin/nats-server'].find((p) => existsSync(p)))
const {connect} = await import('@nats-io/transport-node')
const {jetstream, jetstreamManager} = await import('@nats-io/jetstream')
const {Kvm} = await import('@nats-io/kv')

const dir = mkdtempSync(join(tmpdir(), 'natsx-bench-'))
const port = await freePort()
const server = await startNatsServer(serverBin, port, ['-js', '-sd', join(dir, 'store')])
const url = `nats://127.0.0.1:${port}`
const nc = await connect({servers: url})
const version = nc.info?.version
const body = new Uint8Array(SIZE).fill(0x61)
// the producers' publish acknowledgements may take long on a loaded machine: wait for them rather than fail the run
const js = jetstream(nc, {timeout: 120_000})
/** publishes (or puts) awaited together: fewer than this in flight at any time */
const IN_FLIGHT = 500

/** Peak resident set of a process (VmHWM), in MiB; undefined once it has gone. */
function peakMiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/**
 * Run natsx with `args`, reading its stdout at once or after a pause of PAUSE_S from the first bytes; `producer`
 * (optional) starts once natsx is listening. Resolves with the peak RSS, the lines read and the exit code.
 */
async function run(args, {pause, producer, untilListening = true}) {
  const child = spawn(process.execPath, [natsxBin, ...args, '-s', url], {stdio: ['ignore', 'pipe', 'pipe']})
  let peak = 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakMiB(child.pid) ?? 0)
  }, 100)
  let lines = 0
  let stderr = ''
  let paused = false
  child.stdout.on('data', (b) => {
    for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) lines++
    if (pause && !paused) {
      paused = true
      child.stdout.pause()
      setTimeout(() => child.stdout.resume(), PAUSE_S * 1000)
    }
  })
  const listening = new Promise((resolve) => {
    child.stderr.on('data', (b) => {
      stderr += b.toString()
      // `sub` says "listening on …", `kv watch` "watching bucket …"
      if (/listening|watching/.test(stderr)) resolve()
    })
  })
  const started = Date.now()
  const exited = new Promise((resolve) => {
    child.on('close', (code) => resolve(code))
  })
  // a producer either waits until natsx says it listens, or starts with it (untilListening false); run() goes on
  // once the producer has finished
  if (producer) {
    if (untilListening) await listening
    await producer()
  }

  // A command that waits for more than will ever come (a watch short of its count) is stopped once its output has
  // been still for a minute; its exit is then that of SIGTERM (130).
  let still = 0
  let seen = -1
  const watchdog = setInterval(() => {
    still = lines === seen ? still + 1 : 0
    seen = lines
    if (still >= 60) child.kill('SIGTERM')
  }, 1000)
  const code = await exited
  clearInterval(watchdog)
  clearInterval(sampler)
  return {code, lines, peak, seconds: (Date.now() - started) / 1000, stderr}
}

async function corePublish() {
  const producer = spawn(process.execPath, [fileURLToPath(import.meta.url), '--produce', url, String(N), String(SIZE)], {stdio: 'inherit'})
  await new Promise((resolve) => {
    producer.on('close', resolve)
  })
}

async function fillStream(name, subject, {create = true} = {}) {
  const jsm = await jetstreamManager(nc)
  if (create) await jsm.streams.add({name, subjects: [subject]})
  let pending = []
  for (let i = 1; i <= N; i++) {
    pending.push(js.publish(subject, body))
    if (pending.length >= IN_FLIGHT) {
      await Promise.all(pending)
      pending = []
    }
  }

  await Promise.all(pending)
}

const rows = []
const report = (command, reader, r, expected, note = '') => {
  const lost = expected - r.lines
  rows.push({command, exit: r.code, lost, note, peak: r.peak.toFixed(0), reader, seconds: r.seconds.toFixed(0)})
  process.stderr.write(`${command} | ${reader} | peak ${r.peak.toFixed(0)} MiB | lines ${r.lines} | lost ${lost} | exit ${r.code} | ${r.seconds.toFixed(0)} s ${note}\n`)
}

/** what `sub --json` said it lost: its last {"summary"} line on stderr (none when nothing was lost) */
const subLosses = (stderr) => {
  const line = stderr.split('\n').find((l) => l.startsWith('{"summary"'))
  const s = line ? JSON.parse(line).summary : {disconnects: 0, dropped: 0}
  return `(${s.dropped.toLocaleString('en')} reported dropped, ${s.disconnects} disconnect${s.disconnects === 1 ? '' : 's'})`
}

for (const pause of wanted('sub') ? [false, true] : []) {
  const reader = pause ? `pauses ${PAUSE_S} s` : 'reads at once'
  const sub = await run(['sub', 'bench.core', '--json', '--count', String(N), '--wait', `${PAUSE_S + 15}s`], {pause, producer: corePublish})
  report('sub --json', reader, sub, N, subLosses(sub.stderr))
}

const views = wanted('view') || wanted('next') || wanted('view-live')
if (views) {
  process.stderr.write(`filling stream BIG with ${N} messages…\n`)
  await fillStream('BIG', 'big.m')
}

const jsm = await jetstreamManager(nc)
for (const pause of views ? [false, true] : []) {
  const reader = pause ? `pauses ${PAUSE_S} s` : 'reads at once'
  if (wanted('view')) report('stream view --json', reader, await run(['stream', 'view', 'BIG', '--json'], {pause}), N)
  if (!wanted('next')) continue
  const durable = pause ? 'PAUSED' : 'NORMAL'
  await jsm.consumers.add('BIG', {ack_policy: 'explicit', durable_name: durable, max_ack_pending: 10_000})
  // the document has two lines besides the messages
  const next = await run(['consumer', 'next', 'BIG', durable, '--count', String(N), '--json', '--wait', '10s'], {pause})
  next.lines -= 2
  const ci = await jsm.consumers.info('BIG', durable)
  report('consumer next --json', reader, next, N, `(acknowledged: ${ci.ack_floor.stream_seq})`)
}

// Reading while a full-speed JetStream publisher goes on: `stream view` stops at --count (it never waits for new
// messages), so it reads the N messages already in BIG while N more are appended; `consumer next` reads a stream
// that is being filled as it reads.
for (const pause of wanted('view-live') ? [false, true] : []) {
  const reader = `${pause ? `pauses ${PAUSE_S} s` : 'reads at once'}, ${N.toLocaleString('en')} more published meanwhile`
  const r = await run(['stream', 'view', 'BIG', '--count', String(N), '--json'], {
    pause,
    producer: () => fillStream('BIG', 'big.m', {create: false}),
    untilListening: false,
  })
  report('stream view --json', reader, r, N)
}

for (const pause of wanted('next-live') ? [false, true] : []) {
  const reader = `${pause ? `pauses ${PAUSE_S} s` : 'reads at once'}, while the stream is filled`
  const name = pause ? 'LIVEP' : 'LIVEN'
  await jsm.streams.add({name, subjects: [`${name}.m`]})
  await jsm.consumers.add(name, {ack_policy: 'explicit', durable_name: 'C', max_ack_pending: 10_000})
  const next = await run(['consumer', 'next', name, 'C', '--count', String(N), '--json', '--wait', '60s'], {
    pause,
    producer: () => fillStream(name, `${name}.m`, {create: false}),
    untilListening: false,
  })
  next.lines -= 2
  const ci = await jsm.consumers.info(name, 'C')
  report('consumer next --json', reader, next, N, `(acknowledged: ${ci.ack_floor.stream_seq})`)
  await jsm.streams.delete(name)
}

if (wanted('kv')) {
  const kv = await new Kvm(js).create('BENCHKV')
  for (const pause of [false, true]) {
    const reader = pause ? `pauses ${PAUSE_S} s` : 'reads at once'
    const key = pause ? 'p' : 'n'
    const r = await run(['kv', 'watch', 'BENCHKV', `${key}.>`, '--json', '--count', String(N)], {
      pause,
      async producer() {
        let pending = []
        for (let i = 1; i <= N; i++) {
          // a key of its own each: a value the watcher has not seen yet is never replaced (history 1)
          pending.push(kv.put(`${key}.${i}`, body))
          if (pending.length >= IN_FLIGHT) {
            await Promise.all(pending)
            pending = []
          }
        }

        await Promise.all(pending)
      },
    })
    report('kv watch --json', reader, r, N)
  }
}

await nc.close()
server.kill('SIGTERM')
await new Promise((resolve) => {
  server.on('exit', resolve)
})
rmSync(dir, {force: true, recursive: true})

console.log(`\nnats-server ${version}, ${N.toLocaleString('en')} messages of ${SIZE} bytes, Node ${process.version}\n`)
console.log('| command | reader | peak RSS | messages lost | exit | seconds |')
console.log('| --- | --- | ---: | ---: | ---: | ---: |')
for (const r of rows) console.log(`| \`${r.command}\` | ${r.reader} | ${r.peak} MiB | ${r.lost.toLocaleString('en')} ${r.note} | ${r.exit} | ${r.seconds} |`)

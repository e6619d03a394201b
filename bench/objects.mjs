#!/usr/bin/env node
import {Objm, setSha256Backend} from '@nats-io/obj'
/**
 * Object Store benchmark: natsx `object put/get` (the built CLI, run as a child process, start-up included)
 * beside the raw nats.js calls (`ObjectStore.put(meta, ReadableStream)` and `ObjectStore.get()` streamed to a file)
 * in the same run, against one local nats-server, plus the peak RSS of each natsx child (GNU time, or VmHWM polled).
 *
 *   npm run build && node bench/objects.mjs [--size 1GiB] [--runs 1] [--server-bin /usr/sbin/nats-server]
 *
 * Raw nats.js runs twice: with its default pure-JS SHA-256 ("raw") and with `setSha256Backend('native')`
 * ("raw native"), which natsx uses. Results are printed as a Markdown table and as JSON on the last line.
 */
import {connect} from '@nats-io/transport-node'
import {spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {fileURLToPath} from 'node:url'

import {freePort, startNatsServer} from './lib.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin', 'run.js')
const out = (s) => process.stdout.write(s + '\n')

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? dflt : process.argv[i + 1]
}

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/i.exec(s)
  if (!m) throw new Error(`bad size ${s}`)
  const mult = {b: 1, gib: 1024 ** 3, kib: 1024, mib: 1024 ** 2}[(m[2] ?? 'B').toLowerCase()]
  return Math.round(Number(m[1]) * mult)
}

const SIZE = parseSize(arg('size', '1GiB'))
const RUNS = Number(arg('runs', '1'))
const SERVER_BIN = arg('server-bin', existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server')
const MiB = 1024 * 1024


async function startServer(dir) {
  const port = await freePort()
  const child = await startNatsServer(SERVER_BIN, port, ['-js', '-sd', join(dir, 'store')])
  return {child, url: `nats://127.0.0.1:${port}`}
}

async function makeFile(path, size) {
  const fh = await open(path, 'w')
  for (let done = 0; done < size; ) {
    const n = Math.min(16 * MiB, size - done)
    await fh.write(randomBytes(n))
    done += n
  }

  await fh.close()
}

async function sha256(path) {
  const h = createHash('sha256')
  for await (const c of createReadStream(path)) h.update(c)
  return h.digest('hex')
}

/** Run natsx; peak RSS from GNU time when installed, else VmHWM polled from /proc. */
function natsx(args) {
  const timed = existsSync('/usr/bin/time')
  const cmd = timed ? '/usr/bin/time' : process.execPath
  const argv = timed ? ['-f', 'MAXRSS_KB %M', process.execPath, BIN, ...args] : [BIN, ...args]
  const start = process.hrtime.bigint()
  const child = spawn(cmd, argv, {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  let hwm = 0
  child.stderr.on('data', (b) => {
    stderr += b.toString()
  })
  child.stdout.resume()
  const poll = timed
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
          if (m) hwm = Math.max(hwm, Number(m[1]))
        } catch {
          // exited
        }
      }, 20)
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      if (poll) clearInterval(poll)
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) reject(new Error(`natsx ${args.join(' ')} exited ${code}: ${stderr}`))
      const m = /MAXRSS_KB (\d+)/.exec(stderr)
      resolve({ms, rssKb: m ? Number(m[1]) : hwm})
    })
  })
}

async function timed(fn) {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'natsx-bench-'))
  const server = await startServer(dir)
  try {
    const src = join(dir, 'src.bin')
    await makeFile(src, SIZE)
    const want = await sha256(src)
    const nc = await connect({servers: server.url})
    const os = await new Objm(nc).create('BENCH')
    const rows = []
    const record = (what, op, ms, rssKb) => rows.push({mib_s: SIZE / MiB / (ms / 1000), ms: Math.round(ms), op, rss_mib: rssKb ? Math.round(rssKb / 1024) : undefined, what})

    for (let run = 0; run < RUNS; run++) {
      for (const backend of ['js', 'native']) {
        setSha256Backend(backend)
        const label = backend === 'js' ? 'raw nats.js' : 'raw nats.js (native sha)'
        record(label, 'put', await timed(() => os.put({name: `raw-${backend}`}, Readable.toWeb(createReadStream(src)))))
        const dst = join(dir, `raw-${backend}.out`)
        record(
          label,
          'get',
          await timed(async () => {
            const r = await os.get(`raw-${backend}`)
            await pipeline(Readable.fromWeb(r.data), createWriteStream(dst))
            const err = await r.error
            if (err) throw err
          }),
        )
        if ((await sha256(dst)) !== want) throw new Error(`raw ${backend} get is corrupt`)
        rmSync(dst)
      }

      const p = await natsx(['object', 'put', 'BENCH', src, '--name', 'natsx', '--force', '--json', '-s', server.url])
      record('natsx', 'put', p.ms, p.rssKb)
      const dst = join(dir, 'natsx.out')
      const g = await natsx(['object', 'get', 'BENCH', 'natsx', '--output', dst, '--force', '--json', '-s', server.url])
      record('natsx', 'get', g.ms, g.rssKb)
      if ((await sha256(dst)) !== want) throw new Error('natsx get is corrupt')
      rmSync(dst)
    }

    await nc.close()
    const best = (what, op) => Math.max(...rows.filter((r) => r.what === what && r.op === op).map((r) => r.mib_s))
    out(`Object of ${(SIZE / MiB).toFixed(0)} MiB, ${RUNS} run(s), nats-server ${SERVER_BIN}, node ${process.version}, ${new Date().toISOString()}`)
    out('')
    out('| client | op | MiB/s (best) | natsx ÷ this | natsx peak RSS |')
    out('| --- | --- | ---: | ---: | ---: |')
    for (const what of ['raw nats.js', 'raw nats.js (native sha)', 'natsx']) {
      for (const op of ['put', 'get']) {
        const rss = rows.filter((r) => r.what === what && r.op === op && r.rss_mib).map((r) => r.rss_mib)
        out(`| ${what} | ${op} | ${best(what, op).toFixed(1)} | ${(best('natsx', op) / best(what, op)).toFixed(2)}× | ${rss.length > 0 ? `${Math.max(...rss)} MiB` : ''} |`)
      }
    }

    out('')
    out(JSON.stringify({rows, size: SIZE}))
  } finally {
    const exited = new Promise((resolve) => {
      server.child.once('exit', resolve)
    })
    server.child.kill('SIGTERM')
    await exited
    rmSync(dir, {force: true, recursive: true})
  }
}

await main()

import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BenchResult} from '../../../src/lib/bench/types.js'

import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let dir: string
beforeAll(async () => {
  server = await startServer({jetstream: false})
  dir = mkdtempSync(join(tmpdir(), 'natsx-bench-'))
})
afterAll(async () => {
  await server?.destroy()
})

async function varz(): Promise<{in_msgs: number; out_msgs: number}> {
  const res = await fetch(`${server.monitorUrl}/varz`)
  return (await res.json()) as {in_msgs: number; out_msgs: number}
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

describe('bench pub', () => {
  it('splits --msgs between clients; the counts add up to what the server received; one CSV row per client', async () => {
    const before = (await varz()).in_msgs
    const file = join(dir, 'pub.csv')
    const res = await runCli([
      'bench',
      'pub',
      'b.pub',
      '--clients',
      '3',
      '--msgs',
      '3001',
      '--size',
      '64B',
      '--csv',
      file,
      '--json',
      '-s',
      server.url,
    ])
    expect(res.code, res.stderr).toBe(0)
    const r = res.json<BenchResult>()
    expect(r.mode).toBe('pub')
    expect(r.interrupted).toBe(false)
    expect(r.clients.map((c) => c.msgs)).toEqual([1001, 1000, 1000])
    expect(r.total.msgs).toBe(3001)
    expect(r.total.bytes).toBe(3001 * 64)
    expect(sum(r.clients.map((c) => c.bytes))).toBe(r.total.bytes)
    expect(r.total.msgs_per_sec).toBeGreaterThan(0)
    expect(r.client_rates.min).toBeLessThanOrEqual(r.client_rates.avg)
    expect(r.client_rates.avg).toBeLessThanOrEqual(r.client_rates.max)
    expect(r.latency).toBeUndefined()
    expect(r.server_version).toMatch(/^2\./)
    expect((await varz()).in_msgs - before).toBe(3001)
    const rows = readFileSync(file, 'utf8').trim().split('\n')
    expect(rows[0]).toBe('RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs')
    expect(rows).toHaveLength(4)
    expect(rows.slice(1).map((l) => Number(l.split(',')[2]))).toEqual([1001, 1000, 1000])
  })

  it('prints natscli-like stats for people, and the banner on stderr', async () => {
    const res = await runCli(['bench', 'pub', 'b.human', '--clients', '2', '--msgs', '2000', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stderr).toContain('Starting Pub benchmark on "b.human" [clients=2, msg-size=128 B, msgs=2,000]')
    expect(res.stdout).toMatch(/^Pub stats: [\d,]+ msgs\/sec ~ [\d.]+ \w+\/sec \(2,000 msgs/m)
    expect(res.stdout).toMatch(/^ \[1\] [\d,]+ msgs\/sec .*\(1,000 msgs\)$/m)
    expect(res.stdout).toMatch(/^ message rates min [\d,]+ \| avg [\d,]+ \| max [\d,]+ \| stddev [\d,]+ msgs\/sec$/m)
  })

  it('holds --rate: 600 messages at 1,200 msgs/s take about half a second', async () => {
    const res = await runCli([
      'bench',
      'pub',
      'b.rate',
      '--msgs',
      '600',
      '--rate',
      '1200',
      '--clients',
      '2',
      '--json',
      '-s',
      server.url,
    ])
    expect(res.code, res.stderr).toBe(0)
    const r = res.json<BenchResult>()
    expect(r.total.msgs).toBe(600)
    expect(r.total.seconds).toBeGreaterThan(0.4)
    expect(r.total.msgs_per_sec).toBeLessThan(1500)
  })

  it('runs for --duration instead of a count', async () => {
    const res = await runCli([
      'bench',
      'pub',
      'b.dur',
      '--duration',
      '300ms',
      '--rate',
      '2000',
      '--json',
      '-s',
      server.url,
    ])
    expect(res.code, res.stderr).toBe(0)
    const r = res.json<BenchResult>()
    expect(r.options.duration_ms).toBe(300)
    expect(r.total.seconds).toBeGreaterThanOrEqual(0.29)
    expect(r.total.seconds).toBeLessThan(2)
    expect(r.total.msgs).toBeGreaterThan(300)
    expect(r.total.msgs).toBeLessThan(1200)
  })

  // one client runs on the main thread, several in worker threads: both stop on Ctrl-C and report
  for (const clients of ['1', '2']) {
    it(`Ctrl-C prints the partial result for the work done and exits 130 (--clients ${clients})`, async () => {
      const before = (await varz()).in_msgs
      const run = spawnCli([
        'bench',
        'pub',
        'b.int',
        '--clients',
        clients,
        '--duration',
        '60s',
        '--rate',
        '20000',
        '--json',
        '-s',
        server.url,
      ])
      await run.waitFor('Starting Pub benchmark', 'stderr')
      await waitFor(
        async () => ((await varz()).in_msgs - before >= 2000 ? true : undefined),
        20_000,
        'the server to receive 2,000 messages',
      )
      run.child.kill('SIGINT')
      const res = await run.done
      expect(res.code, res.stderr).toBe(130)
      const r = res.json<BenchResult>()
      expect(r.interrupted).toBe(true)
      expect(r.clients).toHaveLength(Number(clients))
      expect(r.total.msgs).toBeGreaterThanOrEqual(2000)
      expect(r.total.seconds).toBeLessThan(30)
      // every message counted was flushed to the server before the result was printed
      expect((await varz()).in_msgs - before).toBe(r.total.msgs)
    })
  }

  it('refuses bad input with exit 2 before connecting', async () => {
    const dead = 'nats://127.0.0.1:1'
    for (const args of [
      ['bench', 'pub', 'bad subject', '-s', dead],
      ['bench', 'pub', 'a.*', '-s', dead],
      ['bench', 'pub', 'x', '--size', '-1', '-s', dead],
      ['bench', 'pub', 'x', '--size', 'lots', '-s', dead],
      ['bench', 'pub', 'x', '--clients', '0', '-s', dead],
      ['bench', 'pub', 'x', '--duration', '10', '-s', dead],
      ['bench', 'sub', 'a.>.b', '-s', dead],
      ['bench', 'pub', 'x', '--csv', join(dir, 'missing', 'x.csv'), '-s', dead],
    ]) {
      const res = await runCli(args)
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2)
      // one error line (oclif adds an UnparsedCommand warning when NODE_ENV=test, as under vitest)
      expect(
        res.stderr.split('\n').filter((l) => l.startsWith('natsx:')),
        res.stderr,
      ).toHaveLength(1)
    }
  })

  it('refuses a --size above the server max_payload with exit 2', async () => {
    const res = await runCli(['bench', 'pub', 'x', '--size', '2MiB', '--msgs', '10', '-s', server.url])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toContain('max_payload 1048576')
  })

  it('exits 6 when the server is not there', async () => {
    const res = await runCli(['bench', 'pub', 'x', '--msgs', '10', '-s', 'nats://127.0.0.1:1', '--timeout', '1s'])
    expect(res.code, res.stderr).toBe(6)
  })
})

describe('bench sub', () => {
  it('each client receives every message; bytes are the bytes received (natscli #1441)', async () => {
    const sub = spawnCli(['bench', 'sub', 'b.sub', '--clients', '2', '--msgs', '2000', '--json', '-s', server.url])
    await sub.waitFor('Starting Sub benchmark', 'stderr')
    const pub = await runCli(['bench', 'pub', 'b.sub', '--msgs', '2000', '--size', '100B', '--json', '-s', server.url])
    expect(pub.code, pub.stderr).toBe(0)
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const r = res.json<BenchResult>()
    expect(r.clients.map((c) => c.msgs)).toEqual([2000, 2000])
    expect(r.clients.map((c) => c.bytes)).toEqual([200_000, 200_000])
    expect(r.total.msgs).toBe(4000)
    expect(r.total.bytes).toBe(400_000)
    expect(r.warnings).toEqual([])
  })

  it('--multisubject publishes on SUBJECT.<n> and subscribes to SUBJECT.>', async () => {
    const sub = spawnCli(['bench', 'sub', 'b.ms', '--multisubject', '--msgs', '500', '--json', '-s', server.url])
    await sub.waitFor('Starting Sub benchmark', 'stderr')
    const pub = await runCli([
      'bench',
      'pub',
      'b.ms',
      '--multisubject',
      '--multisubject-max',
      '7',
      '--msgs',
      '500',
      '--clients',
      '2',
      '--json',
      '-s',
      server.url,
    ])
    expect(pub.code, pub.stderr).toBe(0)
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<BenchResult>().total.msgs).toBe(500)
  })
})

describe('bench request and reply', () => {
  it('times every request; the service side ends after --msgs answers', async () => {
    const file = join(dir, 'req.csv')
    const reply = spawnCli(['bench', 'reply', 'b.svc', '--clients', '2', '--msgs', '600', '--json', '-s', server.url])
    await reply.waitFor('Starting Reply benchmark', 'stderr')
    const req = await runCli([
      'bench',
      'request',
      'b.svc',
      '--clients',
      '2',
      '--msgs',
      '600',
      '--size',
      '32B',
      '--csv',
      file,
      '--json',
      '-s',
      server.url,
    ])
    expect(req.code, req.stderr).toBe(0)
    const r = req.json<BenchResult>()
    expect(r.total.msgs).toBe(600)
    expect(r.clients.map((c) => c.msgs)).toEqual([300, 300])
    // request and echoed reply bytes
    expect(r.total.bytes).toBe(600 * 64)
    expect(r.latency).toBeDefined()
    const l = r.latency!
    expect(l.count).toBe(600)
    expect(l.unit).toBe('us')
    expect(l.min).toBeGreaterThan(0)
    expect(l.min).toBeLessThanOrEqual(l.p50)
    expect(l.p50).toBeLessThanOrEqual(l.p90)
    expect(l.p90).toBeLessThanOrEqual(l.p99)
    expect(l.p99).toBeLessThanOrEqual(l.p999)
    expect(l.p999).toBeLessThanOrEqual(l.max * 1.001)
    expect(r.clients.every((c) => c.latency?.count === 300)).toBe(true)
    const rows = readFileSync(file, 'utf8').trim().split('\n')
    expect(rows).toHaveLength(3)
    expect(rows[0]).toContain('LatP50Us,LatP90Us,LatP99Us,LatP999Us')
    const served = await reply.done
    expect(served.code, served.stderr).toBe(0)
    const s = served.json<BenchResult>()
    expect(s.total.msgs).toBe(600)
    expect(sum(s.clients.map((c) => c.msgs))).toBe(600)
  })

  it('reply --sleep delays each answer, which the requester sees in its latency', async () => {
    const reply = spawnCli(['bench', 'reply', 'b.slow', '--sleep', '5ms', '--msgs', '20', '--json', '-s', server.url])
    await reply.waitFor('Starting Reply benchmark', 'stderr')
    const req = await runCli(['bench', 'request', 'b.slow', '--msgs', '20', '--json', '-s', server.url])
    expect(req.code, req.stderr).toBe(0)
    const r = req.json<BenchResult>()
    // without --sleep a request takes ~0.3 ms here; libuv timers count from the loop's cached time and may fire up
    // to ~1 ms early, so 5 ms of sleep shows as at least 4 ms
    expect(r.latency!.min).toBeGreaterThanOrEqual(4000)
    expect((await reply.done).code).toBe(0)
  })

  it('reply --duration ends by time, not by --msgs', async () => {
    const reply = spawnCli(['bench', 'reply', 'b.dur', '--duration', '300ms', '--json', '-s', server.url])
    await reply.waitFor('Starting Reply benchmark', 'stderr')
    // the requester outlives the service: its requests find no responder once the service has ended
    const req = await runCli(['bench', 'request', 'b.dur', '--rate', '1000', '--msgs', '100000', '--timeout', '1s', '-s', server.url])
    expect(req.code, req.stderr).toBe(6)
    const served = await reply.done
    expect(served.code, served.stderr).toBe(0)
    const r = served.json<BenchResult>()
    expect(r.total.seconds).toBeGreaterThan(0.25)
    expect(r.total.seconds).toBeLessThan(0.5)
    expect(r.total.msgs).toBeGreaterThan(50)
    expect(r.total.msgs).toBeLessThan(1000)
  })

  it('a request without a responder exits 6', async () => {
    const res = await runCli(['bench', 'request', 'b.nobody', '--msgs', '5', '--json', '-s', server.url])
    expect(res.code, res.stderr).toBe(6)
    // the banner, then the error as JSON
    expect(JSON.parse(res.stderr.trim().split('\n').at(-1)!).error.kind).toBe('connection')
  })
})

/** The moment to break the server: it has taken messages from the benchmark (its own counter), not a time. */
async function publishing(server: NatsServer): Promise<void> {
  await waitFor(async () => {
    const v = (await (await fetch(`${server.monitorUrl}/varz`)).json()) as {in_msgs: number}
    return v.in_msgs > 20_000 ? true : undefined
  }, 30_000, 'the benchmark publishing')
}

describe('bench when the server dies mid-run', () => {
  it.each([
    ['one client', '1'],
    ['two clients in threads', '2'],
  ])('%s: exit 6 with one line, and the partial result marked interrupted (as for Ctrl-C)', async (_what, clients) => {
    const doomed = await startServer({jetstream: false})
    try {
      const run = spawnCli(['bench', 'pub', 'b.dies', '--clients', clients, '--msgs', '1000000000', '--json', '-s', doomed.url])
      await publishing(doomed)
      process.kill(doomed.pid!, 'SIGKILL')
      const res = await run.done
      expect(res.code, res.stderr).toBe(6)
      const lines = res.stderr.trim().split('\n')
      const error = JSON.parse(lines.at(-1)!) as {error: {kind: string; message: string}}
      expect(error.error.kind).toBe('connection')
      expect(error.error.message).toMatch(/connection to the server was lost during the run/)
      expect(res.stderr).not.toMatch(/\n\s+at /)
      const r = res.json<BenchResult>()
      expect(r.interrupted).toBe(true)
      expect(r.total.msgs).toBeGreaterThan(0)
      expect(r.total.msgs).toBeLessThan(1_000_000_000)
      expect(r.clients).toHaveLength(Number(clients))
      expect(r.warnings.join(' ')).toMatch(/lost during the run/)
    } finally {
      await doomed.destroy()
    }
  })

  it('for people: the summary says where the figures end, then one error line', async () => {
    const doomed = await startServer({jetstream: false})
    try {
      const run = spawnCli(['bench', 'pub', 'b.dies', '--msgs', '1000000000', '-s', doomed.url])
      await publishing(doomed)
      process.kill(doomed.pid!, 'SIGKILL')
      const res = await run.done
      expect(res.code).toBe(6)
      expect(res.stdout).toMatch(/^Interrupted: figures for the work done before the connection was lost\nPub stats: /)
      expect(res.stderr.trim().split('\n').at(-1)).toMatch(/^natsx: the connection to the server was lost during the run/)
    } finally {
      await doomed.destroy()
    }
  })
})

describe('bench when the server freezes mid-run (SIGSTOP)', () => {
  it('the stall is noticed within --timeout: exit 6, partial result', async () => {
    const frozen = await startServer({jetstream: false})
    try {
      const run = spawnCli(['bench', 'pub', 'b.frozen', '--clients', '2', '--msgs', '1000000000', '--timeout', '2s', '--json', '-s', frozen.url])
      await publishing(frozen)
      process.kill(frozen.pid!, 'SIGSTOP')
      const res = await run.done
      expect(res.code, res.stderr).toBe(6)
      expect(JSON.parse(res.stderr.trim().split('\n').at(-1)!).error.message).toMatch(/^the connection to the server was lost during the run \((the server did not answer for 2s|.* did not answer within 2000ms)\)$/)
      expect(res.json<BenchResult>()).toMatchObject({interrupted: true})
    } finally {
      process.kill(frozen.pid!, 'SIGCONT')
      await frozen.destroy()
    }
  })

  it('SIGTERM ends it within a second with 130 and the partial result', async () => {
    const frozen = await startServer({jetstream: false})
    try {
      const run = spawnCli(['bench', 'pub', 'b.frozen', '--msgs', '1000000000', '--timeout', '60s', '--json', '-s', frozen.url])
      await publishing(frozen)
      process.kill(frozen.pid!, 'SIGSTOP')
      const t0 = performance.now()
      run.child.kill('SIGTERM')
      const res = await run.done
      const took = performance.now() - t0
      expect(res.code, res.stderr).toBe(130)
      // a second is the aim; the bound leaves room for a loaded machine, and "never" is what it guards against
      expect(took).toBeLessThan(3000)
      const r = res.json<BenchResult>()
      expect(r.interrupted).toBe(true)
      expect(r.total.msgs).toBeGreaterThan(0)
    } finally {
      process.kill(frozen.pid!, 'SIGCONT')
      await frozen.destroy()
    }
  })
})

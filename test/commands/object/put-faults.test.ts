import {jetstream, jetstreamManager} from '@nats-io/jetstream'
import {connect} from '@nats-io/transport-node'
/**
 * object put when things go wrong (issue 12, item 3): a server killed mid-put, a put interrupted, and the chunks of
 * unfinished uploads purged on the failed run or by the next put/del/ls of the bucket, never those of a put still
 * in progress. The moments are found from the server's own counters (/jsz), never from sleeps.
 */
import {createHash, randomBytes} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ObjectRecord} from '../../../src/lib/objects/store.js'

import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

interface StreamCounters {
  bytes: number
  last_ts: string
  messages: number
}

/** A stream's messages and bytes as the server itself reports them. */
async function streamState(server: NatsServer, stream: string): Promise<StreamCounters | undefined> {
  const res = await fetch(`${server.monitorUrl}/jsz?accounts=true&streams=true`)
  const body = (await res.json()) as {account_details?: Array<{stream_detail?: Array<{name: string; state: StreamCounters}>}>}
  for (const a of body.account_details ?? []) for (const st of a.stream_detail ?? []) if (st.name === stream) return st.state
  return undefined
}

/** stderr without node's own warnings */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() && !l.startsWith('(node:') && !l.startsWith('(Use `node'))

let dir: string
let big: string
const BIG = 48 * 1024 * 1024

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'natsx-objf-'))
  big = join(dir, 'big.bin')
  writeFileSync(big, randomBytes(BIG))
})
afterAll(() => {
  if (dir) rmSync(dir, {force: true, recursive: true})
})

/** A server with bucket B holding one good object; the bytes the bucket holds with only that object. */
async function bucketWithOneObject(): Promise<{goodBytes: number; server: NatsServer}> {
  const server = await startServer()
  const s = ['-s', server.url]
  expect((await runCli(['object', 'add', 'B', ...s])).code).toBe(0)
  const good = await runCli(['object', 'put', 'B', '--name', 'good.txt', ...s], {input: 'a good object\n'})
  expect(good.code, good.stderr).toBe(0)
  const state = await waitFor(() => streamState(server, 'OBJ_B'), 15_000, 'OBJ_B in /jsz')
  expect(state.messages).toBe(2)
  return {goodBytes: state.bytes, server}
}

/** Wait until the put is under way by the server's counters: chunks stored beyond the good object. */
async function putUnderWay(server: NatsServer, atLeast = 100): Promise<StreamCounters> {
  return waitFor(
    async () => {
      const st = await streamState(server, 'OBJ_B')
      return st && st.messages >= 2 + atLeast ? st : undefined
    },
    60_000,
    'chunks arriving in OBJ_B',
  )
}

describe('object put with the server killed (kill -9) mid-put', () => {
  it('exit 6 with one line; the chunks stay until the server is back, then `object ls` removes them and says so on stderr', {timeout: 120_000}, async () => {
    const {goodBytes, server} = await bucketWithOneObject()
    const s = ['-s', server.url]
    try {
      const put = spawnCli(['object', 'put', 'B', big, '--chunk-size', '16KiB', '--timeout', '2s', ...s], {timeoutMs: 90_000})
      await putUnderWay(server)
      process.kill(server.pid!, 'SIGKILL')
      const res = await put.done
      expect(res.code, res.stderr).toBe(6)
      const lines = errorLines(res.stderr)
      expect(lines, res.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(
        /^natsx: lost the connection to nats:\/\/127\.0\.0\.1:\d+ while storing "big\.bin" in bucket "B" \([\d.]+ [KM]iB of 48 MiB sent\): the object was not stored; its chunks stay in the bucket until the next `natsx object put`, `del` or `ls B` removes them$/,
      )
      expect(res.stderr).not.toMatch(/\n\s+at /)
      expect(res.stdout).toBe('')

      // back on the same store and port: the orphaned chunks are still there
      await server.start()
      const before = await waitFor(() => streamState(server, 'OBJ_B'), 15_000, 'OBJ_B recovered')
      expect(before.messages).toBeGreaterThan(2)
      expect(before.bytes).toBeGreaterThan(goodBytes)

      // the failed put tried for its --timeout (2s) to come back: its chunks are older than that now
      const ls = await runCli(['object', 'ls', 'B', '--json', '--timeout', '2s', ...s])
      expect(ls.code, ls.stderr).toBe(0)
      expect(ls.json<ObjectRecord[]>().map((o) => o.name)).toEqual(['good.txt'])
      const notice = errorLines(ls.stderr)
      expect(notice).toHaveLength(1)
      expect(JSON.parse(notice[0])).toEqual({notice: expect.stringMatching(/^removed 1 unfinished upload from bucket "B": \d+ chunks \([\d.]+ MiB\) that no object referred to$/)})
      const chunks = Number(/: (\d+) chunks/.exec(JSON.parse(notice[0]).notice)![1])
      expect(chunks).toBe(before.messages - 2)
      const after = await streamState(server, 'OBJ_B')
      expect(after).toMatchObject({bytes: goodBytes, messages: 2})

      // nothing left: the next listing says nothing
      const again = await runCli(['object', 'ls', 'B', '--timeout', '2s', ...s])
      expect(again.code).toBe(0)
      expect(errorLines(again.stderr)).toEqual([])
      expect(again.stdout).toContain('good.txt')
    } finally {
      await server.destroy()
    }
  })

  it('a server back within --timeout: the failed run purges its own chunks (exit 6, one line saying so)', {timeout: 120_000}, async () => {
    const {goodBytes, server} = await bucketWithOneObject()
    try {
      const put = spawnCli(['object', 'put', 'B', big, '--chunk-size', '16KiB', '--timeout', '15s', '-s', server.url], {timeoutMs: 90_000})
      await putUnderWay(server)
      process.kill(server.pid!, 'SIGKILL')
      await server.start()
      const res = await put.done
      expect(res.code, res.stderr).toBe(6)
      const lines = errorLines(res.stderr)
      expect(lines, res.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^natsx: lost the connection to .* while storing "big\.bin" in bucket "B" \(.* sent\): the object was not stored; its \d+ chunks were purged$/)
      // by the server's own count, nothing of the failed put is left; no other command ran
      expect(await streamState(server, 'OBJ_B')).toMatchObject({bytes: goodBytes, messages: 2})
    } finally {
      await server.destroy()
    }
  })
})

describe('object put with the server frozen (SIGSTOP) mid-put', () => {
  it('exit 6 within its --timeout, one line; after SIGCONT nothing of it is left once the next `object ls` has run', {timeout: 120_000}, async () => {
    const {goodBytes, server} = await bucketWithOneObject()
    const s = ['-s', server.url]
    try {
      const put = spawnCli(['object', 'put', 'B', big, '--chunk-size', '16KiB', '--timeout', '2s', ...s], {timeoutMs: 90_000})
      await putUnderWay(server)
      process.kill(server.pid!, 'SIGSTOP')
      // a frozen server answers nothing: the put notices the stall by its --timeout, not by a closed socket
      const res = await put.done
      process.kill(server.pid!, 'SIGCONT')
      expect(res.code, res.stderr).toBe(6)
      const lines = errorLines(res.stderr)
      expect(lines, res.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^natsx: "big\.bin" in bucket "B" \([\d.]+ [KM]iB of 48 MiB sent\) was not stored: timed out; its chunks stay in the bucket until the next `natsx object put`, `del` or `ls B` removes them/)
      expect(res.stderr).not.toMatch(/\n\s+at /)

      // What the put wrote while the server was frozen (chunks, and the purge it asked for on its way out) sits in
      // its socket, and the server takes it after SIGCONT; the stream's newest message may still be one from before
      // the freeze, so its age says nothing yet. First the server has read all the put sent: its connection is gone.
      await waitFor(async () => {
        const c = (await (await fetch(`${server.monitorUrl}/connz`)).json()) as {num_connections: number}
        return c.num_connections === 0 ? true : undefined
      }, 30_000, "the server to read what the put sent and close its connection")
      // Then every chunk read is stored: a message published now is stored after them (one ingest queue per stream);
      // it is removed again at once. The purge is answered by the API, and may run before chunks still queued.
      const nc = await connect({servers: server.url})
      try {
        const marker = await jetstream(nc).publish('$O.B.C.test-marker', 'x')
        await (await jetstreamManager(nc)).streams.deleteMessage('OBJ_B', marker.seq, false)
      } finally {
        await nc.close()
      }

      // what was stored just now is younger than the sweep's age limit (ls --timeout 5s): wait until it is older
      await waitFor(
        async () => {
          const st = await streamState(server, 'OBJ_B')
          return st && Date.now() - Date.parse(st.last_ts) > 5500 ? st : undefined
        },
        30_000,
        'the newest chunk to be older than the sweep\'s age limit',
      )
      // Either the put's own purge removed everything (nothing left to sweep) or chunks stayed and the next listing
      // removes them, saying so: in both cases nothing of the failed put is left after it.
      const ls = await runCli(['object', 'ls', 'B', '--timeout', '5s', ...s])
      expect(ls.code, ls.stderr).toBe(0)
      for (const line of errorLines(ls.stderr)) expect(line).toMatch(/^natsx: removed 1 unfinished upload from bucket "B": \d+ chunks?/)
      expect(errorLines(ls.stderr).length).toBeLessThanOrEqual(1)
      expect(await streamState(server, 'OBJ_B')).toMatchObject({bytes: goodBytes, messages: 2})
    } finally {
      process.kill(server.pid!, 'SIGCONT')
      await server.destroy()
    }
  })

  it('SIGTERM while the server is frozen ends the put at once (exit 130), not after its --timeout', {timeout: 120_000}, async () => {
    const {server} = await bucketWithOneObject()
    try {
      const put = spawnCli(['object', 'put', 'B', big, '--chunk-size', '16KiB', '--timeout', '60s', '-s', server.url], {timeoutMs: 90_000})
      await putUnderWay(server)
      process.kill(server.pid!, 'SIGSTOP')
      const sent = performance.now()
      put.child.kill('SIGTERM')
      const res = await put.done
      const took = performance.now() - sent
      expect(res.code, res.stderr).toBe(130)
      expect(errorLines(res.stderr), res.stderr).toHaveLength(1)
      // far inside the 60 s --timeout it would otherwise wait on the frozen server (the bound allows a loaded machine)
      expect(took).toBeLessThan(10_000)
    } finally {
      process.kill(server.pid!, 'SIGCONT')
      await server.destroy()
    }
  })
})

describe('object put interrupted with the server alive', () => {
  it('SIGTERM on a put from a file: exit 130, the chunks purged on the same run', {timeout: 120_000}, async () => {
    const {goodBytes, server} = await bucketWithOneObject()
    try {
      const put = spawnCli(['object', 'put', 'B', big, '--chunk-size', '16KiB', '-s', server.url], {timeoutMs: 90_000})
      await putUnderWay(server)
      put.child.kill('SIGTERM')
      const res = await put.done
      expect(res.code, res.stderr).toBe(130)
      const lines = errorLines(res.stderr)
      expect(lines, res.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^natsx: interrupted while storing "big\.bin" in bucket "B" \(.* of 48 MiB sent\): the object was not stored; its \d+ chunks were purged$/)
      expect(await streamState(server, 'OBJ_B')).toMatchObject({bytes: goodBytes, messages: 2})
    } finally {
      await server.destroy()
    }
  })

  it('Ctrl-C on a put whose stdin has gone quiet: exit 130 at once, the chunks purged', {timeout: 60_000}, async () => {
    const {goodBytes, server} = await bucketWithOneObject()
    try {
      const put = spawnCli(['object', 'put', 'B', '--name', 'piped', '--chunk-size', '16KiB', '-s', server.url], {input: randomBytes(1024 * 1024), openStdin: true})
      await putUnderWay(server, 64)
      put.child.kill('SIGINT')
      const res = await put.done
      expect(res.code, res.stderr).toBe(130)
      expect(errorLines(res.stderr)).toEqual(['natsx: interrupted while storing "piped" in bucket "B" (1 MiB sent): the object was not stored; its 64 chunks were purged'])
      expect(await streamState(server, 'OBJ_B')).toMatchObject({bytes: goodBytes, messages: 2})
    } finally {
      await server.destroy()
    }
  })
})

describe('a put in progress is not an orphan', () => {
  it('chunks newer than --timeout survive ls, put and del; the put completes intact', {timeout: 60_000}, async () => {
    const {server} = await bucketWithOneObject()
    const s = ['-s', server.url]
    try {
      const first = randomBytes(1024 * 1024)
      const put = spawnCli(['object', 'put', 'B', '--name', 'slow', '--chunk-size', '16KiB', ...s], {input: first, openStdin: true})
      const during = await putUnderWay(server, 64)
      // the put waits on its input; others work on the bucket meanwhile, with a --timeout longer than the pause
      const ls = await runCli(['object', 'ls', 'B', '--timeout', '60s', ...s])
      expect(ls.code, ls.stderr).toBe(0)
      expect(errorLines(ls.stderr)).toEqual([])
      const other = await runCli(['object', 'put', 'B', '--name', 'other', '--timeout', '60s', ...s], {input: 'x'})
      expect(other.code, other.stderr).toBe(0)
      expect(errorLines(other.stderr)).toEqual([])
      const del = await runCli(['object', 'del', 'B', 'other', '--force', '--timeout', '60s', ...s])
      expect(del.code, del.stderr).toBe(0)
      expect(errorLines(del.stderr)).toEqual([])
      expect((await streamState(server, 'OBJ_B'))!.messages).toBeGreaterThanOrEqual(during.messages)

      const rest = randomBytes(100_000)
      put.child.stdin!.end(rest)
      const res = await put.done
      expect(res.code, res.stderr).toBe(0)
      const out = join(dir, 'slow.out')
      const get = await runCli(['object', 'get', 'B', 'slow', '--output', out, ...s])
      expect(get.code, get.stderr).toBe(0)
      const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
      expect(sha(readFileSync(out))).toBe(sha(Buffer.concat([first, rest])))
    } finally {
      await server.destroy()
    }
  })

  it('a put whose input paused longer than another client\'s --timeout loses its chunks to that sweep: it stores nothing (exit 4), never a gap', {timeout: 60_000}, async () => {
    const {goodBytes, server} = await bucketWithOneObject()
    const s = ['-s', server.url]
    try {
      const put = spawnCli(['object', 'put', 'B', '--name', 'paused', '--chunk-size', '16KiB', ...s], {input: randomBytes(512 * 1024), openStdin: true})
      const during = await putUnderWay(server, 32)
      // by the server's clock of the newest chunk: the pause is now longer than 1s
      await waitFor(() => (Date.now() - Date.parse(during.last_ts) > 1500 ? true : undefined), 10_000, 'the paused chunks to be 1.5s old')
      const ls = await runCli(['object', 'ls', 'B', '--timeout', '1s', ...s])
      expect(ls.code, ls.stderr).toBe(0)
      expect(errorLines(ls.stderr)).toEqual([expect.stringMatching(/^natsx: removed 1 unfinished upload from bucket "B": 32 chunks/)])

      put.child.stdin!.end(randomBytes(1000))
      const res = await put.done
      expect(res.code, res.stderr).toBe(4)
      expect(errorLines(res.stderr)).toEqual([
        expect.stringMatching(/^natsx: "paused" in bucket "B" \(.* sent\) was not stored: 32 of its 33 chunks were removed meanwhile \(the input paused for longer than another client's --timeout, which took them for an unfinished upload\); its 33 chunks were purged; run the put again$/),
      ])
      expect(await streamState(server, 'OBJ_B')).toMatchObject({bytes: goodBytes, messages: 2})
      const info = await runCli(['object', 'info', 'B', 'paused', ...s])
      expect(info.code).toBe(3)
    } finally {
      await server.destroy()
    }
  })
})

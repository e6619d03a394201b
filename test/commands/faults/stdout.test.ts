/**
 * stdout as a fault: a reader that closes (EPIPE, `| head -1`) ends the command at once and quietly; a reader that
 * stops slows pull-based reads and makes a core `sub` drop, say so and count.
 */
import {jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {type ChildProcess, spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../../src/lib/messages.js'

import {baseEnv, BIN} from '../../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  await jsm.streams.add({name: 'PIPE', subjects: ['pipe.>']})
  const js = jetstream(nc)
  const acks = []
  for (let i = 1; i <= 5000; i++) acks.push(js.publish('pipe.m', `message ${i} ${'z'.repeat(100)}`))
  await Promise.all(acks)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

interface Running {
  child: ChildProcess
  exit: Promise<{code: null | number; signal: NodeJS.Signals | null}>
  stderr(): string
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args, '-s', server.url], {env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe']})
  let err = ''
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString()
  })
  const exit = new Promise<{code: null | number; signal: NodeJS.Signals | null}>((resolve) => {
    child.on('close', (code, signal) => resolve({code, signal}))
  })
  return {child, exit, stderr: () => err}
}

/** Read the first line of the child's stdout, then close the pipe, as `head -1` does. */
function headOne(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let buf = ''
    const onData = (b: Buffer): void => {
      buf += b.toString()
      const nl = buf.indexOf('\n')
      if (nl === -1) return
      child.stdout!.off('data', onData)
      child.stdout!.destroy()
      resolve(buf.slice(0, nl))
    }

    child.stdout!.on('data', onData)
  })
}

describe('a closed stdout (EPIPE)', () => {
  it('sub | head -1 ends at the next message, exit 0, nothing on stderr but the listening line', async () => {
    const r = start(['sub', 'epipe.>'])
    await waitFor(() => r.stderr().includes('listening'))
    const first = headOne(r.child)
    let exited = false
    r.exit.then(() => {
      exited = true
    }, () => {})
    // Messages keep coming, as on a live subject; the command must notice the closed pipe on its next write.
    let n = 0
    await waitFor(async () => {
      nc.publish('epipe.x', `m ${++n}`)
      await nc.flush()
      return exited
    }, 10_000, 'sub to end on a closed stdout')
    expect(await first).toMatch(/Received on "epipe.x"/)
    expect(await r.exit).toEqual({code: 0, signal: null})
    expect(r.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^natsx: listening on/)])
  })

  for (const args of [
    ['stream', 'view', 'PIPE', '--json'],
    ['sub', '--stream', 'PIPE', '--all', '--json'],
  ]) {
    it(`${args.slice(0, 2).join(' ')} | head -1: exit 0, quiet, and its ordered consumer is gone`, async () => {
      const r = start(args)
      const line = await headOne(r.child)
      expect((JSON.parse(line) as MessageRecord).jetstream?.sequence).toBe(1)
      expect(await r.exit).toEqual({code: 0, signal: null})
      expect(r.stderr()).not.toMatch(/error|EPIPE|\n\s+at /i)
      // ordered consumers are removed on the way out
      await waitFor(async () => ((await jsm.streams.info('PIPE')).state.consumer_count === 0 ? true : undefined))
    })
  }

  it('consumer next | head -1: exit 0, quiet; nothing past what reached the pipe is acknowledged', async () => {
    await jsm.consumers.add('PIPE', {ack_policy: 'explicit' as never, durable_name: 'HEAD', max_ack_pending: 10_000})
    const r = start(['consumer', 'next', 'PIPE', 'HEAD', '--count', '5000', '--json'])
    await headOne(r.child)
    expect(await r.exit).toEqual({code: 0, signal: null})
    expect(r.stderr()).toBe('')
    const ci = await jsm.consumers.info('PIPE', 'HEAD')
    expect(ci.ack_floor.stream_seq).toBeLessThan(5000)
    expect(ci.delivered.stream_seq).toBeGreaterThanOrEqual(ci.ack_floor.stream_seq)
    await jsm.consumers.delete('PIPE', 'HEAD')
  })
})

describe('a reader that stops', () => {
  it('stream view --json: reading stops while stdout is full, and every message arrives once the reader is back', async () => {
    const r = start(['stream', 'view', 'PIPE', '--json'])
    r.child.stdout!.pause()
    // The server's own counter: the ordered consumer's deliveries stop short of the stream.
    const delivered = async (): Promise<number | undefined> => {
      const res = await fetch(`${server.monitorUrl}/jsz?accounts=true&consumers=true`)
      const body = (await res.json()) as {account_details?: Array<{stream_detail?: Array<{consumer_detail?: Array<{delivered: {stream_seq: number}}>; name: string}>}>}
      const st = body.account_details?.[0]?.stream_detail?.find((s) => s.name === 'PIPE')
      return st?.consumer_detail?.[0]?.delivered.stream_seq
    }

    const stalled = await waitFor(async () => {
      const a = await delivered()
      if (!a) return undefined
      return (await delivered()) === a ? a : undefined
    })
    expect(stalled).toBeLessThan(5000)
    let out = ''
    r.child.stdout!.setEncoding('utf8')
    r.child.stdout!.on('data', (s: string) => {
      out += s
    })
    r.child.stdout!.resume()
    expect((await r.exit).code).toBe(0)
    const seqs = out.trim().split('\n').map((l) => (JSON.parse(l) as MessageRecord).jetstream?.sequence)
    expect(seqs).toEqual(Array.from({length: 5000}, (_, i) => i + 1))
  })

  it('core sub --json: once 16 MiB wait for the reader, messages are dropped with a warning and counted', async () => {
    const total = 60_000
    const r = start(['sub', 'flood.>', '--json', '--count', String(total)])
    await waitFor(() => r.stderr().includes('listening'))
    r.child.stdout!.pause()
    const body = 'f'.repeat(1000)
    for (let i = 1; i <= total; i++) {
      nc.publish('flood.m', body)
      if (i % 1000 === 0) await nc.flush()
    }

    await nc.flush()
    await waitFor(() => r.stderr().includes('"warning"'), 30_000, 'the slow-consumer warning')
    let lines = 0
    r.child.stdout!.on('data', (b: Buffer) => {
      for (const c of b) if (c === 0x0a) lines++
    })
    r.child.stdout!.resume()
    expect((await r.exit).code).toBe(0)
    const err = r.stderr().trim().split('\n').slice(1).map((l) => JSON.parse(l) as {summary?: {dropped: number; messages: number}; warning?: string})
    expect(err[0].warning).toMatch(/slow consumer/)
    const summary = err.at(-1)!.summary!
    expect(summary.dropped).toBeGreaterThan(0)
    expect(summary.messages).toBe(lines)
    expect(summary.messages + summary.dropped).toBe(total)
  })

  it('core sub: a connection the server drops as a slow consumer is a warning and a count, and the subscription goes on', async () => {
    const small = await startServer({config: 'max_payload: 65536\nmax_pending: 262144\nwrite_deadline: "1s"\n', jetstream: false})
    const pub = await connect({servers: small.url})
    try {
      const child = spawn(process.execPath, [BIN, 'sub', 'sc.>', '--json', '-s', small.url], {env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe']})
      let err = ''
      let out = ''
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString()
      })
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString()
      })
      const exit = new Promise<null | number>((resolve) => {
        child.on('close', resolve)
      })
      await waitFor(() => err.includes('listening'))
      child.kill('SIGSTOP')
      const slow = async (): Promise<number> => ((await (await fetch(`${small.monitorUrl}/varz`)).json()) as {slow_consumers: number}).slow_consumers
      const body = 'q'.repeat(4096)
      // The server's own counter says when it has dropped the frozen subscriber.
      await waitFor(async () => {
        for (let i = 0; i < 100; i++) pub.publish('sc.m', body)
        await pub.flush()
        return (await slow()) > 0 ? true : undefined
      }, 30_000, 'the server to count a slow consumer')
      child.kill('SIGCONT')
      await waitFor(() => err.includes('reconnected'), 30_000, 'the reconnect warning')
      await waitFor(async () => {
        pub.publish('sc.after', 'back')
        await pub.flush()
        return out.includes('"subject":"sc.after"') ? true : undefined
      }, 15_000, 'a message after the reconnect')
      child.kill('SIGINT')
      expect(await exit).toBe(130)
      const lines = err.trim().split('\n').slice(1).map((l) => JSON.parse(l) as {summary?: {disconnects: number}; warning?: string})
      expect(lines[0].warning).toMatch(/dropped the connection \(a slow consumer/)
      expect(lines.at(-1)!.summary!.disconnects).toBeGreaterThan(0)
    } finally {
      await pub.close()
      await small.destroy()
    }
  })
})

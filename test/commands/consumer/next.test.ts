/**
 * `consumer next`: settled only once printed, on every server; a consumer with ack policy none (2.10+ servers do not
 * answer an ack on it); a server frozen or killed in the middle of a pull.
 */
import {jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerNextResult} from '../../../src/commands/consumer/next.js'

import {baseEnv, BIN, runCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

interface ConsumerCounters {
  ack_floor: {stream_seq: number}
  delivered: {stream_seq: number}
  num_ack_pending: number
}

/** The consumer as the server's own monitoring port reports it. */
async function jszConsumer(s: NatsServer, stream: string, name: string): Promise<ConsumerCounters | undefined> {
  const res = await fetch(`${s.monitorUrl}/jsz?accounts=true&consumers=true`)
  const body = (await res.json()) as {account_details?: Array<{stream_detail?: Array<{consumer_detail?: Array<ConsumerCounters & {name: string}>; name: string}>}>}
  for (const a of body.account_details ?? [])
    for (const st of a.stream_detail ?? []) if (st.name === stream) return st.consumer_detail?.find((c) => c.name === name)
  return undefined
}

async function fill(stream: string, count: number, size = 200): Promise<void> {
  await jsm.streams.add({name: stream, subjects: [`${stream.toLowerCase()}.>`]})
  const js = jetstream(nc)
  const body = 'x'.repeat(size)
  const acks = []
  for (let i = 1; i <= count; i++) acks.push(js.publish(`${stream.toLowerCase()}.m`, `${i} ${body}`))
  await Promise.all(acks)
}

describe('consumer next', () => {
  it('a consumer with ack policy none: the messages, exit 0, nothing acknowledged; --nak and --term refused before any pull', async () => {
    await fill('NOACK', 3)
    await jsm.consumers.add('NOACK', {ack_policy: 'none' as never, durable_name: 'N'})
    const r = await runCli(['consumer', 'next', 'NOACK', 'N', '--count', '2', '--wait', '1s', '--json', '-s', server.url])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ConsumerNextResult>()
    expect(out.action).toBe('none')
    expect(out.messages.map((m) => m.jetstream?.sequence)).toEqual([1, 2])
    for (const flag of ['--nak', '--term']) {
      const refused = await runCli(['consumer', 'next', 'NOACK', 'N', flag, '-s', server.url])
      expect(refused.code).toBe(2)
      expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`ack policy none.*${flag}`))])
    }

    // nothing was pulled by the refusals
    expect((await jsm.consumers.info('NOACK', 'N')).delivered.stream_seq).toBe(2)
    // the last one, then an empty pull: exit 0 with an empty list
    const last = await runCli(['consumer', 'next', 'NOACK', 'N', '--count', '2', '--wait', '1s', '--json', '-s', server.url])
    expect(last.code, last.stderr).toBe(0)
    expect(last.json<ConsumerNextResult>().messages.map((m) => m.jetstream?.sequence)).toEqual([3])
    const empty = await runCli(['consumer', 'next', 'NOACK', 'N', '--wait', '1s', '--json', '-s', server.url])
    expect(empty.code, empty.stderr).toBe(0)
    expect(empty.json<ConsumerNextResult>().messages).toEqual([])
    const facts = await serverFacts(server)
    expect(facts.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('an empty pull on an explicit-ack consumer is exit 0 with no messages', async () => {
    await jsm.streams.add({name: 'EMPTY', subjects: ['empty.>']})
    await jsm.consumers.add('EMPTY', {ack_policy: 'explicit' as never, durable_name: 'E'})
    const r = await runCli(['consumer', 'next', 'EMPTY', 'E', '--count', '3', '--wait', '1s', '--json', '-s', server.url])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<ConsumerNextResult>()).toEqual({action: 'ack', consumer: 'E', messages: [], stream: 'EMPTY'})
  })

  it('a reader that stops: pulling stops too, and only what reached stdout is acknowledged', async () => {
    await fill('SLOW', 3000)
    await jsm.consumers.add('SLOW', {ack_policy: 'explicit' as never, durable_name: 'S', max_ack_pending: 10_000})
    const child = spawn(process.execPath, [BIN, 'consumer', 'next', 'SLOW', 'S', '--count', '3000', '--json', '-s', server.url], {env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout.pause()
    // The server's counters: delivered stops short of the stream while nobody reads
    const stalled = await waitFor(async () => {
      const a = await jszConsumer(server, 'SLOW', 'S')
      if (!a || a.delivered.stream_seq === 0) return undefined
      const b = await jszConsumer(server, 'SLOW', 'S')
      return b && b.delivered.stream_seq === a.delivered.stream_seq && b.ack_floor.stream_seq === a.ack_floor.stream_seq ? b : undefined
    })
    expect(stalled.delivered.stream_seq).toBeLessThan(3000)
    expect(stalled.ack_floor.stream_seq).toBeLessThan(stalled.delivered.stream_seq)
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (s: string) => {
      out += s
    })
    child.stdout.resume()
    const code = await new Promise<null | number>((resolve) => {
      child.on('close', resolve)
    })
    expect(code).toBe(0)
    expect(JSON.parse(out).messages).toHaveLength(3000)
    expect((await jsm.consumers.info('SLOW', 'S')).ack_floor.stream_seq).toBe(3000)
  })
})

describe('consumer next with the server failing mid-pull', () => {
  for (const fault of ['SIGSTOP', 'SIGKILL'] as const) {
    it(`${fault}: exit 6 with one line; the printed messages are acknowledged, and nothing else`, async () => {
      const s = await startServer()
      const c = await connect({servers: s.url})
      try {
        const m = await jetstreamManager(c)
        await m.streams.add({name: 'F', subjects: ['f.>']})
        const js = jetstream(c)
        const acks = []
        for (let i = 1; i <= 2000; i++) acks.push(js.publish('f.m', `${i} ${'y'.repeat(300)}`))
        await Promise.all(acks)
        await m.consumers.add('F', {ack_policy: 'explicit' as never, durable_name: 'W', max_ack_pending: 10_000})
        await c.close()

        const child = spawn(process.execPath, [BIN, 'consumer', 'next', 'F', 'W', '--count', '2000', '--json', '--timeout', '2s', '-s', s.url], {env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe']})
        child.stdout.pause()
        let err = ''
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString()
        })
        // Mid-batch by the server's own counters: messages delivered that are not acknowledged yet.
        await waitFor(async () => {
          const a = await jszConsumer(s, 'F', 'W')
          return a && a.delivered.stream_seq > 0 && a.num_ack_pending > 0 ? a : undefined
        })
        process.kill(s.pid!, fault)
        let out = ''
        child.stdout.setEncoding('utf8')
        child.stdout.on('data', (t: string) => {
          out += t
        })
        child.stdout.resume()
        const code = await new Promise<null | number>((resolve) => {
          child.on('close', resolve)
        })
        expect(code, err).toBe(6)
        expect(err.trim().split('\n')).toHaveLength(1)
        expect(err).not.toMatch(/\n\s+at /)
        const printed = (JSON.parse(out) as ConsumerNextResult).messages
        expect(printed.length).toBeLessThan(2000)
        expect(printed.map((r) => r.jetstream?.sequence)).toEqual(printed.map((_, i) => i + 1))

        if (fault === 'SIGSTOP') {
          process.kill(s.pid!, 'SIGCONT')
          // The acknowledgements of what was printed were on their way; the server takes them on waking.
          const after = await waitFor(async () => {
            const a = await jszConsumer(s, 'F', 'W')
            return a && a.ack_floor.stream_seq === printed.length ? a : undefined
          })
          // whatever was delivered but not printed stays pending: never acknowledged
          expect(after.delivered.stream_seq).toBeGreaterThanOrEqual(printed.length)
          expect(after.num_ack_pending).toBe(after.delivered.stream_seq - printed.length)
        } else {
          await s.stop()
          await s.start()
          const after = await waitFor(() => jszConsumer(s, 'F', 'W'))
          // a killed server may lose its last acks (they come back), never invent one for an unprinted message
          expect(after.ack_floor.stream_seq).toBeLessThanOrEqual(printed.length)
        }
      } finally {
        if (s.running) process.kill(s.pid!, 'SIGCONT')
        await s.destroy()
      }
    })
  }
})

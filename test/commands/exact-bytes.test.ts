/**
 * Bodies are opaque bytes: `--raw` writes them unchanged, JSON records keep a leading UTF-8 byte-order mark (so
 * `size` and `data` agree), and `reply --command` survives a body no environment value can hold.
 */
import {jetstream, jetstreamManager} from '@nats-io/jetstream'
import {Kvm} from '@nats-io/kv'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerNextResult} from '../../src/commands/consumer/next.js'
import type {MessageRecord} from '../../src/lib/messages.js'
import type {RequestResult} from '../../src/lib/publish/request.js'
import type {HandledRequest} from '../../src/lib/reply/serve.js'

import {baseEnv, BIN, runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

/** 256 bytes that are not UTF-8 (every byte value once) */
const BINARY = Buffer.from(Array.from({length: 256}, (_, i) => (i * 7 + 0x80) % 256))
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
/** the shell's "$NATS_REQUEST_BODY, or unset when it is not set" */
const BODY_VAR = ['"$', '{NATS_REQUEST_BODY-unset}"'].join('')
const WITH_BOM = Buffer.concat([BOM, Buffer.from('{"a":1}')])

/** Run the CLI and keep stdout as bytes. */
function runBytes(args: string[]): Promise<{code: null | number; stderr: string; stdout: Buffer}> {
  const child = spawn(process.execPath, [BIN, ...args, '-s', server.url], {env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe']})
  const out: Buffer[] = []
  let err = ''
  child.stdout.on('data', (b: Buffer) => out.push(b))
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString()
  })
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({code, stderr: err, stdout: Buffer.concat(out)}))
  })
}

/** A JSON record's body, back to bytes. */
const bytesOf = (r: Pick<MessageRecord, 'data' | 'encoding'>): Buffer => Buffer.from(r.data, r.encoding === 'utf8' ? 'utf8' : 'base64')

describe('--raw writes the body bytes unchanged', () => {
  it('sub --raw: a 256-byte binary body is those 256 bytes (and the newline after each message)', async () => {
    const sub = spawn(process.execPath, [BIN, 'sub', 'raw.bin', '--raw', '--count', '1', '-s', server.url], {env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    sub.stdout.on('data', (b: Buffer) => out.push(b))
    await new Promise<void>((resolve) => {
      sub.stderr.on('data', (b: Buffer) => {
        if (b.toString().includes('listening')) resolve()
      })
    })
    nc.publish('raw.bin', BINARY)
    const code = await new Promise((resolve) => {
      sub.on('close', resolve)
    })
    expect(code).toBe(0)
    expect(Buffer.concat(out)).toEqual(Buffer.concat([BINARY, Buffer.from('\n')]))
  })

  it('request --raw: the binary reply, byte for byte', async () => {
    const svc = nc.subscribe('raw.svc', {
      callback(_e, m) {
        m.respond(BINARY)
      },
      max: 1,
    })
    await nc.flush()
    const r = await runBytes(['request', 'raw.svc', 'x', '--raw'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toEqual(Buffer.concat([BINARY, Buffer.from('\n')]))
    svc.unsubscribe()
  })
})

describe('a leading byte-order mark stays in every JSON record', () => {
  it('sub, request, stream get/view, consumer next and kv get/history: size and data agree', async () => {
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({name: 'BOMS', subjects: ['bom.>']})
    const check = (rec: MessageRecord | undefined, what: string): void => {
      expect(rec, what).toBeDefined()
      expect(bytesOf(rec!), what).toEqual(WITH_BOM)
      expect(rec!.size, what).toBe(WITH_BOM.length)
    }

    // sub --json
    const sub = spawnCli(['sub', 'bom.>', '--count', '1', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    await jetstream(nc).publish('bom.a', WITH_BOM)
    const s = await sub.done
    check(s.ndjson<MessageRecord>()[0], 'sub')

    // request --json
    const svc = nc.subscribe('bomsvc.x', {
      callback(_e, m) {
        m.respond(WITH_BOM)
      },
      max: 1,
    })
    await nc.flush()
    const req = await runCli(['request', 'bomsvc.x', 'x', '--json', '-s', server.url])
    check(req.json<RequestResult>().replies[0], 'request')
    svc.unsubscribe()

    const get = await runCli(['stream', 'get', 'BOMS', '1', '--json', '-s', server.url])
    expect(get.code, get.stderr).toBe(0)
    check(get.json<MessageRecord>(), 'stream get')
    const view = await runCli(['stream', 'view', 'BOMS', '--json', '-s', server.url])
    check(view.ndjson<MessageRecord>()[0], 'stream view')
    await jsm.consumers.add('BOMS', {ack_policy: 'explicit' as never, durable_name: 'B'})
    const next = await runCli(['consumer', 'next', 'BOMS', 'B', '--json', '-s', server.url])
    check(next.json<ConsumerNextResult>().messages[0], 'consumer next')

    const kv = await new Kvm(nc).create('BOMKV')
    await kv.put('k', WITH_BOM)
    const kget = await runCli(['kv', 'get', 'BOMKV', 'k', '--json', '-s', server.url])
    expect(kget.code, kget.stderr).toBe(0)
    const entry = kget.json<{encoding: 'base64' | 'utf8'; length?: number; value: string}>()
    expect(bytesOf({data: entry.value, encoding: entry.encoding})).toEqual(WITH_BOM)
    const hist = await runCli(['kv', 'history', 'BOMKV', 'k', '--json', '-s', server.url])
    expect(hist.code, hist.stderr).toBe(0)
    const h = hist.json<{entries: Array<{encoding: 'base64' | 'utf8'; length: number; value: string}>}>().entries[0]
    expect(bytesOf({data: h.value, encoding: h.encoding})).toEqual(WITH_BOM)
    expect(h.length).toBe(WITH_BOM.length)
  })
})

describe('reply --command and a body with a NUL byte', () => {
  it('the command gets the body on stdin, NATS_REQUEST_BODY is left unset and said so; the service goes on', async () => {
    const rep = spawnCli(['reply', 'nul.svc', '--command', `cat; printf "[%s]" ${BODY_VAR}`, '--count', '2', '--json', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const withNul = Buffer.from([0x61, 0, 0x62])
    const m = await nc.request('nul.svc', withNul, {timeout: 5000})
    expect(Buffer.from(m.data)).toEqual(Buffer.concat([withNul, Buffer.from('[unset]')]))
    const again = await runCli(['request', 'nul.svc', 'hi', '--raw', '-s', server.url])
    expect(again.stdout).toBe('hi[hi]\n')
    const done = await rep.done
    expect(done.code, done.stderr).toBe(0)
    const recs = done.ndjson<HandledRequest>()
    expect(recs).toHaveLength(2)
    expect(recs[0]).toMatchObject({responded: true, size: 3, warning: expect.stringMatching(/NATS_REQUEST_BODY not set.*NUL/)})
    expect(bytesOf(recs[0])).toEqual(withNul)
    expect(recs[1]).toMatchObject({responded: true})
    expect(recs[1].warning).toBeUndefined()
  })

  it('after a NUL-byte request the service still answers the next one, with the variable set', async () => {
    const rep = spawnCli(['reply', 'nul.two', '--command', `printf "[%s]" ${BODY_VAR}`, '--count', '2', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const a = await nc.request('nul.two', Buffer.from([0x61, 0, 0x62]), {timeout: 5000})
    expect(Buffer.from(a.data).toString()).toBe('[unset]')
    const b = await nc.request('nul.two', 'hello', {timeout: 5000})
    expect(Buffer.from(b.data).toString()).toBe('[hello]')
    const done = await rep.done
    expect(done.code).toBe(0)
    expect(done.stderr).toMatch(/warning: request #1 on "nul.two": NATS_REQUEST_BODY not set/)
  })
})

import {jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BenchResult} from '../../../src/lib/bench/types.js'

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, startServer} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let dir: string
beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  dir = mkdtempSync(join(tmpdir(), 'natsx-bench-js-'))
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

const bench = async (args: string[]): Promise<BenchResult> => {
  const res = await runCli(['bench', ...args, '--json', '-s', server.url])
  expect(res.code, res.stderr).toBe(0)
  return res.json<BenchResult>()
}

describe('bench js pub', () => {
  it('async with a window: --create makes the stream, which then holds every message', async () => {
    const file = join(dir, 'jspub.csv')
    const r = await bench([
      'js',
      'pub',
      'bj.a',
      '--stream',
      'BJA',
      '--create',
      '--storage',
      'memory',
      '--clients',
      '2',
      '--msgs',
      '3000',
      '--batch',
      '100',
      '--size',
      '32B',
      '--csv',
      file,
    ])
    expect(r.options).toMatchObject({batch: 100, js_pub_mode: 'async', stream: 'BJA'})
    expect(r.clients.map((c) => c.msgs)).toEqual([1500, 1500])
    expect(r.total).toMatchObject({bytes: 96_000, msgs: 3000})
    const si = await (await jetstreamManager(nc)).streams.info('BJA')
    expect(si.state.messages).toBe(3000)
    expect(si.config.storage).toBe('memory')
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3)
  })

  it('sync with --dedup times each acknowledgement and sets message ids', async () => {
    const r = await bench(['js', 'pub', 'bj.a', '--stream', 'BJA', '--mode', 'sync', '--dedup', '--msgs', '200'])
    expect(r.total.msgs).toBe(200)
    expect(r.latency?.count).toBe(200)
    expect(r.latency!.p50).toBeGreaterThan(0)
    const jsm = await jetstreamManager(nc)
    const si = await jsm.streams.info('BJA')
    expect(si.state.messages).toBe(3200)
    const last = await jsm.streams.getMessage('BJA', {seq: si.state.last_seq})
    expect(last?.header?.get('Nats-Msg-Id')).toMatch(/^[\da-f]{8}-199$/)
  })

  it('--purge empties the stream first, and needs --force without a terminal', async () => {
    const refused = await runCli([
      'bench',
      'js',
      'pub',
      'bj.a',
      '--stream',
      'BJA',
      '--purge',
      '--msgs',
      '10',
      '-s',
      server.url,
    ])
    expect(refused.code, refused.stderr).toBe(2)
    expect(refused.stderr).toContain('--force')
    expect((await (await jetstreamManager(nc)).streams.info('BJA')).state.messages).toBe(3200)
    await bench(['js', 'pub', 'bj.a', '--stream', 'BJA', '--purge', '--force', '--msgs', '10'])
    expect((await (await jetstreamManager(nc)).streams.info('BJA')).state.messages).toBe(10)
  })

  it('a subject the stream does not capture exits 2 before publishing', async () => {
    const res = await runCli([
      'bench',
      'js',
      'pub',
      'other.subject',
      '--stream',
      'BJA',
      '--msgs',
      '10',
      '-s',
      server.url,
    ])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toContain('stream BJA does not capture "other.subject" (its subjects: bj.a)')
  })

  it('a missing stream without --create exits 3', async () => {
    const res = await runCli(['bench', 'js', 'pub', 'bj.none', '--stream', 'NOPE', '--msgs', '10', '-s', server.url])
    expect(res.code, res.stderr).toBe(3)
    expect(res.stderr).toContain('--create')
  })
})

describe('bench js consume, fetch, ordered', () => {
  beforeAll(async () => {
    await bench(['js', 'pub', 'bj.c', '--stream', 'BJC', '--create', '--msgs', '2000', '--size', '50B'])
  })

  for (const mode of ['consume', 'fetch']) {
    it(`${mode}: the clients share the consumer and read --msgs together; the consumer is removed after`, async () => {
      const r = await bench(['js', mode, '--stream', 'BJC', '--clients', '2', '--msgs', '1500', '--batch', '100'])
      expect(r.total.msgs).toBe(1500)
      expect(r.total.bytes).toBe(1500 * 50)
      expect(r.clients).toHaveLength(2)
      expect(r.clients[0].msgs + r.clients[1].msgs).toBe(1500)
      expect(r.options).toMatchObject({acks: 'explicit', consumer: 'natsx-bench', stream: 'BJC'})
      const names: string[] = []
      for await (const n of (await jetstreamManager(nc)).consumers.list('BJC')) names.push(n.name)
      expect(names).toEqual([])
    })
  }

  it('consume with --acks none reads all the stream holds when --msgs is larger, with a warning', async () => {
    const r = await bench(['js', 'consume', '--stream', 'BJC', '--acks', 'none', '--msgs', '5000'])
    expect(r.total.msgs).toBe(2000)
    expect(r.warnings.join('\n')).toContain('holds 2000 messages')
  })

  it('ordered: every client reads every message', async () => {
    const r = await bench(['js', 'ordered', '--stream', 'BJC', '--clients', '2', '--msgs', '2000'])
    expect(r.clients.map((c) => c.msgs)).toEqual([2000, 2000])
    expect(r.total.bytes).toBe(4000 * 50)
  })

  it('--filter reads only what the filter matches; a filter that matches nothing exits 2', async () => {
    await bench([
      'js',
      'pub',
      'bj.f',
      '--stream',
      'BJF',
      '--create',
      '--multisubject',
      '--multisubject-max',
      '4',
      '--msgs',
      '400',
    ])
    const r = await bench(['js', 'fetch', '--stream', 'BJF', '--filter', 'bj.f.1'])
    expect(r.total.msgs).toBe(100)
    expect(r.warnings.join('\n')).toContain('holds 100 messages on bj.f.1')
    const o = await bench(['js', 'ordered', '--stream', 'BJF', '--filter', 'bj.f.*', '--msgs', '300'])
    expect(o.total.msgs).toBe(300)
    const res = await runCli(['bench', 'js', 'consume', '--stream', 'BJF', '--filter', 'bj.none', '-s', server.url])
    expect(res.code, res.stderr).toBe(2)
  })

  it('a missing stream exits 3', async () => {
    const res = await runCli(['bench', 'js', 'fetch', '--stream', 'NOPE', '-s', server.url])
    expect(res.code, res.stderr).toBe(3)
  })
})

describe('bench kv', () => {
  it('put creates the bucket and times each put; get reads them back', async () => {
    const put = await bench(['kv', 'put', '--bucket', 'BKV', '--clients', '2', '--msgs', '300', '--size', '20B'])
    expect(put.total).toMatchObject({bytes: 6000, msgs: 300})
    expect(put.latency?.count).toBe(300)
    const get = await bench(['kv', 'get', '--bucket', 'BKV', '--clients', '3', '--msgs', '300'])
    expect(get.clients.map((c) => c.msgs)).toEqual([100, 100, 100])
    expect(get.total.bytes).toBe(6000)
    expect(get.latency?.count).toBe(300)
    expect(get.warnings).toEqual([])
    const si = await (await jetstreamManager(nc)).streams.info('KV_BKV')
    expect(si.state.messages).toBe(300)
  })

  it('get reports keys without a value, and a missing bucket exits 3', async () => {
    const r = await bench(['kv', 'get', '--bucket', 'BKV', '--msgs', '400'])
    expect(r.total.bytes).toBe(6000)
    expect(r.warnings).toEqual(['client 1: 100 of 400 gets found no value'])
    const res = await runCli(['bench', 'kv', 'get', '--bucket', 'NOPE', '-s', server.url])
    expect(res.code, res.stderr).toBe(3)
  })
})

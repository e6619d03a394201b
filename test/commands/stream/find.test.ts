/**
 * `stream find`: each selector finds exactly the streams made to differ in that respect, `--invert` exactly the
 * others; expressions good and bad; `--api-level` where the server records levels (exit 8 where it does not); the
 * placement selectors on a 3-node cluster; and JSONata loaded only by the command that needs it.
 */
import {jetstream, jetstreamManager, type JetStreamManager, type StreamInfo} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamFindResult} from '../../../src/commands/stream/find.js'

import {baseEnv, BIN, ROOT, runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, type ServerFacts, serverFacts, startCluster, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts
let ALL: string[]
const cli = (args: string[], url = server.url) => runCli([...args, '-s', url])

/** The names `stream find` prints with --names, in order. */
async function found(args: string[], url?: string): Promise<string[]> {
  const r = await cli(['stream', 'find', '--names', ...args], url)
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.split('\n').filter(Boolean)
}

const others = (names: string[]): string[] => ALL.filter((n) => !names.includes(n))

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
  const js = jetstream(nc)
  await jsm.streams.add({name: 'EMPTY', subjects: ['e.>']})
  await jsm.streams.add({name: 'ORDERS', subjects: ['orders.*', 'audit']})
  for (let i = 0; i < 5; i++) await js.publish('orders.eu', `o${i}`)
  await jsm.consumers.add('ORDERS', {ack_policy: 'explicit' as never, durable_name: 'C1'})
  await jsm.consumers.add('ORDERS', {ack_policy: 'explicit' as never, durable_name: 'C2'})
  await jsm.streams.add({name: 'MEM', storage: 'memory' as never, subjects: ['m.>']})
  await js.publish('m.x', 'm')
  await jsm.streams.add({name: 'SRC', sources: [{name: 'ORDERS'}]})
  await jsm.streams.add({mirror: {name: 'ORDERS'}, name: 'MIR'})
  // a stream that needs API level 1, where the server has per-message TTL
  if (facts.caps.has('msg-ttl')) {
    await jsm.streams.add({allow_msg_ttl: true, name: 'TTL', subjects: ['t.>']} as never)
    await js.publish('t.x', 't')
  }

  for (const name of ['SRC', 'MIR']) await waitFor(async () => (await jsm.streams.info(name)).state.messages === 5 || undefined, 15_000, `${name} has 5 messages`)
  ALL = ['EMPTY', 'MEM', 'MIR', 'ORDERS', 'SRC', ...(facts.caps.has('msg-ttl') ? ['TTL'] : [])]
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('stream find on one server', () => {
  it('without selectors finds every stream; --json is the full stream infos', async () => {
    expect(await found([])).toEqual(ALL)
    const r = await cli(['stream', 'find', '--mirrored', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const list = r.json<StreamFindResult>()
    expect(list.map((s) => s.config.name)).toEqual(['MIR'])
    expect(list[0].config.mirror?.name).toBe('ORDERS')
    expect(list[0].state.messages).toBe(5)
    const human = await cli(['stream', 'find', '--empty'])
    expect(human.stdout).toMatch(/Streams \(1\)[\s\S]*EMPTY/)
    expect((await cli(['stream', 'find', '--created', '1h'])).stdout.trim()).toBe('No streams matched')
  })

  const cases: Array<[string[], string[]]> = [
    [['--empty'], ['EMPTY']],
    [['--consumers', '1'], ['EMPTY', 'MEM', 'MIR', 'SRC', 'TTL']],
    [['--subject', 'orders.eu'], ['ORDERS']],
    [['--subject', 'e.*'], ['EMPTY']],
    [['--sourced'], ['SRC']],
    [['--mirrored'], ['MIR']],
    [['--idle', '1h'], ['EMPTY']],
    [['--created', '1h'], []],
    [['--replicas', '1'], ['EMPTY', 'MEM', 'MIR', 'ORDERS', 'SRC', 'TTL']],
    [['--cluster', '.'], []],
    [['--empty', '--consumers', '0'], ['EMPTY']],
    [['--consumers', '0', '--subject', '>'], ['EMPTY', 'MEM', 'TTL']],
    [['--expression', 'config.storage = "memory"'], ['MEM']],
    [['--expression', 'state.messages = 5 and $count(config.subjects) = 0'], ['MIR', 'SRC']],
  ]
  for (const [args, want] of cases) {
    it(`${args.join(' ')} finds exactly ${want.join(', ') || 'nothing'}${args.length === 2 && args[0] !== '--expression' ? '; with --invert exactly the others' : ''}`, async () => {
      const expected = want.filter((n) => ALL.includes(n))
      expect(await found(args)).toEqual(expected)
      // --invert flips each selector: with one selector that is exactly the others
      if (args.length === 2 && args[0] !== '--expression') expect(await found([...args, '--invert'])).toEqual(others(expected))
    })
  }

  it('--expression is not inverted; --invert alone is exit 2', async () => {
    expect(await found(['--expression', 'state.messages > 0', '--empty', '--invert'])).toEqual(others(['EMPTY']))
    expect(await found(['--expression', 'state.messages > 1', '--mirrored', '--invert'])).toEqual(['ORDERS', 'SRC'])
    // each selector flipped: not empty and more than 0 consumers
    expect(await found(['--empty', '--consumers', '0', '--invert'])).toEqual(['ORDERS'])
    const alone = await cli(['stream', 'find', '--invert'])
    expect(alone.code).toBe(2)
    expect(alone.stderr.trim().split('\n')).toHaveLength(1)
    expect(alone.stderr).toContain('--invert needs a selector')
  })

  it('--leader and --server-name follow the server\'s own cluster info', async () => {
    const infos: StreamInfo[] = []
    for await (const si of jsm.streams.list()) infos.push(si)
    const led = infos.filter((si) => si.cluster?.leader === server.name).map((si) => si.config.name).sort()
    expect(await found(['--leader', server.name])).toEqual(led)
    expect(await found(['--server-name', `^${server.name}$`])).toEqual(led)
    expect(await found(['--leader', 'no-such-server'])).toEqual([])
    expect(await found(['--leader', 'no-such-server', '--invert'])).toEqual(ALL)
  })

  it('--api-level finds the streams that need that level, or is exit 8 on a server that records none', async () => {
    const r = await cli(['stream', 'find', '--api-level', '1', '--names'])
    if (!facts.caps.has('asset-api-level')) {
      expect(r.code, r.stderr).toBe(8)
      const lines = r.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('requires nats-server 2.11.0')
      expect(lines[0]).toContain(facts.version)
      expect(r.stdout).toBe('')
      return
    }

    expect(r.code, r.stderr).toBe(0)
    // the server's word: what each stream needs
    const needs = new Map<string, number>()
    for await (const si of jsm.streams.list()) needs.set(si.config.name, Number(si.config.metadata?.['_nats.req.level'] ?? 0))
    expect(needs.get('TTL')).toBe(1)
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(ALL.filter((n) => needs.get(n)! >= 1))
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['TTL'])
    expect(await found(['--api-level', '1', '--invert'])).toEqual(others(['TTL']))
    expect(await found(['--api-level', '0'])).toEqual(ALL)
  })

  it('a bad expression is exit 2 on one line naming the position; a non-boolean too; --json errors are JSON', async () => {
    const syntax = await cli(['stream', 'find', '--expression', 'state.messages >'])
    expect(syntax.code).toBe(2)
    expect(syntax.stderr.trim().split('\n')).toHaveLength(1)
    expect(syntax.stderr).toContain('invalid --expression at position 16: Unexpected end of expression')
    expect(syntax.stdout).toBe('')
    const number = await cli(['stream', 'find', '--expression', 'state.messages'])
    expect(number.code).toBe(2)
    expect(number.stderr.trim().split('\n')).toHaveLength(1)
    expect(number.stderr).toContain('--expression gave a number for stream "EMPTY", not true or false')
    const json = await cli(['stream', 'find', '--expression', '(', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stderr)).toMatchObject({error: {code: 2, message: expect.stringContaining('invalid --expression at position')}})
  })

  it('bad selector values are exit 2 naming the flag', async () => {
    for (const [args, text] of [
      [['--idle', '5'], '--idle'],
      [['--created', 'soon'], '--created'],
      [['--replicas', '0'], '--replicas'],
      [['--cluster', '('], '--cluster "(" is not a regular expression'],
      [['--server-name', '[a'], '--server-name "[a" is not a regular expression'],
      [['--subject', 'a..b'], 'a..b'],
    ] as Array<[string[], string]>) {
      const r = await cli(['stream', 'find', ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain(text)
    }
  })

  it('JSONata is loaded by `stream find --expression` only', async () => {
    const loads = async (args: string[]): Promise<string[]> => {
      const file = join(mkdtempSync(join(tmpdir(), 'natsx-loads-')), 'loads.txt')
      await promisify(execFile)(process.execPath, ['--import', join(ROOT, 'test', 'helpers', 'trace-loads.mjs'), BIN, ...args, '-s', server.url], {
        cwd: ROOT,
        env: baseEnv({NATSX_LOADS: file}),
      })
      return readFileSync(file, 'utf8').split('\n').filter(Boolean)
    }

    const JSONATA = /\/node_modules\/jsonata\//
    expect((await loads(['stream', 'find', '--expression', 'state.messages > 1', '--names'])).some((u) => JSONATA.test(u))).toBe(true)
    expect((await loads(['stream', 'find', '--empty', '--names'])).some((u) => JSONATA.test(u))).toBe(false)
    expect((await loads(['stream', 'ls', '--names'])).some((u) => JSONATA.test(u))).toBe(false)
  })
})

describe('stream find on a 3-node cluster', () => {
  let cluster: Cluster
  let cnc: NatsConnection
  let cjsm: JetStreamManager
  beforeAll(async () => {
    cluster = await startCluster(3)
    cnc = await connect({servers: cluster.urls})
    // the meta leader is known; the first requests may still meet a node catching up
    cjsm = await waitFor(() => jetstreamManager(cnc), 30_000, 'JetStream in the cluster')
    await waitFor(() => cjsm.streams.add({name: 'ONE', num_replicas: 1, subjects: ['one.>']}), 30_000, 'stream ONE')
    // "no suitable peers for placement" until the meta leader has heard from all three (slow on a loaded machine)
    await waitFor(() => cjsm.streams.add({name: 'THREE', num_replicas: 3, subjects: ['three.>']}), 90_000, 'stream THREE')
    await waitFor(async () => {
      const three = await cjsm.streams.info('THREE')
      return (three.cluster?.leader && three.cluster.replicas?.length === 2) || undefined
    }, 30_000, 'THREE has a leader and two replicas')
  }, 180_000)
  afterAll(async () => {
    await cnc?.close()
    await cluster?.destroy()
  })

  it('--replicas, --cluster, --server-name and --leader find exactly the streams the servers say', async () => {
    const url = cluster.urls
    const one = await cjsm.streams.info('ONE')
    const three = await cjsm.streams.info('THREE')
    const clusterName = three.cluster!.name!
    expect(await found(['--replicas', '1'], url)).toEqual(['ONE'])
    expect(await found(['--replicas', '1', '--invert'], url)).toEqual(['THREE'])
    expect(await found(['--replicas', '3'], url)).toEqual(['ONE', 'THREE'])
    expect(await found(['--cluster', `^${clusterName}$`], url)).toEqual(['ONE', 'THREE'])
    expect(await found(['--cluster', '^elsewhere$'], url)).toEqual([])
    expect(await found(['--cluster', '^elsewhere$', '--invert'], url)).toEqual(['ONE', 'THREE'])

    // ONE lives on one server; THREE on all three
    const home = one.cluster!.leader!
    const away = cluster.servers.map((s) => s.name).find((n) => n !== home)!
    expect(await found(['--server-name', `^${home}$`], url)).toEqual(['ONE', 'THREE'])
    expect(await found(['--server-name', `^${away}$`], url)).toEqual(['THREE'])
    expect(await found(['--server-name', `^${away}$`, '--invert'], url)).toEqual(['ONE'])

    const threeLeader = three.cluster!.leader!
    expect(await found(['--leader', threeLeader], url)).toEqual(threeLeader === home ? ['ONE', 'THREE'] : ['THREE'])
    expect(await found(['--leader', home, '--invert'], url)).toEqual(threeLeader === home ? [] : ['THREE'])
  })
})

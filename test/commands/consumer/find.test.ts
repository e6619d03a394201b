/**
 * `consumer find`: each selector finds exactly the consumers made to differ in that respect, `--invert` exactly the
 * others; expressions good and bad; `--paused`, `--pinned` and `--api-level` where the server has them, exit 8 with
 * one line naming the version where it does not.
 */
import {jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, createInbox, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerFindResult} from '../../../src/commands/consumer/find.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type NatsServer, type ServerFacts, serverFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts
const ALL = ['PULL1', 'PULL2', 'PUSH1', 'PUSH2', 'WAIT']
const cli = (args: string[]) => runCli([...args, '-s', server.url])
const others = (names: string[], all = ALL): string[] => all.filter((n) => !names.includes(n))

async function found(stream: string, args: string[]): Promise<string[]> {
  const r = await cli(['consumer', 'find', stream, '--names', ...args])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.split('\n').filter(Boolean)
}

function expectRefused(r: {code: null | number; stderr: string; stdout: string}, feature: keyof typeof FEATURES): void {
  expect(r.code, r.stderr).toBe(8)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`requires nats-server ${FEATURES[feature].version}`)
  expect(lines[0]).toContain(facts.version)
  expect(r.stdout).toBe('')
}

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
  const js = jetstream(nc)
  await jsm.streams.add({name: 'JOBS', subjects: ['jobs.>']})
  for (let i = 1; i <= 10; i++) await js.publish('jobs.x', `job ${i}`)
  await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'PULL1'})
  await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'PULL2'})
  await jsm.consumers.add('JOBS', {ack_policy: 'explicit' as never, durable_name: 'WAIT', filter_subject: 'jobs.none'})
  await jsm.consumers.add('JOBS', {ack_policy: 'none' as never, deliver_subject: 'out.1', durable_name: 'PUSH1'})
  // PUSH2 has a subscriber: it is bound and delivers everything
  nc.subscribe('out.2')
  await jsm.consumers.add('JOBS', {ack_policy: 'none' as never, deliver_subject: 'out.2', durable_name: 'PUSH2'})
  // PULL1: three messages delivered and not acknowledged
  const c = await jetstream(nc).consumers.get('JOBS', 'PULL1')
  const batch = await c.fetch({expires: 5000, max_messages: 3})
  let n = 0
  for await (const m of batch) if (m.seq > 0 && ++n === 3) break
  // WAIT: a pull that waits (nothing matches its filter)
  const inbox = createInbox()
  nc.subscribe(inbox)
  nc.publish('$JS.API.CONSUMER.MSG.NEXT.JOBS.WAIT', JSON.stringify({batch: 1, expires: 120e9}), {reply: inbox})
  await waitFor(async () => (await jsm.consumers.info('JOBS', 'WAIT')).num_waiting === 1 || undefined, 15_000, 'WAIT has a pull waiting')
  await waitFor(async () => (await jsm.consumers.info('JOBS', 'PUSH2')).num_pending === 0 || undefined, 15_000, 'PUSH2 delivered everything')
  await waitFor(async () => (await jsm.consumers.info('JOBS', 'PULL1')).num_ack_pending === 3 || undefined, 15_000, 'PULL1 has 3 unacknowledged')
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('consumer find', () => {
  it('without selectors finds every consumer; --json is the full consumer infos; an unknown stream is exit 3', async () => {
    expect(await found('JOBS', [])).toEqual(ALL)
    const r = await cli(['consumer', 'find', 'JOBS', '--ack-pending', '1', '--invert', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const list = r.json<ConsumerFindResult>()
    expect(list.map((ci) => ci.name)).toEqual(['PULL1'])
    expect(list[0].num_ack_pending).toBe(3)
    expect((await cli(['consumer', 'find', 'JOBS', '--push'])).stdout).toMatch(/Consumers on stream JOBS \(2\)[\s\S]*PUSH1[\s\S]*PUSH2/)
    expect((await cli(['consumer', 'find', 'JOBS', '--created', '1h'])).stdout.trim()).toBe('No consumers of stream JOBS matched')
    const missing = await cli(['consumer', 'find', 'NOPE', '--pull'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('stream "NOPE" not found')
  })

  const cases: Array<[string[], string[]]> = [
    [['--pull'], ['PULL1', 'PULL2', 'WAIT']],
    [['--push'], ['PUSH1', 'PUSH2']],
    [['--bound'], ['PUSH2', 'WAIT']],
    [['--ack-pending', '1'], ['PULL2', 'PUSH1', 'PUSH2', 'WAIT']],
    [['--ack-pending', '4'], ALL],
    [['--waiting', '1'], ['PULL1', 'PULL2', 'PUSH1', 'PUSH2']],
    [['--pending', '1'], ['PUSH2', 'WAIT']],
    [['--idle', '1h'], ['PULL2', 'PUSH1', 'WAIT']],
    [['--created', '1h'], []],
    [['--replicas', '1'], ALL],
    [['--leader', 'no-such-server'], []],
    [['--pull', '--pending', '8'], ['PULL1', 'WAIT']],
    [['--expression', 'state.num_ack_pending = 3'], ['PULL1']],
    [['--expression', 'config.deliver_subject = "out.2" and state.push_bound'], ['PUSH2']],
  ]
  for (const [args, want] of cases) {
    it(`${args.join(' ')} finds exactly ${want.join(', ') || 'nothing'}${args.length === 2 && args[0] !== '--expression' ? '; with --invert exactly the others' : ''}`, async () => {
      expect(await found('JOBS', args)).toEqual(want)
      if (args.length === 2 && args[0] !== '--expression') expect(await found('JOBS', [...args, '--invert'])).toEqual(others(want))
    })
  }

  it('--leader is the server\'s own word', async () => {
    const leader = (await jsm.consumers.info('JOBS', 'PULL1')).cluster?.leader
    expect(await found('JOBS', ['--leader', leader ?? 'none'])).toEqual(leader ? ALL : [])
  })

  it('bad input is exit 2 on one line: --pull with --push, --invert alone, a bad or non-boolean expression', async () => {
    for (const [args, text] of [
      [['--pull', '--push'], '--pull and --push cannot both be given'],
      [['--invert'], '--invert needs a selector'],
      [['--expression', 'state.num_pending >'], 'invalid --expression at position'],
      [['--expression', 'config.durable_name'], '--expression gave a string for consumer "PULL1", not true or false'],
      [['--ack-pending', '0'], '--ack-pending'],
      [['--idle', 'x'], '--idle'],
    ] as Array<[string[], string]>) {
      const r = await cli(['consumer', 'find', 'JOBS', ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(r.stderr).toContain(text)
      expect(r.stdout).toBe('')
    }
  })
})

describe('consumer find: the selectors of 2.11+ servers', () => {
  const PRIO = ['PAUSED', 'PIN', 'PLAIN']
  beforeAll(async () => {
    await jsm.streams.add({name: 'PRIO', subjects: ['prio.>']})
    await jetstream(nc).publish('prio.x', 'p')
    await jsm.consumers.add('PRIO', {ack_policy: 'explicit' as never, durable_name: 'PLAIN'})
  })

  it('--paused finds the paused consumer, or is exit 8 where the server cannot pause', async () => {
    if (!facts.caps.has('consumer-pause')) {
      expectRefused(await cli(['consumer', 'find', 'PRIO', '--paused']), 'consumer-pause')
      return
    }

    await jsm.consumers.add('PRIO', {ack_policy: 'explicit' as never, durable_name: 'PAUSED', pause_until: new Date(Date.now() + 3_600_000).toISOString()} as never)
    expect(((await jsm.consumers.info('PRIO', 'PAUSED')) as {paused?: boolean}).paused).toBe(true)
    expect(await found('PRIO', ['--paused'])).toEqual(['PAUSED'])
    expect(await found('PRIO', ['--paused', '--invert'])).toEqual(['PLAIN'])
  })

  it('--pinned finds the consumer with a pinned client, or is exit 8 where the server has no priority groups', async () => {
    if (!facts.caps.has('priority-groups')) {
      expectRefused(await cli(['consumer', 'find', 'PRIO', '--pinned']), 'priority-groups')
      return
    }

    await jsm.consumers.add('PRIO', {ack_policy: 'explicit' as never, durable_name: 'PIN', priority_groups: ['g'], priority_policy: 'pinned_client'} as never)
    // not pinned before a client pulls from the group
    expect(await found('PRIO', ['--pinned'])).toEqual([])
    const pull = await cli(['consumer', 'next', 'PRIO', 'PIN', '--group', 'g', '--wait', '5s', '--no-ack'])
    expect(pull.code, pull.stderr).toBe(0)
    const ci = (await jsm.consumers.info('PRIO', 'PIN')) as {priority_groups?: Array<{group: string; pinned_client_id?: string}>}
    expect(ci.priority_groups?.find((g) => g.group === 'g')?.pinned_client_id).toBeTruthy()
    expect(await found('PRIO', ['--pinned'])).toEqual(['PIN'])
    expect(await found('PRIO', ['--pinned', '--invert'])).toEqual(others(['PIN'], facts.caps.has('consumer-pause') ? PRIO : ['PIN', 'PLAIN']))
  })

  it('--api-level finds the consumers that need that level, or is exit 8 on a server that records none', async () => {
    const r = await cli(['consumer', 'find', 'PRIO', '--api-level', '1', '--names'])
    if (!facts.caps.has('asset-api-level')) {
      expectRefused(r, 'asset-api-level')
      return
    }

    expect(r.code, r.stderr).toBe(0)
    const needs = new Map<string, number>()
    for await (const ci of jsm.consumers.list('PRIO')) needs.set(ci.name, Number(ci.config.metadata?.['_nats.req.level'] ?? 0))
    expect(needs.get('PLAIN')).toBe(0)
    const want = [...needs.keys()].filter((n) => needs.get(n)! >= 1).sort()
    // a pause and priority groups each need level 1
    expect(want).toEqual(['PAUSED', 'PIN'])
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(want)
    expect(await found('PRIO', ['--api-level', '1', '--invert'])).toEqual(['PLAIN'])
  })
})

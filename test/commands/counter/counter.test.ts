import {jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CounterLsResult} from '../../../src/commands/counter/ls.js'
import type {CounterViewRecord} from '../../../src/commands/counter/view.js'
import type {CounterIncrement, CounterValue} from '../../../src/lib/counters/counters.js'

import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, type ServerFacts, serverFacts, startServer} from '../../helpers/servers.js'

let server: NatsServer
let facts: ServerFacts
let nc: NatsConnection
let jsm: JetStreamManager
beforeAll(async () => {
  server = await startServer()
  facts = await serverFacts(server)
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

const cli = (...args: string[]) => runCli([...args, '-s', server.url])
const TWO_53 = 2n ** 53n

describe('counters where the server keeps them (2.12+)', () => {
  beforeAll(async () => {
    if (!facts.caps.has('stream-counters')) return
    await jsm.streams.add({allow_msg_counter: true, name: 'COUNTS', subjects: ['count.>']} as Parameters<JetStreamManager['streams']['add']>[0])
    await jsm.streams.add({name: 'PLAIN', subjects: ['plain.>']})
  })

  it('incr past 2^53 and decr: the exact totals come back, from the ack and from get', async ({skip}) => {
    if (!facts.caps.has('stream-counters')) skip()
    const a = await cli('counter', 'incr', 'count.big', TWO_53.toString(), '--json')
    expect(a.code, a.stderr).toBe(0)
    expect(a.json<CounterIncrement>()).toMatchObject({delta: TWO_53.toString(), stream: 'COUNTS', subject: 'count.big', value: TWO_53.toString()})
    const b = await cli('counter', 'incr', 'count.big', (TWO_53 + 3n).toString(), '--json')
    expect(b.json<CounterIncrement>().value).toBe((2n * TWO_53 + 3n).toString())
    const c = await cli('counter', 'decr', 'count.big', '1', '--json')
    expect(c.json<CounterIncrement>()).toMatchObject({delta: '-1', value: (2n * TWO_53 + 2n).toString()})
    // a negative incr is a subtraction too
    const d = await runCli(['counter', 'incr', 'count.big', '--json', '-s', server.url, '--', '-2'])
    expect(d.json<CounterIncrement>().value).toBe((2n * TWO_53).toString())
    const got = await cli('counter', 'get', 'count.big', '--json')
    expect(got.code, got.stderr).toBe(0)
    expect(got.json<CounterValue>()).toMatchObject({stream: 'COUNTS', subject: 'count.big', value: (2n * TWO_53).toString()})
    // for people: the total alone
    expect((await cli('counter', 'get', 'count.big')).stdout.trim()).toBe((2n * TWO_53).toString())
  })

  it('ls lists every counter subject with its total, sorted; --filter narrows it', async ({skip}) => {
    if (!facts.caps.has('stream-counters')) skip()
    await cli('counter', 'incr', 'count.b.one')
    await cli('counter', 'incr', 'count.a.one', '5')
    const all = await cli('counter', 'ls', 'COUNTS', '--filter', 'count.*.one', '--json')
    expect(all.code, all.stderr).toBe(0)
    expect(all.json<CounterLsResult>().counters.map((c) => [c.subject, c.value])).toEqual([
      ['count.a.one', '5'],
      ['count.b.one', '1'],
    ])
  })

  it('view prints the current totals, then each change with its delta, and leaves no consumer behind', async ({skip}) => {
    if (!facts.caps.has('stream-counters')) skip()
    await cli('counter', 'incr', 'count.v', '10')
    const view = spawnCli(['counter', 'view', 'count.v', '--count', '2', '--json', '-s', server.url])
    await view.waitFor('"value":"10"')
    expect((await cli('counter', 'incr', 'count.v', '7')).code).toBe(0)
    const res = await view.done
    expect(res.code, res.stderr).toBe(0)
    const recs = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as CounterViewRecord)
    expect(recs.map((r) => [r.value, r.delta])).toEqual([
      ['10', undefined],
      ['17', '7'],
    ])
    expect((await jsm.streams.info('COUNTS')).state.consumer_count).toBe(0)
  })

  it('bad input and missing things: exit 2, 3 and 2, one line, nothing stored', async ({skip}) => {
    if (!facts.caps.has('stream-counters')) skip()
    const before = (await jsm.streams.info('COUNTS')).state.messages
    const notNumber = await cli('counter', 'incr', 'count.x', '1.5')
    expect([notNumber.code, notNumber.stderr.trim()]).toEqual([2, 'natsx: "1.5" is not a whole number; pass a whole number such as 1, 25 or 9007199254740993'])
    expect((await runCli(['counter', 'decr', 'count.x', '-s', server.url, '--', '-1'])).code).toBe(2)
    const noStream = await cli('counter', 'incr', 'nowhere.x')
    expect([noStream.code, noStream.stderr.trim()]).toEqual([3, 'natsx: no stream takes the subject "nowhere.x"; make a counter stream for it (allow_msg_counter) first'])
    const none = await cli('counter', 'get', 'count.never')
    expect(none.code).toBe(3)
    expect(none.stderr).toMatch(/no counter on "count.never" in stream COUNTS/)
    const plain = await cli('counter', 'incr', 'plain.x', '--json')
    expect(plain.code).toBe(2)
    expect(JSON.parse(plain.stderr.trim()).error.message).toMatch(/does not keep counters/)
    expect((await cli('counter', 'ls', 'PLAIN')).code).toBe(2)
    expect((await jsm.streams.info('COUNTS')).state.messages).toBe(before)
    expect((await jsm.streams.info('PLAIN')).state.messages).toBe(0)
  })
})

describe('counters where the server has none (before 2.12)', () => {
  it('every verb is exit 8 naming the version, and nothing is published', async ({skip}) => {
    if (facts.caps.has('stream-counters')) skip()
    await jsm.streams.add({name: 'OLD', subjects: ['old.>']})
    for (const args of [['incr', 'old.a'], ['decr', 'old.a'], ['get', 'old.a'], ['ls', 'OLD'], ['view', 'old.a']]) {
      const res = await cli('counter', ...args)
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(8)
      expect(res.stderr.trim()).toBe(`natsx: counters requires nats-server 2.12.0; connected server is ${facts.version}; leave the option out or upgrade the server`)
    }

    expect((await jsm.streams.info('OLD')).state.messages).toBe(0)
  })
})

/**
 * `sub --durable` (JetStream, a consumer that stays): acknowledged as printed, resumed by the next run with only what
 * was not printed; the stream found from the subject; what does not fit refused before anything is made.
 */
import {type ConsumerInfo, jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, startServer, waitFor} from '../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  await jsm.streams.add({name: 'DUR', subjects: ['dur.>']})
  await jsm.streams.add({name: 'EU', subjects: ['shop.eu']})
  await jsm.streams.add({name: 'US', subjects: ['shop.us']})
  const js = jetstream(nc)
  for (let i = 1; i <= 6; i++) await js.publish('dur.a', `a${i}`)
  for (let i = 1; i <= 4; i++) await js.publish('dur.b', `b${i}`)
  for (let i = 1; i <= 3; i++) await js.publish('dur.c', `c${i}`)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

const sub = (...args: string[]) => runCli(['sub', '-s', server.url, ...args])
const seqs = (recs: MessageRecord[]): number[] => recs.map((r) => r.jetstream!.sequence)
const consumerNames = async (stream: string): Promise<string[]> => (await jsm.consumers.list(stream).next()).map((c) => c.name)
const info = (stream: string, name: string): Promise<ConsumerInfo> => jsm.consumers.info(stream, name)

describe('sub --durable --ack', () => {
  it('acknowledges what it printed; a second run resumes and gets only what the first did not print', async () => {
    // the stream is found from the subject: DUR is the one stream holding dur.a
    const first = await sub('dur.a', '--durable', 'reader', '--ack', '--count', '2', '--json')
    expect(first.code, first.stderr).toBe(0)
    expect(seqs(first.ndjson<MessageRecord>())).toEqual([1, 2])
    const summary = JSON.parse(first.stderr.trim().split('\n').at(-1)!) as {summary: Record<string, unknown>}
    expect(summary.summary).toMatchObject({acknowledged: 2, consumer: 'reader', ended: 'count', messages: 2, stream: 'DUR'})
    const after = await info('DUR', 'reader')
    expect(after.config).toMatchObject({ack_policy: 'explicit', deliver_policy: 'all', durable_name: 'reader', filter_subject: 'dur.a'})
    expect(after.ack_floor.consumer_seq).toBe(2)
    expect(after.num_ack_pending).toBe(0)
    expect(after.num_pending).toBe(4)

    const second = await sub('dur.a', '--durable', 'reader', '--ack', '--count', '3', '--json')
    expect(second.code, second.stderr).toBe(0)
    expect(seqs(second.ndjson<MessageRecord>())).toEqual([3, 4, 5])
    expect(second.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['a3', 'a4', 'a5'])

    // Without --ack, a consumer that takes acknowledgements is still acknowledged as printed (natscli does the same),
    // and says so; no subject: the consumer's own filter.
    const third = await sub('--stream', 'DUR', '--durable', 'reader', '--wait', '1s')
    expect(third.code, third.stderr).toBe(0)
    expect(third.stdout).toMatch(/\[#1\] Received JetStream message: stream: DUR seq 6 \/ subject: dur\.a/)
    expect(third.stdout).not.toMatch(/seq [1-5] /)
    expect(third.stderr).toMatch(/takes acknowledgements \(ack policy explicit\): each message is acknowledged once printed/)
    expect(third.stderr).toMatch(/1 message received \(idle, 1 acknowledged\)/)
    const done = await info('DUR', 'reader')
    expect(done.ack_floor.consumer_seq).toBe(6)
    expect(done.num_pending).toBe(0)
    expect(done.num_ack_pending).toBe(0)
  })

  it('interrupted mid-read: acknowledged exactly what it printed; the next run gets the rest, none twice and none lost', async () => {
    for (let i = 1; i <= 3000; i++) nc.publish('dur.many', `m${i}`)
    await nc.flush()
    await waitFor(async () => (await jsm.streams.info('DUR')).state.messages === 3013 || undefined, 15_000, 'the 3000 messages stored')
    const first = spawnCli(['sub', 'dur.many', '--durable', 'cut', '--ack', '--json', '-s', server.url])
    await first.waitFor('"dur.many"')
    first.child.kill('SIGINT')
    const cut = await first.done
    expect(cut.code).toBe(130)
    const printed = cut.ndjson<MessageRecord>().map((r) => r.data)
    expect(printed.length).toBeGreaterThan(0)
    // every printed message acknowledged (the first deliveries, in order), nothing else
    const ci = await info('DUR', 'cut')
    expect(ci.ack_floor.consumer_seq).toBe(printed.length)
    const second = await sub('dur.many', '--durable', 'cut', '--ack', '--wait', '2s', '--json')
    expect(second.code, second.stderr).toBe(0)
    const rest = second.ndjson<MessageRecord>().map((r) => r.data)
    expect([...printed, ...rest]).toEqual(Array.from({length: 3000}, (_, i) => `m${i + 1}`))
    expect((await info('DUR', 'cut')).num_ack_pending).toBe(0)
  })

  it('without --ack a new durable takes no acknowledgements (as natscli makes it) and still resumes where it stopped; --ack on it is exit 4', async () => {
    const first = await sub('dur.c', '--durable', 'noack', '--count', '1', '--json')
    expect(first.code, first.stderr).toBe(0)
    expect(first.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['c1'])
    expect((await info('DUR', 'noack')).config.ack_policy).toBe('none')
    const second = await sub('dur.c', '--durable', 'noack', '--wait', '1s', '--json')
    expect(second.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['c2', 'c3'])
    const before = await info('DUR', 'noack')
    const refused = await sub('dur.c', '--durable', 'noack', '--ack', '--wait', '1s')
    expect(refused.code).toBe(4)
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/consumer "noack".*ack policy none.*--ack/)])
    expect(refused.stdout).toBe('')
    const after = await info('DUR', 'noack')
    expect(after.config).toEqual(before.config)
    expect(after.delivered).toEqual(before.delivered)
  })

  it('several filter subjects where the server has them; exit 8 and nothing made where it lacks them', async () => {
    const facts = await serverFacts(server)
    const res = await sub('--stream', 'DUR', 'dur.a', 'dur.c', '--durable', 'multi', '--ack', '--wait', '1s', '--json')
    if (facts.caps.has('multi-filter')) {
      expect(res.code, res.stderr).toBe(0)
      expect(res.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'c1', 'c2', 'c3'])
      expect((await info('DUR', 'multi')).config.filter_subjects).toEqual(['dur.a', 'dur.c'])
    } else {
      expect(res.code).toBe(8)
      expect(res.stderr.trim().split('\n')).toEqual([expect.stringMatching(/2\.10/)])
      expect(await consumerNames('DUR')).not.toContain('multi')
    }
  })
})

describe('sub: the stream from the subject', () => {
  it('no stream holds the subject: exit 3 naming it; several do: exit 2 naming them and --stream; nothing made', async () => {
    const none = await sub('nowhere.x', '--durable', 'lost', '--ack')
    expect(none.code).toBe(3)
    expect(none.stderr.trim().split('\n')).toEqual([expect.stringMatching(/no stream holds subject "nowhere\.x"/)])
    const replay = await sub('nowhere.x', '--all')
    expect(replay.code).toBe(3)
    const several = await sub('shop.*', '--durable', 'both')
    expect(several.code).toBe(2)
    expect(several.stderr.trim().split('\n')).toEqual([expect.stringMatching(/"shop\.\*" is in 2 streams \(EU, US\).*--stream/)])
    expect(await consumerNames('EU')).toEqual([])
    expect(await consumerNames('US')).toEqual([])
  })
})

describe('sub --durable: bad inputs', () => {
  it.each([
    [['dur.a', '--ack'], 2, /--ack needs --durable/],
    [['dur.a', '--durable', 'bad.name'], 2, /consumer/],
    [['--durable', 'x'], 2, /--durable needs --stream or a subject/],
    [['dur.a', '--durable', 'x', '--queue', 'q'], 2, /--queue cannot be used with --durable/],
    [['dur.a', '--durable', 'x', '--match-replies'], 2, /--match-replies works on core subscriptions/],
    [['dur.a', '--durable', 'x', '--direct'], 2, /--direct/],
    [['dur.a', '--durable', 'x', '--ack', '--report-subjects'], 2, /--ack cannot be used with --report-subjects/],
  ])('%j: exit %i, one line, nothing made', async (args, code, message) => {
    const before = await consumerNames('DUR')
    const res = await sub(...args)
    expect(res.code).toBe(code)
    expect(res.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)])
    expect(await consumerNames('DUR')).toEqual(before)
  })

  it('a durable that exists with another filter or start: exit 4, one line, the consumer unchanged', async () => {
    expect((await sub('dur.a', '--durable', 'fixed', '--ack', '--count', '1')).code).toBe(0)
    const before = await info('DUR', 'fixed')
    const otherSubject = await sub('dur.b', '--durable', 'fixed', '--ack', '--wait', '1s')
    expect(otherSubject.code).toBe(4)
    expect(otherSubject.stderr.trim().split('\n')).toEqual([expect.stringMatching(/consumer "fixed" of stream "DUR" has filter "dur\.a", not "dur\.b"/)])
    const otherStart = await sub('dur.a', '--durable', 'fixed', '--new', '--wait', '1s')
    expect(otherStart.code).toBe(4)
    expect(otherStart.stderr.trim().split('\n')).toEqual([expect.stringMatching(/deliver policy all; --new cannot change/)])
    const after = await info('DUR', 'fixed')
    expect(after.config).toEqual(before.config)
    expect(after.delivered).toEqual(before.delivered)
    expect(after.ack_floor).toEqual(before.ack_floor)
  })
})

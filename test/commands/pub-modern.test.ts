import {jetstream, jetstreamManager, type JetStreamManager, type StreamConfig} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {PubResult} from '../../src/commands/pub.js'

import {FEATURES} from '../../src/lib/capabilities.js'
import {runCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer, waitFor} from '../helpers/servers.js'

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

const pub = (...args: string[]): ReturnType<typeof runCli> => runCli(['pub', ...args, '-s', server.url])
const stored = async (stream: string, subject?: string): Promise<number> => {
  const info = await jsm.streams.info(stream, subject ? {subjects_filter: subject} : undefined)
  return subject ? (info.state.subjects?.[subject] ?? 0) : info.state.messages
}

/** A stream with the given 2.11+ options where the server has them (an older one would drop them). */
async function addStream(name: string, options: Partial<StreamConfig> & Record<string, unknown>): Promise<void> {
  await jsm.streams.add({name, subjects: [`${name.toLowerCase()}.>`], ...options} as StreamConfig)
}

/** exit 8, one line naming the version the feature needs, and nothing stored */
async function expectRefused(res: Awaited<ReturnType<typeof runCli>>, feature: keyof typeof FEATURES, stream: string): Promise<void> {
  const needs = FEATURES[feature].version
  expect(res.code, res.stderr).toBe(8)
  expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1)
  expect(res.stderr).toContain(`requires nats-server ${needs}`)
  expect(await stored(stream)).toBe(0)
}

describe('pub --ttl', () => {
  it('stores the message with Nats-TTL and the stream removes it when it expires; exit 8 before 2.11', async () => {
    const ttl = facts.caps.has('msg-ttl')
    await addStream('TTLS', ttl ? {allow_msg_ttl: true} : {})
    const res = await pub('ttls.a', 'short-lived', '--ttl', '1s', '--json')
    if (!facts.caps.has('ttl-header')) {
      await expectRefused(res, 'ttl-header', 'TTLS')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    const r = res.json<PubResult>()
    expect(r.jetstream?.[0]).toMatchObject({stream: 'TTLS', seq: 1})
    const m = await jsm.streams.getMessage('TTLS', {seq: 1})
    expect(m?.header.get('Nats-TTL')).toBe('1s')
    await waitFor(async () => ((await stored('TTLS')) === 0 ? true : undefined), 15_000, 'the message to expire')
  })

  it('on a stream without allow_msg_ttl: exit 2 naming the stream option, nothing stored (exit 8 before 2.11)', async () => {
    await addStream('NOTTL', {})
    const res = await pub('nottl.a', 'x', '--ttl', '5s')
    if (!facts.caps.has('ttl-header')) {
      await expectRefused(res, 'ttl-header', 'NOTTL')
      return
    }

    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/does not allow per-message TTL.*allow_msg_ttl/)
    expect(await stored('NOTTL')).toBe(0)
  })

  it('refuses a TTL under 1s with exit 2 before connecting', async () => {
    const res = await runCli(['pub', 'x', 'y', '--ttl', '500ms', '-s', 'nats://127.0.0.1:1'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('--ttl must be at least 1s')
  })
})

describe('pub --atomic', () => {
  it('stores the messages of one run as one batch and reports its ack; exit 8 before 2.12', async () => {
    const atomic = facts.caps.has('stream-atomic-batch')
    await addStream('ATOM', atomic ? {allow_atomic: true} : {})
    const res = await pub('atom.{{Count}}', 'order {{Count}}', '--atomic', '--count', '5', '--json')
    if (!facts.caps.has('atomic-batch-headers')) {
      await expectRefused(res, 'atomic-batch-headers', 'ATOM')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    const r = res.json<PubResult>()
    expect(r.atomic).toMatchObject({count: 5, seq: 5, stream: 'ATOM'})
    expect(r.atomic?.batch).toMatch(/^\w{1,64}$/)
    expect(r.messages).toBe(5)
    expect(await stored('ATOM')).toBe(5)
    const last = await jsm.streams.getMessage('ATOM', {seq: 5})
    expect(last?.subject).toBe('atom.5')
    expect(last?.string()).toBe('order 5')
  })

  it('lines of stdin as one batch; on a stream without allow_atomic nothing is stored (exit 2); exit 8 before 2.12', async () => {
    const has = facts.caps.has('atomic-batch-headers')
    await addStream('ATOML', has ? {allow_atomic: true} : {})
    const ok = await runCli(['pub', 'atoml.x', '--atomic', '--send-on', 'newline', '--json', '-s', server.url], {input: 'a\nb\nc\n'})
    if (!has) {
      expect(JSON.parse(ok.stderr)).toMatchObject({error: {code: 8, kind: 'unsupported'}})
      await expectRefused(ok, 'atomic-batch-headers', 'ATOML')
      return
    }

    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json<PubResult>().atomic).toMatchObject({count: 3, stream: 'ATOML'})
    expect(await stored('ATOML')).toBe(3)

    await addStream('NOATOM', {})
    const res = await pub('noatom.x', 'y', '--atomic', '--count', '3')
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toContain('allow_atomic')
    expect(await stored('NOATOM')).toBe(0)
  })

  it("a batch over the server's limit is refused whole (exit 2, the limit named, nothing stored); a raised limit is honoured; exit 8 before 2.12", async () => {
    const has = facts.caps.has('atomic-batch-headers')
    await addStream('BIG', has ? {allow_atomic: true} : {})
    const over = await pub('big.{{Count}}', 'x', '--atomic', '--count', '1001')
    if (!has) {
      await expectRefused(over, 'atomic-batch-headers', 'BIG')
      return
    }

    expect(over.code, over.stderr).toBe(2)
    expect(over.stderr.trim().split('\n'), over.stderr).toHaveLength(1)
    expect(over.stderr).toContain('at most 1000 messages in an atomic batch; this one has 1001')
    expect(over.stderr).toContain('max_msgs')
    expect(await stored('BIG')).toBe(0)

    // a server whose config raises the limit takes a batch natsx would once have refused before sending
    const raised = await startServer({config: 'jetstream {\n  limits {\n    batch {\n      max_msgs: 1500\n    }\n  }\n}\n'})
    const nc2 = await connect({servers: raised.url})
    try {
      const jsm2 = await jetstreamManager(nc2)
      await jsm2.streams.add({allow_atomic: true, name: 'BIG', subjects: ['big.>']} as StreamConfig)
      const ok = await runCli(['pub', 'big.{{Count}}', 'x', '--atomic', '--count', '1200', '--json', '-s', raised.url])
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.json<PubResult>().atomic).toMatchObject({count: 1200, seq: 1200, stream: 'BIG'})
      expect((await jsm2.streams.info('BIG')).state.messages).toBe(1200)
      const tooMany = await runCli(['pub', 'big.x', 'x', '--atomic', '--count', '1501', '-s', raised.url])
      expect(tooMany.code, tooMany.stderr).toBe(2)
      expect(tooMany.stderr).toContain('at most 1500 messages')
      expect((await jsm2.streams.info('BIG')).state.messages).toBe(1200)
    } finally {
      await nc2.close()
      await raised.destroy()
    }
  })
})

describe('pub --schedule-*', () => {
  it('--schedule-after publishes the body to the target once; exit 8 before 2.12', async () => {
    const schedules = facts.caps.has('stream-schedules')
    await addStream('SCH', schedules ? {allow_msg_schedules: true} : {})
    const res = await pub('sch.once', 'wake up', '--schedule-after', '1s', '--schedule-target', 'sch.fired', '--json')
    if (!facts.caps.has('schedule-at')) {
      await expectRefused(res, 'schedule-at', 'SCH')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    const r = res.json<PubResult>()
    expect(r.schedule).toMatchObject({target: 'sch.fired'})
    expect(r.schedule?.schedule).toMatch(/^@at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    await waitFor(async () => ((await stored('SCH', 'sch.fired')) === 1 ? true : undefined), 20_000, 'the scheduled message')
    const m = await jsm.streams.getMessage('SCH', {last_by_subj: 'sch.fired'})
    expect(m?.string()).toBe('wake up')
  })

  it('--schedule-at a time two seconds ahead on the server\'s clock: fires then, not before; exit 8 before 2.12', async () => {
    const schedules = facts.caps.has('stream-schedules')
    await addStream('SAT', schedules ? {allow_msg_schedules: true} : {})
    // the server's clock: the timestamp it gave a message it stored just now (on a subject the schedule never uses)
    await jetstream(nc).publish('sat.clock', 'now')
    const now = Date.parse((await jsm.streams.getMessage('SAT', {last_by_subj: 'sat.clock'}))!.timestamp)
    const at = new Date(Math.ceil((now + 1500) / 1000) * 1000).toISOString().replace('.000Z', 'Z')
    const res = await pub('sat.once', 'on time', '--schedule-at', at, '--schedule-target', 'sat.fired', '--json')
    if (!facts.caps.has('schedule-at')) {
      expect(res.code, res.stderr).toBe(8)
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1)
      expect(JSON.parse(res.stderr).error.message).toContain(`requires nats-server ${FEATURES['schedule-at'].version}`)
      expect(await stored('SAT')).toBe(1) // the clock message only
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<PubResult>().schedule).toEqual({schedule: `@at ${at}`, target: 'sat.fired'})
    const schedule = await jsm.streams.getMessage('SAT', {last_by_subj: 'sat.once'})
    expect(schedule?.header.get('Nats-Schedule')).toBe(`@at ${at}`)
    expect(schedule?.header.get('Nats-Schedule-Target')).toBe('sat.fired')
    await waitFor(async () => ((await stored('SAT', 'sat.fired')) === 1 ? true : undefined), 20_000, 'the message scheduled at a time')
    const fired = await jsm.streams.getMessage('SAT', {last_by_subj: 'sat.fired'})
    expect(fired?.string()).toBe('on time')
    // stored by the server at or after the time asked for, by its own clock
    expect(Date.parse(fired!.timestamp)).toBeGreaterThanOrEqual(Date.parse(at))
  })

  it('--schedule-ttl: the message the schedule produces carries it as its Nats-TTL; exit 8 before 2.12', async () => {
    const schedules = facts.caps.has('stream-schedules')
    await addStream('STTL', schedules ? {allow_msg_schedules: true, allow_msg_ttl: true} : {})
    const res = await pub('sttl.once', 'short-lived', '--schedule-after', '1s', '--schedule-target', 'sttl.fired', '--schedule-ttl', '1m', '--json')
    if (!facts.caps.has('schedule-at')) {
      await expectRefused(res, 'schedule-at', 'STTL')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<PubResult>().schedule).toMatchObject({target: 'sttl.fired', ttl: '60s'})
    expect((await jsm.streams.getMessage('STTL', {last_by_subj: 'sttl.once'}))?.header.get('Nats-Schedule-TTL')).toBe('60s')
    await waitFor(async () => ((await stored('STTL', 'sttl.fired')) === 1 ? true : undefined), 20_000, 'the scheduled message')
    const fired = await jsm.streams.getMessage('STTL', {last_by_subj: 'sttl.fired'})
    expect(fired?.string()).toBe('short-lived')
    expect(fired?.header.get('Nats-TTL')).toBe('60s')
  })

  it('--schedule-source: each firing publishes the last message of the source subject (2.14+); exit 8 where the server lacks it', async () => {
    const schedules = facts.caps.has('stream-schedules')
    await addStream('SSRC', schedules ? {allow_msg_schedules: true} : {})
    await jetstream(nc).publish('ssrc.latest', 'the latest reading')
    const res = await pub('ssrc.job', 'schedule body', '--schedule-every', '1s', '--schedule-target', 'ssrc.fired', '--schedule-source', 'ssrc.latest', '--json')
    if (!facts.caps.has('schedule-cron')) {
      expect(res.code, res.stderr).toBe(8)
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1)
      expect(JSON.parse(res.stderr).error.message).toContain(`requires nats-server ${FEATURES['schedule-cron'].version}`)
      expect(await stored('SSRC')).toBe(1) // the source message only
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<PubResult>().schedule).toMatchObject({schedule: '@every 1s', source: 'ssrc.latest', target: 'ssrc.fired'})
    await waitFor(async () => ((await stored('SSRC', 'ssrc.fired')) >= 1 ? true : undefined), 20_000, 'a firing')
    expect((await jsm.streams.getMessage('SSRC', {last_by_subj: 'ssrc.fired'}))?.string()).toBe('the latest reading')
  })

  it('--schedule-every repeats (2.14+); exit 8 where the server lacks repeating schedules', async () => {
    const schedules = facts.caps.has('stream-schedules')
    await addStream('REP', schedules ? {allow_msg_schedules: true} : {})
    const res = await pub('rep.tick', 'tick', '--schedule-every', '1s', '--schedule-target', 'rep.fired', '--json')
    if (!facts.caps.has('schedule-cron')) {
      await expectRefused(res, 'schedule-cron', 'REP')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<PubResult>().schedule).toMatchObject({schedule: '@every 1s', target: 'rep.fired'})
    await waitFor(async () => ((await stored('REP', 'rep.fired')) >= 2 ? true : undefined), 20_000, 'two firings')
  })

  it('--schedule-cron (2.14+) is stored as the schedule; exit 8 where the server lacks it', async () => {
    const schedules = facts.caps.has('stream-schedules')
    await addStream('CRON', schedules ? {allow_msg_schedules: true} : {})
    const res = await pub('cron.job', 'run', '--schedule-cron', '* * * * * *', '--schedule-target', 'cron.run', '--json')
    if (!facts.caps.has('schedule-cron')) {
      await expectRefused(res, 'schedule-cron', 'CRON')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<PubResult>().schedule).toMatchObject({schedule: '* * * * * *', target: 'cron.run'})
    await waitFor(async () => ((await stored('CRON', 'cron.run')) >= 1 ? true : undefined), 20_000, 'a firing')
  })

  it('a target equal to the publish subject: exit 2, one line naming the target as the publish subject and asking for another', async () => {
    const res = await runCli(['pub', 'sch.x', 'y', '--schedule-after', '1s', '--schedule-target', 'sch.x', '-s', 'nats://127.0.0.1:1'])
    expect(res.code, res.stderr).toBe(2)
    const lines = res.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^natsx: --schedule-target "sch\.x" is the subject published to; .*pick a different target$/)
    const json = await runCli(['pub', 'sch.x', 'y', '--schedule-after', '1s', '--schedule-target', 'sch.x', '--json', '-s', 'nats://127.0.0.1:1'])
    expect(json.code, json.stderr).toBe(2)
    expect(JSON.parse(json.stderr).error).toMatchObject({kind: 'usage', message: '--schedule-target "sch.x" is the subject published to'})
  })

  it('refuses a target equal to the publish subject, a missing target and two schedules, with exit 2 before connecting', async () => {
    for (const args of [
      ['sch.x', 'y', '--schedule-after', '1s', '--schedule-target', 'sch.x'],
      ['sch.x', 'y', '--schedule-after', '1s'],
      ['sch.x', 'y', '--schedule-after', '1s', '--schedule-every', '1s', '--schedule-target', 'sch.t'],
      ['sch.x', 'y', '--schedule-cron', '* * *', '--schedule-target', 'sch.t'],
      ['sch.x', 'y', '--schedule-at', 'tomorrow', '--schedule-target', 'sch.t'],
      ['sch.x', 'y', '--schedule-target', 'sch.t'],
    ]) {
      const res = await runCli(['pub', ...args, '-s', 'nats://127.0.0.1:1'])
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2)
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})

describe('pub --no-templates', () => {
  it('sends a body with {{ }} as it is, where the default expands it', async () => {
    const sub = nc.subscribe('nt.>', {max: 2})
    await nc.flush()
    const raw = await pub('nt.raw', '{{Count}} and {{nope}}', '--no-templates')
    expect(raw.code, raw.stderr).toBe(0)
    const expanded = await pub('nt.exp', '{{Count}}!')
    expect(expanded.code, expanded.stderr).toBe(0)
    const bodies: string[] = []
    for await (const m of sub) bodies.push(m.string())
    expect(bodies).toEqual(['{{Count}} and {{nope}}', '1!'])
  })
})

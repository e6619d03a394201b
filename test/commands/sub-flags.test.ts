import {jetstreamManager} from '@nats-io/jetstream'
import {connect, headers, type NatsConnection} from '@nats-io/transport-node'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'

import {parseDuration} from '../../src/lib/format/duration.js'
import {runCli, spawnCli} from '../helpers/cli.js'
import {freePort, type NatsServer, startServer} from '../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
beforeAll(async () => {
  server = await startServer({jetstream: true})
  nc = await connect({servers: server.url})
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

/** `sub ARGS…` against the server, once it listens; `spawnedAt` is taken before the process starts. */
async function listen(args: string[]) {
  const spawnedAt = Date.now()
  const sub = spawnCli(['sub', ...args, '-s', server.url])
  await sub.waitFor('listening', 'stderr')
  return {...sub, listeningAt: Date.now(), spawnedAt}
}

async function publish(...messages: Array<[string, string]>): Promise<void> {
  for (const [subject, body] of messages) nc.publish(subject, body)
  await nc.flush()
}

/** The dumped records 1.json … n.json, in order. */
function dumped(dir: string): MessageRecord[] {
  const names = readdirSync(dir).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
  return names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as MessageRecord)
}

const RFC3339_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

describe('sub --subjects-only', () => {
  it('prints exactly one subject a line, headers and bodies left out', async () => {
    const sub = await listen(['so.>', '--count', '3', '--subjects-only'])
    const h = headers()
    h.set('K', 'v')
    nc.publish('so.a', 'one', {headers: h})
    nc.publish('so.b.c', 'two\nlines', {reply: 'so.reply'})
    nc.publish('so.a', '')
    await nc.flush()
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toBe('so.a\nso.b.c\nso.a\n')
    expect(res.stderr).toMatch(/natsx: 3 messages received \(count\)\n$/)
  })

  it('with --json the NDJSON records stay whole', async () => {
    const sub = await listen(['soj.x', '--count', '2', '--subjects-only', '--json'])
    await publish(['soj.x', 'a1'], ['soj.x', 'a2'])
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const recs = res.ndjson<MessageRecord>()
    expect(recs.map((r) => [r.subject, r.data, r.encoding, r.size])).toEqual([
      ['soj.x', 'a1', 'utf8', 2],
      ['soj.x', 'a2', 'utf8', 2],
    ])
  })
})

describe('sub --timestamp', () => {
  it('leads each header line with the receive time (UTC, RFC 3339, ms) within the publish bounds, the same as "received"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-ts-'))
    const sub = await listen(['ts.x', '--count', '2', '--timestamp', '--dump', dir])
    const before = Date.now()
    await publish(['ts.x', 'first'], ['ts.x', 'second'])
    const res = await sub.done
    const after = Date.now()
    expect(res.code, res.stderr).toBe(0)
    const blocks = res.stdout.split('\n\n').filter((b) => b.length > 0)
    expect(blocks).toHaveLength(2)
    const records = dumped(dir)
    for (const [i, block] of blocks.entries()) {
      const [head, body] = block.split('\n')
      const m = /^(\S+) \[#(\d+)\] Received on "ts\.x"$/.exec(head)
      expect(m, head).not.toBeNull()
      const [, time, n] = m!
      expect(time).toMatch(RFC3339_MS_UTC)
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before)
      expect(Date.parse(time)).toBeLessThanOrEqual(after)
      expect(time).toBe(records[i].received)
      expect(n).toBe(String(i + 1))
      expect(body).toBe(i === 0 ? 'first' : 'second')
    }
  })

  it('leads the subject with --subjects-only; --json records are unchanged', async () => {
    const sub = await listen(['tso.>', '--count', '2', '--timestamp', '--subjects-only'])
    const before = Date.now()
    await publish(['tso.a', 'x'], ['tso.b', 'y'])
    const res = await sub.done
    const after = Date.now()
    expect(res.code, res.stderr).toBe(0)
    const lines = res.stdout.split('\n').filter((l) => l.length > 0)
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['tso.a', 'tso.b'])
    for (const l of lines) {
      const [time] = l.split(' ')
      expect(time).toMatch(RFC3339_MS_UTC)
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before)
      expect(Date.parse(time)).toBeLessThanOrEqual(after)
    }

    const json = await listen(['tsj.x', '--count', '1', '--timestamp', '--json'])
    await publish(['tsj.x', 'z'])
    const jres = await json.done
    expect(jres.code, jres.stderr).toBe(0)
    const [rec] = jres.ndjson<MessageRecord>()
    expect(Object.keys(rec).sort()).toEqual(['data', 'encoding', 'received', 'size', 'subject'])
    expect(rec.received).toMatch(RFC3339_MS_UTC)
  })
})

describe('sub --delta-time', () => {
  it('leads each message with the time since the previous one, the first since subscribing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-dt-'))
    const sub = await listen(['dt.x', '--count', '3', '--delta-time', '--dump', dir])
    await publish(['dt.x', 'm1'])
    // the next two once the first is shown, so there is a real gap between the first and the second
    await sub.waitFor('[#1]')
    await publish(['dt.x', 'm2'], ['dt.x', 'm3'])
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const heads = res.stdout.split('\n').filter((l) => l.includes('Received'))
    expect(heads).toHaveLength(3)
    const deltas = heads.map((l, i) => {
      const m = /^\+(\d+\.\d{3}s) \[#(\d+)\] Received on "dt\.x"$/.exec(l)
      expect(m, l).not.toBeNull()
      expect(m![2]).toBe(String(i + 1))
      return Math.round(parseDuration(m![1]))
    })
    const received = dumped(dir).map((r) => Date.parse(r.received))
    // the first: since the subscription started, which is after the process was spawned and before it said it listens
    expect(deltas[0]).toBeLessThanOrEqual(received[0] - sub.spawnedAt)
    expect(deltas[0]).toBeGreaterThanOrEqual(Math.max(0, received[0] - sub.listeningAt))
    // then: exactly the gap between the receive times
    expect(deltas[1]).toBe(received[1] - received[0])
    expect(deltas[2]).toBe(received[2] - received[1])
  })

  it('with --subjects-only: "+S.mmms SUBJECT"', async () => {
    const sub = await listen(['dts.>', '--count', '2', '-d', '--subjects-only'])
    await publish(['dts.a', '1'], ['dts.b', '2'])
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const lines = res.stdout.split('\n').filter((l) => l.length > 0)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\+\d+\.\d{3}s dts\.a$/)
    expect(lines[1]).toMatch(/^\+\d+\.\d{3}s dts\.b$/)
    for (const l of lines) expect(parseDuration(l.slice(1, l.indexOf(' ')))).toBeGreaterThanOrEqual(0)
  })
})

describe('sub --ignore-subject', () => {
  it('skips messages matching * and > patterns; --count counts only the shown ones', async () => {
    const sub = await listen(['ig.>', '--count', '3', '-I', 'ig.noise.*', '--ignore-subject', 'ig.debug.>', '--subjects-only'])
    // ignored first: were they counted, the subscription would end before any of the shown ones
    await publish(['ig.noise.a', '1'], ['ig.debug.x', '2'], ['ig.debug.x.y.z', '3'], ['ig.noise.b', '4'])
    // shown: * is one token, > needs one token after ig.debug
    await publish(['ig.noise.a.b', '5'], ['ig.keep', '6'], ['ig.debug', '7'], ['ig.after', '8'])
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toBe('ig.noise.a.b\nig.keep\nig.debug\n')
    expect(res.stderr).toMatch(/^natsx: listening on "ig\.>" \(ignoring "ig\.noise\.\*", "ig\.debug\.>"\)$/m)
    expect(res.stderr).toMatch(/natsx: 3 messages received \(count\)\n$/)
  })

  it('ignored messages are neither in the NDJSON nor dumped, and numbering skips them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-ig-'))
    const sub = await listen(['igj.*', '--count', '2', '-I', 'igj.skip', '--json', '--dump', dir])
    await publish(['igj.skip', 's1'], ['igj.a', 'a'], ['igj.skip', 's2'], ['igj.b', 'b'])
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.ndjson<MessageRecord>().map((r) => [r.subject, r.data])).toEqual([
      ['igj.a', 'a'],
      ['igj.b', 'b'],
    ])
    expect(readdirSync(dir).sort()).toEqual(['1.json', '2.json'])
    expect(dumped(dir).map((r) => r.subject)).toEqual(['igj.a', 'igj.b'])

    const human = await listen(['igh.*', '--count', '1', '-I', 'igh.skip'])
    await publish(['igh.skip', 's'], ['igh.a', 'shown'])
    const hres = await human.done
    expect(hres.stdout).toBe('[#1] Received on "igh.a"\nshown\n\n')
  })

  it('applies to a JetStream replay too', async () => {
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({name: 'IGNORE', subjects: ['igs.>']})
    for (const s of ['igs.a', 'igs.noise.1', 'igs.b', 'igs.noise.2', 'igs.c']) await nc.request(s, s)
    const res = await runCli(['sub', '--stream', 'IGNORE', '--all', '--count', '3', '-I', 'igs.noise.>', '--json', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    expect(res.ndjson<MessageRecord>().map((r) => [r.subject, r.jetstream?.sequence])).toEqual([
      ['igs.a', 1],
      ['igs.b', 3],
      ['igs.c', 5],
    ])
  })
})

describe('sub output flag usage errors', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['--subjects-only with --headers-only', ['--subjects-only', '--headers-only'], /^natsx: --subjects-only cannot be used with --headers-only; drop one of them$/],
    ['--subjects-only with --translate', ['--subjects-only', '--translate', 'cat'], /^natsx: --subjects-only cannot be used with --translate; drop one of them$/],
    ['--subjects-only with --raw', ['--subjects-only', '-r'], /^natsx: --subjects-only cannot be used with --raw; drop one of them$/],
    ['--timestamp with --delta-time', ['-t', '-d'], /^natsx: --timestamp cannot be used with --delta-time; drop one of them$/],
    ['--timestamp with --raw', ['--timestamp', '--raw'], /^natsx: --timestamp cannot be used with --raw; drop one of them$/],
    ['--delta-time with --raw', ['--delta-time', '--raw'], /^natsx: --delta-time cannot be used with --raw; drop one of them$/],
    ['an empty token in --ignore-subject', ['-I', 'ok.*', '-I', 'a..b'], /^natsx: invalid --ignore-subject subject "a\.\.b": it has an empty token; /],
    ['> not last in --ignore-subject', ['--ignore-subject', 'a.>.b'], /^natsx: invalid --ignore-subject subject "a\.>\.b": ">" must be the last token; /],
    ['a partial wildcard in --ignore-subject', ['-I', 'a.b*'], /^natsx: invalid --ignore-subject subject "a\.b\*": a wildcard must be a whole token; /],
  ]
  for (const [name, args, line] of cases) {
    it(`${name}: exit 2, one line, before connecting`, async () => {
      // nothing listens here: a connection attempt would be exit 6
      const port = await freePort()
      const res = await runCli(['sub', 'x.y', ...args, '-s', `nats://127.0.0.1:${port}`])
      expect(res.code, res.stderr).toBe(2)
      expect(res.stdout).toBe('')
      const lines = res.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(line)
    })
  }

  it('under --json the error is one JSON line of kind usage', async () => {
    const port = await freePort()
    const res = await runCli(['sub', 'x.y', '-t', '-d', '--json', '-s', `nats://127.0.0.1:${port}`])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    expect(JSON.parse(res.stderr.trim())).toEqual({error: {code: 2, hint: 'drop one of them', kind: 'usage', message: '--timestamp cannot be used with --delta-time'}})
  })
})

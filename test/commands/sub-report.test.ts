/**
 * `sub --report-subjects` / `--report-subscriptions`: counts instead of messages, printed when the run ends (tables, or
 * the --json summary line on stdout); `--match-replies`: each request with its reply, unanswered ones at the end.
 */
import {jetstream, jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'
import type {SubReport} from '../../src/lib/subscribe/report.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  await (await jetstreamManager(nc)).streams.add({name: 'REP', subjects: ['stored.>']})
  const js = jetstream(nc)
  for (const s of ['stored.a', 'stored.a', 'stored.a', 'stored.b', 'stored.c', 'stored.c']) await js.publish(s, 'xy')
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('sub --report-subjects / --report-subscriptions', () => {
  it('core: per subject and per subscription (overlapping patterns each count), one summary line on stdout under --json, no messages', async () => {
    const sub = spawnCli(['sub', 'rep.a.*', 'rep.>', '--report-subjects', '--report-subscriptions', '--count', '5', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    nc.publish('rep.a.1', 'abc')
    nc.publish('rep.a.1', 'abc')
    nc.publish('rep.b', 'z')
    await nc.flush()
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const lines = res.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const {summary} = JSON.parse(lines[0]) as {summary: SubReport & {ended: string; messages: number}}
    expect(summary).toMatchObject({bytes: 13, ended: 'count', messages: 5, subjects_seen: 2, subscriptions_seen: 2})
    expect(summary.subjects).toEqual([
      {bytes: 12, messages: 4, subject: 'rep.a.1'},
      {bytes: 1, messages: 1, subject: 'rep.b'},
    ])
    expect(summary.subscriptions).toEqual([
      {bytes: 7, messages: 3, subscription: 'rep.>'},
      {bytes: 6, messages: 2, subscription: 'rep.a.*'},
    ])
  })

  it('a stream replay as a table, busiest first, --report-top N rows with the totals of every message', async () => {
    const res = await runCli(['sub', 'stored.>', '--all', '--report-subjects', '--report-top', '2', '--wait', '1s', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/Subjects receiving messages \(top 2 of 3\)/)
    const rows = res.stdout.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').map((c) => c.trim()).filter(Boolean))
    expect(rows).toEqual([
      ['Subject', 'Messages', 'Bytes'],
      ['stored.a', '3', '6'],
      ['stored.c', '2', '4'],
      ['Totals', '6', '12'],
    ])
    expect(res.stdout).not.toMatch(/Received/)
    expect(res.stderr).toMatch(/6 messages counted \(idle\)/)
  })

  it.each([
    [['rep.x', '--report-subjects', '--raw'], /--report-subjects cannot be used with --raw/],
    [['rep.x', '--report-subscriptions', '--dump', '/tmp/never-made'], /--report-subscriptions cannot be used with --dump/],
    [['rep.x', '--report-top', '3'], /--report-top needs --report-subjects or --report-subscriptions/],
    [['rep.x', '--report-subjects', '--report-top', '0'], /report-top/],
  ])('%j: exit 2, one line, before connecting', async (args, message) => {
    // no server at all: a refusal before connecting
    const res = await runCli(['sub', ...args, '-s', 'nats://127.0.0.1:1'])
    expect(res.code).toBe(2)
    expect(res.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)])
  })
})

describe('sub --match-replies', () => {
  it('each request with its reply; a request never answered is shown at the end with "response": null', async () => {
    const responder = nc.subscribe('svc.echo', {callback(_e, m) {
        m.respond(`re:${m.string()}`)
      }})
    await nc.flush()
    const sub = spawnCli(['sub', 'svc.>', '--match-replies', '--count', '3', '--wait', '3s', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    expect((await nc.request('svc.echo', 'one')).string()).toBe('re:one')
    nc.publish('svc.note', 'no reply subject')
    nc.publish('svc.lost', 'nobody answers', {reply: '_INBOX.nobody.1'})
    await nc.flush()
    const res = await sub.done
    responder.unsubscribe()
    expect(res.code, res.stderr).toBe(0)
    const recs = res.ndjson<MessageRecord & {response?: MessageRecord | null}>()
    expect(recs.map((r) => [r.subject, r.data, r.response === undefined ? 'none' : r.response?.data ?? null])).toEqual([
      ['svc.echo', 'one', 're:one'],
      ['svc.note', 'no reply subject', 'none'],
      ['svc.lost', 'nobody answers', null],
    ])
    expect(recs[0].response!.subject).toBe(recs[0].reply)
    expect(JSON.parse(res.stderr.trim().split('\n').at(-1)!)).toMatchObject({summary: {ended: 'idle', messages: 3, unanswered: 1}})
  })

  it('for people: the request block, then "Reply on"; refused on a stream (exit 2)', async () => {
    const responder = nc.subscribe('svc.up', {callback(_e, m) {
        m.respond(m.string().toUpperCase())
      }})
    await nc.flush()
    const sub = spawnCli(['sub', 'svc.up', '--match-replies', '--count', '1', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    await nc.request('svc.up', 'hi')
    const res = await sub.done
    responder.unsubscribe()
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/^\[#1\] Received on "svc\.up" with reply "_INBOX\.[^"]+"\nhi\n\n\[#1\] Reply on "_INBOX\.[^"]+"\nHI\n/)
    expect(res.stderr).toMatch(/1 message received \(count, 0 requests unanswered\)/)
    const refused = await runCli(['sub', 'stored.a', '--all', '--match-replies', '-s', server.url])
    expect(refused.code).toBe(2)
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--match-replies works on core subscriptions/)])
  })
})

import {connect, type Msg, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {PubResult} from '../../src/commands/pub.js'
import type {MessageRecord} from '../../src/lib/messages.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../helpers/servers.js'

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

interface Seen {
  at: number
  data: string
  headers?: Record<string, string[]>
  subject: string
}

/** A subscriber in the test itself, in place on the server when this resolves. */
async function listen(subject: string): Promise<{seen: Seen[]; stop(): void}> {
  const seen: Seen[] = []
  const sub = nc.subscribe(subject, {
    callback(_err, m: Msg) {
      const headers = m.headers ? Object.fromEntries([...m.headers.keys()].map((k) => [k, m.headers!.values(k)])) : undefined
      seen.push({at: Date.now(), data: m.string(), headers, subject: m.subject})
    },
  })
  await nc.flush()
  return {seen, stop: () => sub.unsubscribe()}
}

describe('pub --send-on newline', () => {
  it('publishes 3 lines of stdin as 3 messages with their bodies, received by a subscriber', async () => {
    const sub = spawnCli(['sub', 'lines.>', '--count', '3', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    const pub = await runCli(['pub', 'lines.{{Count}}', '--send-on', 'newline', '-H', 'Line:{{Count}}', '--json', '-s', server.url], {
      input: 'first line\nsecond {{Count}} stays as written\nthird\n',
    })
    expect(pub.code, pub.stderr).toBe(0)
    expect(pub.json<PubResult>()).toEqual({bytes: 'first line'.length + 'second {{Count}} stays as written'.length + 'third'.length, messages: 3, subject: 'lines.3'})
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const recs = res.ndjson<MessageRecord>()
    expect(recs.map((r) => r.data)).toEqual(['first line', 'second {{Count}} stays as written', 'third'])
    expect(recs.map((r) => r.subject)).toEqual(['lines.1', 'lines.2', 'lines.3'])
    expect(recs.map((r) => r.headers)).toEqual([{Line: ['1']}, {Line: ['2']}, {Line: ['3']}])
  })

  it('drops a trailing \\r, sends an empty line as an empty message, and a last line without \\n too', async () => {
    const l = await listen('edges.x')
    const pub = await runCli(['pub', 'edges.x', '--send-on', 'newline', '--json', '-s', server.url], {input: 'crlf\r\n\nlast'})
    expect(pub.code, pub.stderr).toBe(0)
    expect(pub.json<PubResult>().messages).toBe(3)
    await waitFor(() => l.seen.length >= 3 || undefined, 10_000, '3 messages')
    expect(l.seen.map((m) => m.data)).toEqual(['crlf', '', 'last'])
    l.stop()
  })

  it('publishes each line as it arrives, before stdin ends', async () => {
    const l = await listen('live.x')
    const pub = spawnCli(['pub', 'live.x', '--send-on', 'newline', '--json', '-s', server.url], {openStdin: true})
    pub.child.stdin!.write('one\n')
    await waitFor(() => l.seen.length > 0 || undefined, 15_000, 'the first line at the subscriber')
    expect(pub.child.exitCode).toBeNull()
    expect(l.seen.map((m) => m.data)).toEqual(['one'])
    pub.child.stdin!.write('two\n')
    await waitFor(() => l.seen.length >= 2 || undefined, 10_000, 'the second line at the subscriber')
    expect(pub.child.exitCode).toBeNull()
    pub.child.stdin!.end('three\n')
    const res = await pub.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<PubResult>()).toMatchObject({messages: 3, subject: 'live.x'})
    await waitFor(() => l.seen.length >= 3 || undefined, 10_000, 'the third line')
    expect(l.seen.map((m) => m.data)).toEqual(['one', 'two', 'three'])
    l.stop()
  })

  it('Ctrl-C while waiting for a line ends with exit 130 after what was published, and reports it', async () => {
    const l = await listen('intr.x')
    const pub = spawnCli(['pub', 'intr.x', '--send-on', 'newline', '--json', '-s', server.url], {openStdin: true, input: 'a\nb\nunfinished'})
    await waitFor(() => l.seen.length >= 2 || undefined, 15_000, 'two lines at the subscriber')
    pub.child.kill('SIGINT')
    const res = await pub.done
    expect(res.code, res.stderr).toBe(130)
    expect(res.json<PubResult>()).toEqual({bytes: 2, messages: 2, subject: 'intr.x'})
    expect(l.seen.map((m) => m.data)).toEqual(['a', 'b'])
    l.stop()
  })

  it('--sleep pauses between lines', async () => {
    const l = await listen('slow.x')
    const pub = await runCli(['pub', 'slow.x', '--send-on', 'newline', '--sleep', '150ms', '-s', server.url], {input: '1\n2\n3\n'})
    expect(pub.code, pub.stderr).toBe(0)
    await waitFor(() => l.seen.length >= 3 || undefined, 10_000, '3 messages')
    // two pauses of 150ms between the first and the last publish; delivery may shave a little off
    expect(l.seen[2].at - l.seen[0].at).toBeGreaterThanOrEqual(250)
    l.stop()
  })

  it('--send-on eof (the default) still sends all of stdin as one message, repeated by --count', async () => {
    const l = await listen('eof.x')
    const pub = await runCli(['pub', 'eof.x', '--send-on', 'eof', '--count', '2', '--json', '-s', server.url], {input: 'a\nb\n'})
    expect(pub.code, pub.stderr).toBe(0)
    expect(pub.json<PubResult>()).toEqual({bytes: 8, messages: 2, subject: 'eof.x'})
    await waitFor(() => l.seen.length >= 2 || undefined, 10_000, '2 messages')
    expect(l.seen.map((m) => m.data)).toEqual(['a\nb\n', 'a\nb\n'])
    l.stop()
  })
})

describe('pub --send-on newline --jetstream', () => {
  it('waits for each line\'s acknowledgement and stores every line in the stream', async () => {
    const add = await runCli(['stream', 'add', 'LINES', '--subjects', 'jslines.>', '--json', '-s', server.url])
    expect(add.code, add.stderr).toBe(0)
    const input = 'alpha\nbeta\ngamma\n'
    const pub = await runCli(['pub', 'jslines.{{Count}}', '--send-on', 'newline', '--jetstream', '--msg-id', 'line-{{Count}}', '--json', '-s', server.url], {input})
    expect(pub.code, pub.stderr).toBe(0)
    expect(pub.json<PubResult>()).toEqual({
      bytes: 14,
      jetstream: [
        {duplicate: false, seq: 1, stream: 'LINES', subject: 'jslines.1'},
        {duplicate: false, seq: 2, stream: 'LINES', subject: 'jslines.2'},
        {duplicate: false, seq: 3, stream: 'LINES', subject: 'jslines.3'},
      ],
      messages: 3,
      subject: 'jslines.3',
    })

    const stored = await runCli(['sub', '--stream', 'LINES', '--all', '--count', '3', '--json', '-s', server.url])
    expect(stored.code, stored.stderr).toBe(0)
    expect(stored.ndjson<MessageRecord>().map((r) => [r.jetstream!.sequence, r.subject, r.data])).toEqual([
      [1, 'jslines.1', 'alpha'],
      [2, 'jslines.2', 'beta'],
      [3, 'jslines.3', 'gamma'],
    ])

    // The same lines again: the templated msg ids make every line a duplicate; each ack is reported as it comes.
    const again = await runCli(['pub', 'jslines.{{Count}}', '--send-on', 'newline', '--jetstream', '--msg-id', 'line-{{Count}}', '-s', server.url], {input})
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout.trim().split('\n')).toEqual([
      '[#1] Stored in stream LINES sequence 1 (duplicate, not stored again)',
      '[#2] Stored in stream LINES sequence 2 (duplicate, not stored again)',
      '[#3] Stored in stream LINES sequence 3 (duplicate, not stored again)',
      'Published 3 messages (14 bytes) to "jslines.3"',
    ])
  })
})

describe('pub --send-on usage errors', () => {
  it('refuses --count, a BODY argument and an unknown mode with exit 2, one line, nothing published', async () => {
    const l = await listen('bad.x')
    const cases: Array<[string[], RegExp]> = [
      [['--send-on', 'newline', '--count', '2'], /--count cannot be used with --send-on newline/],
      [['--send-on', 'newline', '--count', '1'], /--count cannot be used with --send-on newline/],
      [['body', '--send-on', 'newline'], /--send-on newline cannot be used with a BODY argument/],
      [['--send-on', 'lines'], /--send-on=lines.*eof, newline/],
    ]
    for (const [extra, message] of cases) {
      const res = await runCli(['pub', 'bad.x', ...extra, '-s', server.url], {input: 'x\ny\n'})
      expect(res.code, res.stderr).toBe(2)
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1)
      expect(res.stderr).toMatch(message)
      expect(res.stdout).toBe('')
    }

    // Nothing reached the subject: a marker published afterwards is the first and only message there.
    nc.publish('bad.x', 'marker')
    await waitFor(() => l.seen.length > 0 || undefined, 10_000, 'the marker')
    expect(l.seen.map((m) => m.data)).toEqual(['marker'])
    l.stop()
  })
})

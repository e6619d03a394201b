import {jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'
import type {RequestResult} from '../../src/lib/publish/request.js'

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

/** Start `sub ARGS…`, wait until it listens, publish with `pub PUBARGS…`, and return the finished sub. */
async function subAndPub(subArgs: string[], pubArgs: string[], env?: Record<string, string>) {
  const sub = spawnCli(['sub', ...subArgs, '-s', server.url], {env})
  await sub.waitFor('listening', 'stderr')
  const pub = await runCli(['pub', ...pubArgs, '-s', server.url])
  expect(pub.code, pub.stderr).toBe(0)
  return sub.done
}

describe('sub --translate', () => {
  it('shows the upper-cased bodies to people, with --raw, and in NDJSON field by field', async () => {
    const human = await subAndPub(['tr.h', '--count', '2', '--translate', 'tr a-z A-Z'], ['tr.h', 'hello {{Count}}', '--count', '2'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toBe('[#1] Received on "tr.h"\nHELLO 1\n\n[#2] Received on "tr.h"\nHELLO 2\n\n')
    expect(human.stderr).not.toMatch(/warning/)

    const raw = await subAndPub(['tr.r', '--count', '2', '--raw', '--translate', 'tr a-z A-Z'], ['tr.r', 'hello {{Count}}', '--count', '2'])
    expect(raw.code, raw.stderr).toBe(0)
    expect(raw.stdout).toBe('HELLO 1\nHELLO 2\n')

    const json = await subAndPub(['tr.j', '--count', '2', '--json', '--translate', 'tr a-z A-Z'], ['tr.j', 'hello {{Count}}', '--count', '2', '-H', 'X-N:{{Count}}'])
    expect(json.code, json.stderr).toBe(0)
    const recs = json.ndjson<MessageRecord>()
    expect(recs).toHaveLength(2)
    for (const [i, r] of recs.entries()) {
      expect(Object.keys(r).sort()).toEqual(['data', 'encoding', 'headers', 'received', 'size', 'subject'])
      expect(r.subject).toBe('tr.j')
      expect(r.data).toBe(`HELLO ${i + 1}`)
      expect(r.encoding).toBe('utf8')
      expect(r.size).toBe(7)
      expect(r.headers).toEqual({'X-N': [String(i + 1)]})
      expect(Number.isNaN(Date.parse(r.received))).toBe(false)
      expect(r.translate_error).toBeUndefined()
    }
  })

  it('data, encoding and size describe the command output; people and --raw lose one trailing newline', async () => {
    const json = await subAndPub(['tr.size', '--count', '1', '--json', '--translate', 'tr a-z A-Z; echo; echo'], ['tr.size', 'abc'])
    expect(json.code, json.stderr).toBe(0)
    expect(json.ndjson<MessageRecord>()[0]).toMatchObject({data: 'ABC\n\n', encoding: 'utf8', size: 5})

    const raw = await subAndPub(['tr.nl', '--count', '2', '--raw', '--translate', 'tr a-z A-Z; echo'], ['tr.nl', 'line {{Count}}', '--count', '2'])
    expect(raw.stdout).toBe('LINE 1\nLINE 2\n')

    const binary = await subAndPub(['tr.bin', '--count', '1', '--json', '--translate', String.raw`printf '\377\000\376'`], ['tr.bin', 'text'])
    expect(binary.code, binary.stderr).toBe(0)
    const rec = binary.ndjson<MessageRecord>()[0]
    expect(rec).toMatchObject({encoding: 'base64', size: 3})
    expect(Buffer.from(rec.data, 'base64')).toEqual(Buffer.from([0xff, 0x00, 0xfe]))
  })

  it('gives the command NATS_SUBJECT', async () => {
    const res = await subAndPub(['env.>', '--count', '2', '--json', '--translate', 'printf "%s" "$NATS_SUBJECT"'], ['env.{{Count}}.x', 'body', '--count', '2'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.ndjson<MessageRecord>().map((r) => [r.subject, r.data])).toEqual([
      ['env.1.x', 'env.1.x'],
      ['env.2.x', 'env.2.x'],
    ])
  })

  it('runs one command at a time and keeps the order of arrival', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-translate-'))
    // A second command running while one holds the lock directory fails, and would show up as a translate_error.
    const command = 'mkdir "$LOCKDIR/lock" || exit 9; tr a-z A-Z; rmdir "$LOCKDIR/lock"'
    const res = await subAndPub(['seq.x', '--count', '30', '--json', '--translate', command], ['seq.x', 'm{{Count}}', '--count', '30'], {LOCKDIR: dir})
    expect(res.code, res.stderr).toBe(0)
    const recs = res.ndjson<MessageRecord>()
    expect(recs.filter((r) => r.translate_error)).toEqual([])
    expect(recs.map((r) => r.data)).toEqual(Array.from({length: 30}, (_, i) => `M${i + 1}`))
    expect(readdirSync(dir)).toEqual([])
  })

  it('a failing command: the body untranslated, one warning naming subject and exit status, exit 0', async () => {
    const command = 'if [ "$NATS_SUBJECT" = fail.2 ]; then echo oops >&2; exit 3; fi; tr a-z A-Z'
    const warning = 'natsx: warning: message on "fail.2" shown untranslated: --translate command exited 3: oops'

    const human = await subAndPub(['fail.*', '--count', '3', '--raw', '--translate', command], ['fail.{{Count}}', 'm{{Count}}', '--count', '3'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toBe('M1\nm2\nM3\n')
    expect(human.stderr.split('\n').filter((l) => l.includes('warning'))).toEqual([warning])

    const json = await subAndPub(['fail.*', '--count', '3', '--json', '--translate', command], ['fail.{{Count}}', 'm{{Count}}', '--count', '3'])
    expect(json.code, json.stderr).toBe(0)
    const recs = json.ndjson<MessageRecord>()
    expect(recs.map((r) => r.data)).toEqual(['M1', 'm2', 'M3'])
    expect(recs[1]).toMatchObject({encoding: 'utf8', size: 2, subject: 'fail.2', translate_error: '--translate command exited 3: oops'})
    expect(recs[0].translate_error).toBeUndefined()
    expect(recs[2].translate_error).toBeUndefined()
    expect(json.stderr.split('\n').filter((l) => l.includes('warning'))).toEqual([warning])
  })

  it('a command that cannot be found is the same: exit status 127 in the warning, the body untranslated', async () => {
    const res = await subAndPub(['nocmd.x', '--count', '1', '--raw', '--translate', 'natsx-no-such-command-here'], ['nocmd.x', 'kept'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toBe('kept\n')
    const warnings = res.stderr.split('\n').filter((l) => l.includes('warning'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^natsx: warning: message on "nocmd\.x" shown untranslated: --translate command exited 127: .*not found/)
  })

  it('--dump keeps the message as it arrived', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-dump-'))
    const res = await subAndPub(['dumpt.x', '--count', '2', '--raw', '--dump', dir, '--translate', 'tr a-z A-Z'], ['dumpt.x', 'd{{Count}}', '--count', '2'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toBe('D1\nD2\n')
    expect(readdirSync(dir).sort()).toEqual(['1.json', '2.json'])
    const dumped = JSON.parse(readFileSync(join(dir, '2.json'), 'utf8')) as MessageRecord
    expect(dumped).toMatchObject({data: 'd2', size: 2, subject: 'dumpt.x'})
    expect(dumped.translate_error).toBeUndefined()
  })

  it('translates a JetStream replay too', async () => {
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({name: 'TRANSLATE', subjects: ['trjs.>']})
    for (let i = 1; i <= 3; i++) await nc.request(`trjs.${i}`, `stored ${i}`)
    const res = await runCli(['sub', '--stream', 'TRANSLATE', '--all', '--count', '3', '--json', '--translate', 'tr a-z A-Z', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    const recs = res.ndjson<MessageRecord>()
    expect(recs.map((r) => [r.subject, r.data, r.jetstream?.sequence])).toEqual([
      ['trjs.1', 'STORED 1', 1],
      ['trjs.2', 'STORED 2', 2],
      ['trjs.3', 'STORED 3', 3],
    ])
  })

  it('Ctrl-C while a command runs ends the subscription with exit 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-translate-'))
    const sub = spawnCli(['sub', 'slow.x', '--translate', 'touch "$MARKDIR/started"; exec sleep 60', '-s', server.url], {env: {MARKDIR: dir}})
    await sub.waitFor('listening', 'stderr')
    await runCli(['pub', 'slow.x', 'body', '-s', server.url])
    await waitFor(() => existsSync(join(dir, 'started')), 15_000, 'the --translate command to start')
    sub.child.kill('SIGINT')
    const res = await sub.done
    expect(res.code).toBe(130)
    expect(res.signal).toBeNull()
  })

  it('--translate with --headers-only is a usage error (exit 2, one line naming both)', async () => {
    const res = await runCli(['sub', 'x.y', '--translate', 'cat', '--headers-only', '-s', server.url])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    const lines = res.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^natsx: .*--translate.*--headers-only/)
  })
})

describe('request --translate', () => {
  it('translates the reply from natsx reply, in --json, to people and with --raw', async () => {
    const rep = spawnCli(['reply', 'svc.tr', '--echo', '--count', '3', '-s', server.url])
    await rep.waitFor('listening', 'stderr')

    const json = await runCli(['request', 'svc.tr', 'ping', '-H', 'K:v', '--json', '--translate', 'tr a-z A-Z; echo', '-s', server.url])
    expect(json.code, json.stderr).toBe(0)
    const out = json.json<RequestResult>()
    expect(out.subject).toBe('svc.tr')
    expect(out.replies).toHaveLength(1)
    expect(out.replies[0]).toMatchObject({data: 'PING\n', encoding: 'utf8', headers: {K: ['v']}, size: 5})
    expect(out.replies[0].translate_error).toBeUndefined()
    expect(out.replies[0].rtt_ms).toBeGreaterThan(0)

    const human = await runCli(['request', 'svc.tr', 'ping', '--translate', 'tr a-z A-Z', '-s', server.url])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^Received reply on "\S+" with rtt [\d.]+ms\nPING\n$/)

    const raw = await runCli(['request', 'svc.tr', 'ping', '--raw', '--translate', 'tr a-z A-Z; echo', '-s', server.url])
    expect(raw.stdout).toBe('PING\n')
    expect((await rep.done).code).toBe(0)
  })

  it("NATS_SUBJECT is the reply's subject; --replies 0 translates every reply in turn", async () => {
    const reps = [0, 1, 2].map((i) => spawnCli(['reply', 'svc.trmany', `r${i}`, '--queue', `g${i}`, '--count', '1', '-s', server.url]))
    await Promise.all(reps.map((r) => r.waitFor('listening', 'stderr')))
    const res = await runCli(['request', 'svc.trmany', 'x', '--replies', '0', '--timeout', '1s', '--json', '--translate', 'printf "%s:" "$NATS_SUBJECT"; tr a-z A-Z', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    const {replies} = res.json<RequestResult>()
    expect(replies).toHaveLength(3)
    for (const r of replies) {
      expect(r.subject).toMatch(/^_INBOX\./)
      expect(r.data).toMatch(new RegExp(`^${r.subject.replaceAll('.', String.raw`\.`)}:R[012]$`))
    }

    expect(replies.map((r) => r.data.slice(-2)).sort()).toEqual(['R0', 'R1', 'R2'])
    await Promise.all(reps.map((r) => r.done))
  })

  it('a failing command: the reply untranslated, one warning, translate_error, exit 0', async () => {
    const rep = spawnCli(['reply', 'svc.trfail', 'answer', '--count', '2', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const raw = await runCli(['request', 'svc.trfail', 'q', '--raw', '--translate', 'echo broken >&2; exit 5', '-s', server.url])
    expect(raw.code, raw.stderr).toBe(0)
    expect(raw.stdout).toBe('answer\n')
    expect(raw.stderr.trim()).toMatch(/^natsx: warning: message on "_INBOX\.\S+" shown untranslated: --translate command exited 5: broken$/)

    const json = await runCli(['request', 'svc.trfail', 'q', '--json', '--translate', 'exit 5', '-s', server.url])
    expect(json.code, json.stderr).toBe(0)
    expect(json.json<RequestResult>().replies[0]).toMatchObject({data: 'answer', size: 6, translate_error: '--translate command exited 5'})
    expect(json.stderr.split('\n').filter((l) => l.includes('warning'))).toHaveLength(1)
    expect((await rep.done).code).toBe(0)
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RequestResult} from '../../src/lib/publish/request.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

let server: NatsServer
beforeAll(async () => {
  server = await startServer({jetstream: false})
})
afterAll(async () => {
  await server?.destroy()
})

describe('request and reply', () => {
  it('reply --echo answers with the request body and headers', async () => {
    const rep = spawnCli(['reply', 'svc.echo', '--echo', '--count', '1', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const res = await runCli(['request', 'svc.echo', 'ping', '-H', 'K:v', '--json', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    const out = res.json<RequestResult>()
    expect(out.replies).toHaveLength(1)
    expect(out.replies[0]).toMatchObject({data: 'ping', encoding: 'utf8', headers: {K: ['v']}, size: 4})
    expect(out.replies[0].rtt_ms).toBeGreaterThan(0)
    expect((await rep.done).code).toBe(0)
  })

  it('reply BODY expands {{Request}} and {{Count}}', async () => {
    const rep = spawnCli(['reply', 'svc.tpl', 'got {{Request}} #{{Count}}', '--count', '2', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const a = await runCli(['request', 'svc.tpl', 'a', '--raw', '-s', server.url])
    const b = await runCli(['request', 'svc.tpl', 'b', '--raw', '-s', server.url])
    expect(a.stdout.trim()).toBe('got a #1')
    expect(b.stdout.trim()).toBe('got b #2')
    expect((await rep.done).code).toBe(0)
  })

  it('reply --command pipes the request through a command; a failing command sends no reply', async () => {
    const rep = spawnCli(['reply', 'svc.cmd', '--command', 'if [ "$NATS_REQUEST_BODY" = fail ]; then exit 3; fi; tr a-z A-Z', '--count', '2', '--json', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const ok = await runCli(['request', 'svc.cmd', 'hello', '--json', '-s', server.url])
    expect(ok.json<RequestResult>().replies[0].data).toBe('HELLO')
    const bad = await runCli(['request', 'svc.cmd', 'fail', '--timeout', '1s', '-s', server.url])
    expect(bad.code).toBe(6)
    expect(bad.stderr).toMatch(/timed out/)
    const handled = (await rep.done).ndjson<{error?: string; responded: boolean}>()
    expect(handled.map((h) => h.responded)).toEqual([true, false])
    expect(handled[1].error).toMatch(/command exited 3/)
  })

  it('--replies 0 gathers every reply until the timeout', async () => {
    const reps = [0, 1, 2].map((i) => spawnCli(['reply', 'svc.many', `r${i}`, '--queue', `g${i}`, '--count', '1', '-s', server.url]))
    await Promise.all(reps.map((r) => r.waitFor('listening', 'stderr')))
    const res = await runCli(['request', 'svc.many', 'x', '--replies', '0', '--timeout', '1s', '--json', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<RequestResult>().replies.map((r) => r.data).sort()).toEqual(['r0', 'r1', 'r2'])
    await Promise.all(reps.map((r) => r.done))
  })

  it('no responders exits 6 with a plain message', async () => {
    const res = await runCli(['request', 'svc.nobody', 'x', '-s', server.url])
    expect(res.code).toBe(6)
    expect(res.stderr.trim()).toBe('natsx: no responders on "svc.nobody"; nothing is subscribed to that subject; start a responder or check the subject')
    const json = await runCli(['request', 'svc.nobody', 'x', '--json', '-s', server.url])
    expect(json.code).toBe(6)
    expect(json.stdout).toBe('')
    expect(JSON.parse(json.stderr.trim())).toMatchObject({error: {code: 6, kind: 'connection'}})
  })

  it('Ctrl-C ends a request that waits for a reply at once, with exit 130 (first reply, and all until the timeout)', async () => {
    // a subscriber that never answers: the request waits for its 60 s timeout unless Ctrl-C ends it
    const silent = spawnCli(['sub', 'svc.silent', '-s', server.url])
    await silent.waitFor('listening', 'stderr')
    try {
      for (const [n, extra] of [[1, []], [2, ['--replies', '0']]] as const) {
        const req = spawnCli(['request', 'svc.silent', `ask ${n}`, '--timeout', '60s', '-s', server.url, ...extra], {timeoutMs: 20_000})
        await silent.waitFor(`ask ${n}`)
        req.child.kill('SIGINT')
        const res = await req.done
        // without the fix the harness kills it at 20 s (code null); a timeout would be 6
        expect(res.code, res.stderr).toBe(130)
        expect(res.stderr.trim().split('\n')).toEqual(['natsx: interrupted'])
      }
    } finally {
      silent.child.kill('SIGINT')
      await silent.done
    }
  })

  it('--replies 0 shows each reply as it arrives; Ctrl-C then ends the wait with the replies so far and exit 130', async () => {
    const rep = spawnCli(['reply', 'svc.live', 'pong', '--count', '1', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const req = spawnCli(['request', 'svc.live', 'ping', '--replies', '0', '--timeout', '60s', '-s', server.url], {timeoutMs: 20_000})
    // printed while the request still waits for more replies (its timeout is 60 s)
    await req.waitFor('pong')
    expect(req.stdout()).toMatch(/^Received reply on "_INBOX\.[^"]+" with rtt [\d.]+ms\npong\n$/)
    req.child.kill('SIGINT')
    const res = await req.done
    expect(res.code, res.stderr).toBe(130)
    expect(res.stdout.match(/pong/g)).toHaveLength(1)
    expect((await rep.done).code).toBe(0)
  })

  it('Ctrl-C ends a subscription cleanly with exit 130', async () => {
    const sub = spawnCli(['sub', 'never.x', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    sub.child.kill('SIGINT')
    const res = await sub.done
    expect(res.code).toBe(130)
    expect(res.stderr).not.toMatch(/at .*\.js/)
  })
})

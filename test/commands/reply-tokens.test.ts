import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RequestResult} from '../../src/lib/publish/request.js'
import type {HandledRequest} from '../../src/lib/reply/serve.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {freePort, type NatsServer, startServer, waitFor} from '../helpers/servers.js'

let server: NatsServer
beforeAll(async () => {
  server = await startServer({jetstream: false})
})
afterAll(async () => {
  await server?.destroy()
})

/** How many messages the server has delivered to the connection with this name. */
async function deliveredTo(name: string): Promise<number> {
  const res = await fetch(`${server.monitorUrl}/connz`)
  const body = (await res.json()) as {connections?: Array<{name?: string; out_msgs: number}>}
  return body.connections?.find((c) => c.name === name)?.out_msgs ?? 0
}

describe('reply subject tokens ({{0}}, {{1}}, … as natscli numbers them)', () => {
  it('BODY: reply weather.*.* "forecast for {{2}} in {{1}}" answers weather.uk.london', async () => {
    const rep = spawnCli(['reply', 'weather.*.*', 'forecast for {{2}} in {{1}}', '--count', '1', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const res = await runCli(['request', 'weather.uk.london', '', '--raw', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout.trim()).toBe('forecast for london in uk')
    expect((await rep.done).code).toBe(0)
  })

  it('--command and -H values get tokens; each token after ">" is its own; past the end is empty', async () => {
    const rep = spawnCli(['reply', 'wx.>', '--command', 'printf "%s|%s|%s|[%s]" {{0}} {{1}} {{2}} "{{3}}"', '-H', 'X-City:{{1}}-{{2}}', '--count', '2', '--json', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const one = await runCli(['request', 'wx.london', '', '--json', '-s', server.url])
    expect(one.code, one.stderr).toBe(0)
    expect(one.json<RequestResult>().replies[0]).toMatchObject({data: 'wx|london||[]', headers: {'X-City': ['london-']}})
    const three = await runCli(['request', 'wx.uk.london.soho', '', '--json', '-s', server.url])
    expect(three.code, three.stderr).toBe(0)
    expect(three.json<RequestResult>().replies[0]).toMatchObject({data: 'wx|uk|london|[soho]', headers: {'X-City': ['uk-london']}})
    const handled = (await rep.done).ndjson<HandledRequest>()
    expect(handled.map((h) => [h.subject, h.responded])).toEqual([
      ['wx.london', true],
      ['wx.uk.london.soho', true],
    ])
  })

  it('--command does not run with a token the shell would read into', async () => {
    const rep = spawnCli(['reply', 'svc.*', '--command', 'echo {{1}}', '--count', '2', '--json', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const bad = await runCli(['request', 'svc.$(id)', '', '--timeout', '1s', '-s', server.url])
    expect(bad.code).toBe(6)
    const ok = await runCli(['request', 'svc.fine', '', '--raw', '-s', server.url])
    expect(ok.stdout.trim()).toBe('fine')
    const handled = (await rep.done).ndjson<HandledRequest>()
    expect(handled[0]).toMatchObject({responded: false, subject: 'svc.$(id)'})
    expect(handled[0].error).toMatch(/subject token \{\{1\}\} "\$\(id\)" is not safe in a shell command/)
    expect(handled[1]).toMatchObject({responded: true, subject: 'svc.fine'})
  })

  it('--command does not run with a {{Request}} body the shell would read into; stdin and $NATS_REQUEST_BODY carry any body', async () => {
    const rep = spawnCli(['reply', 'svc.body', '--command', 'echo {{Request}}', '--count', '2', '--json', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const bad = await runCli(['request', 'svc.body', 'x; touch /tmp/natsx-pwned-$$', '--timeout', '1s', '-s', server.url])
    expect(bad.code).toBe(6)
    const ok = await runCli(['request', 'svc.body', 'hello there, 1.5 km/h', '--raw', '-s', server.url])
    expect(ok.stdout.trim()).toBe('hello there, 1.5 km/h')
    const handled = (await rep.done).ndjson<HandledRequest>()
    expect(handled[0]).toMatchObject({responded: false})
    expect(handled[0].error).toMatch(/the request body is not safe in a shell command as \{\{Request\}\}.*read it from stdin or \$NATS_REQUEST_BODY/)
    expect(handled[1]).toMatchObject({responded: true})

    const viaEnv = spawnCli(['reply', 'svc.env', '--command', 'printf "%s" "$NATS_REQUEST_BODY"', '--count', '1', '-s', server.url])
    await viaEnv.waitFor('listening', 'stderr')
    const any = await runCli(['request', 'svc.env', 'x; $(id) `id`', '--raw', '-s', server.url])
    expect(any.stdout.trim()).toBe('x; $(id) `id`')
    expect((await viaEnv.done).code).toBe(0)
  })

  it('bad templates are exit 2 before connecting', async () => {
    // Nothing listens on this port: a connection attempt would be exit 6.
    const dead = `nats://127.0.0.1:${await freePort()}`
    const cases: Array<[string[], RegExp]> = [
      [['weather.*', '{{2}}'], /\{\{2\}\} in the body is past the last token of "weather.\*", which has 2/],
      [['weather.>', '{{x}}'], /unknown template \{\{x\}\} in the body/],
      [['weather.>', '--command', 'echo {{1 2}}'], /\{\{1\}\} in --command takes no arguments/],
      [['weather.*', '--echo', '-H', 'K:{{Bogus}}'], /unknown template \{\{Bogus\}\} in header K/],
    ]
    for (const [args, message] of cases) {
      const res = await runCli(['reply', ...args, '-s', dead])
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2)
      expect(res.stderr).toMatch(message)
    }

    const good = await runCli(['reply', 'weather.>', '{{9}}', '-s', dead])
    expect(good.code, good.stderr).toBe(6)
  })
})

describe('reply --sleep', () => {
  it('with --sleep 2s every request is still answered', async () => {
    const rep = spawnCli(['reply', 'svc.slow', 'ok {{Request}}', '--sleep', '2s', '--count', '3', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const results = await Promise.all(['a', 'b', 'c'].map((b) => runCli(['request', 'svc.slow', b, '--raw', '--timeout', '15s', '-s', server.url])))
    expect(results.map((r) => r.code)).toEqual([0, 0, 0])
    expect(results.map((r) => r.stdout.trim()).sort()).toEqual(['ok a', 'ok b', 'ok c'])
    expect((await rep.done).code).toBe(0)
  })

  it('Ctrl-C during the wait exits 130 at once, without a reply', async () => {
    const rep = spawnCli(['reply', 'svc.sleepy', 'late', '--sleep', '1h', '--connection-name', 'sleepy-replier', '-s', server.url])
    await rep.waitFor('listening', 'stderr')
    const req = spawnCli(['request', 'svc.sleepy', 'x', '--raw', '--timeout', '3s', '-s', server.url])
    // The request has reached the replier, which is now waiting.
    await waitFor(async () => ((await deliveredTo('sleepy-replier')) >= 1 ? true : undefined), 10_000, 'the request delivered to the replier')
    const started = Date.now()
    rep.child.kill('SIGINT')
    const res = await rep.done
    expect(res.code, res.stderr).toBe(130)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/1 request handled \(interrupted\)/)
    // No reply ever came.
    const r = await req.done
    expect(r.code).toBe(6)
    expect(r.stdout).toBe('')
  })
})

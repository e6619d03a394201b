/**
 * Every bad input of issue 12, item 15 (and the URL-credential cases of item 16): each is refused with its exit code,
 * at most three lines on stderr and no stack trace, a JSON error under --json, and the server left as it was.
 * "As it was" is the server's own JetStream totals and stream configurations (`/jsz`), which a stray publish to the
 * capture stream, a created stream or a deleted message would change.
 */
import {connect} from '@nats-io/transport-node'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type CliOptions, runCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, startServer} from '../helpers/servers.js'

const ESC = '\u001B'
let server: NatsServer
let dir: string
let url: string

interface Jsz {
  account_details?: Array<{stream_detail?: Array<{config?: unknown; name: string; state?: {first_seq: number; last_seq: number; messages: number}}>}>
  bytes: number
  consumers: number
  messages: number
  streams: number
}

/** What a refused command must not change: totals, and every stream's configuration and sequence range. */
async function snapshot(): Promise<unknown> {
  const res = await fetch(`${server.monitorUrl}/jsz?accounts=true&streams=true&config=true`)
  const jsz = (await res.json()) as Jsz
  const streams = (jsz.account_details ?? [])
    .flatMap((a) => a.stream_detail ?? [])
    .map((s) => ({config: s.config, name: s.name, state: [s.state?.messages, s.state?.first_seq, s.state?.last_seq]}))
    .sort((a, b) => a.name.localeCompare(b.name))
  return {bytes: jsz.bytes, consumers: jsz.consumers, messages: jsz.messages, streams, total: jsz.streams}
}

/**
 * Run `args` twice (plain, then with --json) and check the refusal both ways. `message` is matched against the line a
 * person sees and against the JSON error's message and hint.
 */
async function refused(args: string[], code: number, message: RegExp, options: CliOptions = {}): Promise<void> {
  const before = await snapshot()
  const what = args.join(' ')
  const plain = await runCli(args, options)
  expect(plain.code, `${what}\n${plain.stderr}`).toBe(code)
  const lines = plain.stderr.split('\n').filter((l) => l.trim().length > 0)
  expect(lines.length, `${what}\n${plain.stderr}`).toBeLessThanOrEqual(3)
  expect(lines.find((l) => l.startsWith('natsx: ')), `${what}\n${plain.stderr}`).toMatch(message)
  expect(plain.stderr, what).not.toMatch(/^\s+at |Warning|\u001B/m)
  const json = await runCli([...args, '--json'], options)
  expect(json.code, `${what} --json\n${json.stderr}`).toBe(code)
  const last = json.stderr.trim().split('\n').at(-1) ?? ''
  const err = (JSON.parse(last) as {error: {code: number; hint?: string; message: string}}).error
  expect(err.code).toBe(code)
  expect(`${err.message}; ${err.hint ?? ''}`).toMatch(message)
  expect(await snapshot(), `${what} changed the server`).toEqual(before)
}

const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** A config home with one context, as natscli would store it but with the given values. */
function contextHome(name: string, body: Record<string, unknown>): string {
  const home = mkdtempSync(join(tmpdir(), 'natsx-bad-ctx-'))
  mkdirSync(join(home, 'nats', 'context'), {recursive: true})
  writeFileSync(join(home, 'nats', 'context', `${name}.json`), JSON.stringify({url, ...body}), {mode: 0o600})
  return home
}

beforeAll(async () => {
  server = await startServer()
  url = server.url
  dir = mkdtempSync(join(tmpdir(), 'natsx-bad-'))
  const setup = [
    ['stream', 'add', 'CAPTURE', '--subjects', 'bad.>'],
    ['stream', 'add', 'DD', '--subjects', 'dd', '--deny-delete'],
    ['pub', 'dd', 'one', '--jetstream'],
    ['stream', 'add', 'BK', '--subjects', 'bk'],
    ['stream', 'backup', 'BK', join(dir, 'backup')],
    ['stream', 'rm', 'BK', '--force'],
    ['kv', 'add', 'B'],
    ['object', 'add', 'OB'],
  ]
  for (const args of setup) {
    const r = await runCli([...args, '-s', url])
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  }

  // a backup whose data the server cannot read
  writeFileSync(join(dir, 'backup', 'stream.tar.s2'), Buffer.alloc(3000, 7))
}, 120_000)

afterAll(async () => {
  await server?.destroy()
})

describe('durations and sizes follow a strict grammar (a number and a unit, repeated, nothing else)', () => {
  it.each([
    ['--max-age', '1h foo'],
    ['--max-age', '1.5.5h'],
    ['--max-age', '1d2'],
    ['--max-age', '0x10s'],
    ['--max-age', '-0s'],
    ['--dupe-window', '1.5.5s'],
    ['--max-bytes', '1.5B'],
    ['--max-msg-size', '1.5.5MB'],
  ])('stream add %s %s is exit 2', async (flag, value) => {
    await refused(['stream', 'add', 'NEW', '--subjects', 'new', `${flag}=${value}`, '-s', url], 2, new RegExp(`${flag}: "${value.replaceAll('.', '\\.')}" is (not a|negative)`))
  })

  it('kv and object flags and a spec file go through the same parsers', async () => {
    await refused(['kv', 'add', 'NEWKV', '--ttl', '1d2', '-s', url], 2, /--ttl: "1d2" is not a duration/)
    await refused(['kv', 'add', 'NEWKV', '--max-value-size', '1.5B', '-s', url], 2, /--max-value-size: "1\.5B" is not a whole number of bytes/)
    const spec = file('spec.yaml', 'streams:\n  - name: NEWSPEC\n    subjects: [newspec]\n    max_age: 1h foo\n')
    await refused(['apply', '-f', spec, '-s', url], 2, /max_age "1h foo" is not a duration/)
  })
})

describe('values out of range', () => {
  it('--timeout 0s and an overflowing --timeout are exit 2 (no Node overflow warning)', async () => {
    await refused(['pub', 'bad.t', 'x', '--timeout', '0s', '-s', url], 2, /--timeout: "0s" must be more than 0/)
    await refused(['pub', 'bad.t', 'x', '--timeout', '99999999999999h', '-s', url], 2, /--timeout: "99999999999999h" is too long/)
    await refused(['pub', 'bad.t', 'x', '--timeout', '30d', '-s', url], 2, /--timeout: "30d" is too long; the longest wait is 24d/)
  })

  it.each([
    [['sub', 'bad.w'], '--wait', '30d'],
    [['sub', 'bad.w'], '--wait', '99999999999999h'],
    [['pub', 'bad.s', 'x', '--count', '2'], '--sleep', '25d'],
    [['reply', 'bad.r'], '--sleep', '30d'],
    [['consumer', 'next', 'DD', 'NONE'], '--wait', '30d'],
    [['bench', 'pub', 'bad.b'], '--duration', '30d'],
    [['bench', 'reply', 'bad.b'], '--sleep', '30d'],
  ])('%j %s %s (a timer past Node\'s 24.8-day limit) is exit 2 naming the flag and the longest', async (args, flag, value) => {
    await refused([...args, flag, value, '-s', url], 2, new RegExp(`${flag}: "${value}" is too long; the longest wait is 24d`))
  })

  it('--count beyond 2^53-1 is exit 2, not an endless publish', async () => {
    await refused(['pub', 'bad.c', 'x', '--count', '99999999999999999999', '-s', url], 2, /--count: "99999999999999999999" is too large/)
  })

  it('--subjects "" is exit 2, not a stream on its own name', async () => {
    await refused(['stream', 'add', 'EMPTY', '--subjects', '', '-s', url], 2, /--subjects has an empty subject/)
    await refused(['stream', 'add', 'EMPTY', '--subjects', 'a,,b', '-s', url], 2, /--subjects has an empty subject in "a,,b"/)
  })

  it('--chunk-size over the server max_payload is exit 2 naming the limit (it hung)', async () => {
    const data = file('data.bin', 'x'.repeat(1000))
    await refused(['object', 'put', 'OB', data, '--chunk-size', '2GiB', '-s', url], 2, /--chunk-size 2147483648 is larger than the server's max_payload \(\d+ bytes\); pass at most --chunk-size \d+/)
  })

  it('a body over max_payload, from stdin or as one line of --send-on newline, is exit 2 naming the limit', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a')
    await refused(['pub', 'bad.big', '-s', url], 2, /larger than the server's max_payload \(\d+ bytes\)/, {input: big})
    await refused(['pub', 'bad.big', '--send-on', 'newline', '-s', url], 2, /larger than the server's max_payload/, {input: Buffer.concat([big, Buffer.from('\n')])})
    await refused(['pub', 'bad.big', '--jetstream', '-s', url], 2, /larger than the server's max_payload/, {input: big})
    const config = file('big-config.json', JSON.stringify({description: 'x'.repeat(2 * 1024 * 1024), name: 'BIGCONF', subjects: ['bigconf']}))
    await refused(['stream', 'add', 'BIGCONF', '--config', config, '-s', url], 2, /larger than the server's max_payload/)
  })

  it('a header value with CR or LF is exit 2', async () => {
    await refused(['pub', 'bad.h', 'x', '-H', 'a:b\r\nX-Injected: 1', '-s', url], 2, /header "a" has a line break/)
    await refused(['pub', 'bad.h', 'x', '-H', 'a:b\nc', '--jetstream', '-s', url], 2, /header "a" has a line break/)
  })

  it('a KV filter with a wildcard inside a token is exit 2', async () => {
    await refused(['kv', 'keys', 'B', 'key1*', '-s', url], 2, /invalid key filter "key1\*": a wildcard must be a whole token/)
    await refused(['kv', 'watch', 'B', 'w*', '-s', url], 2, /invalid key filter "w\*"/)
    await refused(['kv', 'watch', 'B', 'a.b>', '-s', url], 2, /invalid key filter "a\.b>"/)
  })
})

describe('connection inputs', () => {
  it('bad server URLs are exit 2, and an empty one is not the default', async () => {
    await refused(['pub', 'bad.u', 'x', '-s', 'nats://127.0.0.1:99999'], 2, /invalid server URL "nats:\/\/127\.0\.0\.1:99999"/)
    await refused(['pub', 'bad.u', 'x', '-s', 'nats://[::1'], 2, /invalid server URL "nats:\/\/\[::1"/)
    await refused(['pub', 'bad.u', 'x', '-s', ''], 2, /--server is empty/)
    await refused(['pub', 'bad.u', 'x', '-s', 'nats://bob:hunter2@127.0.0.1:99999'], 2, /invalid server URL "nats:\/\/bob:\*\*\*@127\.0\.0\.1:99999"/)
    await refused(['top', '--monitor', '', '-s', url], 2, /--monitor is empty/)
  })

  it('missing or garbage TLS files, in a flag or a context, are exit 2 naming the file', async () => {
    const garbage = file('garbage.pem', 'not a certificate\n')
    const missing = join(dir, 'missing.pem')
    await refused(['pub', 'bad.tls', 'x', '--tlsca', missing, '-s', url], 2, new RegExp(`cannot read the tlsca file ${missing}: it does not exist`))
    await refused(['pub', 'bad.tls', 'x', '--tlsca', garbage, '-s', url], 2, new RegExp(`the tlsca file ${garbage} is not a PEM certificate`))
    await refused(['pub', 'bad.tls', 'x', '--tlscert', garbage, '--tlskey', garbage, '-s', url], 2, new RegExp(`the tlscert file ${garbage} is not a PEM certificate`))
    const home = contextHome('tlsctx', {ca: missing})
    await refused(['pub', 'bad.tls', 'x', '--context', 'tlsctx'], 2, /cannot read the tlsca file .*missing\.pem: it does not exist; check --tlsca \(or "ca" in the context\)/, {env: {XDG_CONFIG_HOME: home}})
  })

  it('garbage --creds and --nkey files are exit 2 naming the file', async () => {
    const creds = file('garbage.creds', 'hello\n')
    const seed = file('garbage.nk', 'SUNOTAVALIDSEED\n')
    await refused(['pub', 'bad.cr', 'x', '--creds', creds, '-s', url], 2, new RegExp(`the creds file ${creds} is not a NATS credentials file`))
    await refused(['pub', 'bad.cr', 'x', '--nkey', seed, '-s', url], 2, new RegExp(`the nkey file ${seed} is not a user nkey seed file \\(its seed does not decode\\)`))
  })

  it('a context with wrong types is exit 2 naming the context and the key, never the value', async () => {
    const home = contextHome('typed', {url: 12_345})
    await refused(['pub', 'bad.ctx', 'x', '--context', 'typed'], 2, /context "typed" has a number for "url" where a string belongs/, {env: {XDG_CONFIG_HOME: home}})
    const secret = contextHome('secret', {password: {x: 1}, user: 'bob'})
    await refused(['pub', 'bad.ctx', 'x', '--context', 'secret'], 2, /context "secret" has an object for "password" where a string belongs/, {env: {XDG_CONFIG_HOME: secret}})
    const numeric = contextHome('numeric', {password: 424_242, user: 'bob'})
    const r = await runCli(['context', 'info', 'numeric'], {env: {XDG_CONFIG_HOME: numeric}})
    expect(r.code).toBe(2)
    expect(r.stdout + r.stderr).not.toContain('424242')
  })
})

describe('files and server errors', () => {
  it('stream backup onto an existing file and sub --dump onto a file are exit 2 with a clean line', async () => {
    const existing = file('existing', 'x')
    await refused(['stream', 'backup', 'DD', existing, '-s', url], 2, new RegExp(`cannot create the directory ${existing}: a file already exists there`))
    await refused(['sub', 'bad.d', '--dump', join(existing, 'sub'), '--count', '1', '-s', url], 2, /a part of the path is not a directory/)
  })

  it('stream restore of a damaged backup is exit 2', async () => {
    // natsx checks the backup before it sends anything (stream backup --check)
    await refused(['stream', 'restore', join(dir, 'backup'), '-s', url], 2, /the backup in .* is damaged: stream\.tar\.s2/)
  })

  it('control characters from input are escaped, never sent to the terminal', async () => {
    const r = await runCli(['stream', 'info', '\u001B[31mRED', '-s', url])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('\\x1b[31mRED')
    expect(r.stderr).not.toContain('\u001B')
  })

  it('control characters from the server are escaped in tables and text for people, and kept in --json', async () => {
    // Names, subjects and keys the server holds with an escape sequence in them (made without natsx, which refuses them).
    const nc = await connect({servers: url})
    const created: string[] = []
    try {
      const make = async (config: Record<string, unknown>): Promise<void> => {
        const r = await nc.request(`$JS.API.STREAM.CREATE.${config.name as string}`, JSON.stringify(config))
        expect(new TextDecoder().decode(r.data)).not.toContain('"error"')
        created.push(config.name as string)
      }

      await make({name: `${ESC}[31mRED`, subjects: [`esc.${ESC}[32mGREEN`]})
      await make({allow_direct: true, allow_rollup_hdrs: true, deny_delete: true, max_msgs_per_subject: 1, name: `KV_${ESC}[35mMAG`, subjects: [`$KV.${ESC}[35mMAG.>`]})
      await make({allow_direct: true, allow_rollup_hdrs: true, deny_delete: true, max_msgs_per_subject: 1, name: 'KV_ESCKEYS', subjects: ['$KV.ESCKEYS.>']})
      nc.publish(`$KV.ESCKEYS.${ESC}[33mYEL`, 'v')
      await nc.flush()
      const checks: Array<[string[], string[]]> = [
        [['stream', 'ls'], ['\\x1b[31mRED', 'esc.\\x1b[32mGREEN']],
        [['stream', 'ls', '--names'], ['\\x1b[31mRED']],
        [['stream', 'info', `${ESC}[31mRED`], ['\\x1b[31mRED', 'esc.\\x1b[32mGREEN']],
        [['kv', 'ls'], ['\\x1b[35mMAG']],
        [['kv', 'keys', 'ESCKEYS'], ['\\x1b[33mYEL']],
      ]
      for (const [args, shown] of checks) {
        const r = await runCli([...args, '-s', url])
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
        expect(r.stdout, args.join(' ')).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/)
        for (const text of shown) expect(r.stdout, args.join(' ')).toContain(text)
      }

      // --json carries the text as the server has it
      const ls = await runCli(['stream', 'ls', '--json', '-s', url])
      const names = ls.json<Array<{config: {name: string; subjects?: string[]}}>>().map((si) => si.config)
      expect(names).toContainEqual(expect.objectContaining({name: `${ESC}[31mRED`, subjects: [`esc.${ESC}[32mGREEN`]}))
      const keys = await runCli(['kv', 'keys', 'ESCKEYS', '--json', '-s', url])
      expect(keys.code, keys.stderr).toBe(0)
      expect(keys.stdout).toContain('\\u001b[33mYEL')
      expect((keys.json<{keys: string[]}>()).keys).toEqual([`${ESC}[33mYEL`])
    } finally {
      for (const name of created) await nc.request(`$JS.API.STREAM.DELETE.${name}`).catch(() => {})
      await nc.close()
    }
  })

  it('server refusals that are the caller\'s doing are 2 or 4 with a hint, not 1', async () => {
    await refused(['stream', 'rmm', 'DD', '1', '--force', '-s', url], 4, /message delete not permitted; the stream denies deletes \(deny_delete\)/)
    await refused(['stream', 'add', 'MD', '--subjects', 'md', '--allow-mirror-direct', '-s', url], 2, /mirror direct.*; mirror-direct .* is for a mirror only/)
    const facts = await serverFacts(server)
    const spec = file('atomic.yaml', 'streams:\n  - name: ATOMIC\n    subjects: [atomic]\n    persist_mode: async\n    allow_atomic: true\n')
    await (facts.caps.has('stream-atomic-batch') ? refused(['apply', '-f', spec, '-s', url], 2, /async persist mode is not supported with atomic batch publish/) : refused(['apply', '-f', spec, '-s', url], 8, /(allow_atomic|persist_mode) requires nats-server 2\.12\.0/));
  })
})

describe('credentials in a URL (item 16)', () => {
  let secured: NatsServer
  beforeAll(async () => {
    secured = await startServer({config: 'authorization { users: [ {user: "bob", password: "p@ss:w/rd"} ] }\n', jetstream: false})
  })
  afterAll(async () => {
    await secured?.destroy()
  })

  it('authenticates with user:password@ (percent-encoded) and masks the password in every message and in --trace', async () => {
    const good = `nats://bob:${encodeURIComponent('p@ss:w/rd')}@127.0.0.1:${secured.port}`
    const ok = await runCli(['pub', 'u.x', 'hi', '-s', good, '--trace'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stderr).toContain(`servers=nats://bob:***@127.0.0.1:${secured.port}`)
    expect(ok.stderr + ok.stdout).not.toMatch(/p%40ss|p@ss/)
    const wrong = await runCli(['pub', 'u.x', 'hi', '-s', `nats://bob:hunter2@127.0.0.1:${secured.port}`])
    expect(wrong.code).toBe(7)
    expect(wrong.stderr).toContain('nats://bob:***@')
    expect(wrong.stderr).not.toContain('hunter2')
  })

  it('authenticates with token@ and masks it, also in context info and ls', async () => {
    const tokenServer = await startServer({config: 'authorization { token: "s3cr3t" }\n', jetstream: false})
    try {
      const tokenUrl = `nats://s3cr3t@127.0.0.1:${tokenServer.port}`
      const ok = await runCli(['pub', 't.x', 'hi', '-s', tokenUrl])
      expect(ok.code, ok.stderr).toBe(0)
      const home = contextHome('withtoken', {url: tokenUrl})
      const viaContext = await runCli(['pub', 't.x', 'hi', '--context', 'withtoken'], {env: {XDG_CONFIG_HOME: home}})
      expect(viaContext.code, viaContext.stderr).toBe(0)
      for (const args of [['context', 'info', 'withtoken', '--json'], ['context', 'ls', '--json'], ['context', 'info', 'withtoken'], ['context', 'ls']]) {
        const r = await runCli(args, {env: {XDG_CONFIG_HOME: home}})
        expect(r.code, r.stderr).toBe(0)
        expect(r.stdout).toContain(`nats://***@127.0.0.1:${tokenServer.port}`)
        expect(r.stdout + r.stderr).not.toContain('s3cr3t')
      }
    } finally {
      await tokenServer.destroy()
    }
  })
})

// server check <kind>: every kind, in Nagios format, gives OK, WARNING, CRITICAL and UNKNOWN with exit 0/1/2/3,
// against real servers (a single server with accounts and JetStream limits; a 3-node cluster for the meta group).
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type CliResult, runCli} from '../../helpers/cli.js'
import {type Cluster, freePort, type NatsServer, startCluster, startServer, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream { max_streams: 4, max_consumers: 10, max_mem: 64MB, max_file: 64MB }, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

const CODE = {CRITICAL: 2, OK: 0, UNKNOWN: 3, WARNING: 1} as const

/** The run is one Nagios line with the status and its exit code. */
function expectNagios(r: CliResult, status: keyof typeof CODE, text?: RegExp): void {
  expect(r.stdout.trim().split('\n'), r.stderr).toHaveLength(1)
  expect(r.stdout, r.stderr).toMatch(new RegExp(`^NATS ${status}: `))
  if (text) expect(r.stdout).toMatch(text)
  expect(r.code, r.stdout).toBe(CODE[status])
  expect(r.stderr).toBe('')
}

/** A JWT as a creds file holds it; the check reads its claims, it does not verify the signature. */
function credsFile(dir: string, name: string, claims: Record<string, unknown>): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const jwt = `${b64({alg: 'ed25519-nkey', typ: 'JWT'})}.${b64({name, sub: 'UABC', ...claims})}.c2ln`
  const file = join(dir, `${name}.creds`)
  writeFileSync(file, `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\nSUAXXX\n------END USER NKEY SEED------\n`)
  return file
}

describe('server check <kind> on a single server', () => {
  let server: NatsServer
  let app: string[]
  let sys: string[]
  let down: string[]
  const nagios = (...args: string[]) => runCli(['server', 'check', ...args, '--format', 'nagios'])

  beforeAll(async () => {
    server = await startServer({config: CONFIG})
    app = ['--server', server.url, '--user', 'app', '--password', 'app', '--timeout', '3s']
    sys = ['--server', server.url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    // a port nobody listens on: the server is down
    down = ['--server', `nats://127.0.0.1:${await freePort()}`, '--timeout', '1s']
    for (const args of [
      ['stream', 'add', 'S1', '--subjects', 's1.>', '--storage', 'memory'],
      ['pub', 's1.a', 'state ok', '--count', '5'],
      ['consumer', 'add', 'S1', 'C1', '--pull'],
      ['kv', 'add', 'CFG'],
      ['kv', 'put', 'CFG', 'mode', '{"enabled":true}'],
    ]) {
      const r = await runCli([...args, ...app])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
    }
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('connection: connect time, round trip and request time against thresholds', async () => {
    expectNagios(await nagios('connection', ...app), 'OK', /connection nats:\/\/127\.0\.0\.1:\d+: connected in .* \| connect_time=[\d.]+ms;;/)
    expectNagios(await nagios('connection', ...app, '--connect-warn', '1ns'), 'WARNING', /connected in .*\(warning threshold/)
    expectNagios(await nagios('connection', ...app, '--req-critical', '1ns'), 'CRITICAL', /request answered in .*\(critical threshold/)
    expectNagios(await nagios('connection', ...down), 'UNKNOWN', /cannot check: .*connection refused/)
  })

  it('stream: messages (too many or too few), a missing stream, and the JSON shape', async () => {
    expectNagios(await nagios('stream', 'S1', ...app), 'OK', /stream S1: 5 messages.* \| messages=5;; bytes=\d+B;;/)
    expectNagios(await nagios('stream', 'S1', ...app, '--msgs-warn', '5'), 'WARNING', /5 messages \(warning threshold 5\)/)
    // a critical threshold below the warning one means too few
    expectNagios(await nagios('stream', 'S1', ...app, '--msgs-warn', '20', '--msgs-critical', '10'), 'CRITICAL', /5 messages \(critical threshold 10\)/)
    expectNagios(await nagios('stream', 'NOPE', ...app), 'CRITICAL', /stream "NOPE" not found/)
    expectNagios(await nagios('stream', 'S1', ...down), 'UNKNOWN')
    const j = await runCli(['server', 'check', 'stream', 'S1', ...app, '--age-warn', '1h', '--json'])
    expect(j.code, j.stderr).toBe(0)
    const result = j.json<{check: string; observations: Array<{name: string; status: string; value?: number}>; status: string; target: string}>()
    expect(result).toMatchObject({check: 'stream', status: 'ok', target: 'S1'})
    expect(result.observations.find((o) => o.name === 'messages')).toMatchObject({status: 'ok', value: 5})
    expect(result.observations.find((o) => o.name === 'last_message_age')?.value).toBeGreaterThanOrEqual(0)
  })

  it('consumer: unprocessed, outstanding acks and activity; a missing consumer', async () => {
    expectNagios(await nagios('consumer', 'S1', 'C1', ...app), 'OK', /consumer S1 > C1: .*5 unprocessed/)
    expectNagios(await nagios('consumer', 'S1', 'C1', ...app, '--unprocessed-warn', '5'), 'WARNING', /5 unprocessed \(warning threshold 5\)/)
    // never delivered: a last-delivery threshold has nothing to measure and is critical
    expectNagios(await nagios('consumer', 'S1', 'C1', ...app, '--last-delivery-critical', '1h'), 'CRITICAL', /no delivery yet/)
    expectNagios(await nagios('consumer', 'S1', 'NOPE', ...app), 'CRITICAL', /not found/)
    expectNagios(await nagios('consumer', 'S1', 'C1', ...down), 'UNKNOWN')
  })

  it('message: the age and body of the last message on a subject', async () => {
    expectNagios(await nagios('message', 'S1', 's1.a', ...app, '--content', '^state ok$'), 'OK', /sequence 5.*body matches/)
    expectNagios(await nagios('message', 'S1', 's1.a', ...app, '--age-warn', '1ns'), 'WARNING', /\(warning threshold/)
    expectNagios(await nagios('message', 'S1', 's1.a', ...app, '--content', 'failed'), 'CRITICAL', /body does not match \/failed\//)
    expectNagios(await nagios('message', 'S1', 's1.none', ...app), 'CRITICAL', /no message on s1\.none/)
    expectNagios(await nagios('message', 'S1', 's1.a', ...down), 'UNKNOWN')
  })

  it("jetstream: the account's usage as a percentage of its limits", async () => {
    // two streams (S1 and the bucket's) of the account's 4 are 50%
    expectNagios(await nagios('jetstream', ...app), 'OK', /2 of 4 \(50\.0%\)/)
    expectNagios(await nagios('jetstream', ...app, '--streams-warn', '40'), 'WARNING', /2 of 4 \(50\.0%\) \(warning threshold 40%\)/)
    expectNagios(await nagios('jetstream', ...app, '--streams-warn', '40', '--streams-critical', '50'), 'CRITICAL', /streams_pct=50%;40;50/)
    expectNagios(await nagios('jetstream', ...down), 'UNKNOWN')
  })

  it('server: one server from its /varz, over $SYS and HTTP', async () => {
    const http = ['--monitor', `127.0.0.1:${server.monitorPort}`, '--timeout', '3s']
    for (const t of [sys, http]) {
      expectNagios(await nagios('server', ...t, '--js-required'), 'OK', /JetStream enabled/)
      // up for less than a day: a warning, never a false OK
      expectNagios(await nagios('server', ...t, '--uptime-warn', '1d'), 'WARNING', /up .* \(warning threshold 1d0h0m0s\)/)
      expectNagios(await nagios('server', ...t, '--subs-critical', '1'), 'CRITICAL', /subscriptions \(critical threshold 1\)/)
    }

    expectNagios(await nagios('server', 'nope', ...sys), 'CRITICAL', /server "nope" did not answer/)
    expectNagios(await nagios('server', '--monitor', `127.0.0.1:${await freePort()}`, '--timeout', '1s'), 'UNKNOWN', /cannot check/)
  })

  it('kv: the bucket, its values, a key and its value', async () => {
    expectNagios(await nagios('kv', 'CFG', 'mode', ...app, '--content', '"enabled":true'), 'OK', /key mode at revision 1.*value matches/)
    expectNagios(await nagios('kv', 'CFG', ...app, '--values-warn', '1'), 'WARNING', /1 values \(warning threshold 1\)/)
    expectNagios(await nagios('kv', 'CFG', 'absent', ...app), 'CRITICAL', /key absent not found/)
    expectNagios(await nagios('kv', 'NOPE', ...app), 'CRITICAL', /bucket "NOPE" not found/)
    expectNagios(await nagios('kv', 'CFG', ...down), 'UNKNOWN')
    // a deleted key is missing
    const del = await runCli(['kv', 'del', 'CFG', 'mode', '--force', ...app])
    expect(del.code, del.stderr).toBe(0)
    expectNagios(await nagios('kv', 'CFG', 'mode', ...app), 'CRITICAL', /key mode not found/)
  })

  it('bad input is exit 2 before anything is checked', async () => {
    for (const args of [
      ['message', 'S1', 's1.a', '--content', '(', ...app],
      ['stream', 'bad.name', ...app],
      ['kv', 'CFG', '--content', 'x', ...app],
      ['jetstream', '--mem-warn', '101', ...app],
      ['stream', 'S1', '--age-warn', '1h foo', ...app],
    ]) {
      const r = await runCli(['server', 'check', ...args, '--format', 'nagios'])
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2)
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })
})

describe('server check credential (no connection)', () => {
  it('valid, expiring soon, expired, never expiring, and unreadable', async () => {
    const {mkdtempSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'natsx-creds-'))
    const now = Math.floor(Date.now() / 1000)
    const soon = credsFile(dir, 'soon', {exp: now + 3600})
    const check = (...args: string[]) => runCli(['server', 'check', 'credential', ...args, '--format', 'nagios'])
    expectNagios(await check(soon), 'OK', /credential .*soon\.creds: soon \(UABC\) expires in [05]\d?m/)
    expectNagios(await check(soon, '--validity-warning', '2h'), 'WARNING', /\(warning threshold 2h0m0s\)/)
    expectNagios(await check(soon, '--validity-warning', '1d', '--validity-critical', '2h'), 'CRITICAL', /\(critical threshold 2h0m0s\)/)
    expectNagios(await check(credsFile(dir, 'late', {exp: now - 60})), 'CRITICAL', /late \(UABC\) expired/)
    const forever = credsFile(dir, 'forever', {})
    expectNagios(await check(forever), 'OK', /never expires/)
    expectNagios(await check(forever, '--require-expiry'), 'CRITICAL', /never expires/)
    expectNagios(await check(join(dir, 'missing.creds')), 'UNKNOWN', /cannot read .*missing\.creds: ENOENT/)
    writeFileSync(join(dir, 'junk'), 'not a jwt')
    expectNagios(await check(join(dir, 'junk')), 'UNKNOWN', /holds no JWT/)
  })
})

describe('server check meta and stream replicas on a 3-node cluster', () => {
  let cluster: Cluster
  let sys: string[]
  let app: string[]
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG, placement: {pass: 'app', user: 'app'}})
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '2s']
    app = ['--server', cluster.urls, '--user', 'app', '--password', 'app', '--timeout', '10s']
    const add = await runCli(['stream', 'add', 'R3', '--subjects', 'r3.>', '--replicas', '3', ...app])
    expect(add.code, add.stderr).toBe(0)
  }, 240_000)
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('meta: leader and peers, peer lag and last contact, the expected size; unknown when nothing answers', async () => {
    const nagios = (...args: string[]) => runCli(['server', 'check', 'meta', ...args, '--format', 'nagios'])
    // the followers report to the leader continuously: wait until the leader sees both
    const ok = await waitFor(async () => {
      const r = await nagios(...sys, '--expect', '3')
      return r.code === 0 ? r : undefined
    }, 30_000, 'a meta leader seeing 3 peers')
    expectNagios(ok, 'OK', /meta leader n\d, 3 of 3 peers seen/)
    expectNagios(await nagios(...sys, '--seen-warn', '1ns'), 'WARNING', /replica n\d current, 0 behind, seen/)
    expectNagios(await nagios(...sys, '--expect', '4'), 'CRITICAL', /3 of 4 peers seen/)
    const http = cluster.servers.flatMap((s) => ['--monitor', `127.0.0.1:${s.monitorPort}`])
    expectNagios(await nagios(...http, '--expect', '3'), 'OK')
    expectNagios(await nagios('--monitor', `127.0.0.1:${await freePort()}`, '--timeout', '1s'), 'UNKNOWN', /no server answered/)
  })

  it('stream: an R3 stream has a leader and 3 peers; --peer-expect 5 is critical', async () => {
    const nagios = (...args: string[]) => runCli(['server', 'check', 'stream', 'R3', ...args, '--format', 'nagios'])
    const ok = await waitFor(async () => {
      const r = await nagios(...app, '--peer-expect', '3')
      return r.code === 0 ? r : undefined
    }, 30_000, 'an R3 stream with 3 current peers')
    expectNagios(ok, 'OK', /leader n\d, 3 of 3 peers/)
    expectNagios(await nagios(...app, '--peer-seen-warn', '1ns'), 'WARNING', /replica n\d current.*\(?seen/)
    expectNagios(await nagios(...app, '--peer-expect', '5'), 'CRITICAL', /3 of 5 peers/)
  })
})

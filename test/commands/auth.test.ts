import {type AddressInfo, createServer} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {compareVersions} from '../../src/lib/capabilities.js'
import {noTlsFirst, refusalIn, serverGreetings} from '../../src/lib/connection.js'
import {runCli, spawnCli} from '../helpers/cli.js'
import {
  makePki,
  type OperatorServer,
  type Pki,
  type SecureServer,
  startMutualTlsServer,
  startOperatorServer,
  startSecureServer,
  startTokenServer,
} from '../helpers/secure.js'
import {freePort, type NatsServer, serverFacts, startServer} from '../helpers/servers.js'

let secure: SecureServer
let tokenServer: {server: NatsServer; token: string}
let operator: OperatorServer
let mtls: {pki: Pki; server: NatsServer}

beforeAll(async () => {
  const pki = makePki()
  let mtlsServer: NatsServer
  ;[secure, tokenServer, operator, mtlsServer] = await Promise.all([startSecureServer(), startTokenServer(), startOperatorServer(), startMutualTlsServer(pki)])
  mtls = {pki, server: mtlsServer}
})
afterAll(async () => {
  await secure?.server.destroy()
  await tokenServer?.server.destroy()
  await operator?.server.destroy()
  await mtls?.server.destroy()
})

const tls = (): string[] => ['--tlsca', secure.pki.ca]

describe('authentication modes', () => {
  it('user and password over TLS verified with the CA', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, '--user', secure.user.user, '--password', secure.user.password, ...tls()])
    expect(res.code, res.stderr).toBe(0)
  })

  it('user and password from NATS_USER / NATS_PASSWORD / NATS_CA', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url], {
      env: {NATS_CA: secure.pki.ca, NATS_PASSWORD: secure.user.password, NATS_USER: secure.user.user},
    })
    expect(res.code, res.stderr).toBe(0)
  })

  it('nkey seed file', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, '--nkey', secure.nkeySeedFile, ...tls()])
    expect(res.code, res.stderr).toBe(0)
  })

  it('client certificate and key are accepted with the CA', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, '--nkey', secure.nkeySeedFile, ...tls(), '--tlscert', secure.pki.clientCert, '--tlskey', secure.pki.clientKey])
    expect(res.code, res.stderr).toBe(0)
  })

  it('token', async () => {
    const res = await runCli(['request', 'nobody.here', 'x', '-s', tokenServer.server.url, '--token', tokenServer.token])
    // authenticated: the request reaches the server and finds no responder
    expect(res.code).toBe(6)
    expect(res.stderr).toMatch(/no responders/)
  })

  it('a wrong password exits 7', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, '--user', secure.user.user, '--password', 'wrong', ...tls()])
    expect(res.code).toBe(7)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/authentication failed/i)
  })

  it('a wrong token exits 7', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', tokenServer.server.url, '--token', 'nope'])
    expect(res.code).toBe(7)
  })

  it('a server certificate from another CA is refused (exit 6, names the server)', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, '--user', secure.user.user, '--password', secure.user.password, '--tlsca', secure.pki.otherCa])
    expect(res.code).toBe(6)
    expect(res.stderr).toContain(secure.server.url)
  })

  it('a missing key file is exit 2 naming the flag', async () => {
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, '--nkey', '/nonexistent/seed.nk'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/--nkey/)
  })
})

describe('operator mode: a creds file (user JWT and seed)', () => {
  it('--creds and NATS_CREDS authenticate a request/reply round trip', async () => {
    const rep = spawnCli(['reply', 'op.echo', '--echo', '--count', '1', '-s', operator.server.url, '--creds', operator.creds])
    await rep.waitFor('listening', 'stderr')
    const res = await runCli(['request', 'op.echo', 'ping', '--raw', '-s', operator.server.url], {env: {NATS_CREDS: operator.creds}})
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toContain('ping')
    expect((await rep.done).code).toBe(0)
  })

  it('a user of an account the server does not know exits 7', async () => {
    const res = await runCli(['pub', 'op.x', 'v', '-s', operator.server.url, '--creds', operator.strangerCreds])
    expect(res.code).toBe(7)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/authentication failed/)
  })

  it('an expired user JWT exits 7 and says when it expired', async () => {
    const res = await runCli(['pub', 'op.x', 'v', '-s', operator.server.url, '--creds', operator.expiredCreds])
    expect(res.code).toBe(7)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/the user JWT in .*late\.creds expired at \d{4}-\d\d-\d\dT.*; renew the credentials/)
  })
})

describe('mutual TLS (the server verifies client certificates)', () => {
  const ca = (): string[] => ['--tlsca', mtls.pki.ca]

  it('a client certificate signed by its CA connects', async () => {
    const res = await runCli(['pub', 'mtls.x', 'v', '-s', mtls.server.url, ...ca(), '--tlscert', mtls.pki.clientCert, '--tlskey', mtls.pki.clientKey])
    expect(res.code, res.stderr).toBe(0)
  })

  it('NATS_CERT / NATS_KEY / NATS_CA do the same', async () => {
    const res = await runCli(['pub', 'mtls.x', 'v', '-s', mtls.server.url], {
      env: {NATS_CA: mtls.pki.ca, NATS_CERT: mtls.pki.clientCert, NATS_KEY: mtls.pki.clientKey},
    })
    expect(res.code, res.stderr).toBe(0)
  })

  it('no client certificate exits 7 with one line naming the server and the flags', async () => {
    const res = await runCli(['pub', 'mtls.x', 'v', '-s', mtls.server.url, ...ca()])
    expect(res.code, res.stderr).toBe(7)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toContain(`${mtls.server.url} refused the TLS client certificate`)
    expect(res.stderr).toMatch(/--tlscert and --tlskey/)
  })

  // On a busy machine the client's CONNECT can meet the closed socket before the server's TLS alert is read: nats.js
  // then reports a reset. natsx asks the server again on a fresh socket; these show that answer and its reading.
  it('after a reset, a fresh look at the server finds that it wants a client certificate', async () => {
    // (the one that does not verify is read until natsx's 1 s bound, as an -ERR could still follow its INFO)
    const [verifying, plain] = await Promise.all([serverGreetings([mtls.server.url], 5000), serverGreetings([secure.server.url], 1000)])
    const {version} = await serverFacts(mtls.server)
    expect(verifying).toEqual([{err: undefined, server: mtls.server.url, tlsVerify: true, version}])
    expect(plain).toEqual([{err: undefined, server: secure.server.url, tlsVerify: false, version}])

    const refusal = refusalIn(verifying, false)
    expect(refusal?.exitCode).toBe(7)
    expect(refusal?.line()).toContain(`${mtls.server.url} refused the TLS client certificate (the server verifies client certificates and none was given)`)
    expect(refusal?.line()).toMatch(/--tlscert and --tlskey/)
    // with a certificate, or from a server that does not verify, a reset stays a connection failure
    expect(refusalIn(verifying, true)).toBeUndefined()
    expect(refusalIn(plain, false)).toBeUndefined()
  })
})

describe('--tlsfirst', () => {
  it('connects to a server configured with handshake_first (2.10.4+); a server that sends its INFO first is exit 8 with the fix', async () => {
    const {version} = await serverFacts(secure.server)
    const login = ['--user', secure.user.user, '--password', secure.user.password, ...tls(), '--tlsfirst']
    const res = await runCli(['pub', 'auth.x', 'v', '-s', secure.server.url, ...login])
    expect(res.code, res.stderr).toBe(8)
    const canTlsFirst = compareVersions(version, '2.10.4') >= 0
    const hint = canTlsFirst
      ? 'its tls block does not set handshake_first; set it there, or connect without --tlsfirst'
      : '--tlsfirst needs nats-server 2.10.4 or later with handshake_first in its tls block; connect without --tlsfirst'
    expect(res.stderr.trim().split('\n')).toEqual([`natsx: ${secure.server.url} (nats-server ${version}) sends its INFO before TLS, so it does not take --tlsfirst; ${hint}`])
    if (!canTlsFirst) return

    const first = await startSecureServer({handshakeFirst: true})
    try {
      const ok = await runCli(['request', 'nobody.here', 'x', '-s', first.server.url, '--user', first.user.user, '--password', first.user.password, '--tlsca', first.pki.ca, '--tlsfirst', '--trace'])
      // connected over TLS-first and authenticated: the request reaches the server and finds no responder
      expect(ok.code, ok.stderr).toBe(6)
      expect(ok.stderr).toMatch(/no responders/)
      expect(ok.stderr).toMatch(new RegExp(`--- connected to .* \\(nats-server ${version.replaceAll('.', '\\.')}\\)`))
      const pub = await runCli(['pub', 'auth.x', 'v', '-s', first.server.url, '--user', first.user.user, '--password', first.user.password, '--tlsca', first.pki.ca, '--tlsfirst'])
      expect(pub.code, pub.stderr).toBe(0)
    } finally {
      await first.server.destroy()
    }
  })

  it('against a server new enough, the fix is in its configuration', () => {
    const e = noTlsFirst({server: 'nats://h:4222', tlsVerify: false, version: '2.10.7'})
    expect(e.exitCode).toBe(8)
    expect(e.line()).toBe('nats://h:4222 (nats-server 2.10.7) sends its INFO before TLS, so it does not take --tlsfirst; its tls block does not set handshake_first; set it there, or connect without --tlsfirst')
  })
})

describe('connection failures', () => {
  it('an unreachable URL exits 6, one line naming the URL', async () => {
    const port = await freePort()
    const res = await runCli(['pub', 'x', 'y', '-s', `nats://127.0.0.1:${port}`, '--timeout', '2s'])
    expect(res.code).toBe(6)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toContain(`127.0.0.1:${port}`)
  })

  it('a server that never answers is given up at the timeout (exit 6)', async () => {
    // accepts TCP and stays silent: without the timeout natsx would wait for the INFO forever
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => {
      silent.listen(0, '127.0.0.1', () => resolve())
    })
    const {port} = silent.address() as AddressInfo
    try {
      const res = await runCli(['pub', 'x', 'y', '-s', `nats://127.0.0.1:${port}`, '--timeout', '1s'], {timeoutMs: 20_000})
      expect(res.code).toBe(6)
      expect(res.signal).toBeNull()
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
      expect(res.stderr).toContain(`127.0.0.1:${port}`)
    } finally {
      silent.close()
    }
  })

  it('Ctrl-C while connecting to a server that never answers ends at once with exit 130', async () => {
    const accepted: Array<() => void> = []
    const silent = createServer(() => accepted.shift()?.())
    await new Promise<void>((resolve) => {
      silent.listen(0, '127.0.0.1', () => resolve())
    })
    const url = `nats://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const nextAccept = (): Promise<void> =>
      new Promise((resolve) => {
        accepted.push(resolve)
      })
    try {
      // a command that does not stop on Ctrl-C by itself: the process ends at once
      let accept = nextAccept()
      const ls = spawnCli(['stream', 'ls', '-s', url, '--timeout', '60s'], {timeoutMs: 20_000})
      await accept
      ls.child.kill('SIGINT')
      const lsRes = await ls.done
      expect(lsRes.code, lsRes.stderr).toBe(130)
      expect(lsRes.stderr.trim()).toBe('natsx: interrupted')

      // one that does (pub reading lines): the wait for the connection gives way to it; the error is JSON under --json
      accept = nextAccept()
      const pub = spawnCli(['pub', 'x', '--send-on', 'newline', '-s', url, '--timeout', '60s', '--json'], {openStdin: true, timeoutMs: 20_000})
      await accept
      pub.child.kill('SIGINT')
      const pubRes = await pub.done
      expect(pubRes.code, pubRes.stderr).toBe(130)
      expect(JSON.parse(pubRes.stderr.trim())).toEqual({error: {code: 130, kind: 'interrupted', message: 'interrupted'}})
    } finally {
      silent.close()
    }
  })

  it('a server at its connection limit: exit 6 with its reason, not a broken pipe', async () => {
    const full = await startServer({config: 'max_connections: 1\n', jetstream: false})
    const holder = spawnCli(['sub', 'hold.>', '-s', full.url])
    try {
      await holder.waitFor('listening', 'stderr')
      const res = await runCli(['pub', 'x', 'y', '-s', full.url])
      expect(res.code).toBe(6)
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
      expect(res.stderr).toContain(`${full.url} refused the connection: maximum connections exceeded; the server or account is at its connection limit`)
      const [greeting] = await serverGreetings([full.url], 5000)
      expect(greeting).toEqual({err: 'maximum connections exceeded', server: full.url, tlsVerify: false, version: (await serverFacts(full)).version})
      expect(refusalIn([greeting], false)?.exitCode).toBe(6)
    } finally {
      holder.child.kill('SIGINT')
      await holder.done
      await full.destroy()
    }
  })

  it('a bad subject exits 2 without connecting', async () => {
    const port = await freePort()
    // nothing listens on the port: a connection attempt would be exit 6
    for (const subject of ['a..b', 'a b', '.a', 'a.>', 'a.*']) {
      const res = await runCli(['pub', subject, 'v', '-s', `nats://127.0.0.1:${port}`])
      expect(res.code, subject).toBe(2)
      expect(res.stderr).toMatch(/invalid subject/)
    }

    const req = await runCli(['request', 'a..b', 'v', '-s', `nats://127.0.0.1:${port}`])
    expect(req.code).toBe(2)
    const sub = await runCli(['sub', 'a.>.b', '-s', `nats://127.0.0.1:${port}`])
    expect(sub.code).toBe(2)
  })

  it('a bad duration or flag is exit 2 with one line', async () => {
    const res = await runCli(['pub', 'x', 'y', '--timeout', '5'])
    expect(res.code).toBe(2)
    expect(res.stderr.trim()).toBe('natsx: --timeout: "5" has no unit; write it as 5s, 1m30s, 500ms or 2h; see --help')
  })
})



export {type RequestResult} from '../../src/lib/publish/request.js'
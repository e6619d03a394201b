import {type AddressInfo, createServer, type Server} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {describeSettings, maskUrl, parseServer, resolveSettings, socketAddress} from '../../src/lib/connection.js'
import {emptyContext} from '../../src/lib/context-store.js'
import {runCli, spawnCli} from '../helpers/cli.js'
import {startServer, waitFor} from '../helpers/servers.js'

describe('connection settings', () => {
  it('defaults to nats://127.0.0.1:4222 and 5s', () => {
    const s = resolveSettings({}, undefined, undefined)
    expect(s.servers).toEqual(['nats://127.0.0.1:4222'])
    expect(s.timeoutMs).toBe(5000)
  })

  it('flag (env folded in) beats context', () => {
    const ctx = {...emptyContext(), password: 'cp', url: 'nats://ctx:4222', user: 'cu'}
    expect(resolveSettings({}, ctx, 'c').servers).toEqual(['nats://ctx:4222'])
    const s = resolveSettings({server: 'a:1,b:2', user: 'fu'}, ctx, 'c')
    expect(s.servers).toEqual(['a:1', 'b:2'])
    expect(s.user).toBe('fu')
    // an explicit --user does not borrow the context's password
    expect(s.password).toBeUndefined()
  })

  it('a context user without a password is a token (natscli rule)', () => {
    const s = resolveSettings({}, {...emptyContext(), user: 'tok'}, 'c')
    expect(s.token).toBe('tok')
    expect(s.user).toBeUndefined()
  })

  it('refuses a half client certificate and bad URLs', () => {
    expect(() => resolveSettings({tlscert: '/c.pem'}, undefined, undefined)).toThrow(/go together/)
    expect(() => resolveSettings({server: 'http://x:1'}, undefined, undefined)).toThrow(/invalid server URL/)
  })

  it('refuses server URLs that cannot be connected to, masking any password in the message', () => {
    for (const bad of ['nats://127.0.0.1:99999', 'nats://[::1', 'nats://127.0.0.1:0', 'nats://h:1/path', 'nats://', 'nats://u:pw@h:99999']) {
      expect(() => resolveSettings({server: bad}, undefined, undefined), bad).toThrow(/invalid server URL/)
    }

    expect(() => resolveSettings({server: 'nats://u:pw@h:99999'}, undefined, undefined)).toThrow(/"nats:\/\/u:\*\*\*@h:99999"/)
    expect(() => resolveSettings({server: ''}, undefined, undefined)).toThrow(/--server is empty/)
    expect(() => resolveSettings({server: ' , '}, undefined, undefined)).toThrow(/--server is empty/)
  })

  it('takes credentials from a URL as nats.go does: user:pass@ is a user and password, a lone user part a token', () => {
    expect(parseServer('nats://bob:p%40ss@h:4222')).toEqual({password: 'p@ss', server: 'nats://h:4222', user: 'bob'})
    expect(parseServer('nats://s3cr3t@h:4222')).toEqual({server: 'nats://h:4222', token: 's3cr3t'})
    expect(parseServer('h:4222')).toEqual({server: 'h:4222'})
    const s = resolveSettings({server: 'nats://bob:pw@a:1,nats://b:2', user: 'other'}, undefined, undefined)
    expect(s.servers).toEqual(['nats://a:1', 'nats://b:2'])
    expect([s.user, s.password, s.token]).toEqual(['bob', 'pw', undefined])
    expect(s.displayServers).toEqual(['nats://bob:***@a:1', 'nats://b:2'])
    const t = resolveSettings({}, {...emptyContext(), url: 'nats://tok@c:1'}, 'c')
    expect([t.servers, t.user, t.token]).toEqual([['nats://c:1'], undefined, 'tok'])
    expect(describeSettings(t)).not.toMatch(/tok\b/)
    expect(() => resolveSettings({server: 'nats://a:x@h:1,nats://b:y@h:2'}, undefined, undefined)).toThrow(/different credentials/)
  })

  it('masks URL credentials for every message', () => {
    expect(maskUrl('nats://user:pass@host:4222')).toBe('nats://user:***@host:4222')
    expect(maskUrl('nats://token@host')).toBe('nats://***@host')
    expect(maskUrl('user:pass@host:4222')).toBe('user:***@host:4222')
    expect(maskUrl('tls://host:4222')).toBe('tls://host:4222')
  })

  it('describes settings without secrets', () => {
    const d = describeSettings(resolveSettings({password: 'hunter2', token: 'tok', user: 'u'}, undefined, undefined))
    expect(d).not.toMatch(/hunter2|tok\b/)
    expect(d).toMatch(/password=\*{8}/)
  })

  it('opens a socket to a server URL, an IPv6 host without its brackets', () => {
    expect(socketAddress('nats://127.0.0.1:4333')).toEqual({host: '127.0.0.1', port: 4333})
    expect(socketAddress('tls://[::1]:4444')).toEqual({host: '::1', port: 4444})
    expect(socketAddress('nats.example.com')).toEqual({host: 'nats.example.com', port: 4222})
    expect(socketAddress('nats://bad host:1')).toBeUndefined()
  })
})

/**
 * Items 5 and 6 of issue 12 for pub, sub, request and reply: a peer that completes the handshake (INFO, one PONG) and
 * then says nothing, as a frozen or wedged server would. Every flush and request is bounded by --timeout (exit 6, one
 * line), and SIGTERM ends a waiting command within a second with 130.
 */
describe('a server that stops answering', () => {
  let muted: Server
  let mutedUrl: string
  /** everything the muted peer was sent */
  let heard = ''
  beforeAll(async () => {
    muted = createServer((socket) => {
      socket.on('error', () => {})
      socket.write('INFO {"server_id":"MUTED","server_name":"muted","version":"2.10.27","proto":1,"headers":true,"max_payload":1048576}\r\n')
      let answered = false
      socket.on('data', (b: Buffer) => {
        heard += b.toString('latin1')
        if (!answered && b.toString('latin1').includes('PING')) {
          answered = true
          socket.write('PONG\r\n')
        }
      })
    })
    await new Promise<void>((resolve) => {
      muted.listen(0, '127.0.0.1', resolve)
    })
    mutedUrl = `nats://127.0.0.1:${(muted.address() as AddressInfo).port}`
  })
  afterAll(() => {
    muted?.close()
  })

  it.each([
    [['pub', 'm.x', 'hi']],
    [['pub', 'm.x', 'hi', '--count', '100000']],
    [['sub', 'm.x', '--wait', '3s']],
    [['request', 'm.x', 'hi']],
    [['reply', 'm.x', '--echo']],
  ])('%j gives up at --timeout with exit 6 and one line', async (args) => {
    const started = Date.now()
    const r = await runCli([...args, '-s', mutedUrl, '--timeout', '1s'], {timeoutMs: 20_000})
    expect(r.code, r.stderr).toBe(6)
    expect(Date.now() - started).toBeLessThan(10_000)
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('natsx: ') && !l.startsWith('natsx: listening'))
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/did not answer within 1000ms|timed out/)
  })

  it('SIGTERM ends a subscriber on a silent server within a second, with 130', async () => {
    const run = spawnCli(['sub', 'm.sigterm', '-s', mutedUrl, '--timeout', '30s'], {timeoutMs: 20_000})
    await waitFor(() => (heard.includes('SUB m.sigterm') ? true : undefined), 15_000, 'the subscription to reach the peer')
    const signalled = Date.now()
    run.child.kill('SIGTERM')
    const r = await run.done
    expect(r.code, r.stderr).toBe(130)
    expect(Date.now() - signalled).toBeLessThan(1500)
  })

  it('pub --count against a real server frozen mid-run (SIGSTOP) ends with exit 6', async () => {
    const server = await startServer({jetstream: false})
    try {
      const run = spawnCli(['pub', 'f.x', 'hi', '--count', '50000000', '-q', '-s', server.url, '--timeout', '1s'])
      // frozen once the server has counted messages from it: the publisher is mid-run
      await waitFor(async () => {
        const varz = (await (await fetch(`${server.monitorUrl}/varz`)).json()) as {in_msgs: number}
        return varz.in_msgs > 10_000 ? true : undefined
      }, 20_000, 'messages arriving')
      process.kill(server.pid!, 'SIGSTOP')
      const r = await run.done
      process.kill(server.pid!, 'SIGCONT')
      expect(r.code, r.stderr).toBe(6)
      expect(r.stderr).toMatch(/did not answer within 1000ms/)
    } finally {
      if (server.pid) process.kill(server.pid, 'SIGCONT')
      await server.destroy()
    }
  })
})

import {describe, expect, it} from 'vitest'

import {describeSettings, resolveSettings, socketAddress} from '../../src/lib/connection.js'
import {emptyContext} from '../../src/lib/context.js'

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

// The pure parts of the server commands: who is missing from an answer, and the checks of a user outside the system
// account, with their Nagios line.
import {describe, expect, it} from 'vitest'

import type {MonitorTransport} from '../../../src/lib/monitoring/transport.js'

import {checkAccount, failedCheck, missingServers, nagiosText, unreachableLine} from '../../../src/lib/monitoring/servers.js'

const transport = (kind: 'http' | 'sys', roster?: {count: number; names: string[]}): MonitorTransport =>
  ({async close() {}, gather: async () => [], kind, one: async () => ({error: 'x', ok: false, target: 'x'}), ...(roster ? {roster: () => roster} : {})}) as MonitorTransport

describe('missingServers', () => {
  it('$SYS: a server named by the JetStream meta group that did not answer is unreachable', () => {
    const t = transport('sys', {count: 3, names: ['n1', 'n2']})
    const meta = {peers: ['n1', 'n2', 'n3'], size: 3}
    expect(missingServers(t, [{meta, name: 'n1'}, {meta, name: 'n2'}])).toEqual([{error: 'unreachable: no reply from a server the cluster knows', name: 'n3'}])
  })

  it('$SYS: counted but never named (no JetStream), and --expect beyond the count, give a "?" row each', () => {
    const t = transport('sys', {count: 3, names: ['n1', 'n2']})
    expect(missingServers(t, [{name: 'n1'}, {name: 'n2'}])).toEqual([{error: 'unreachable: the cluster counts 3 servers, 2 known', name: '?'}])
    expect(missingServers(t, [{name: 'n1'}, {name: 'n2'}], 4).map((m) => m.error)).toEqual(['unreachable: --expect 4 servers, 2 known', 'unreachable: --expect 4 servers, 3 known'])
    expect(missingServers(t, [{name: 'n1'}, {name: 'n2'}, {name: 'n3'}])).toEqual([])
  })

  it('HTTP: only the URLs asked and --expect count (a meta group seen through one URL is not a list of URLs)', () => {
    const t = transport('http')
    const meta = {peers: ['n1', 'n2', 'n3'], size: 3}
    expect(missingServers(t, [{meta, name: 'n1'}])).toEqual([])
    expect(missingServers(t, [{meta, name: 'n1'}], 2)).toEqual([{error: 'unreachable: --expect 2 servers, 1 known', name: '?'}])
  })

  it('unreachableLine names the silent ones', () => {
    expect(unreachableLine([{name: 'n1', ok: true}])).toBeNull()
    expect(unreachableLine([{name: 'n1', ok: true}, {name: 'n3', ok: false}])).toBe('1 of 2 server(s) did not answer: n3')
  })
})

describe('checks of a user outside the system account', () => {
  const probe = (js: Awaited<ReturnType<Parameters<typeof checkAccount>[0]['jetstream']>>, rtt = 1.5) => ({jetstream: async () => js, rtt: async () => rtt, server: 'n1'})

  it('connection, round trip and JetStream: OK in one Nagios line', async () => {
    const r = await checkAccount(probe({consumers: 2, ok: true, streams: 3}))
    expect(r).toMatchObject({nagios_code: 0, status: 'ok'})
    expect(nagiosText(r)).toMatch(/^NATS OK: n1 connection: connected, round trip .*, n1 jetstream: available to this account: 3 stream\(s\), 2 consumer\(s\) \| servers=1 checks=2 failed=0$/)
  })

  it('slow is WARNING, JetStream missing under --jetstream CRITICAL, --expect UNKNOWN', async () => {
    expect((await checkAccount(probe({consumers: 0, ok: true, streams: 0}, 300), {rttWarnMs: 100})).status).toBe('warning')
    const none = {error: 'no responders', ok: false as const, unavailable: true}
    expect((await checkAccount(probe(none))).status).toBe('ok')
    expect((await checkAccount(probe(none), {jetstream: true})).status).toBe('critical')
    const e = await checkAccount(probe({consumers: 0, ok: true, streams: 0}), {expect: 3})
    expect(e).toMatchObject({nagios_code: 3, status: 'unknown'})
  })

  it('a check that could not begin is one line whatever the message holds', () => {
    const r = failedCheck('nats://h:4222', 'cannot connect: refused\nsecond | line', 'critical')
    expect(r.nagios_code).toBe(2)
    expect(nagiosText(r)).toBe('NATS CRITICAL: nats://h:4222 connection: cannot connect: refused second line | servers=0 checks=1 failed=1')
  })
})

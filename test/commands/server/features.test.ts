// server features: what the connected server honours, read from the server itself (single server, no JetStream).
// The cluster case is in monitoring.test.ts, beside the other server commands on the 3-node cluster.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerFeaturesResult} from '../../../src/commands/server/features.js'

import {runCli} from '../../helpers/cli.js'
import {freePort, type NatsServer, startServer} from '../../helpers/servers.js'

describe('server features', () => {
  let js: NatsServer
  let plain: NatsServer
  beforeAll(async () => {
    ;[js, plain] = await Promise.all([startServer(), startServer({jetstream: false})])
  })
  afterAll(async () => {
    await js?.destroy()
    await plain?.destroy()
  })

  it('a lone 2.9.10 with JetStream: version, no cluster, every 2.10+ option marked as refused', async () => {
    const r = await runCli(['server', 'features', '--json', '-s', js.url])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerFeaturesResult>()
    expect(out).toMatchObject({api_level: 0, clustered: false, jetstream: true, server_version: '2.9.10'})
    expect(out.features.length).toBeGreaterThan(10)
    expect(out.features.every((f) => !f.supported && /^2\.1\d\.\d+$/.test(f.requires))).toBe(true)
    expect(out.features.find((f) => f.feature === 'msg-ttl')).toEqual({feature: 'msg-ttl', label: 'per-message TTL', requires: '2.11.0', supported: false})

    const text = await runCli(['server', 'features', '-s', js.url])
    expect(text.stdout).toMatch(/nats-server 2\.9\.10, JetStream API level 0, not in a cluster, JetStream available/)
    expect(text.stdout).toMatch(/per-message TTL +│ 2\.11\.0 +│ no \(natsx refuses it\)/)
  })

  it('a server without JetStream says so', async () => {
    const r = await runCli(['server', 'features', '--json', '-s', plain.url])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<ServerFeaturesResult>()).toMatchObject({clustered: false, jetstream: false})
  })
})

describe('server report accounts|routes|leafnodes|gateways: bad input and no answer', () => {
  it.each(['accounts', 'routes', 'leafnodes', 'gateways'])('%s: a bad --monitor is exit 2, a server that does not answer exit 6, one line each', async (report) => {
    const bad = await runCli(['server', 'report', report, '--monitor', 'ftp://x'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe('natsx: --monitor "ftp://x" is not an http(s) monitoring URL')
    const port = await freePort()
    const gone = await runCli(['server', 'report', report, '--monitor', `127.0.0.1:${port}`, '--timeout', '1s', '--json'])
    expect(gone.code).toBe(6)
    expect(JSON.parse(gone.stderr).error).toMatchObject({code: 6, kind: 'connection'})
  })
})

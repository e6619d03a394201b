// server features: what the connected server honours, read from the server itself (single server, no JetStream).
// The cluster case is in monitoring.test.ts, beside the other server commands on the 3-node cluster.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerFeaturesResult} from '../../../src/commands/server/features.js'

import {compareVersions, FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {freePort, type NatsServer, serverFacts, startServer} from '../../helpers/servers.js'

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

  it('a lone server with JetStream: its version and API level, no cluster, each feature marked from them', async () => {
    const facts = await serverFacts(js)
    const r = await runCli(['server', 'features', '--json', '-s', js.url])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerFeaturesResult>()
    expect(out).toMatchObject({api_level: facts.apiLevel, clustered: false, jetstream: true, server_version: facts.version})
    // the same rows as the README table, each marked by what this server has
    expect(out.features.map((f) => f.feature).sort()).toEqual(Object.keys(FEATURES).sort())
    for (const f of out.features) {
      expect(f.supported, f.feature).toBe(facts.caps.has(f.feature))
      expect(f.requires, f.feature).toBe(FEATURES[f.feature].version)
    }

    // from the server's own version: what is older than it is there, what is newer is not
    expect(out.features.find((f) => f.feature === 'msg-ttl')).toMatchObject({api_level: 1, feature: 'msg-ttl', label: 'per-message TTL', requires: '2.11.0', supported: compareVersions(facts.version, '2.11.0') >= 0})
    expect(out.features.filter((f) => compareVersions(f.requires, facts.version) > 0).every((f) => !f.supported)).toBe(true)
    // and what is not newer is there: a misread version or API level would send every feature test down its exit-8
    // branch, where it would still pass
    const due = out.features.filter((f) => compareVersions(f.requires, facts.version) <= 0 && (f.api_level ?? 0) <= facts.apiLevel)
    expect(due.filter((f) => !f.supported).map((f) => f.feature)).toEqual([])
    expect(due.length).toBe(out.features.filter((f) => f.supported).length)

    const text = await runCli(['server', 'features', '-s', js.url])
    expect(text.stdout).toContain(`nats-server ${facts.version}, JetStream API level ${facts.apiLevel}, not in a cluster, JetStream available`)
    const ttl = facts.caps.has('msg-ttl') ? 'yes +│ offers it \\(stream add/edit --allow-msg-ttl\\)' : 'no +│ refuses it \\(exit 8\\)'
    expect(text.stdout).toMatch(new RegExp(`per-message TTL +│ stream +│ 2\\.11\\.0 +│ 1 +│ ${ttl}`))
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

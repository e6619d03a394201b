// server report jetstream: each stream and consumer with the API level it needs (its _nats.req.level metadata) beside
// the API level of the server that leads it, on a 3-node cluster.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerReportJetStreamResult} from '../../../../src/commands/server/report/jetstream.js'

import {runCli} from '../../../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('server report jetstream: API levels', () => {
  let cluster: Cluster
  let facts: ServerFacts
  let nc: NatsConnection
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    facts = await serverFacts(cluster.servers[0])
    nc = await connect({pass: 'app', servers: cluster.servers[0].url, user: 'app'})
    const api = async (subject: string, body: unknown): Promise<boolean> => (await nc.request(subject, JSON.stringify(body), {timeout: 10_000})).json<{error?: unknown}>().error === undefined || undefined!
    // PLAIN needs nothing; TTL (2.11+) needs level 1 for allow_msg_ttl
    await waitFor(() => api('$JS.API.STREAM.CREATE.PLAIN', {name: 'PLAIN', num_replicas: 3, subjects: ['plain.>']}), 30_000, 'PLAIN')
    await waitFor(() => api('$JS.API.CONSUMER.CREATE.PLAIN.C1', {config: {ack_policy: 'explicit', durable_name: 'C1'}, stream_name: 'PLAIN'}), 30_000, 'C1')
    if (facts.caps.has('msg-ttl')) await waitFor(() => api('$JS.API.STREAM.CREATE.TTL', {allow_msg_ttl: true, name: 'TTL', num_replicas: 1, subjects: ['ttl.>']}), 30_000, 'TTL')
  }, 90_000)
  afterAll(async () => {
    await nc?.close()
    await cluster?.destroy()
  })

  it('every asset shows the level it needs and its leader\'s level, over $SYS and HTTP', async () => {
    const sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    const http = cluster.servers.flatMap((s) => ['--monitor', `127.0.0.1:${s.monitorPort}`])
    const level = facts.apiLevel > 0 ? facts.apiLevel : null
    const named = facts.caps.has('msg-ttl') ? ['PLAIN', 'TTL'] : ['PLAIN']
    for (const t of [sys, http]) {
      const out = await waitFor(async () => {
        const r = await runCli(['server', 'report', 'jetstream', ...t, '--json'])
        expect(r.code, r.stderr).toBe(0)
        const o = r.json<ServerReportJetStreamResult>()
        return o.streams.length === named.length && o.consumers.length === 1 && o.streams.every((s) => s.leader) ? o : undefined
      }, 30_000, 'every stream with its leader')
      expect(out.streams.map((s) => s.name)).toEqual(named)
      // a server before 2.11 records no level for an asset and reports none of its own
      const plain = out.streams.find((s) => s.name === 'PLAIN')!
      expect(plain).toMatchObject({leader_api_level: level, required_api_level: level === null ? null : 0})
      expect(out.consumers[0]).toMatchObject({leader_api_level: level, name: 'C1', required_api_level: level === null ? null : 0})
      if (facts.caps.has('msg-ttl')) expect(out.streams.find((s) => s.name === 'TTL')).toMatchObject({leader_api_level: level, required_api_level: 1})
    }

    const text = await runCli(['server', 'report', 'jetstream', ...sys])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/API NEEDS \/ HAS/i)
    if (level === null) {
      expect(text.stdout).toMatch(/PLAIN +│ APP +│.*│ n\d +│ +│/)
    } else {
      expect(text.stdout).toMatch(new RegExp(`PLAIN +│ APP +│.*│ n\\d +│ +0 / ${level} │`))
      expect(text.stdout).toMatch(new RegExp(`PLAIN +│ C1 +│.*│ n\\d +│ +0 / ${level} │`))
      if (facts.caps.has('msg-ttl')) expect(text.stdout).toMatch(new RegExp(`TTL +│ APP +│.*│ n\\d +│ +1 / ${level} │`))
    }
  }, 90_000)
})

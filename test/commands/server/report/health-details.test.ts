// server report health --details: every problem each server finds (healthz details, 2.10+), shown under the server;
// exit 8 before 2.10. A server that lost its two peers has no JetStream meta leader, and says so.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerReportHealthResult} from '../../../../src/commands/server/report/health.js'

import {compareVersions} from '../../../../src/lib/capabilities.js'
import {HEALTH_DETAILS_SINCE} from '../../../../src/lib/monitoring/health-details.js'
import {runCli} from '../../../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('server report health --details', () => {
  let cluster: Cluster
  let facts: ServerFacts
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    facts = await serverFacts(cluster.servers[0])
  }, 60_000)
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('a healthy cluster: no problems on any server; a lone server without its meta group: the JetStream problem', async () => {
    const sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    const n1 = ['--monitor', `127.0.0.1:${cluster.servers[0].monitorPort}`]
    if (compareVersions(facts.version, HEALTH_DETAILS_SINCE) < 0) {
      for (const t of [sys, n1]) {
        const r = await runCli(['server', 'report', 'health', ...t, '--details'])
        expect(r.code, r.stderr).toBe(8)
        expect(r.stdout).toBe('')
        expect(r.stderr.trim().split('\n')).toHaveLength(1)
        expect(r.stderr).toContain(`require nats-server ${HEALTH_DETAILS_SINCE}`)
        expect(r.stderr).toContain(facts.version)
      }

      return
    }

    const ok = await runCli(['server', 'report', 'health', ...sys, '--details', '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    const out = ok.json<ServerReportHealthResult>()
    expect(out.healthy).toBe(3)
    expect(out.details!.map((d) => [d.server, d.status, d.problems]).sort()).toEqual([['n1', 'ok', []], ['n2', 'ok', []], ['n3', 'ok', []]])

    await Promise.all([cluster.servers[1].stop(), cluster.servers[2].stop()])
    const sick = await waitFor(async () => {
      const r = await runCli(['server', 'report', 'health', ...n1, '--details', '--json'])
      const o = r.json<ServerReportHealthResult>()
      return o.details?.[0]?.problems.length ? o : undefined
    }, 30_000, 'n1 to find it has no meta leader')
    expect(sick.healthy).toBe(0)
    expect(sick.details![0].server).toBe('n1')
    expect(sick.details![0].status).not.toBe('ok')
    expect(sick.details![0].problems[0].type).toBe('JETSTREAM')
    const text = await runCli(['server', 'report', 'health', ...n1, '--details'])
    expect(text.stdout).toMatch(/^n1 +\S+.*\n {21}JETSTREAM: \S/m)
    // without --details the one line per server stays as it was
    const plain = await runCli(['server', 'report', 'health', ...n1])
    expect(plain.stdout).not.toContain('JETSTREAM:')
  }, 90_000)
})

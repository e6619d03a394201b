// server config reload on a real 3-node cluster: a reloadable setting (max_connections) changed in one server's
// configuration file shows in that server's own /varz after the reload (2.10+); before 2.10, exit 8 and nothing sent.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerConfigReloadResult} from '../../../src/commands/server/config/reload.js'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, serverFacts, type ServerFacts, startCluster} from '../../helpers/servers.js'

const ACCOUNTS = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

/**
 * A reload rereads the file and keeps only some command-line flags (not the name, the store or the cluster name), so
 * the file says them all, as the helper started the server with them.
 */
function writeFullConfig(s: NatsServer, routes: string[], maxConnections: number): void {
  const text = `${ACCOUNTS}
server_name: ${s.name}
max_connections: ${maxConnections}
jetstream { store_dir: "${join(s.dir, 'store')}" }
cluster { name: natsx-test, listen: "127.0.0.1:${s.clusterPort}", routes: [${routes.map((r) => `"${r}"`).join(', ')}] }
`
  writeFileSync(join(s.dir, 'server.conf'), text)
}

async function varz(s: NatsServer): Promise<{config_load_time?: string; max_connections?: number}> {
  return (await (await fetch(`${s.monitorUrl}/varz`)).json()) as {config_load_time?: string; max_connections?: number}
}

describe('server config reload', () => {
  let cluster: Cluster
  let facts: ServerFacts
  let sys: string[]

  beforeAll(async () => {
    cluster = await startCluster(3, {config: ACCOUNTS})
    facts = await serverFacts(cluster.servers[0])
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '5s']
  }, 90_000)
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('reloads another server: its /varz shows the new setting (2.10+), or exit 8 with the server unchanged', async () => {
    const target = cluster.servers[1]
    const routes = cluster.servers.map((s) => `nats://127.0.0.1:${s.clusterPort}`)
    const before = await varz(target)
    const wanted = (before.max_connections ?? 0) === 4321 ? 1234 : 4321
    writeFullConfig(target, routes, wanted)

    const refused = await runCli(['server', 'config', 'reload', target.name, ...sys])
    if (facts.caps.has('server-reload')) {
      expect(refused.code, refused.stderr).toBe(2)
      expect(refused.stderr).toContain('--force')
    } else {
      expect(refused.code, refused.stderr).toBe(8)
    }

    expect(await varz(target)).toEqual(expect.objectContaining({config_load_time: before.config_load_time, max_connections: before.max_connections}))

    const r = await runCli(['server', 'config', 'reload', target.name, ...sys, '--force', '--json'])
    if (!facts.caps.has('server-reload')) {
      expect(r.code, r.stderr).toBe(8)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain('requires nats-server 2.10.0')
      expect(r.stderr).toContain(facts.version)
      const now = await varz(target)
      expect([now.config_load_time, now.max_connections]).toEqual([before.config_load_time, before.max_connections])
      return
    }

    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerConfigReloadResult>()
    const now = await varz(target)
    expect(now.max_connections).toBe(wanted)
    expect(now.config_load_time).not.toBe(before.config_load_time)
    expect(out).toMatchObject({server: target.name})
    expect(out.changed).toContainEqual({after: wanted, before: before.max_connections, setting: 'max_connections'})
    expect(out.after.config_load_time).toBe(now.config_load_time)
    // the others kept theirs
    expect((await varz(cluster.servers[2])).max_connections).toBe(before.max_connections)
  }, 60_000)

  it('a server that does not answer is exit 3; a user outside the system account exit 7; one line each', async () => {
    const missing = await runCli(['server', 'config', 'reload', 'nosuch', ...sys, '--force'])
    expect(missing.code, missing.stderr).toBe(3)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    const app = await runCli(['server', 'config', 'reload', 'n1', '--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '5s', '--force'])
    expect(app.code, app.stderr).toBe(7)
    expect(app.stderr.trim().split('\n')).toHaveLength(1)
  }, 60_000)
})

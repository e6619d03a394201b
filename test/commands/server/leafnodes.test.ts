// server report leafnodes: a hub that accepts leafnode connections and a server that connects to it as a leaf.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerReportLeafnodesResult} from '../../../src/commands/server/report/leafnodes.js'

import {compareVersions} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {freePort, type NatsServer, serverFacts, startServer, waitFor} from '../../helpers/servers.js'

describe('server report leafnodes', () => {
  let hub: NatsServer
  let leaf: NatsServer
  beforeAll(async () => {
    const leafPort = await freePort()
    hub = await startServer({config: `leafnodes { listen: "127.0.0.1:${leafPort}" }\n`, jetstream: false, name: 'hub'})
    leaf = await startServer({config: `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${leafPort}" } ] }\n`, jetstream: false, name: 'edge'})
    await waitFor(async () => ((await (await fetch(`${hub.monitorUrl}/leafz`)).json()) as {leafnodes: number}).leafnodes === 1 || undefined, 20_000, 'the leaf to connect')
  })
  afterAll(async () => {
    await leaf?.destroy()
    await hub?.destroy()
  })

  it('the hub lists the leaf connection with its account, address and subscriptions', async () => {
    const r = await runCli(['server', 'report', 'leafnodes', '--monitor', hub.monitorUrl, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerReportLeafnodesResult>()
    expect(out.servers).toEqual([{leafnodes: 1, server: 'hub'}])
    expect(out.leafnodes).toHaveLength(1)
    // 2.10+ leafz names the leaf server; 2.9's does not, and there the account and the address identify the leaf
    const named = compareVersions((await serverFacts(hub)).version, '2.10.0') >= 0
    expect(out.leafnodes[0]).toMatchObject({account: '$G', ip: '127.0.0.1', server: 'hub'})
    expect(out.leafnodes[0].name).toBe(named ? 'edge' : undefined)
    expect(out.leafnodes[0].subscriptions).toBeGreaterThan(0)

    const text = await runCli(['server', 'report', 'leafnodes', '--monitor', hub.monitorUrl])
    expect(text.stdout).toMatch(/SERVER +│ NAME +│ ACCOUNT +│ ADDRESS/)
    expect(text.stdout).toMatch(named ? /hub +│ edge +│ \$G +│ 127\.0\.0\.1:\d+/ : /hub +│ +│ \$G +│ 127\.0\.0\.1:\d+/)
    expect(text.stdout).toContain('1 leafnode connection(s); hub: 1')
  })
})

// server report leafnodes: a hub that accepts leafnode connections and a server that connects to it as a leaf.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerReportLeafnodesResult} from '../../../src/commands/server/report/leafnodes.js'

import {runCli} from '../../helpers/cli.js'
import {freePort, type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

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
    // 2.9.10's leafz names no remote server; the account and the address identify the leaf
    expect(out.leafnodes[0]).toMatchObject({account: '$G', ip: '127.0.0.1', server: 'hub'})
    expect(out.leafnodes[0].subscriptions).toBeGreaterThan(0)

    const text = await runCli(['server', 'report', 'leafnodes', '--monitor', hub.monitorUrl])
    expect(text.stdout).toMatch(/hub +│ +│ \$G +│ 127\.0\.0\.1:\d+/)
    expect(text.stdout).toContain('1 leafnode connection(s); hub: 1')
  })
})

// server report gateways: two one-server clusters joined by gateways (A is configured on B; B is learned by A).
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerReportGatewaysResult} from '../../../src/commands/server/report/gateways.js'
import type {TopSnapshot} from '../../../src/lib/monitoring/feed.js'

import {runCli} from '../../helpers/cli.js'
import {freePort, type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

describe('server report gateways', () => {
  let a: NatsServer
  let b: NatsServer
  beforeAll(async () => {
    const [gwA, gwB] = [await freePort(), await freePort()]
    a = await startServer({config: `gateway { name: "east", listen: "127.0.0.1:${gwA}" }\n`, jetstream: false, name: 'a1'})
    b = await startServer({
      config: `gateway { name: "west", listen: "127.0.0.1:${gwB}", gateways: [ { name: "east", url: "nats://127.0.0.1:${gwA}" } ] }\n`,
      jetstream: false,
      name: 'b1',
    })
    // both directions up on both servers
    await waitFor(
      async () => {
        const [ga, gb] = await Promise.all([a, b].map(async (s) => (await (await fetch(`${s.monitorUrl}/gatewayz`)).json()) as {inbound_gateways?: object; outbound_gateways?: object}))
        return [ga, gb].every((g) => Object.keys(g.outbound_gateways ?? {}).length === 1 && Object.keys(g.inbound_gateways ?? {}).length === 1) || undefined
      },
      20_000,
      'the gateways to connect both ways',
    )
  })
  afterAll(async () => {
    await b?.destroy()
    await a?.destroy()
  })

  it('lists each server outbound and inbound link, configured or learned', async () => {
    const r = await runCli(['server', 'report', 'gateways', '--monitor', a.monitorUrl, '--monitor', b.monitorUrl, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerReportGatewaysResult>()
    expect(out.servers).toEqual([
      {gateway: 'east', ok: true, server: 'a1'},
      {gateway: 'west', ok: true, server: 'b1'},
    ])
    const links = out.gateways.map((g) => [g.server, g.direction, g.remote, g.configured])
    expect(links).toEqual([
      ['a1', 'inbound', 'west', false],
      ['a1', 'outbound', 'west', false],
      ['b1', 'inbound', 'east', false],
      ['b1', 'outbound', 'east', true],
    ])
    expect(out.gateways.every((g) => g.ip === '127.0.0.1' && g.port! > 0)).toBe(true)
    expect(out.gateways.find((g) => g.direction === 'outbound')!.accounts).toBeGreaterThanOrEqual(0)

    const text = await runCli(['server', 'report', 'gateways', '--monitor', b.monitorUrl])
    expect(text.stdout).toMatch(/b1 +│ west +│ outbound +│ east +│ yes/)
    expect(text.stdout).toContain('2 gateway connection(s) on 1 server(s)')
  })

  it('top --json carries the same links in each snapshot', async () => {
    const r = await runCli(['top', '--monitor', a.monitorUrl, '--monitor', b.monitorUrl, '--iterations', '1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const [snap] = r.ndjson<TopSnapshot>()
    expect(snap.gateways.map((g) => [g.server, g.direction, g.remote, g.configured])).toEqual([
      ['a1', 'inbound', 'west', false],
      ['a1', 'outbound', 'west', false],
      ['b1', 'inbound', 'east', false],
      ['b1', 'outbound', 'east', true],
    ])
    expect(snap.gateways.every((g) => g.ip === '127.0.0.1' && g.port! > 0)).toBe(true)
  })
})

// rtt (every address of every server URL) and latency (request/reply A → B → A with HDR percentiles) on real servers.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type Cluster, freePort, type NatsServer, startCluster, startServer, waitFor} from '../helpers/servers.js'

interface RttOut {
  iterations: number
  targets: Array<{addresses: Array<{address: string; error?: string; rtt_ms?: number; server_name?: string}>; url: string}>
}

describe('rtt', () => {
  let server: NatsServer
  beforeAll(async () => {
    server = await startServer({name: 'rtt1'})
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('an IP URL is one address; a name is resolved to each of its addresses; each has a round trip', async () => {
    const r = await runCli(['rtt', '3', '--server', `nats://127.0.0.1:${server.port},nats://localhost:${server.port}`, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<RttOut>()
    expect(out.iterations).toBe(3)
    expect(out.targets.map((t) => t.url)).toEqual([`nats://127.0.0.1:${server.port}`, `nats://localhost:${server.port}`])
    expect(out.targets[0].addresses).toEqual([expect.objectContaining({address: `nats://127.0.0.1:${server.port}`, server_name: 'rtt1'})])
    expect(out.targets[0].addresses[0].rtt_ms).toBeGreaterThanOrEqual(0)
    // localhost resolves to 127.0.0.1 (and maybe ::1, where nothing listens: listed with its error, not fatal)
    const local = out.targets[1].addresses
    expect(local.some((a) => a.address === `nats://127.0.0.1:${server.port}` && a.rtt_ms !== undefined)).toBe(true)
    for (const a of local) expect(a.rtt_ms !== undefined || Boolean(a.error)).toBe(true)
    const text = await runCli(['rtt', '--server', server.url])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`nats://127\\.0\\.0\\.1:${server.port}: \\d+\\.\\d{3}ms`))
  })

  it('no address answering is exit 6; a bad ITERATIONS is exit 2', async () => {
    const port = await freePort()
    const r = await runCli(['rtt', '--server', `nats://127.0.0.1:${port}`, '--timeout', '1s'])
    expect(r.code, r.stderr).toBe(6)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/no server answered/)
    const bad = await runCli(['rtt', 'many', '--server', server.url, '--json'])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stderr)).toMatchObject({error: {code: 2}})
  })
})

interface LatencyOut {
  actual_rate: number
  latency: {count: number; max: number; min: number; p10: number; p50: number; p90: number; p99: number; p99_9: number; unit: string}
  lost: number
  replies: number
  requests: number
  server_a: {name: string}
  server_b: {name: string}
  size: number
}

describe('latency on a 3-node cluster', () => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(3)
  })
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('requests through n1 to a responder on n3: every one answered, percentiles in order', async () => {
    const r = await runCli(['latency', '--server', cluster.servers[0].url, '--server-b', cluster.servers[2].url, '--rate', '200', '--duration', '1s', '--size', '64', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<LatencyOut>()
    expect(out.server_a.name).toBe('n1')
    expect(out.server_b.name).toBe('n3')
    expect(out).toMatchObject({lost: 0, replies: 200, requests: 200, size: 64})
    const l = out.latency
    expect(l.unit).toBe('us')
    expect(l.count).toBe(200)
    expect(l.min).toBeGreaterThan(0)
    for (const [a, b] of [[l.min, l.p10], [l.p10, l.p50], [l.p50, l.p90], [l.p90, l.p99], [l.p99, l.p99_9], [l.p99_9, l.max]]) expect(a).toBeLessThanOrEqual(b)
    const text = await runCli(['lat', '--server', cluster.servers[1].url, '--server-b', cluster.servers[0].url, '--rate', '100', '--duration', '500ms'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Round trip A → B → A \(HDR percentiles\):/)
    expect(text.stdout).toMatch(/99\.9: \d/)
  })

  it('Ctrl-C stops early with the figures so far and exit 130', async () => {
    // server B's count of messages delivered, before and while the run sends: poll it instead of sleeping
    const delivered = async (): Promise<number> => ((await (await fetch(`${cluster.servers[1].monitorUrl}/varz`)).json()) as {out_msgs: number}).out_msgs
    const before = await delivered()
    const run = spawnCli(['latency', '--server', cluster.servers[0].url, '--server-b', cluster.servers[1].url, '--rate', '100', '--duration', '60s', '--json'])
    await waitFor(async () => ((await delivered()) > before + 50 ? true : undefined), 20_000, 'requests flowing')
    run.child.kill('SIGINT')
    const r = await run.done
    expect(r.code).toBe(130)
    const out = r.json<LatencyOut>()
    expect(out.requests).toBeGreaterThan(0)
    expect(out.requests).toBeLessThan(6000)
  })

  it('bad input: --size below 8 and a missing --server-b are exit 2; an unreachable server B is exit 6', async () => {
    const small = await runCli(['latency', '--server', cluster.servers[0].url, '--server-b', cluster.servers[1].url, '--size', '4'])
    expect(small.code).toBe(2)
    const missing = await runCli(['latency', '--server', cluster.servers[0].url])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/server-b/)
    const port = await freePort()
    const away = await runCli(['latency', '--server', cluster.servers[0].url, '--server-b', `nats://127.0.0.1:${port}`, '--timeout', '1s'])
    expect(away.code, away.stderr).toBe(6)
  })

  it('two servers that share no cluster: server B cannot be reached through A, exit 6 naming why', async () => {
    const lone = await startServer()
    try {
      const r = await runCli(['latency', '--server', cluster.servers[0].url, '--server-b', lone.url, '--timeout', '1500ms', '--duration', '1s'])
      expect(r.code, r.stderr).toBe(6)
      expect(r.stderr).toMatch(/a responder on server B was not reachable through server A within 1500ms/)
    } finally {
      await lone.destroy()
    }
  })
})

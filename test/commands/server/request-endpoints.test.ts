// server request for the endpoints after 2.9 (raftz, ipqueuesz, expvarz, profilez, kick, ldm) on a 3-node cluster
// with a system account: answered where the server has them, refused with exit 8 (nothing sent) where it does not.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerRequestResult} from '../../../src/commands/server/request.js'

import {endpointSupport} from '../../../src/lib/monitoring/endpoints.js'
import {runCli} from '../../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('server request: endpoints after 2.9', () => {
  let cluster: Cluster
  let facts: ServerFacts
  let sys: string[]
  let http: string[]
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    facts = await serverFacts(cluster.servers[0])
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    http = cluster.servers.flatMap((s) => ['--monitor', `127.0.0.1:${s.monitorPort}`])
  }, 60_000)
  afterAll(async () => {
    await cluster?.destroy()
  })

  const oneLine8 = (r: {code: null | number; stderr: string; stdout: string}, needs: string): void => {
    expect(r.code, r.stderr).toBe(8)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`requires nats-server ${needs}`)
    expect(r.stderr).toContain(facts.version)
  }

  it('raftz, ipqueuesz, expvarz and profilez over $SYS and HTTP: each server answers where it has the endpoint, exit 8 where not', async () => {
    const checks: Record<string, (data: Record<string, unknown>) => void> = {
      expvarz: (d) => expect(d).toHaveProperty('memstats'),
      ipqueuesz: (d) => expect(typeof d).toBe('object'),
      profilez: (d) => expect(Buffer.from(String(d.profile), 'base64').toString()).toContain('goroutine profile'),
      raftz: (d) => expect(Object.keys(d)).toContain('SYS'), // the meta group lives in the system account
    }
    const args: Record<string, string[]> = {profilez: ['--arg', 'name=goroutine', '--arg', 'debug=1']}
    for (const ep of ['raftz', 'ipqueuesz', 'expvarz', 'profilez'] as const) {
      for (const [kind, t] of [['sys', sys], ['http', http]] as const) {
        const r = await runCli(['server', 'request', ep, ...t, ...(args[ep] ?? []), '--json'])
        const support = endpointSupport(ep, kind, facts.version)
        if (kind === 'http' && ep === 'profilez') {
          expect(r.code, r.stderr).toBe(2) // $SYS only: the input is wrong whatever the version
          expect(r.stderr).toContain('system account only')
        } else if (support.ok) {
          expect(r.code, `${ep} ${kind}: ${r.stderr}`).toBe(0)
          const out = r.json<ServerRequestResult>()
          expect(out.endpoint).toBe(ep)
          expect(out.replies.map((x) => x.server).sort()).toEqual(['n1', 'n2', 'n3'])
          for (const reply of out.replies) {
            expect(reply.error, `${ep} ${kind} ${reply.server}`).toBeUndefined()
            checks[ep](reply.data as Record<string, unknown>)
          }
        } else {
          oneLine8(r, support.needs)
        }
      }
    }
  }, 120_000)

  it('kick: refused without --force and a terminal; with --force the client is disconnected (exit 8 before 2.10, the client untouched)', async () => {
    const victim: NatsConnection = await connect({name: 'victim', pass: 'app', reconnectTimeWait: 100, servers: cluster.servers[1].url, user: 'app'})
    const events: string[] = []
    const watching = (async () => {
      for await (const s of victim.status()) events.push(s.type)
    })()

    try {
      const connz = (await (await fetch(`${cluster.servers[1].monitorUrl}/connz`)).json()) as {connections: Array<{cid: number; name?: string}>}
      const cid = connz.connections.find((c) => c.name === 'victim')!.cid
      const kick = ['server', 'request', 'kick', ...sys, '--server-name', 'n2', '--arg', `cid=${cid}`]
      const support = endpointSupport('kick', 'sys', facts.version)
      if (support.ok) {
        const refused = await runCli(kick)
        expect(refused.code, refused.stderr).toBe(2)
        expect(refused.stderr).toContain('--force')
        await victim.flush()
        expect(events).not.toContain('disconnect')
        const r = await runCli([...kick, '--force', '--json'])
        expect(r.code, r.stderr).toBe(0)
        expect(r.json<ServerRequestResult>().replies).toMatchObject([{server: 'n2'}])
        await waitFor(() => events.includes('disconnect') || undefined, 10_000, 'the client to be disconnected')
      } else {
        oneLine8(await runCli([...kick, '--force']), support.needs)
      }

      // bad input: no server named, no cid
      for (const bad of [['server', 'request', 'kick', ...sys, '--arg', `cid=${cid}`, '--force'], ['server', 'request', 'kick', ...sys, '--server-name', 'n2', '--force']]) {
        const r = await runCli(bad)
        expect(r.code, r.stderr).toBe(2)
        expect(r.stderr.trim().split('\n')).toHaveLength(1)
      }

      await victim.flush()
      if (!support.ok) expect(events).not.toContain('disconnect')
    } finally {
      await victim.close()
      await watching
    }
  }, 60_000)

  it('ldm: the client gets a lame duck notice, the server keeps running (exit 8 before 2.10, no notice)', async () => {
    const n3 = cluster.servers[2]
    const client: NatsConnection = await connect({name: 'mover', noRandomize: true, pass: 'app', servers: [n3.url, cluster.servers[0].url], user: 'app'})
    const events: string[] = []
    const watching = (async () => {
      for await (const s of client.status()) events.push(s.type)
    })()
    try {
      const connz = (await (await fetch(`${n3.monitorUrl}/connz`)).json()) as {connections: Array<{cid: number; name?: string}>}
      const cid = connz.connections.find((c) => c.name === 'mover')!.cid
      const ldm = ['server', 'request', 'ldm', ...sys, '--server-name', 'n3', '--arg', `cid=${cid}`]
      const support = endpointSupport('ldm', 'sys', facts.version)
      if (!support.ok) {
        oneLine8(await runCli([...ldm, '--force']), support.needs)
        await client.flush()
        expect(events).not.toContain('ldm')
        return
      }

      const refused = await runCli(ldm)
      expect(refused.code, refused.stderr).toBe(2)
      await client.flush()
      expect(events).not.toContain('ldm')
      const r = await runCli([...ldm, '--force', '--json'])
      expect(r.code, r.stderr).toBe(0)
      await waitFor(() => events.includes('ldm') || undefined, 10_000, 'the lame duck notice')
      // the server itself still takes connections: only the client was told
      expect(n3.running).toBe(true)
    } finally {
      await client.close()
      await watching
    }
  }, 60_000)
})

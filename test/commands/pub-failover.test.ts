import {jetstreamManager} from '@nats-io/jetstream'
import {connect} from '@nats-io/transport-node'
import {describe, expect, it} from 'vitest'

import type {PubResult} from '../../src/commands/pub.js'

import {spawnCli} from '../helpers/cli.js'
import {type NatsServer, startCluster, startServer, waitFor} from '../helpers/servers.js'

const varz = async (s: NatsServer): Promise<{in_msgs: number}> => (await (await fetch(`${s.monitorUrl}/varz`)).json()) as {in_msgs: number}

/** The messages a stream holds, as the given server's /jsz reports them. */
async function streamMessages(s: NatsServer, stream: string): Promise<number | undefined> {
  const jsz = (await (await fetch(`${s.monitorUrl}/jsz?streams=true`)).json()) as {
    account_details?: Array<{stream_detail?: Array<{name: string; state: {messages: number}}>}>
  }
  for (const a of jsz.account_details ?? []) for (const st of a.stream_detail ?? []) if (st.name === stream) return st.state.messages
  return undefined
}

describe('pub failover', () => {
  it('core: the node pub is connected to is killed; pub moves to a server the cluster announced, goes on, and counts what may be lost', async () => {
    const cluster = await startCluster(3)
    const [a, , c] = cluster.servers
    const nc = await connect({servers: c.url})
    try {
      let received = 0
      nc.subscribe('fo.core', {
        callback() {
          received++
        },
      })
      await nc.flush()
      // the interest has reached the node pub connects to
      await waitFor(async () => ((await (await fetch(`${a.monitorUrl}/subsz`)).json()) as {num_subscriptions: number}).num_subscriptions > 0 || undefined)
      const n = 4000
      // only one node is listed: the others come from the cluster's INFO (connect_urls)
      const pub = spawnCli(['pub', 'fo.core', 'm{{Count}}', '--count', String(n), '--sleep', '1ms', '--json', '-s', a.url], {timeoutMs: 90_000})
      await waitFor(async () => (await varz(a)).in_msgs >= 1000 || undefined, 30_000, '1000 messages in')
      process.kill(a.pid!, 'SIGKILL')
      const res = await pub.done
      expect(res.code, res.stderr).toBe(0)
      const r = res.json<PubResult>()
      expect(r.messages).toBe(n)
      expect(r.disconnects).toBe(1)
      expect(r.maybe_lost).toBeGreaterThanOrEqual(0)
      // a bound on the gap, not everything sent before the kill
      expect(r.maybe_lost!).toBeLessThan(1000)
      await waitFor(() => received >= n - r.maybe_lost! || undefined, 15_000, 'the messages that were not lost')
      expect(received).toBeLessThanOrEqual(n)
    } finally {
      await nc.close()
      await cluster.destroy()
    }
  })

  it('--jetstream: the stream holds exactly N messages with N distinct Nats-Msg-Ids after the connected node is killed mid-run', async () => {
    const cluster = await startCluster(3)
    const [a, b] = cluster.servers
    const nc = await connect({servers: b.url})
    try {
      const jsm = await jetstreamManager(nc, {checkAPI: false})
      // a fresh cluster on a busy machine may take a moment to answer (the same config twice is no error)
      await waitFor(async () => (await jsm.streams.add({name: 'FO', num_replicas: 3, subjects: ['fo.js.>']})) && true, 30_000, 'the stream')
      await waitFor(async () => ((await streamMessages(a, 'FO')) === 0 ? true : undefined), 15_000, 'the stream on the node pub connects to')
      const n = 1500
      const pub = spawnCli(['pub', 'fo.js.{{Count}}', 'm{{Count}}', '--jetstream', '--count', String(n), '--json', '-s', a.url], {timeoutMs: 120_000})
      await waitFor(async () => ((await streamMessages(b, 'FO')) ?? 0) >= 300 || undefined, 60_000, '300 messages stored')
      process.kill(a.pid!, 'SIGKILL')
      const res = await pub.done
      expect(res.code, res.stderr).toBe(0)
      const r = res.json<PubResult>()
      expect(r.messages).toBe(n)
      expect(r.disconnects).toBe(1)
      expect(r.resent).toBeGreaterThanOrEqual(0)
      expect(r.jetstream).toHaveLength(n)
      await waitFor(async () => ((await jsm.streams.info('FO')).state.messages === n ? true : undefined), 15_000, `${n} messages in the stream`)
      // every message once: N messages on N subjects, with N distinct ids
      // (the stream may still be choosing its new leader: its answers are waited for)
      const info = await waitFor(() => jsm.streams.info('FO', {subjects_filter: '>'}), 15_000, 'stream info')
      expect(Object.keys(info.state.subjects ?? {})).toHaveLength(n)
      const ids = new Set<string>()
      for (let seq = 1; seq <= n; seq++) {
        const m = await waitFor(() => jsm.streams.getMessage('FO', {seq}), 15_000, `message ${seq}`)
        const id = m?.header.get('Nats-Msg-Id')
        if (id) ids.add(id)
      }

      expect(ids.size).toBe(n)
    } finally {
      await nc.close()
      await cluster.destroy()
    }
  })

  it('a lone server that dies ends pub with exit 6 and one line', async () => {
    const server = await startServer({jetstream: false})
    try {
      const pub = spawnCli(['pub', 'lone', 'x', '--count', '100000', '--sleep', '1ms', '-s', server.url], {timeoutMs: 60_000})
      await waitFor(async () => (await varz(server)).in_msgs >= 100 || undefined)
      process.kill(server.pid!, 'SIGKILL')
      const res = await pub.done
      expect(res.code, res.stderr).toBe(6)
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1)
      expect(res.stderr).toMatch(/^natsx: lost the connection to nats:\/\/127\.0\.0\.1:\d+ and no other server is known/)
    } finally {
      await server.destroy()
    }
  })
})

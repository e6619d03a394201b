/**
 * A KV mirror of a bucket in another JetStream domain: a hub (domain "hub") and a leaf server (domain "leaf")
 * joined by a leafnode connection, both real nats-server processes. Reads come from the leaf's mirror; writes go to
 * the hub's origin through `$JS.hub.API.$KV.…`, which the hub maps to the bucket's subjects.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KvBucketSummary, KvEntryRecord} from '../../../src/lib/kv/store.js'

import {runCli} from '../../helpers/cli.js'
import {freePort, type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

let hub: NatsServer
let leaf: NatsServer
const onHub = (...args: string[]) => runCli(['kv', ...args, '-s', hub.url])
const onLeaf = (...args: string[]) => runCli(['kv', ...args, '-s', leaf.url])

beforeAll(async () => {
  const leafPort = await freePort()
  hub = await startServer({config: `jetstream { domain: hub }\nleafnodes { listen: "127.0.0.1:${leafPort}" }\n`, name: 'hub'})
  leaf = await startServer({config: `jetstream { domain: leaf }\nleafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${leafPort}" } ] }\n`, name: 'leaf'})
  await waitFor(async () => ((await (await fetch(`${hub.monitorUrl}/leafz`)).json()) as {leafnodes: number}).leafnodes === 1 || undefined, 20_000, 'the leaf to connect')
})
afterAll(async () => {
  await leaf?.destroy()
  await hub?.destroy()
})

describe('kv mirror across JetStream domains', () => {
  it('reads the origin through the mirror, and writes through the mirror land in the origin', async () => {
    expect((await onHub('add', 'ORIGIN', '--history', '5')).code).toBe(0)
    expect((await onHub('put', 'ORIGIN', 'app.a', 'one')).code).toBe(0)
    const add = await onLeaf('add', 'COPY', '--mirror', 'ORIGIN', '--mirror-domain', 'hub', '--history', '5', '--json')
    expect(add.code, add.stderr).toBe(0)
    expect(add.json<KvBucketSummary>().mirror).toEqual({bucket: 'ORIGIN', domain: 'hub'})
    const mirrored = await waitFor(async () => {
      const r = await onLeaf('get', 'COPY', 'app.a', '--json')
      return r.code === 0 ? r.json<KvEntryRecord>() : undefined
    }, 15_000, 'app.a in the mirror')
    expect(mirrored).toMatchObject({bucket: 'COPY', revision: 1, value: 'one'})

    // a put on the leaf's mirror is acknowledged by the hub's origin stream: its revision is the origin's
    const put = await onLeaf('put', 'COPY', 'app.b', 'two', '--json')
    expect(put.code, put.stderr).toBe(0)
    expect(put.json<{revision: number}>().revision).toBe(2)
    expect((await onHub('get', 'ORIGIN', 'app.b', '--json')).json<KvEntryRecord>()).toMatchObject({revision: 2, value: 'two'})

    // compare-and-set and delete go the same way
    expect((await onLeaf('create', 'COPY', 'app.b', 'again')).code).toBe(4)
    const update = await onLeaf('update', 'COPY', 'app.b', 'three', '2')
    expect(update.code, update.stderr).toBe(0)
    expect((await onLeaf('del', 'COPY', 'app.a', '--force')).code).toBe(0)
    const origin = await onHub('get', 'ORIGIN', 'app.b', '--json')
    expect(origin.json<KvEntryRecord>()).toMatchObject({revision: 3, value: 'three'})
    expect((await onHub('get', 'ORIGIN', 'app.a')).code).toBe(3)

    // and come back to the mirror
    await waitFor(async () => (await onLeaf('get', 'COPY', 'app.b', '--raw')).stdout === 'three' || undefined, 15_000, 'the update in the mirror')
    // nothing was written on the leaf other than the mirror itself
    expect((await runCli(['stream', 'ls', '--all', '--names', '-s', leaf.url])).stdout.trim().split('\n')).toEqual(['KV_COPY'])
  })

  it('a write to a mirror whose origin is gone is exit 6 naming the origin, not "JetStream is not enabled"', async () => {
    expect((await onHub('add', 'GONE')).code).toBe(0)
    expect((await onHub('add', 'ORPHAN', '--mirror', 'GONE')).code).toBe(0)
    expect((await onHub('rm', 'GONE', '--force')).code).toBe(0)
    const r = await onHub('put', 'ORPHAN', 'k', 'v')
    expect(r.code, r.stderr).toBe(6)
    expect(r.stderr.trim().split('\n')).toEqual([
      'natsx: no responders: bucket "ORPHAN" is a mirror and its writes go to bucket "GONE", which did not answer; check that the origin bucket exists and is reachable from this server, or write to it directly',
    ])
  })
})

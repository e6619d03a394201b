/**
 * kv add / kv edit: mirror, sources, republish and placement against a real nats-server of each version. A 2.9 server
 * has no subject transforms, so sourcing a bucket (which needs one) is refused there; a mirror keeps its origin's
 * subjects and is read through them.
 */
import {connect, type Msg, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KvBucketSummary, KvEntryRecord} from '../../../src/lib/kv/store.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, serverFacts, startCluster, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let s: string[]
const kv = (...args: string[]) => runCli(['kv', ...args, ...s])

/** stderr without node's own warnings */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() && !l.startsWith('(node:') && !l.startsWith('(Use `node'))

beforeAll(async () => {
  server = await startServer()
  s = ['-s', server.url]
  nc = await connect({servers: server.url})
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('kv mirror', () => {
  it('a mirror bucket reads the keys of its origin, old and new, and names itself in entries', async () => {
    expect((await kv('add', 'ORIGIN', '--history', '3')).code).toBe(0)
    await kv('put', 'ORIGIN', 'app.a', 'one')
    await kv('put', 'ORIGIN', 'app.b', 'two')

    const add = await kv('add', 'COPY', '--mirror', 'ORIGIN', '--history', '3', '--json')
    expect(add.code, add.stderr).toBe(0)
    expect(add.json<KvBucketSummary>()).toMatchObject({bucket: 'COPY', history: 3, mirror: {bucket: 'ORIGIN'}})
    expect(add.json<KvBucketSummary>().sources).toBeUndefined()

    const got = await waitFor(async () => {
      const r = await kv('get', 'COPY', 'app.b', '--json')
      return r.code === 0 ? r.json<KvEntryRecord>() : undefined
    }, 15_000, 'app.b in the mirror')
    expect(got).toMatchObject({bucket: 'COPY', key: 'app.b', revision: 2, value: 'two'})
    expect((await kv('keys', 'COPY')).stdout.trim().split('\n')).toEqual(['app.a', 'app.b'])

    await kv('put', 'ORIGIN', 'app.a', 'three')
    const latest = await waitFor(async () => {
      const r = await kv('get', 'COPY', 'app.a', '--json')
      return r.code === 0 && r.json<KvEntryRecord>().value === 'three' ? r.json<KvEntryRecord>() : undefined
    }, 15_000, 'the new app.a in the mirror')
    expect(latest.revision).toBe(3)
    const history = await kv('history', 'COPY', 'app.a', '--json')
    expect(history.json<{entries: KvEntryRecord[]}>().entries.map((e) => `${e.bucket}:${e.value}`)).toEqual(['COPY:one', 'COPY:three'])

    const info = await kv('info', 'COPY', '--json')
    expect(info.json<KvBucketSummary>().mirror).toEqual({bucket: 'ORIGIN'})
    expect((await kv('info', 'COPY')).stdout).toMatch(/Mirror: ORIGIN\n/)
    // the same configuration again is fine; without the mirror it is another configuration
    expect((await kv('add', 'COPY', '--mirror', 'ORIGIN', '--history', '3')).code).toBe(0)
    const other = await kv('add', 'COPY', '--history', '3')
    expect(other.code).toBe(4)
    expect(other.stderr).toContain('(mirror)')
  })

  it('a missing origin is exit 3 and creates nothing', async () => {
    const r = await kv('add', 'LOST', '--mirror', 'NOWHERE')
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual(['natsx: bucket "NOWHERE" (--mirror) not found; create it first, or name its domain'])
    expect((await kv('info', 'LOST')).code).toBe(3)
  })
})

describe('kv sources', () => {
  it('copies the keys of the source buckets where the server has subject transforms (2.10+); exit 8 and no bucket before', async () => {
    const {caps} = await serverFacts(server)
    await kv('add', 'SRC1')
    await kv('add', 'SRC2')
    await kv('put', 'SRC1', 'one', '1')
    await kv('put', 'SRC2', 'two', '2')
    const r = await kv('add', 'ALL', '--source', 'SRC1', '--source', 'SRC2', '--json')
    if (caps.has('subject-transform')) {
      expect(r.code, r.stderr).toBe(0)
      expect(r.json<KvBucketSummary>().sources).toEqual([{bucket: 'SRC1'}, {bucket: 'SRC2'}])
      const keys = await waitFor(async () => {
        const k = await kv('keys', 'ALL', '--json')
        const list = k.json<{keys: string[]}>().keys
        return list.length === 2 ? list : undefined
      }, 15_000, 'both sources copied')
      expect(keys).toEqual(['one', 'two'])
      const edit = await kv('edit', 'SRC1', '--source', 'SRC2', '--json')
      expect(edit.code, edit.stderr).toBe(0)
      expect(edit.json<KvBucketSummary>().sources).toEqual([{bucket: 'SRC2'}])
      return
    }

    expect(r.code).toBe(8)
    const lines = errorLines(r.stderr)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('--source')
    expect(lines[0]).toContain(`requires nats-server ${FEATURES['subject-transform'].version}; connected server is ${caps.version}`)
    expect((await kv('info', 'ALL')).code).toBe(3)
    const edit = await kv('edit', 'SRC1', '--source', 'SRC2')
    expect(edit.code).toBe(8)
    expect((await kv('info', 'SRC1', '--json')).json<KvBucketSummary>().sources).toBeUndefined()
  })
})

describe('kv republish', () => {
  const collect = (subject: string, n: number): Promise<Msg[]> => {
    const sub = nc.subscribe(subject, {max: n})
    return (async () => {
      const out: Msg[] = []
      for await (const m of sub) out.push(m)
      return out
    })()
  }

  it('delivers each stored value to the destination, with the KV headers; --republish-headers leaves the value out', async () => {
    const add = await kv('add', 'EVENTS', '--republish-destination', 'repub.events.>', '--json')
    expect(add.code, add.stderr).toBe(0)
    expect(add.json<KvBucketSummary>().republish).toEqual({dest: 'repub.events.>', src: '$KV.EVENTS.>'})
    const headersOnly = await kv('add', 'SLIM', '--republish-source', '$KV.SLIM.big.>', '--republish-destination', 'repub.slim.>', '--republish-headers', '--json')
    expect(headersOnly.code, headersOnly.stderr).toBe(0)
    expect(headersOnly.json<KvBucketSummary>().republish).toEqual({dest: 'repub.slim.>', headers_only: true, src: '$KV.SLIM.big.>'})

    const full = collect('repub.events.>', 2)
    const slim = collect('repub.slim.>', 1)
    await nc.flush()
    await kv('put', 'EVENTS', 'order.1', 'created')
    await kv('put', 'EVENTS', 'order.1', 'paid')
    await kv('put', 'SLIM', 'small', 'not republished')
    await kv('put', 'SLIM', 'big.blob', 'twelve bytes')

    const [m1, m2] = await full
    expect(m1.subject).toBe('repub.events.order.1')
    expect(m1.string()).toBe('created')
    expect(m2.string()).toBe('paid')
    expect(m2.headers?.get('Nats-Stream')).toBe('KV_EVENTS')
    expect(m2.headers?.get('Nats-Subject')).toBe('$KV.EVENTS.order.1')
    expect(m2.headers?.get('Nats-Sequence')).toBe('2')
    const [h] = await slim
    // the destination's `>` takes the tokens the source's `>` matched
    expect(h.subject).toBe('repub.slim.blob')
    expect(h.data.length).toBe(0)
    expect(h.headers?.get('Nats-Msg-Size')).toBe('12')

    const info = await kv('info', 'EVENTS')
    expect(info.stdout).toMatch(/Republish: \$KV\.EVENTS\.> → repub\.events\.>\n/)
  })

  it('kv edit of republish changes it in place on 2.10+; before, exit 8 naming the version and the bucket keeps its setting', async () => {
    const {caps} = await serverFacts(server)
    await kv('add', 'AUDIT', '--republish-destination', 'audit.v1.>')
    const r = await kv('edit', 'AUDIT', '--republish-destination', 'audit.v2.>')
    if (caps.has('republish-update')) {
      expect(r.code, r.stderr).toBe(0)
      expect((await kv('info', 'AUDIT', '--json')).json<KvBucketSummary>().republish).toEqual({dest: 'audit.v2.>', src: '$KV.AUDIT.>'})
      await kv('edit', 'AUDIT', '--republish-destination', 'audit.v1.>')
    } else {
      expect(r.code).toBe(8)
      expect(errorLines(r.stderr)).toEqual([
        `natsx: changing republish of an existing bucket requires nats-server ${FEATURES['republish-update'].version}; connected server is ${caps.version}; leave the option out or upgrade the server`,
      ])
    }

    expect((await kv('info', 'AUDIT', '--json')).json<KvBucketSummary>().republish).toEqual({dest: 'audit.v1.>', src: '$KV.AUDIT.>'})
    // an edit that leaves republish as it is works everywhere
    const edit = await kv('edit', 'AUDIT', '--description', 'audited', '--republish-destination', 'audit.v1.>', '--json')
    expect(edit.code, edit.stderr).toBe(0)
    expect(edit.json<KvBucketSummary & {changes: Array<{field: string}>}>().changes.map((c) => c.field)).toEqual(['description'])
  })
})

describe('kv placement', () => {
  it('a lone server keeps placement and ignores it: --cluster, --tags and --replicas 3 are exit 8 there', async () => {
    const {version} = await serverFacts(server)
    for (const flags of [['--cluster', 'east'], ['--tags', 'ssd'], ['--replicas', '3']]) {
      const r = await kv('add', 'PLACED', ...flags)
      expect(r.code, flags.join(' ')).toBe(8)
      expect(errorLines(r.stderr)).toEqual([expect.stringContaining(`needs a clustered JetStream; the connected server (${version}) is not in a cluster`)])
    }

    expect((await kv('info', 'PLACED')).code).toBe(3)
    await kv('add', 'LONE')
    expect((await kv('edit', 'LONE', '--tags', 'ssd')).code).toBe(8)
    expect((await kv('info', 'LONE', '--json')).json<KvBucketSummary>().placement).toBeUndefined()
  })

  describe('on a 3-node cluster', () => {
    let cluster: Cluster
    const ckv = (...args: string[]) => runCli(['kv', ...args, '-s', cluster.servers[0].url])
    beforeAll(async () => {
      cluster = await startCluster(3, {config: 'server_tags: ["ssd", "fast"]\n', placement: true})
    }, 240_000)
    afterAll(async () => {
      await cluster?.destroy()
    })

    it('--cluster and --tags are kept and shown by kv info; kv edit --tags keeps the cluster', async () => {
      const add = await ckv('add', 'PLACED', '--cluster', 'natsx-test', '--replicas', '3', '--json')
      expect(add.code, add.stderr).toBe(0)
      expect(add.json<KvBucketSummary>()).toMatchObject({placement: {cluster: 'natsx-test'}, replicas: 3})
      const edit = await ckv('edit', 'PLACED', '--tags', 'ssd', '--tags', 'fast', '--json')
      expect(edit.code, edit.stderr).toBe(0)
      expect(edit.json<KvBucketSummary>().placement).toEqual({cluster: 'natsx-test', tags: ['ssd', 'fast']})
      expect((await ckv('info', 'PLACED')).stdout).toMatch(/Placement: cluster natsx-test; tags ssd, fast\n/)
      // no server has this tag: the server refuses, nothing changes
      const nowhere = await ckv('add', 'NOWHERE', '--tags', 'gpu')
      expect(nowhere.code).toBe(2)
      expect(errorLines(nowhere.stderr)).toEqual([expect.stringContaining('no suitable peers for placement')])
      expect((await ckv('info', 'NOWHERE')).code).toBe(3)
    })
  })
})

describe('kv add: invalid combinations', () => {
  it('each is exit 2 with one line naming the flag, and creates nothing', async () => {
    await kv('add', 'THERE')
    const cases: Array<[string[], string]> = [
      [['--mirror-domain', 'hub'], '--mirror-domain needs --mirror'],
      [['--mirror', 'THERE', '--source', 'THERE'], '--mirror and --source exclude each other'],
      [['--mirror', 'BAD'], '--mirror BAD: a bucket cannot mirror itself'],
      [['--source', 'BAD'], '--source BAD: a bucket cannot source itself'],
      [['--mirror', 'a.b'], '--mirror: invalid bucket name "a.b"'],
      [['--republish-source', '$KV.BAD.>'], '--republish-source needs --republish-destination'],
      [['--republish-headers'], '--republish-headers needs --republish-destination'],
      [['--republish-source', 'orders.>', '--republish-destination', 'x.>'], '--republish-source "orders.>" is outside the bucket'],
      [['--republish-destination', '$KV.THERE.>'], '--republish-destination "$KV.THERE.>" is a KV subject'],
      [['--republish-destination', 'a..b'], '--republish-destination'],
      [['--cluster', ''], '--cluster must not be empty'],
    ]
    for (const [flags, message] of cases) {
      const r = await kv('add', 'BAD', ...flags)
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(2)
      const lines = errorLines(r.stderr)
      expect(lines, flags.join(' ')).toHaveLength(1)
      expect(lines[0]).toContain(message)
    }

    expect((await kv('info', 'BAD')).code).toBe(3)
    // kv edit has no --mirror: the mirror is chosen when the bucket is made
    const edit = await kv('edit', 'THERE', '--mirror', 'ORIGIN')
    expect(edit.code).toBe(2)
    expect(errorLines(edit.stderr)).toHaveLength(1)
    expect((await kv('info', 'THERE', '--json')).json<KvBucketSummary>().mirror).toBeUndefined()
  })
})

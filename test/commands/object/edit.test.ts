/** object edit against real servers: a single 2.9 server, and a 3-node cluster for the replica count. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ObjectEditResult} from '../../../src/commands/object/edit.js'
import type {ObjBucketSummary, ObjectRecord} from '../../../src/lib/objects/store.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, serverFacts, startCluster, startServer, waitFor} from '../../helpers/servers.js'

/** stderr without node's own warnings */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() && !l.startsWith('(node:') && !l.startsWith('(Use `node'))

describe('object edit on one server', () => {
  let server: NatsServer
  let s: string[]
  const obj = (...args: string[]) => runCli(['object', ...args, ...s])
  const bucket = async (name: string): Promise<ObjBucketSummary> => (await obj('info', name, '--json')).json<ObjBucketSummary>()

  beforeAll(async () => {
    server = await startServer()
    s = ['-s', server.url]
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('changes description, max bucket size and ttl, lists each change, and keeps the objects', async () => {
    expect((await obj('add', 'DOCS', '--description', 'docs')).code).toBe(0)
    expect((await runCli(['object', 'put', 'DOCS', '--name', 'a.txt', ...s], {input: 'hello'})).code).toBe(0)

    const r = await obj('edit', 'DOCS', '--description', 'manuals', '--max-bucket-size', '10MiB', '--ttl', '30d', '--json')
    expect(r.code, r.stderr).toBe(0)
    const res = r.json<ObjectEditResult>()
    expect(res).toMatchObject({applied: true, bucket: 'DOCS', description: 'manuals', max_bucket_size: 10_485_760, ttl_ms: 2_592_000_000})
    expect(res.changes).toEqual([
      {field: 'description', from: 'docs', to: 'manuals'},
      {field: 'max_bucket_size', from: -1, to: 10_485_760},
      {field: 'ttl_ms', from: 0, to: 2_592_000_000},
    ])
    expect(await bucket('DOCS')).toMatchObject({description: 'manuals', max_bucket_size: 10_485_760, ttl_ms: 2_592_000_000})
    const info = await obj('info', 'DOCS', 'a.txt', '--json')
    expect(info.json<ObjectRecord>()).toMatchObject({name: 'a.txt', size: 5})

    const human = await obj('edit', 'DOCS', '--ttl', '0')
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('Bucket DOCS changed:\n  ttl_ms: 2592000000 → 0\n')
    expect(human.stdout).toContain('Maximum Age: unlimited')
  })

  it('--dry-run prints the difference and exits 5 without changing anything; 0 when nothing differs', async () => {
    await obj('add', 'DRY', '--ttl', '1h')
    const dry = await obj('edit', 'DRY', '--ttl', '2h', '--description', 'later', '--dry-run')
    expect(dry.code).toBe(5)
    expect(dry.stdout).toBe('Bucket DRY would change:\n  description: "" → "later"\n  ttl_ms: 3600000 → 7200000\n')
    expect(errorLines(dry.stderr)).toEqual(['natsx: bucket "DRY" differs in 2 field(s): description, ttl_ms'])
    expect(await bucket('DRY')).toMatchObject({description: '', ttl_ms: 3_600_000})

    const json = await obj('edit', 'DRY', '--ttl', '2h', '--dry-run', '--json')
    expect(json.code).toBe(5)
    expect(json.json<ObjectEditResult>()).toMatchObject({applied: false, changes: [{field: 'ttl_ms', from: 3_600_000, to: 7_200_000}], ttl_ms: 3_600_000})

    const same = await obj('edit', 'DRY', '--ttl', '1h', '--dry-run')
    expect(same.code).toBe(0)
    expect(same.stdout.trim()).toBe('Bucket DRY: no differences')
    const sameJson = await obj('edit', 'DRY', '--ttl', '1h', '--json')
    expect(sameJson.code).toBe(0)
    expect(sameJson.json<ObjectEditResult>()).toMatchObject({applied: false, changes: []})
  })

  it('compression switches on and off in place where the server can (2.10+), the objects stay readable; exit 8 and nothing changed where not', async () => {
    const {caps} = await serverFacts(server)
    expect((await obj('add', 'ZIP')).code).toBe(0)
    const text = 'compressible '.repeat(20_000)
    expect((await runCli(['object', 'put', 'ZIP', '--name', 'before.txt', ...s], {input: text})).code).toBe(0)
    const on = await obj('edit', 'ZIP', '--compress', '--json')
    if (!caps.has('stream-compression')) {
      expect(on.code, on.stderr).toBe(8)
      expect(errorLines(on.stderr).map((l) => JSON.parse(l))).toEqual([
        {
          error: {
            code: 8,
            hint: 'leave the option out or upgrade the server',
            kind: 'unsupported',
            message: `object store compression (--compress) requires nats-server ${FEATURES['stream-compression'].version}; connected server is ${caps.version}`,
          },
        },
      ])
      expect(on.stdout).toBe('')
      // turning off what is off sends nothing and says so
      const off = await obj('edit', 'ZIP', '--no-compress')
      expect(off.code, off.stderr).toBe(0)
      expect(off.stdout.trim()).toBe('Bucket ZIP: no differences')
      expect(await bucket('ZIP')).toMatchObject({compression: false})
      return
    }

    expect(on.code, on.stderr).toBe(0)
    expect(on.json<ObjectEditResult>()).toMatchObject({applied: true, changes: [{field: 'compression', from: false, to: true}], compression: true})
    const raw = await runCli(['stream', 'info', 'OBJ_ZIP', '--json', ...s])
    expect(raw.json<{config: {compression?: string}}>().config.compression).toBe('s2')
    expect((await runCli(['object', 'put', 'ZIP', '--name', 'after.txt', ...s], {input: text})).code).toBe(0)
    const off = await obj('edit', 'ZIP', '--no-compress', '--json')
    expect(off.code, off.stderr).toBe(0)
    expect(off.json<ObjectEditResult>()).toMatchObject({applied: true, changes: [{field: 'compression', from: true, to: false}], compression: false})
    for (const name of ['before.txt', 'after.txt']) {
      const get = await runCli(['object', 'get', 'ZIP', name, ...s])
      expect(get.code, get.stderr).toBe(0)
      expect(get.stdout).toBe(text)
    }
  })

  it('bad input: missing bucket 3, nothing to change 2, bad values 2, 2.10 options 8, sealed bucket 4; nothing changes', {timeout: 120_000}, async () => {
    const missing = await obj('edit', 'NOPE', '--description', 'x')
    expect(missing.code).toBe(3)
    expect(errorLines(missing.stderr)).toEqual(['natsx: object store bucket "NOPE" not found; list buckets with `natsx object ls`'])

    await obj('add', 'KEEP', '--description', 'kept')
    const cases: Array<[string[], number, string]> = [
      [['--ttl', 'soon'], 2, '--ttl'],
      [['--replicas', '6'], 2, '--replicas must be between 1 and 5'],
      [['--max-bucket-size', 'lots'], 2, '--max-bucket-size'],
      [['--storage', 'memory'], 2, '--storage'],
      // a lone server would keep the number and still hold one copy
      [['--replicas', '3'], 8, '3 replicas (--replicas) needs a clustered JetStream'],
    ]
    for (const [flags, code, message] of cases) {
      const r = await obj('edit', 'KEEP', ...flags, '--description', 'changed')
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(code)
      const lines = errorLines(r.stderr)
      expect(lines, flags.join(' ')).toHaveLength(1)
      expect(lines[0]).toContain(message)
    }

    // metadata and compression change in place where the server has them (2.10+); exit 8 where not
    const {caps} = await serverFacts(server)
    for (const [flags, feature, shown] of [
      [['--metadata', 'team:ops'], 'stream-metadata', {metadata: {team: 'ops'}}],
      [['--compress'], 'stream-compression', {compression: true}],
    ] as const) {
      const r = await obj('edit', 'KEEP', ...flags)
      if (caps.has(feature)) {
        expect(r.code, r.stderr).toBe(0)
        expect(await bucket('KEEP')).toMatchObject(shown)
      } else {
        expect(r.code, r.stderr).toBe(8)
        expect(errorLines(r.stderr)).toEqual([expect.stringContaining(`requires nats-server ${FEATURES[feature].version}; connected server is ${caps.version}`)])
      }
    }

    const nothing = await obj('edit', 'KEEP')
    expect(nothing.code).toBe(2)
    expect(errorLines(nothing.stderr)).toEqual(['natsx: nothing to change; pass one of the configuration flags, e.g. --description TEXT'])
    expect(await bucket('KEEP')).toMatchObject({description: 'kept', metadata: caps.has('stream-metadata') ? {team: 'ops'} : {}})

    await obj('add', 'SEALED', '--description', 'final')
    await obj('seal', 'SEALED', '--force')
    const sealed = await obj('edit', 'SEALED', '--description', 'again')
    expect(sealed.code).toBe(4)
    expect(errorLines(sealed.stderr)).toEqual(['natsx: bucket "SEALED" is sealed: its configuration cannot change; make a new bucket with the configuration you want'])
    const sealedDry = await obj('edit', 'SEALED', '--description', 'again', '--dry-run')
    expect(sealedDry.code).toBe(4)
    expect(await bucket('SEALED')).toMatchObject({description: 'final', sealed: true})
  })
})

describe('object edit on a 3-node cluster', () => {
  let cluster: Cluster
  const obj = (...args: string[]) => runCli(['object', ...args, '-s', cluster.servers[0].url])

  beforeAll(async () => {
    cluster = await startCluster(3, {placement: true})
  }, 180_000)
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('--replicas 3 replicates the bucket to the other two nodes', async () => {
    expect((await obj('add', 'R', '--replicas', '1')).code).toBe(0)
    const r = await obj('edit', 'R', '--replicas', '3', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<ObjectEditResult>()).toMatchObject({applied: true, changes: [{field: 'replicas', from: 1, to: 3}], replicas: 3})
    // the stream really gets a peer on each node (the peer set settles a moment after the update)
    const peers = await waitFor(async () => {
      const info = await runCli(['stream', 'info', 'OBJ_R', '--json', '-s', cluster.servers[0].url])
      const c = info.json<{cluster?: {leader?: string; replicas?: Array<{name: string}>}}>().cluster
      const names = [c?.leader, ...(c?.replicas ?? []).map((r) => r.name)].filter(Boolean).sort()
      return c?.replicas?.length === 2 && new Set(names).size === 3 ? names : undefined
    }, 15_000, 'three peers of OBJ_R')
    expect(peers).toEqual(['n1', 'n2', 'n3'])
  })
})

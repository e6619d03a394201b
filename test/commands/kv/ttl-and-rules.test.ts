/**
 * Per-key TTL and limit markers (ADR-48), deny_delete (ADR-8), the update rules of `kv edit` on the connected
 * server (checked against the server's own answer to each raw update), and read commands that leave no consumer
 * behind. Runs on every server version; each test branches on what the server has.
 */
import {jetstreamManager, type JetStreamManager, type StreamConfig} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KvEntryRecord} from '../../../src/lib/kv/store.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {bucketEditRefusals, diffConfigs, KV_DEFAULTS, type KvConfig, kvStreamConfig, normalizeKvConfig} from '../../../src/lib/kv/config.js'
import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts
let s: string[]
const kv = (...args: string[]) => runCli(['kv', ...args, ...s])
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() && !l.startsWith('(node:') && !l.startsWith('(Use `node'))

beforeAll(async () => {
  server = await startServer()
  s = ['-s', server.url]
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('per-key TTL', () => {
  it('kv put --ttl is refused (exit 2 naming kv create on 2.11+, exit 8 before) and writes nothing', async () => {
    await kv('add', 'PT')
    const r = await kv('put', 'PT', 'k', 'v', '--ttl', '5s')
    const lines = errorLines(r.stderr)
    expect(lines).toHaveLength(1)
    if (facts.caps.has('kv-per-key-ttl')) {
      expect(r.code, r.stderr).toBe(2)
      expect(lines[0]).toContain('kv create PT k --ttl')
    } else {
      expect(r.code, r.stderr).toBe(8)
      expect(lines[0]).toContain(`requires nats-server ${FEATURES['kv-per-key-ttl'].version}; connected server is ${facts.version}`)
    }

    expect((await jsm.streams.info('KV_PT')).state.messages).toBe(0)
    // kv create --ttl in a bucket made without a limit marker TTL: exit 2 saying how to enable it (8 before 2.11)
    const c = await kv('create', 'PT', 'k', 'v', '--ttl', '5s')
    expect(c.code, c.stderr).toBe(facts.caps.has('kv-per-key-ttl') ? 2 : 8)
    if (facts.caps.has('kv-per-key-ttl')) expect(errorLines(c.stderr)).toEqual([expect.stringContaining('kv edit PT --marker-ttl')])
    expect((await jsm.streams.info('KV_PT')).state.messages).toBe(0)
  })

  it('a key made with kv create --ttl expires: get is exit 3, keys leaves it out, history and watch show the marker as PURGE', async () => {
    if (!facts.caps.has('kv-per-key-ttl')) {
      await kv('add', 'CT')
      const r = await kv('create', 'CT', 'k', 'v', '--ttl', '1s')
      expect(r.code, r.stderr).toBe(8)
      expect((await jsm.streams.info('KV_CT')).state.messages).toBe(0)
      return
    }

    // a key's TTL is raised to the bucket's marker TTL (ADR-43), and the marker then lives as long again
    expect((await kv('add', 'CT', '--marker-ttl', '15s', '--history', '5')).code).toBe(0)
    await kv('put', 'CT', 'stays', 'here')
    const c = await kv('create', 'CT', 'brief', 'v', '--ttl', '1s', '--json')
    expect(c.code, c.stderr).toBe(0)
    // the server removes the value and writes a limit marker (Nats-Marker-Reason: MaxAge) in its place
    const marker = await waitFor(async () => {
      const m = await jsm.streams.getMessage('KV_CT', {last_by_subj: '$KV.CT.brief'}).catch(() => null)
      return m?.header?.get('Nats-Marker-Reason') === 'MaxAge' ? m.seq : undefined
    }, 40_000, 'the limit marker')
    expect((await kv('get', 'CT', 'brief')).code).toBe(3)
    expect((await kv('keys', 'CT', '--json')).json<{keys: string[]}>().keys).toEqual(['stays'])
    const hist = (await kv('history', 'CT', 'brief', '--json')).json<{entries: KvEntryRecord[]}>().entries
    expect(hist.map((e) => [e.revision, e.operation])).toEqual([[marker, 'PURGE']])
    const w = await runCli(['kv', 'watch', 'CT', 'brief', '--count', '1', '--json', ...s])
    expect(w.ndjson<KvEntryRecord>().map((e) => e.operation)).toEqual(['PURGE'])
    // --ignore-deletes leaves the marker out: the second entry is the key put after the watch started
    const ign = spawnCli(['kv', 'watch', 'CT', '--ignore-deletes', '--count', '2', '--json', ...s])
    await ign.waitFor('"stays"')
    await kv('put', 'CT', 'later', 'x')
    const ignored = await ign.done
    expect(ignored.ndjson<KvEntryRecord>().map((e) => e.key)).toEqual(['stays', 'later'])
  })
})

describe('deny_delete (ADR-8)', () => {
  it('buckets natsx makes deny deleting single revisions; kv edit --deny-delete fixes an older bucket', async () => {
    expect((await kv('add', 'DD')).code).toBe(0)
    expect((await jsm.streams.info('KV_DD')).config.deny_delete).toBe(true)
    // a revision cannot be deleted from the stream
    await kv('put', 'DD', 'k', 'v')
    await expect(jsm.streams.deleteMessage('KV_DD', 1)).rejects.toThrow()

    // a bucket as nats.js made it before: deny_delete off
    const old: KvConfig = {...KV_DEFAULTS, bucket: 'OLD'}
    await jsm.streams.add({...kvStreamConfig(old), deny_delete: false} as unknown as StreamConfig)
    expect((await jsm.streams.info('KV_OLD')).config.deny_delete).toBe(false)
    const fix = await kv('edit', 'OLD', '--deny-delete', '--json')
    expect(fix.code, fix.stderr).toBe(0)
    expect(fix.json<{changes: unknown[]}>().changes).toEqual([{field: 'deny_delete', from: false, to: true}])
    expect((await jsm.streams.info('KV_OLD')).config.deny_delete).toBe(true)
    const again = await kv('edit', 'OLD', '--deny-delete', '--json')
    expect(again.json<{changes: unknown[]}>().changes).toEqual([])
  })
})

describe('kv edit update rules on the connected server', () => {
  /** Each change tried raw on the server (a stream update of the bucket), and what natsx says of the same change. */
  const cases: Array<{field: 'deny_delete' | keyof KvConfig; from: Partial<KvConfig> & {deny_delete?: boolean}; raw: (sc: Record<string, unknown>) => Record<string, unknown>; to: Partial<KvConfig> & {deny_delete?: boolean}}> = [
    {field: 'history', from: {}, raw: () => ({max_msgs_per_subject: 5}), to: {history: 5}},
    {field: 'ttl_ms', from: {}, raw: () => ({max_age: 3_600_000_000_000}), to: {ttl_ms: 3_600_000}},
    {field: 'max_bucket_size', from: {}, raw: () => ({max_bytes: 1_048_576}), to: {max_bucket_size: 1_048_576}},
    {field: 'max_value_size', from: {}, raw: () => ({max_msg_size: 1024}), to: {max_value_size: 1024}},
    {field: 'description', from: {}, raw: () => ({description: 'changed'}), to: {description: 'changed'}},
    {field: 'storage', from: {}, raw: () => ({storage: 'memory'}), to: {storage: 'memory'}},
    {field: 'compression', from: {}, raw: () => ({compression: 's2'}), to: {compression: true}},
    {field: 'metadata', from: {}, raw: () => ({metadata: {team: 'ops'}}), to: {metadata: {team: 'ops'}}},
    {
      field: 'republish',
      from: {republish: {dest: 'r.v1.>', src: '$KV.X.>'}},
      raw: (sc) => ({republish: {dest: 'r.v2.>', src: (sc.republish as {src: string}).src}}),
      to: {republish: {dest: 'r.v2.>', src: '$KV.X.>'}},
    },
    {field: 'deny_delete', from: {deny_delete: false}, raw: () => ({deny_delete: true}), to: {deny_delete: true}},
    {field: 'deny_delete', from: {}, raw: () => ({deny_delete: false}), to: {deny_delete: false}},
    {
      field: 'marker_ttl_ms',
      from: {},
      raw: () => ({allow_msg_ttl: true, subject_delete_marker_ttl: 5_000_000_000}),
      to: {marker_ttl_ms: 5000},
    },
    // per-key TTL off: the server refuses (it would take subject_delete_marker_ttl 0 alone, but natsx refuses that as
    // well: per-key TTLs would then expire without a marker, which the KV design (ADR-48) rules out)
    {
      field: 'marker_ttl_ms',
      from: {marker_ttl_ms: 5000},
      raw: () => ({allow_msg_ttl: false, subject_delete_marker_ttl: 0}),
      to: {marker_ttl_ms: 0},
    },
  ]

  it('natsx refuses exactly the changes the server does not make (in place, enable-only, re-create)', async () => {
    const seen: string[] = []
    let n = 0
    for (const c of cases) {
      n++
      const bucket = `U${n}`
      const {deny_delete: denyFrom, ...fromCfg} = c.from
      const start: KvConfig = {...KV_DEFAULTS, bucket, ...fromCfg, ...(fromCfg.republish ? {republish: {...fromCfg.republish, src: `$KV.${bucket}.>`}} : {})}
      // a starting point the server cannot hold (marker TTL before 2.11) is not a case on this server
      if (start.marker_ttl_ms && !facts.caps.has('kv-marker-ttl')) continue
      await jsm.streams.add({...kvStreamConfig(start), ...(denyFrom === undefined ? {} : {deny_delete: denyFrom})} as unknown as StreamConfig)
      const before = (await jsm.streams.info(`KV_${bucket}`)).config
      const sc = {...before} as unknown as Record<string, unknown>
      Object.assign(sc, c.raw(sc))
      let accepted = true
      try {
        const after = (await jsm.streams.update(`KV_${bucket}`, sc as unknown as StreamConfig)).config as unknown as Record<string, unknown>
        // a server that drops a field it does not know answers "ok" without the change
        const want = c.field === 'deny_delete' ? sc.deny_delete : (normalizeKvConfig(sc as never) as unknown as Record<string, unknown>)[c.field]
        const got = c.field === 'deny_delete' ? after.deny_delete : (normalizeKvConfig(after as never) as unknown as Record<string, unknown>)[c.field]
        accepted = JSON.stringify(want) === JSON.stringify(got)
      } catch {
        accepted = false
      }

      const fromView = {...normalizeKvConfig(before as never), deny_delete: Boolean(before.deny_delete)}
      const toView = {...fromView, ...c.to, ...(c.to.republish ? {republish: {...c.to.republish, src: `$KV.${bucket}.>`}} : {})}
      const refused = bucketEditRefusals(diffConfigs(fromView, toView), facts.caps)
      seen.push(`${c.field} ${JSON.stringify(c.to)}: server ${accepted ? 'makes it' : 'refuses'}, natsx ${refused.length === 0 ? 'makes it' : refused[0].rule}`)
      expect(refused.length === 0, seen.at(-1)).toBe(accepted)
    }

    expect(seen.length).toBeGreaterThanOrEqual(10)
  })

  it('kv edit itself: an enable-only setting switched off is exit 2 and the bucket keeps it', async () => {
    await kv('add', 'EO')
    const before = (await jsm.streams.info('KV_EO')).config
    if (facts.caps.has('kv-marker-ttl')) {
      expect((await kv('edit', 'EO', '--marker-ttl', '2s')).code).toBe(0)
      expect((await jsm.streams.info('KV_EO')).config).toMatchObject({allow_msg_ttl: true, subject_delete_marker_ttl: 2_000_000_000})
      const off = await kv('edit', 'EO', '--marker-ttl', '0')
      expect(off.code, off.stderr).toBe(2)
      expect(errorLines(off.stderr)).toEqual([expect.stringContaining('marker_ttl_ms can be switched on but never off')])
      expect((await jsm.streams.info('KV_EO')).config.subject_delete_marker_ttl).toBe(2_000_000_000)
    } else {
      const r = await kv('edit', 'EO', '--marker-ttl', '2s')
      expect(r.code, r.stderr).toBe(8)
      expect((await jsm.streams.info('KV_EO')).config).toEqual(before)
    }
  })
})

describe('read commands leave no consumer behind', () => {
  it('kv history, keys, watch and compact; object get, ls and watch', async () => {
    const consumers = async (stream: string): Promise<number> => (await jsm.streams.info(stream)).state.consumer_count
    await kv('add', 'RC', '--history', '3')
    await kv('put', 'RC', 'a', '1')
    await kv('put', 'RC', 'b', '2')
    await kv('del', 'RC', 'b', '--force')
    for (const args of [
      ['history', 'RC', 'a'],
      ['keys', 'RC'],
      ['keys', 'RC', 'nothing.*'],
      ['watch', 'RC', '--count', '1'],
      ['compact', 'RC', '--force'],
    ]) {
      const r = await kv(...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect(await consumers('KV_RC'), args.join(' ')).toBe(0)
    }

    const obj = (...args: string[]) => runCli(['object', ...args, ...s])
    expect((await obj('add', 'RO')).code).toBe(0)
    expect((await runCli(['object', 'put', 'RO', '--name', 'f', ...s], {input: Buffer.alloc(300_000, 7)})).code).toBe(0)
    for (const args of [
      ['get', 'RO', 'f', '--output', '-'],
      ['ls', 'RO'],
      ['watch', 'RO', '--history', '--count', '1'],
    ]) {
      const r = await obj(...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect(await consumers('OBJ_RO'), args.join(' ')).toBe(0)
    }
  })
})

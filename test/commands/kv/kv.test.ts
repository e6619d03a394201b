import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KvBucketSummary, KvEntryRecord} from '../../../src/lib/kv/store.js'

import {type Feature, FEATURES} from '../../../src/lib/capabilities.js'
import {runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, startServer} from '../../helpers/servers.js'

let server: NatsServer
let s: string[]
const kv = (...args: string[]) => runCli(['kv', ...args, ...s])

beforeAll(async () => {
  server = await startServer()
  s = ['-s', server.url]
})
afterAll(async () => {
  await server?.destroy()
})

describe('kv buckets', () => {
  it('adds, shows, lists, edits and removes a bucket with JSON results', async () => {
    const add = await kv('add', 'B1', '--history', '5', '--ttl', '1h', '--max-value-size', '1KiB', '--max-bucket-size', '1MiB', '--description', 'test', '--json')
    expect(add.code, add.stderr).toBe(0)
    expect(add.json<KvBucketSummary>()).toMatchObject({bucket: 'B1', description: 'test', history: 5, max_bucket_size: 1_048_576, max_value_size: 1024, replicas: 1, storage: 'file', ttl_ms: 3_600_000, values: 0})
    // the same configuration again is fine; another one is a conflict
    expect((await kv('add', 'B1', '--history', '5', '--ttl', '1h', '--max-value-size', '1KiB', '--max-bucket-size', '1MiB', '--description', 'test')).code).toBe(0)
    const other = await kv('add', 'B1', '--history', '7', '--json')
    expect(other.code).toBe(4)
    expect(JSON.parse(other.stderr).error.details).toContainEqual({field: 'history', from: 5, to: 7})

    const info = await kv('info', 'B1', '--json')
    expect(info.json<KvBucketSummary>()).toMatchObject({bucket: 'B1', history: 5})
    const human = await kv('info', 'B1')
    expect(human.stdout).toContain('History Kept: 5')

    await kv('put', 'B1', 'k', 'v')
    const ls = await kv('ls', '--json')
    expect(ls.json<KvBucketSummary[]>().find((b) => b.bucket === 'B1')).toMatchObject({history: 5, ttl_ms: 3_600_000, values: 1})

    const edit = await kv('edit', 'B1', '--history', '10', '--description', 'changed', '--json')
    expect(edit.code, edit.stderr).toBe(0)
    const e = edit.json<KvBucketSummary & {changes: Array<{field: string}>}>()
    expect(e.history).toBe(10)
    expect(e.changes.map((c) => c.field).sort()).toEqual(['description', 'history'])
    expect((await kv('edit', 'B1')).code).toBe(2)
    expect((await kv('edit', 'NOPE', '--history', '2')).code).toBe(3)

    const refused = await kv('rm', 'B1')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--force')
    expect((await kv('info', 'B1')).code).toBe(0)
    const rm = await kv('rm', 'B1', '--force', '--json')
    expect(rm.json()).toEqual({bucket: 'B1', deleted: true, values: 1})
    expect((await kv('info', 'B1')).code).toBe(3)
    expect((await kv('rm', 'B1', '--force')).code).toBe(3)
  })

  it('compression, a limit marker TTL and metadata: made where the server has them, exit 8 and nothing made where not', async () => {
    const {caps} = await serverFacts(server)
    const cases: Array<[string, string[], Feature, Partial<KvBucketSummary>]> = [
      ['BC', ['--compress'], 'kv-compression', {compression: true}],
      ['BT', ['--marker-ttl', '5s'], 'kv-marker-ttl', {marker_ttl_ms: 5000}],
      ['BM', ['--metadata', 'a:b'], 'stream-metadata', {metadata: {a: 'b'}}],
    ]
    for (const [bucket, flags, feature, shown] of cases) {
      const r = await kv('add', bucket, ...flags, '--json')
      if (caps.has(feature)) {
        expect(r.code, r.stderr).toBe(0)
        expect((await kv('info', bucket, '--json')).json<KvBucketSummary>()).toMatchObject(shown)
      } else {
        expect(r.code, r.stderr).toBe(8)
        expect(JSON.parse(r.stderr).error.message).toContain(`requires nats-server ${FEATURES[feature].version}; connected server is ${caps.version}`)
        expect((await kv('info', bucket)).code).toBe(3)
      }
    }

    await kv('add', 'B8')
    await kv('put', 'B8', 'k', 'v')
    const edit = await kv('edit', 'B8', '--compress')
    expect(edit.code, edit.stderr).toBe(caps.has('kv-compression') ? 0 : 8)
    expect((await kv('info', 'B8', '--json')).json<KvBucketSummary>().compression).toBe(caps.has('kv-compression'))
  })

  it('rejects bad input with exit 2 before connecting', async () => {
    const none = ['-s', 'nats://127.0.0.1:1']
    for (const args of [
      ['put', 'B', 'bad key', 'v'],
      ['put', 'B', '.lead', 'v'],
      ['get', 'B.x', 'k'],
      ['add', 'B', '--history', '65'],
      ['add', 'B', '--history', 'x'],
      ['add', 'B', '--storage', 'disk'],
      ['update', 'B', 'k', 'v', 'zero'],
      ['revert', 'B', 'k', '0'],
      ['keys', 'B', 'a..b'],
      ['watch', 'B', '--history', '--updates-only'],
    ]) {
      const r = await runCli(['kv', ...args, ...none])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      // one natsx line (a Node warning that oclif emits for parse failures is the foundation's, not counted)
      const lines = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('(node:') && !l.startsWith('(Use `node'))
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^natsx: /)
    }
  })
})

describe('kv keys and values', () => {
  beforeAll(async () => {
    expect((await kv('add', 'K', '--history', '10')).code).toBe(0)
  })

  it('puts from an argument and from stdin, gets with --json, --raw and --revision', async () => {
    const p1 = await kv('put', 'K', 'greeting', 'hello', '--json')
    expect(p1.json()).toMatchObject({bucket: 'K', key: 'greeting', length: 5})
    const r1 = p1.json<{revision: number}>().revision
    const p2 = await runCli(['kv', 'put', 'K', 'greeting', ...s, '--json'], {input: 'from stdin'})
    const r2 = p2.json<{revision: number}>().revision
    expect(r2).toBeGreaterThan(r1)

    const get = await kv('get', 'K', 'greeting', '--json')
    const e = get.json<KvEntryRecord>()
    expect(e).toMatchObject({bucket: 'K', encoding: 'utf8', key: 'greeting', operation: 'PUT', revision: r2, value: 'from stdin'})
    expect(Number.isNaN(Date.parse(e.created))).toBe(false)
    expect((await kv('get', 'K', 'greeting', '--revision', String(r1), '--json')).json<KvEntryRecord>().value).toBe('hello')
    expect((await kv('get', 'K', 'greeting', '--raw')).stdout).toBe('from stdin')
    const human = await kv('get', 'K', 'greeting')
    expect(human.stdout).toContain(`K > greeting revision: ${r2}`)

    const bin = Buffer.from([0, 255, 1, 2, 254])
    await runCli(['kv', 'put', 'K', 'bin', ...s], {input: bin})
    const b = (await kv('get', 'K', 'bin', '--json')).json<KvEntryRecord>()
    expect(b.encoding).toBe('base64')
    expect(Buffer.from(b.value, 'base64').equals(bin)).toBe(true)

    expect((await kv('get', 'K', 'missing')).code).toBe(3)
    expect((await kv('get', 'K', 'greeting', '--revision', '99999')).code).toBe(3)
    expect((await kv('get', 'NOPE', 'greeting')).code).toBe(3)
    expect((await kv('put', 'NOPE', 'k', 'v')).code).toBe(3)
  })

  it('create is exit 4 when the key exists and works again after a delete', async () => {
    const c = await kv('create', 'K', 'lock', 'me', '--json')
    expect(c.code, c.stderr).toBe(0)
    const again = await kv('create', 'K', 'lock', 'you', '--json')
    expect(again.code).toBe(4)
    expect(JSON.parse(again.stderr).error.kind).toBe('conflict')
    expect((await kv('get', 'K', 'lock', '--json')).json<KvEntryRecord>().value).toBe('me')
    expect((await kv('del', 'K', 'lock', '--force')).code).toBe(0)
    expect((await kv('create', 'K', 'lock', 'you')).code).toBe(0)
    expect((await kv('get', 'K', 'lock', '--json')).json<KvEntryRecord>().value).toBe('you')
  })

  it('update is compare-and-set: the current revision wins, a stale one is exit 4 and changes nothing', async () => {
    const r = (await kv('put', 'K', 'cas', 'v1', '--json')).json<{revision: number}>().revision
    const ok = await kv('update', 'K', 'cas', 'v2', String(r), '--json')
    expect(ok.code, ok.stderr).toBe(0)
    const r2 = ok.json<{previous_revision: number; revision: number}>()
    expect(r2.previous_revision).toBe(r)
    expect(r2.revision).toBeGreaterThan(r)
    const stale = await kv('update', 'K', 'cas', 'v3', String(r))
    expect(stale.code).toBe(4)
    expect(stale.stderr).toContain(`is not at revision ${r}`)
    expect((await kv('get', 'K', 'cas', '--json')).json<KvEntryRecord>()).toMatchObject({revision: r2.revision, value: 'v2'})
  })

  it('history lists revisions oldest first with DEL and PURGE markers; revert restores a value', async () => {
    const revs: number[] = []
    for (const v of ['a', 'b', 'c']) revs.push((await kv('put', 'K', 'h', v, '--json')).json<{revision: number}>().revision)
    expect((await kv('del', 'K', 'h')).code).toBe(2)
    expect((await kv('del', 'K', 'h', '--force')).code).toBe(0)
    const hist = (await kv('history', 'K', 'h', '--json')).json<{entries: KvEntryRecord[]}>().entries
    expect(hist.map((e) => [e.operation, e.value])).toEqual([
      ['PUT', 'a'],
      ['PUT', 'b'],
      ['PUT', 'c'],
      ['DEL', ''],
    ])
    const order = hist.map((e) => e.revision)
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1])
    expect(hist.slice(0, 3).map((e) => e.revision)).toEqual(revs)
    expect((await kv('history', 'K', 'h')).stdout).toMatch(/History for K > h/)

    const rev = await kv('revert', 'K', 'h', String(revs[1]), '--json')
    expect(rev.code, rev.stderr).toBe(0)
    const rr = rev.json<{reverted_to: number; revision: number}>()
    expect(rr.reverted_to).toBe(revs[1])
    expect((await kv('get', 'K', 'h', '--json')).json<KvEntryRecord>()).toMatchObject({revision: rr.revision, value: 'b'})
    expect((await kv('revert', 'K', 'h', String(hist[3].revision))).code).toBe(4)
    expect((await kv('revert', 'K', 'h', '999999')).code).toBe(3)

    expect((await kv('purge', 'K', 'h')).code).toBe(2)
    const purge = await kv('purge', 'K', 'h', '--force', '--json')
    expect(purge.json()).toMatchObject({key: 'h', operation: 'PURGE'})
    const after = (await kv('history', 'K', 'h', '--json')).json<{entries: KvEntryRecord[]}>().entries
    expect(after.map((e) => e.operation)).toEqual(['PURGE'])
    expect((await kv('history', 'K', 'never')).code).toBe(3)
    expect((await kv('del', 'K', 'never', '--force')).code).toBe(3)
  })

  it('keys lists live keys, with a filter', async () => {
    await kv('add', 'KEYS')
    for (const k of ['app.a', 'app.b', 'db.x', 'gone']) await kv('put', 'KEYS', k, '1')
    await kv('del', 'KEYS', 'gone', '--force')
    expect((await kv('keys', 'KEYS', '--json')).json()).toEqual({bucket: 'KEYS', keys: ['app.a', 'app.b', 'db.x']})
    expect((await kv('keys', 'KEYS', 'app.*', '--json')).json<{keys: string[]}>().keys).toEqual(['app.a', 'app.b'])
    expect((await kv('keys', 'KEYS')).stdout.trim().split('\n')).toEqual(['app.a', 'app.b', 'db.x'])
  })

  it('compact removes the markers of deleted keys and keeps live keys', async () => {
    await kv('add', 'CMP', '--history', '5')
    for (const v of ['1', '2']) await kv('put', 'CMP', 'dead', v)
    await kv('put', 'CMP', 'live', 'x')
    await kv('del', 'CMP', 'dead', '--force')
    expect((await kv('compact', 'CMP')).code).toBe(2)
    const c = await kv('compact', 'CMP', '--force', '--json')
    expect(c.code, c.stderr).toBe(0)
    expect(c.json()).toEqual({bucket: 'CMP', keys: ['dead'], removed: 3})
    expect((await kv('history', 'CMP', 'dead')).code).toBe(3)
    expect((await kv('get', 'CMP', 'live', '--json')).json<KvEntryRecord>().value).toBe('x')
    expect((await kv('info', 'CMP', '--json')).json<KvBucketSummary>().values).toBe(1)
  })
})

describe('kv watch', () => {
  it('streams puts, deletes and purges as NDJSON', async () => {
    await kv('add', 'W', '--history', '5')
    await kv('put', 'W', 'before', 'old')
    const w = spawnCli(['kv', 'watch', 'W', '--json', '--count', '5', ...s])
    await w.waitFor('watching', 'stderr')
    await w.waitFor('"before"')
    await kv('put', 'W', 'x', 'one')
    await kv('put', 'W', 'x', 'two')
    await kv('del', 'W', 'x', '--force')
    await kv('purge', 'W', 'before', '--force')
    const res = await w.done
    expect(res.code, res.stderr).toBe(0)
    const lines = res.ndjson<KvEntryRecord>()
    expect(lines.map((l) => [l.key, l.operation, l.value])).toEqual([
      ['before', 'PUT', 'old'],
      ['x', 'PUT', 'one'],
      ['x', 'PUT', 'two'],
      ['x', 'DEL', ''],
      ['before', 'PURGE', ''],
    ])
    for (const l of lines) {
      expect(l.bucket).toBe('W')
      expect(l.encoding).toBe('utf8')
      expect(typeof l.delta).toBe('number')
      expect(Number.isNaN(Date.parse(l.created))).toBe(false)
    }

    const revs = lines.map((l) => l.revision)
    expect(revs).toEqual([...revs].sort((a, b) => a - b))
  })

  it('--history replays every revision, --updates-only skips the current values, --ignore-deletes drops markers, a filter selects keys', async () => {
    await kv('add', 'W2', '--history', '5')
    for (const v of ['1', '2', '3']) await kv('put', 'W2', 'a.k', v)
    await kv('put', 'W2', 'b.k', 'other')
    const hist = await runCli(['kv', 'watch', 'W2', 'a.>', '--history', '--count', '3', '--json', ...s])
    expect(hist.ndjson<KvEntryRecord>().map((l) => l.value)).toEqual(['1', '2', '3'])

    const upd = spawnCli(['kv', 'watch', 'W2', '--updates-only', '--ignore-deletes', '--count', '2', '--json', ...s])
    await upd.waitFor('watching', 'stderr')
    await kv('del', 'W2', 'b.k', '--force')
    await kv('purge', 'W2', 'b.k', '--force')
    await kv('put', 'W2', 'a.k', '4')
    await kv('put', 'W2', 'b.k', '5')
    const r = await upd.done
    expect(r.ndjson<KvEntryRecord>().map((l) => [l.key, l.operation, l.value])).toEqual([
      ['a.k', 'PUT', '4'],
      ['b.k', 'PUT', '5'],
    ])

    const human = await runCli(['kv', 'watch', 'W2', 'a.k', '--count', '1', ...s])
    expect(human.stdout).toMatch(/\] PUT W2 > a\.k: 4/)
    expect((await runCli(['kv', 'watch', 'NOPE', ...s])).code).toBe(3)
  })

  it('--revision N starts at revision N: older entries are left out, N and later ones (history included) come', async () => {
    await kv('add', 'W3', '--history', '10')
    for (const [k, v] of [['k1', 'a'], ['k2', 'b'], ['k1', 'c'], ['k3', 'd']]) await kv('put', 'W3', k, v)
    const w = spawnCli(['kv', 'watch', 'W3', '--revision', '3', '--count', '3', '--json', ...s])
    await w.waitFor('"revision":4')
    await kv('put', 'W3', 'k2', 'e')
    const r = await w.done
    expect(r.code, r.stderr).toBe(0)
    expect(r.ndjson<KvEntryRecord>().map((l) => [l.revision, l.key, l.value])).toEqual([
      [3, 'k1', 'c'],
      [4, 'k3', 'd'],
      [5, 'k2', 'e'],
    ])

    // with a filter: the key's own revisions from N on, history included
    const one = await runCli(['kv', 'watch', 'W3', 'k1', '--revision', '1', '--count', '2', '--json', ...s])
    expect(one.ndjson<KvEntryRecord>().map((l) => [l.revision, l.value])).toEqual([
      [1, 'a'],
      [3, 'c'],
    ])
    const human = await runCli(['kv', 'watch', 'W3', '--revision', '5', '--count', '1', ...s])
    expect(human.stdout).toMatch(/\] PUT W3 > k2: e\n/)

    for (const bad of [['--revision', '0'], ['--revision', 'x'], ['--revision', '2', '--history'], ['--revision', '2', '--updates-only']]) {
      const b = await runCli(['kv', 'watch', 'W3', ...bad, ...s])
      expect(b.code, bad.join(' ')).toBe(2)
      expect(b.stderr, bad.join(' ')).toContain('--revision')
      expect(b.stdout).toBe('')
    }
  })
})

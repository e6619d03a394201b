import {spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {closeSync, createReadStream, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ObjBucketSummary, ObjectRecord} from '../../../src/lib/objects/store.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {baseEnv, BIN, runCli, spawnCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let s: string[]
let dir: string
const obj = (...args: string[]) => runCli(['object', ...args, ...s], {timeoutMs: 120_000})

/** Run natsx with stdin from a file and stdout into a file (binary-safe), as a shell redirect would. */
function runFiles(args: string[], io: {stdin?: string; stdout?: string}): Promise<{code: null | number; stderr: string}> {
  const inFd = io.stdin ? openSync(io.stdin, 'r') : 'ignore'
  const outFd = io.stdout ? openSync(io.stdout, 'w') : 'pipe'
  const child = spawn(process.execPath, [BIN, ...args], {env: baseEnv(), stdio: [inFd, outFd, 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  return new Promise((resolve) => {
    child.on('close', (code) => {
      if (typeof inFd === 'number') closeSync(inFd)
      if (typeof outFd === 'number') closeSync(outFd)
      resolve({code, stderr})
    })
  })
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

function randomFile(name: string, size: number): string {
  const path = join(dir, name)
  const fd = openSync(path, 'w')
  for (let done = 0; done < size; ) {
    const n = Math.min(8 * 1024 * 1024, size - done)
    writeFileSync(fd, randomBytes(n))
    done += n
  }

  closeSync(fd)
  return path
}

beforeAll(async () => {
  server = await startServer()
  s = ['-s', server.url]
  dir = mkdtempSync(join(tmpdir(), 'natsx-obj-'))
})
afterAll(async () => {
  await server?.destroy()
  if (dir) rmSync(dir, {force: true, recursive: true})
})

describe('object buckets', () => {
  it('adds, lists, describes and removes buckets; 2.10 options where the server has them, exit 8 where not', async () => {
    const add = await obj('add', 'OB1', '--description', 'files', '--ttl', '1d', '--max-bucket-size', '1GiB', '--json')
    expect(add.code, add.stderr).toBe(0)
    expect(add.json<ObjBucketSummary>()).toMatchObject({bucket: 'OB1', description: 'files', max_bucket_size: 1024 ** 3, sealed: false, storage: 'file', ttl_ms: 86_400_000})
    expect((await obj('add', 'OB1', '--description', 'files', '--ttl', '1d', '--max-bucket-size', '1GiB')).code).toBe(0)
    expect((await obj('add', 'OB1', '--description', 'other')).code).toBe(4)
    // compression and metadata: made where the server has them (2.10+), exit 8 and no bucket where not
    const {caps} = await serverFacts(server)
    for (const [b, flags, feature, shown] of [
      ['OB2', ['--compress'], 'stream-compression', {compression: true}],
      ['OB3', ['--metadata', 'a:b'], 'stream-metadata', {metadata: {a: 'b'}}],
    ] as const) {
      const r = await obj('add', b, ...flags)
      if (caps.has(feature)) {
        expect(r.code, r.stderr).toBe(0)
        expect((await obj('info', b, '--json')).json()).toMatchObject(shown)
        expect((await obj('rm', b, '--force')).code).toBe(0)
      } else {
        expect(r.code, r.stderr).toBe(8)
        expect(r.stderr).toContain(`requires nats-server ${FEATURES[feature].version}; connected server is ${caps.version}`)
        expect((await obj('info', b)).code).toBe(3)
      }
    }

    const ls = await obj('ls', '--json')
    expect(ls.json<ObjBucketSummary[]>().map((b) => b.bucket)).toContain('OB1')
    expect((await obj('info', '--json')).json<ObjBucketSummary[]>().map((b) => b.bucket)).toContain('OB1')
    expect((await obj('info', 'OB1', '--json')).json()).toMatchObject({bucket: 'OB1', objects: 0})
    expect((await obj('rm', 'OB1')).code).toBe(2)
    expect((await obj('rm', 'OB1', '--force', '--json')).json()).toMatchObject({bucket: 'OB1', deleted: true})
    expect((await obj('ls', 'OB1')).code).toBe(3)
    expect((await obj('rm', 'OB1', '--force')).code).toBe(3)
  })
})

describe('object put and get', () => {
  beforeAll(async () => {
    expect((await obj('add', 'F')).code).toBe(0)
  })

  for (const [label, size] of [
    ['0 bytes', 0],
    ['1 byte', 1],
    ['5 MiB', 5 * 1024 * 1024],
  ] as const) {
    it(`round-trips ${label} byte-identical through files and through stdin/stdout`, async () => {
      const src = randomFile(`src-${size}`, size)
      const want = await sha256File(src)
      const put = await obj('put', 'F', src, '--name', `file-${size}`, '--json')
      expect(put.code, put.stderr).toBe(0)
      const rec = put.json<ObjectRecord>()
      expect(rec).toMatchObject({bucket: 'F', deleted: false, name: `file-${size}`, size})
      expect(rec.digest).toBe(`SHA-256=${Buffer.from(want, 'hex').toString('base64url')}=`)
      const out = join(dir, `out-${size}`)
      const get = await obj('get', 'F', `file-${size}`, '--output', out, '--json')
      expect(get.code, get.stderr).toBe(0)
      expect(get.json<ObjectRecord & {output: string}>()).toMatchObject({output: out, size})
      expect(await sha256File(out)).toBe(want)
      const synced = await obj('get', 'F', `file-${size}`, '--output', `${out}.synced`, '--fsync')
      expect(synced.code, synced.stderr).toBe(0)
      expect(await sha256File(`${out}.synced`)).toBe(want)

      const viaStdin = await runFiles(['object', 'put', 'F', '--name', `stdin-${size}`, ...s], {stdin: src})
      expect(viaStdin.code, viaStdin.stderr).toBe(0)
      const outStdout = join(dir, `stdout-${size}`)
      const viaStdout = await runFiles(['object', 'get', 'F', `stdin-${size}`, ...s], {stdout: outStdout})
      expect(viaStdout.code, viaStdout.stderr).toBe(0)
      expect(statSync(outStdout).size).toBe(size)
      expect(await sha256File(outStdout)).toBe(want)
    })
  }

  it('stores the layout nats.js reads, and reads what nats.js stores (digests verified both ways)', async () => {
    const {connect} = await import('@nats-io/transport-node')
    const {Objm} = await import('@nats-io/obj')
    const nc = await connect({servers: server.url})
    try {
      const os = await new Objm(nc).open('F')
      const src = randomFile('compat.bin', 700_001)
      expect((await obj('put', 'F', src, '-H', 'X-Test:1')).code).toBe(0)
      const blob = await os.getBlob('compat.bin')
      expect(Buffer.from(blob!).equals(readFileSync(src))).toBe(true)
      expect((await os.info('compat.bin'))?.headers?.get('X-Test')).toBe('1')
      const data = randomBytes(300_000)
      await os.putBlob({name: 'from-js'}, data)
      const out = join(dir, 'from-js.out')
      expect((await obj('get', 'F', 'from-js', '--output', out)).code).toBe(0)
      expect(readFileSync(out).equals(data)).toBe(true)
    } finally {
      await nc.close()
    }
  })

  it('refuses an object whose data does not match its digest: exit 1 and no file', async () => {
    const {connect} = await import('@nats-io/transport-node')
    const {Objm} = await import('@nats-io/obj')
    const {jetstream} = await import('@nats-io/jetstream')
    const nc = await connect({servers: server.url})
    try {
      const src = randomFile('good.bin', 400_000)
      expect((await obj('put', 'F', src)).code).toBe(0)
      const good = await new Objm(nc).open('F').then((os) => os.info('good.bin'))
      // metadata that points at good.bin's chunks with the digest of other data
      const name = 'corrupt.bin'
      const meta = {bucket: 'F', chunks: good!.chunks, deleted: false, description: '', digest: `SHA-256=${createHash('sha256').update('other').digest('base64url')}=`, mtime: new Date().toISOString(), name, nuid: good!.nuid, options: {max_chunk_size: 131_072}, size: good!.size}
      await jetstream(nc).publish(`$O.F.M.${Buffer.from(name).toString('base64url')}=`, JSON.stringify(meta))
      const out = join(dir, 'corrupt.out')
      const r = await obj('get', 'F', name, '--output', out)
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/arrived corrupt/)
      expect(existsSync(out)).toBe(false)
      expect(readdirSync(dir).filter((f) => f.endsWith('.natsx-part'))).toEqual([])
    } finally {
      await nc.close()
    }
  })

  it('keeps the description and headers, lists objects, and refuses to overwrite without --force', async () => {
    const src = randomFile('meta.bin', 1000)
    const put = await obj('put', 'F', src, '--description', 'a test', '-H', 'Content-Type:application/octet-stream', '--json')
    expect(put.code, put.stderr).toBe(0)
    const infoRes = await obj('info', 'F', 'meta.bin', '--json')
    expect(infoRes.code, infoRes.stderr).toBe(0)
    const info = infoRes.json<ObjectRecord>()
    expect(info).toMatchObject({chunks: 1, description: 'a test', headers: {'Content-Type': ['application/octet-stream']}, name: 'meta.bin', size: 1000})
    const list = (await obj('ls', 'F', '--json')).json<ObjectRecord[]>()
    expect(list.find((o) => o.name === 'meta.bin')).toMatchObject({chunks: 1, digest: info.digest, size: 1000})
    expect((await obj('ls', 'F')).stdout).toContain('meta.bin')

    expect((await obj('put', 'F', src)).code).toBe(2)
    expect((await obj('put', 'F', src, '--force')).code).toBe(0)

    const out = join(dir, 'exists.bin')
    writeFileSync(out, 'keep me')
    const refused = await obj('get', 'F', 'meta.bin', '--output', out)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--force')
    expect(readFileSync(out, 'utf8')).toBe('keep me')
    expect((await obj('get', 'F', 'meta.bin', '--output', out, '--force')).code).toBe(0)
    expect(readFileSync(out).equals(readFileSync(src))).toBe(true)
    expect(readdirSync(dir).filter((f) => f.endsWith('.natsx-part'))).toEqual([])
  })

  it('reports bad input with exit 2 and missing objects and buckets with exit 3', async () => {
    expect((await obj('get', 'F', 'meta.bin', '--json')).code).toBe(2)
    expect((await obj('put', 'F', join(dir, 'does-not-exist'))).code).toBe(2)
    expect((await obj('put', 'F')).code).toBe(2)
    expect((await obj('put', 'F', dir)).code).toBe(2)
    const missing = join(dir, 'never')
    expect((await obj('get', 'F', 'nope', '--output', missing)).code).toBe(3)
    expect(existsSync(missing)).toBe(false)
    expect((await obj('get', 'NOPE', 'x', '--output', missing)).code).toBe(3)
    expect((await obj('info', 'F', 'nope')).code).toBe(3)
    expect((await obj('del', 'F', 'nope', '--force')).code).toBe(3)
  })

  it('deletes objects, watches changes as NDJSON and seals a bucket', async () => {
    await obj('add', 'WB')
    const w = spawnCli(['object', 'watch', 'WB', '--json', '--count', '3', ...s])
    await w.waitFor('watching', 'stderr')
    const src = randomFile('w.bin', 300_000)
    await obj('put', 'WB', src)
    expect((await obj('del', 'WB', 'w.bin')).code).toBe(2)
    const del = await obj('del', 'WB', 'w.bin', '--force', '--json')
    expect(del.json()).toEqual({bucket: 'WB', deleted: true, name: 'w.bin', size: 300_000})
    await obj('put', 'WB', src, '--name', 'again')
    const res = await w.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.ndjson<ObjectRecord>().map((r) => [r.name, r.deleted, r.size])).toEqual([
      ['w.bin', false, 300_000],
      ['w.bin', true, 0],
      ['again', false, 300_000],
    ])
    expect((await obj('info', 'WB', 'w.bin')).code).toBe(3)

    expect((await obj('seal', 'WB')).code).toBe(2)
    const seal = await obj('seal', 'WB', '--force', '--json')
    expect(seal.json<ObjBucketSummary>().sealed).toBe(true)
    expect((await obj('put', 'WB', src, '--name', 'late')).code).toBe(4)
    expect((await obj('del', 'WB', 'again', '--force')).code).toBe(4)
    const out = join(dir, 'sealed-read')
    expect((await obj('get', 'WB', 'again', '--output', out)).code).toBe(0)
  })

  it('round-trips 256 MiB through files and stdin/stdout with flat memory; a killed server leaves no file and exit 6', {timeout: 300_000}, async () => {
    const size = 256 * 1024 * 1024
    const src = randomFile('big', size)
    const want = await sha256File(src)
    const put = await obj('put', 'F', src, '--json')
    expect(put.code, put.stderr).toBe(0)
    expect(put.json<ObjectRecord>().size).toBe(size)
    const out = join(dir, 'big.out')
    // peak RSS of the get, from the child's own /proc status just before it exits is not readable: use GNU time
    const timed = existsSync('/usr/bin/time')
    const args = ['object', 'get', 'F', 'big', '--output', out, ...s]
    const get = timed ? await runTimed(args) : {...(await runFiles(args, {})), maxRssKb: 0}
    expect(get.code, get.stderr).toBe(0)
    expect(await sha256File(out)).toBe(want)
    if (timed) expect(get.maxRssKb).toBeLessThan(200 * 1024)

    const viaStdin = await runFiles(['object', 'put', 'F', '--name', 'big-stdin', ...s], {stdin: src})
    expect(viaStdin.code, viaStdin.stderr).toBe(0)
    const outStdout = join(dir, 'big.stdout')
    const viaStdout = await runFiles(['object', 'get', 'F', 'big-stdin', ...s], {stdout: outStdout})
    expect(viaStdout.code, viaStdout.stderr).toBe(0)
    expect(await sha256File(outStdout)).toBe(want)

    // kill the server while a get is writing: wait until the temporary file has data, then stop the server
    const target = join(dir, 'killed.out')
    const child = spawnCli(['object', 'get', 'F', 'big', '--output', target, ...s], {timeoutMs: 120_000})
    const part = await waitFor(
      () => {
        const f = readdirSync(dir).find((n) => n.startsWith('.killed.out.') && n.endsWith('.natsx-part'))
        return f && statSync(join(dir, f)).size > 0 ? f : undefined
      },
      60_000,
      'the temporary file to receive data',
    )
    expect(part).toBeTruthy()
    await server.stop()
    const res = await child.done
    await server.start()
    expect(res.code, res.stderr).toBe(6)
    expect(res.stderr).toMatch(/lost the connection|connection/)
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.natsx-part'))).toEqual([])

    // Ctrl-C during a get: exit 130, no file at the target, no temporary file
    const target2 = join(dir, 'interrupted.out')
    const child2 = spawnCli(['object', 'get', 'F', 'big', '--output', target2, ...s], {timeoutMs: 120_000})
    await waitFor(
      () => {
        const f = readdirSync(dir).find((n) => n.startsWith('.interrupted.out.') && n.endsWith('.natsx-part'))
        return f && statSync(join(dir, f)).size > 0 ? f : undefined
      },
      60_000,
      'the temporary file to receive data',
    )
    child2.child.kill('SIGINT')
    const res2 = await child2.done
    expect(res2.code, res2.stderr).toBe(130)
    expect(existsSync(target2)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.natsx-part'))).toEqual([])
  })
})

function runTimed(args: string[]): Promise<{code: null | number; maxRssKb: number; stderr: string}> {
  const child = spawn('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, BIN, ...args], {env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const m = /MAXRSS (\d+)/.exec(stderr)
      resolve({code, maxRssKb: m ? Number(m[1]) : Number.POSITIVE_INFINITY, stderr})
    })
  })
}

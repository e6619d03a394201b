// stream backup --check (a backup checked without restoring it) and stream restore somewhere else: --replicas,
// --cluster and --tag into a 3-node cluster whose servers carry tags, --config with another name and subjects, and the
// bad inputs (one line, the right exit code, nothing made on the server).
import {jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamBackupResult} from '../../../src/commands/stream/backup.js'
import type {StreamRestoreResult} from '../../../src/commands/stream/restore.js'

import {runCli} from '../../helpers/cli.js'
import {freePort, NatsServer, serverFacts, type ServerFacts, startServer, waitFor, waitForMetaLeader} from '../../helpers/servers.js'

let source: NatsServer
let servers: NatsServer[]
let tmp: string
let backup: string
let snc: NatsConnection
let cnc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts

/** A 3-node cluster, server nI tagged az:I (the shared helper gives every node the same configuration). */
async function taggedCluster(): Promise<NatsServer[]> {
  const ports = await Promise.all([1, 2, 3].map(async () => ({client: await freePort(), cluster: await freePort(), monitor: await freePort()})))
  const routes = ports.map((p) => `nats://127.0.0.1:${p.cluster}`)
  const nodes = ports.map((p, i) => new NatsServer({config: `server_tags: ["az:${i + 1}"]\n`, name: `n${i + 1}`}, p, routes))
  await Promise.all(nodes.map((s) => s.start()))
  await waitForMetaLeader(nodes)
  return nodes
}

const streamNames = async (): Promise<string[]> => {
  const names: string[] = []
  for await (const n of jsm.streams.names()) names.push(n)
  return names.sort()
}

const onCluster = (args: string[]) => runCli([...args, '--server', servers[0].url, '--timeout', '10s'])

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'natsx-restore-'))
  ;[source, servers] = await Promise.all([startServer(), taggedCluster()])
  snc = await connect({servers: source.url})
  cnc = await connect({servers: servers.map((s) => s.url)})
  jsm = await jetstreamManager(cnc)
  facts = await serverFacts(servers[0])
  const sjsm = await jetstreamManager(snc)
  await sjsm.streams.add({name: 'SRC', subjects: ['src.>']})
  await sjsm.consumers.add('SRC', {ack_policy: 'explicit' as never, durable_name: 'C1'})
  for (let i = 0; i < 100; i++) await snc.request(`src.${i % 5}`, `message ${i}`, {timeout: 10_000})
  backup = join(tmp, 'src')
  const r = await runCli(['stream', 'backup', 'SRC', backup, '--server', source.url])
  expect(r.code, r.stderr).toBe(0)
}, 90_000)

afterAll(async () => {
  await snc?.close()
  await cnc?.close()
  await Promise.all([source?.destroy(), ...(servers ?? []).map((s) => s.destroy())])
  if (tmp) rmSync(tmp, {force: true, recursive: true})
})

/** A copy of the good backup, damaged by `harm`. */
function damaged(name: string, harm: (dir: string) => void): string {
  const dir = join(tmp, name)
  cpSync(backup, dir, {recursive: true})
  harm(dir)
  return dir
}

describe('stream backup --check', () => {
  it('a good backup passes with its checksum verified; the natscli form (NAME DIR --check) backs up and checks', async () => {
    const r = await runCli(['stream', 'backup', '--check', backup, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<StreamBackupResult>()).toMatchObject({checksum: 'verified', messages: 100, stream: 'SRC'})
    const text = await runCli(['stream', 'backup', '--check', backup])
    expect(text.stdout).toMatch(/^Backup of stream SRC in .* is complete: 100 messages, .* in \d+ S2 frames, checksum verified/)
    const both = await runCli(['stream', 'backup', 'SRC', join(tmp, 'checked'), '--check', '--server', source.url, '--json'])
    expect(both.code, both.stderr).toBe(0)
    expect(both.json()).toMatchObject({check: {checksum: 'verified', messages: 100, stream: 'SRC'}, messages: 100, stream: 'SRC'})
  }, 180_000)

  it('a damaged backup: exit 2 with one line naming what is wrong', async () => {
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      ['truncated', (d) => truncateSync(join(d, 'stream.tar.s2'), 300), /stream\.tar\.s2 is damaged: frame \d+ at byte \d+ needs \d+ bytes, \d+ are left \(truncated\)/],
      ['changed', (d) => {
        const f = join(d, 'stream.tar.s2')
        const b = readFileSync(f)
        b.writeUInt8(255 - b.readUInt8(b.length - 5), b.length - 5)
        writeFileSync(f, b)
      }, /stream\.tar\.s2 does not match the SHA-256 backup\.json records/],
      ['no-meta', (d) => rmSync(join(d, 'backup.json')), /backup\.json is missing/],
      ['no-data', (d) => rmSync(join(d, 'stream.tar.s2')), /stream\.tar\.s2 is missing/],
      ['bad-json', (d) => writeFileSync(join(d, 'backup.json'), '{"config":'), /backup\.json is not JSON/],
      // a backup that records no checksum (as natscli writes them): the S2 frames alone show the truncation
      ['natscli-truncated', (d) => {
        const meta = JSON.parse(readFileSync(join(d, 'backup.json'), 'utf8'))
        writeFileSync(join(d, 'backup.json'), JSON.stringify({config: meta.config, state: meta.state}))
        truncateSync(join(d, 'stream.tar.s2'), 300)
      }, /stream\.tar\.s2 is damaged: .*\(truncated\)/],
      ['trailing', (d) => writeFileSync(join(d, 'stream.tar.s2'), Buffer.concat([readFileSync(join(d, 'stream.tar.s2')), Buffer.from('junk')])), /stream\.tar\.s2 is damaged: .*truncated/],
    ]
    for (const [name, harm, why] of cases) {
      const r = await runCli(['stream', 'backup', '--check', damaged(name, harm)])
      expect(r.code, `${name}: ${r.stderr}`).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1)
      expect(r.stderr, name).toMatch(why)
      expect(r.stderr).toContain(`the backup in ${join(tmp, name)} is damaged`)
    }

    const json = await runCli(['stream', 'backup', '--check', join(tmp, 'truncated'), '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stderr).error.message).toMatch(/truncated/)
    for (const args of [['--check', join(tmp, 'nothing')], ['--check'], ['SRC']]) {
      const r = await runCli(['stream', 'backup', ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  }, 180_000)
})

describe('stream restore somewhere else', () => {
  it('--replicas 3 into the cluster: three peers, every message, the consumer with it', async () => {
    const r = await onCluster(['stream', 'restore', backup, '--replicas', '3', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<StreamRestoreResult>()).toMatchObject({overrides: ['num_replicas'], stream: {config: {name: 'SRC', num_replicas: 3}}})
    const info = await waitFor(async () => {
      const si = await jsm.streams.info('SRC')
      return si.cluster?.leader && si.cluster.replicas?.length === 2 && si.cluster.replicas.every((p) => p.current) ? si : undefined
    }, 30_000, 'SRC with three current peers')
    expect(info.state.messages).toBe(100)
    expect(info.config.num_replicas).toBe(3)
    expect([info.cluster!.leader, ...info.cluster!.replicas!.map((p) => p.name)].sort()).toEqual(['n1', 'n2', 'n3'])
    expect((await jsm.consumers.info('SRC', 'C1')).name).toBe('C1')
  }, 180_000)

  it('--config with another name and subjects, placed by --tag and --cluster: a second stream beside the first, on the tagged server', async () => {
    const cfg = join(tmp, 'copy.json')
    writeFileSync(cfg, JSON.stringify({name: 'COPY', subjects: ['copy.>']}))
    const placed = ['--tag', 'az:2', '--cluster', 'natsx-test']
    let name = 'COPY'
    if (facts.caps.has('restore-rename')) {
      const r = await onCluster(['stream', 'restore', backup, '--config', cfg, ...placed, '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.json<StreamRestoreResult>().overrides.sort()).toEqual(['name', 'placement', 'subjects'])
    } else {
      // a server that restores a snapshot only under its own name: refused before anything is sent
      const before = await streamNames()
      const r = await onCluster(['stream', 'restore', backup, '--config', cfg, ...placed])
      expect(r.code).toBe(8)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/restoring stream "SRC" as "COPY" .* requires nats-server \d+\.\d+\.\d+; connected server is /)
      expect(await streamNames()).toEqual(before)
      // the placement alone, under the backup's own name (and its own subjects in the file)
      await jsm.streams.delete('SRC')
      writeFileSync(cfg, JSON.stringify({name: 'SRC', subjects: ['copy.>']}))
      const own = await onCluster(['stream', 'restore', backup, '--config', cfg, ...placed, '--json'])
      expect(own.code, own.stderr).toBe(0)
      expect(own.json<StreamRestoreResult>().overrides.sort()).toEqual(['placement', 'subjects'])
      name = 'SRC'
    }

    const info = await waitFor(async () => {
      const si = await jsm.streams.info(name)
      return si.cluster?.leader ? si : undefined
    }, 30_000, `${name} with a leader`)
    expect(info.cluster!.leader).toBe('n2')
    expect(info.config.subjects).toEqual(['copy.>'])
    expect(info.config.placement).toMatchObject({cluster: 'natsx-test', tags: ['az:2']})
    expect(info.state.messages).toBe(100)
    // the stored messages keep their subjects; new ones come in on the new subjects
    expect((await jsm.streams.getMessage(name, {seq: 1}))?.subject).toBe('src.0')
    await cnc.request('copy.new', 'new', {timeout: 10_000})
    expect((await jsm.streams.info(name)).state.messages).toBe(101)
    expect((await jsm.consumers.info(name, 'C1')).name).toBe('C1')
    const text = await onCluster(['stream', 'restore', backup, '--config', cfg])
    expect(text.code).toBe(4)
    expect(text.stderr).toMatch(new RegExp(`stream "${name}" already exists`))
  }, 180_000)

  it('bad inputs: one line, the right exit code, no stream made', async () => {
    const named = (name: string): string => {
      const f = join(tmp, `${name}.json`)
      writeFileSync(f, JSON.stringify({name, subjects: [`${name.toLowerCase()}.>`]}))
      return f
    }

    // where the server restores only under the backup's own name, the placement cases use that name (SRC removed)
    const rename = facts.caps.has('restore-rename')
    const as = (name: string): string[] => (rename ? ['--config', named(name)] : [])
    if (!rename && (await streamNames()).includes('SRC')) await jsm.streams.delete('SRC')
    const before = await streamNames()
    const cases: Array<[string[], number, RegExp]> = [
      [[...as('BAD1'), '--cluster', 'nowhere'], 2, /no suitable peers/],
      [[...as('BAD2'), '--tag', 'az:9'], 2, /no suitable peers/],
      [[...as('BAD3'), '--replicas', '9'], 2, /--replicas 9 is not between 1 and 5/],
      [['--config', join(tmp, 'missing.json')], 2, /missing\.json/],
      [['--config', named('bad name')], 2, /--config: /],
      [[...as('BAD4'), '--replicas', '0'], 2, /replicas/i],
    ]
    for (const [args, code, why] of cases) {
      const r = await onCluster(['stream', 'restore', backup, ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code)
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(r.stderr, args.join(' ')).toMatch(why)
    }

    expect(await streamNames()).toEqual(before)

    // a damaged backup (its own name changed in backup.json): refused before anything is sent
    const broken = damaged('broken', (d) => {
      const meta = JSON.parse(readFileSync(join(d, 'backup.json'), 'utf8'))
      meta.config = {...meta.config, name: 'BROKEN', subjects: ['broken.>']}
      writeFileSync(join(d, 'backup.json'), JSON.stringify(meta))
      truncateSync(join(d, 'stream.tar.s2'), 300)
    })
    const r = await onCluster(['stream', 'restore', broken])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/the backup in .* is damaged: .*truncated/)
    expect(await streamNames()).toEqual(before)

    // the stream exists: exit 4
    if (!before.includes('SRC')) expect((await onCluster(['stream', 'restore', backup])).code).toBe(0)
    const exists = await onCluster(['stream', 'restore', backup])
    expect(exists.code).toBe(4)
    expect(exists.stderr).toMatch(/stream "SRC" already exists/)

    // placement and replicas need a clustered JetStream: a lone server refuses them before anything is sent
    const lone = await runCli(['stream', 'restore', backup, '--replicas', '3', '--server', source.url])
    expect(lone.code).toBe(8)
    expect(lone.stderr.trim().split('\n')).toHaveLength(1)
    expect(lone.stderr).toMatch(/needs a clustered JetStream/)
    const sjsm = await jetstreamManager(snc)
    const names: string[] = []
    for await (const n of sjsm.streams.names()) names.push(n)
    expect(names).toEqual(['SRC'])
  }, 180_000)
})

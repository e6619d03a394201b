import {jetstream, jetstreamManager, type JetStreamManager, type StreamInfo} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import type {StreamAddResult} from '../../../src/commands/stream/add.js'
import type {StreamEditResult} from '../../../src/commands/stream/edit.js'
import type {StreamReportRow} from '../../../src/lib/streams/ops.js'

import {compareVersions, FEATURES} from '../../../src/lib/capabilities.js'
import {type MessageRecord} from '../../../src/lib/messages.js'
import {restoresOn} from '../../../src/lib/streams/snapshot.js'
import {baseEnv, BIN, runCli} from '../../helpers/cli.js'
import {NATS_SERVER, type NatsServer, serverFacts, startServer} from '../../helpers/servers.js'

let a: NatsServer
let b: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
const tmp = mkdtempSync(join(tmpdir(), 'natsx-stream-test-'))
/** the three nats-server binaries of the test matrix (bookworm's, trixie's, sid's): a second version beside the one under test */
const OTHER_SERVERS = ['/usr/sbin/nats-server', ...['trixie', 'sid'].map((suite) => join(process.cwd(), '.servers', suite, 'usr', 'sbin', 'nats-server'))]

const cli = (args: string[], server: NatsServer = a) => runCli([...args, '-s', server.url])

async function streamNames(m: JetStreamManager): Promise<string[]> {
  const out: string[] = []
  for await (const n of m.streams.names()) out.push(n)
  return out.sort()
}

async function publish(subject: string, n: number, prefix = 'msg'): Promise<void> {
  const js = jetstream(nc)
  for (let i = 1; i <= n; i++) await js.publish(subject, `${prefix} ${i}`)
}

beforeAll(async () => {
  ;[a, b] = await Promise.all([startServer(), startServer()])
  nc = await connect({servers: a.url})
  jsm = await jetstreamManager(nc)
})
afterAll(async () => {
  await nc?.close()
  await Promise.all([a?.destroy(), b?.destroy()])
})

describe('stream ls on an empty server', () => {
  it('prints [] under --json and a note for people', async () => {
    const res = await cli(['stream', 'ls', '--json'], b)
    expect(res.code, res.stderr).toBe(0)
    expect(res.json()).toEqual([])
    const human = await cli(['stream', 'ls'], b)
    expect(human.stdout).toContain('No streams defined')
  })
})

describe('stream add', () => {
  it('creates a stream with every 2.9 option given as a flag', async () => {
    const res = await cli([
      'stream', 'add', 'ALL', '--subjects', 'all.a,all.b', '--subjects', 'all.c.>', '--storage', 'memory', '--retention', 'limits',
      '--discard', 'new', '--discard-per-subject', '--max-msgs', '1000', '--max-bytes', '1MiB', '--max-age', '1h30m', '--max-msg-size', '64KiB',
      '--max-msgs-per-subject', '10', '--max-consumers', '5', '--dupe-window', '1m', '--allow-rollup', '--allow-direct', '--deny-delete',
      '--republish-source', 'all.>', '--republish-destination', 'copy.all.>', '--republish-headers', '--description', 'every option', '--json',
    ])
    expect(res.code, res.stderr).toBe(0)
    const out = res.json<StreamAddResult>()
    expect(out.action).toBe('created')
    expect(out.stream.config).toMatchObject({
      allow_direct: true,
      allow_rollup_hdrs: true,
      deny_delete: true,
      deny_purge: false,
      description: 'every option',
      discard: 'new',
      discard_new_per_subject: true,
      duplicate_window: 60e9,
      max_age: 5400e9,
      max_bytes: 1024 * 1024,
      max_consumers: 5,
      max_msg_size: 64 * 1024,
      max_msgs: 1000,
      max_msgs_per_subject: 10,
      name: 'ALL',
      republish: {dest: 'copy.all.>', headers_only: true, src: 'all.>'},
      storage: 'memory',
      subjects: ['all.a', 'all.b', 'all.c.>'],
    })
    const si = await jsm.streams.info('ALL')
    expect(si.config.max_age).toBe(5400e9)
  })

  it('creates mirrors and sourced streams, and an interest stream', async () => {
    await cli(['stream', 'add', 'SRC1', '--subjects', 'src1.>', '--allow-direct'])
    await publish('src1.x', 3)
    const m = await cli(['stream', 'add', 'MIR', '--mirror', 'SRC1', '--allow-mirror-direct', '--json'])
    expect(m.code, m.stderr).toBe(0)
    expect(m.json<StreamAddResult>().stream.config).toMatchObject({mirror: {name: 'SRC1'}, mirror_direct: true})
    // the server decides mirror_direct from the origin: re-adding without the flag is still "unchanged"
    const again = await cli(['stream', 'add', 'MIR', '--mirror', 'SRC1'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('unchanged')
    const s = await cli(['stream', 'add', 'AGG', '--source', 'SRC1', '--source', 'ALL', '--retention', 'interest', '--json'])
    expect(s.code, s.stderr).toBe(0)
    expect(s.json<StreamAddResult>().stream.config.sources?.map((x) => x.name)).toEqual(['SRC1', 'ALL'])
    expect(s.json<StreamAddResult>().stream.config.retention).toBe('interest')
    const wq = await cli(['stream', 'add', 'WQ', '--subjects', 'wq.>', '--retention', 'work', '--json'])
    expect(wq.json<StreamAddResult>().stream.config.retention).toBe('workqueue')
  })

  it('refuses --allow-rollup with --deny-purge before asking the server', async () => {
    const res = await cli(['stream', 'add', 'ROLL', '--subjects', 'roll.>', '--allow-rollup', '--deny-purge'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('roll-ups need purges')
    expect(await streamNames(jsm)).not.toContain('ROLL')
  })
})

describe('idempotency matrix', () => {
  it('same config → 0 "unchanged"; different → 4 with the diff; edit --dry-run → 5 / 0', async () => {
    const args = ['stream', 'add', 'IDEM', '--subjects', 'idem.>', '--max-age', '1h', '--max-bytes', '1GiB']
    const first = await cli(args)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain('was created')

    const again = await cli(args)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('unchanged')
    const againJson = await cli([...args, '--json'])
    expect(againJson.json<StreamAddResult>().action).toBe('unchanged')

    // defaults the server fills in are the same as leaving them out
    const explicit = await cli([...args, '--storage', 'file', '--replicas', '1', '--discard', 'old', '--max-msgs', '-1', '--dupe-window', '2m'])
    expect(explicit.code, explicit.stderr).toBe(0)
    expect(explicit.stdout).toContain('unchanged')

    const different = await cli(['stream', 'add', 'IDEM', '--subjects', 'idem.>', '--max-age', '2h', '--max-bytes', '1GiB'])
    expect(different.code).toBe(4)
    expect(different.stderr).toContain('max_age 3600000000000 → 7200000000000')
    expect(different.stderr).toMatch(/stream edit|apply/)
    const differentJson = await cli(['stream', 'add', 'IDEM', '--subjects', 'idem.>', '--max-age', '2h', '--max-bytes', '1GiB', '--json'])
    expect(differentJson.code).toBe(4)
    const err = JSON.parse(differentJson.stderr) as {error: {details: {diff: Array<{field: string}>}; kind: string}}
    expect(err.error.kind).toBe('conflict')
    expect(err.error.details.diff.map((d) => d.field)).toEqual(['max_age'])
    expect((await jsm.streams.info('IDEM')).config.max_age).toBe(3600e9)

    const dry = await cli(['stream', 'edit', 'IDEM', '--max-age', '2h', '--dry-run'])
    expect(dry.code).toBe(5)
    expect(dry.stdout).toContain('max_age: 3600000000000 → 7200000000000')
    expect((await jsm.streams.info('IDEM')).config.max_age).toBe(3600e9)

    const dryNone = await cli(['stream', 'edit', 'IDEM', '--max-age', '1h', '--dry-run', '--json'])
    expect(dryNone.code, dryNone.stderr).toBe(0)
    expect(dryNone.json<StreamEditResult>()).toMatchObject({applied: false, diff: []})

    const edit = await cli(['stream', 'edit', 'IDEM', '--max-age', '2h', '--description', 'two hours', '--json'])
    expect(edit.code, edit.stderr).toBe(0)
    const edited = edit.json<StreamEditResult>()
    expect(edited.applied).toBe(true)
    expect(edited.diff.map((d) => d.field)).toEqual(['description', 'max_age'])
    expect((await jsm.streams.info('IDEM')).config).toMatchObject({description: 'two hours', max_age: 7200e9})

    const dryAfter = await cli(['stream', 'edit', 'IDEM', '--max-age', '2h', '--dry-run'])
    expect(dryAfter.code).toBe(0)
  })

  it('edit --config takes the whole desired configuration, and --dry-run reports it', async () => {
    const file = join(tmp, 'idem.yaml')
    writeFileSync(file, stringify({allow_direct: true, max_age: 7_200_000_000_000, max_bytes: 1_073_741_824, name: 'IDEM', subjects: ['idem.>']}))
    const dry = await cli(['stream', 'edit', 'IDEM', '--config', file, '--dry-run', '--json'])
    expect(dry.code).toBe(5)
    expect(dry.stdout.length).toBeGreaterThan(0)
    expect(JSON.parse(dry.stderr).error.details.diff.map((d: {field: string}) => d.field)).toEqual(['description'])
  })

  it('changes in place what the connected server can; the rest is exit 2 (never) or 8 (a newer server can), nothing changed', async () => {
    const facts = await serverFacts(a)
    expect((await cli(['stream', 'add', 'IMMUT', '--subjects', 'immut.>', '--max-consumers', '5'])).code).toBe(0)
    const before = (await jsm.streams.info('IMMUT')).config
    for (const args of [['--storage', 'memory'], ['--retention', 'work']]) {
      const res = await cli(['stream', 'edit', 'IMMUT', ...args, '--max-age', '3h'])
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stderr).toMatch(/cannot be changed (to or from workqueue )?after the stream is created/)
      expect(res.stderr.split('\n').filter((l) => l.startsWith('natsx:'))).toHaveLength(1)
    }

    expect((await jsm.streams.info('IMMUT')).config).toEqual(before)
    // limits → interest from 2.10, max_consumers from 2.15: in place there, exit 8 naming the version before
    for (const [args, feature, field, value] of [
      [['--retention', 'interest'], 'retention-limits-interest', 'retention', 'interest'],
      [['--max-consumers', '3'], 'update-max-consumers', 'max_consumers', 3],
    ] as const) {
      const res = await cli(['stream', 'edit', 'IMMUT', ...args, '--json'])
      if (facts.caps.has(feature)) {
        expect(res.code, res.stderr).toBe(0)
        expect(res.json<StreamEditResult>()).toMatchObject({applied: true, diff: [{field}]})
        expect((await jsm.streams.info('IMMUT')).config[field]).toBe(value)
      } else {
        expect(res.code, res.stderr).toBe(8)
        const err = JSON.parse(res.stderr).error as {kind: string; message: string}
        expect(err.kind).toBe('unsupported')
        expect(err.message).toContain(`nats-server ${FEATURES[feature].version} changes it in place, the connected server is ${facts.version}`)
        expect((await jsm.streams.info('IMMUT')).config[field]).toBe(before[field])
      }
    }

    const idem = (await jsm.streams.info('IDEM')).config
    await cli(['stream', 'edit', 'IDEM', '--deny-delete'])
    const off = await cli(['stream', 'edit', 'IDEM', '--no-deny-delete'])
    expect(off.code).toBe(2)
    expect(off.stderr).toContain('deny_delete cannot be turned off')
    expect((await jsm.streams.info('IDEM')).config).toEqual({...idem, deny_delete: true})
  })
})

describe('capability refusals (exit 8, nothing sent)', () => {
  it('a server without a field silently drops it (2.9, 2.10) or rejects it (2.12+): the reason natsx refuses it there', async () => {
    const facts = await serverFacts(a)
    for (const [feature, field, value] of [
      ['msg-ttl', 'allow_msg_ttl', true],
      ['persist-mode', 'persist_mode', 'async'],
      ['fast-batch', 'allow_batched', true],
    ] as const) {
      const name = `RAW_${field.toUpperCase()}`
      const res = (await nc.request(`$JS.API.STREAM.CREATE.${name}`, JSON.stringify({[field]: value, name, subjects: [`${name}.>`]}), {timeout: 10_000})).json<{config?: Record<string, unknown>; error?: {err_code: number}}>()
      if (facts.caps.has(feature)) expect(res.config?.[field], field).toBe(value)
      else if (facts.caps.has('strict-json')) expect(res.error?.err_code, field).toBe(10_025)
      else expect(res.config?.[field], field).toBeUndefined()
      if (res.config) await jsm.streams.delete(name)
    }
  })

  it('a lone server keeps a placement it cannot honour: the reason natsx refuses it there', async () => {
    const si = await jsm.streams.add({name: 'PLACERAW', placement: {cluster: 'nowhere', tags: []}, subjects: ['placeraw.>']})
    expect(si.config.placement).toEqual({cluster: 'nowhere'})
    expect(si.cluster?.name).toBeUndefined()
    await jsm.streams.delete('PLACERAW')
  })

  it.each([
    [['--allow-msg-ttl'], 'msg-ttl', {allow_msg_ttl: true}, /per-message TTL \(allow_msg_ttl\) requires nats-server 2\.11\.0; connected server is /],
    [['--compression', 's2'], 'stream-compression', {compression: 's2'}, /compression .*requires nats-server 2\.10\.0/],
    [['--metadata', 'team=ops'], 'stream-metadata', {metadata: {team: 'ops'}}, /metadata .*requires nats-server 2\.10\.0/],
    [['--first-sequence', '100'], 'first-sequence', {first_seq: 100}, /first sequence .*requires nats-server 2\.10\.0/],
    [['--transform-source', 'cap5.>', '--transform-destination', 'x.>'], 'subject-transform', {subject_transform: {dest: 'x.>', src: 'cap5.>'}}, /subject transforms .*requires nats-server 2\.10\.0/],
  ] as const)('%s: made where the server has it, exit 8 where it lacks it', async (args, feature, config, message) => {
    const facts = await serverFacts(a)
    const name = `CAP${args.length}${feature.length}`
    const res = await cli(['stream', 'add', name, '--subjects', `cap${args.length}${feature.length}.>`, ...args, '--json'])
    if (facts.caps.has(feature)) {
      expect(res.code, res.stderr).toBe(0)
      expect(res.json<StreamAddResult>().stream.config).toMatchObject(config)
      await jsm.streams.delete(name)
    } else {
      expect(res.code).toBe(8)
      const err = JSON.parse(res.stderr).error as {kind: string; message: string}
      expect(err.message).toMatch(message)
      expect(err.message).toContain(`connected server is ${facts.version}`)
      expect(await streamNames(jsm)).not.toContain(name)
    }
  })

  it.each([
    [['--cluster', 'nowhere'], /placement \(cluster, tags\) needs a clustered JetStream; the connected server \(\d+\.\d+\.\d+\) is not in a cluster/],
    [['--tag', 'ssd'], /placement .*needs a clustered JetStream/],
    [['--replicas', '3'], /3 replicas needs a clustered JetStream/],
  ])('%s on a lone server: exit 8', async (args, message) => {
    const name = `LONE${(args as string[])[0].length}`
    const res = await cli(['stream', 'add', name, '--subjects', `${name}.>`, ...(args as string[])])
    expect(res.code).toBe(8)
    expect(res.stderr).toMatch(message as RegExp)
    expect(await streamNames(jsm)).not.toContain(name)
  })

  it('a memory stream larger than the server can reserve is exit 2 with its reason', async () => {
    const res = await cli(['stream', 'add', 'HUGE', '--subjects', 'huge.>', '--storage', 'memory', '--max-bytes', '1TiB'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/insufficient memory resources available; ask for less/)
    expect(await streamNames(jsm)).not.toContain('HUGE')
  })

  it('what the server lacks is refused from a --config file and on edit too; what it has is made', async () => {
    const facts = await serverFacts(a)
    for (const [feature, extra] of [
      ['msg-ttl', {allow_msg_ttl: true}],
      ['persist-mode', {persist_mode: 'async'}],
      ['fast-batch', {allow_batched: true}],
      ['stream-counters', {allow_msg_counter: true}],
    ] as const) {
      const name = `CFG_${feature.replaceAll('-', '_').toUpperCase()}`
      const file = join(tmp, `${name}.json`)
      writeFileSync(file, JSON.stringify({...extra, name, subjects: [`${name}.>`]}))
      const res = await cli(['stream', 'add', '--config', file, '--json'])
      if (facts.caps.has(feature)) {
        expect(res.code, res.stderr).toBe(0)
        expect(res.json<StreamAddResult>().stream.config).toMatchObject(extra)
      } else {
        expect(res.code, feature).toBe(8)
        const err = JSON.parse(res.stderr).error as {kind: string; message: string}
        expect(err.kind).toBe('unsupported')
        expect(err.message).toContain(`requires nats-server ${FEATURES[feature].version}`)
        expect(await streamNames(jsm)).not.toContain(name)
      }
    }

    const edit = await cli(['stream', 'edit', 'IDEM', '--allow-msg-ttl'])
    if (facts.caps.has('msg-ttl')) {
      expect(edit.code, edit.stderr).toBe(0)
      expect((await jsm.streams.info('IDEM')).config.allow_msg_ttl).toBe(true)
      // enable-only: turning it off again is refused, nothing sent
      const file = join(tmp, 'idem-off.json')
      writeFileSync(file, JSON.stringify({...(await jsm.streams.info('IDEM')).config, allow_msg_ttl: false}))
      const off = await cli(['stream', 'edit', 'IDEM', '--config', file])
      expect(off.code).toBe(2)
      expect(off.stderr).toContain('allow_msg_ttl cannot be turned off once it is on')
      expect((await jsm.streams.info('IDEM')).config.allow_msg_ttl).toBe(true)
    } else {
      expect(edit.code).toBe(8)
      expect((await jsm.streams.info('IDEM')).config.allow_msg_ttl).toBeFalsy()
    }
  })
})

describe.concurrent('validation (exit 2 before any request)', () => {
  it.each([
    [['stream', 'add', 'BAD.NAME', '--subjects', 'x.>'], /invalid stream name "BAD.NAME"/],
    [['stream', 'add', 'BAD NAME'], /invalid stream name/],
    [['stream', 'add', 'OK1', '--subjects', 'a..b'], /empty token/],
    [['stream', 'add', 'OK1', '--subjects', 'a.>.b'], /">" must be the last token/],
    [['stream', 'add', 'OK1', '--max-bytes', 'lots'], /not a size/],
    [['stream', 'add', 'OK1', '--max-age', '10'], /no unit/],
    [['stream', 'add', 'OK1', '--retention', 'forever'], /forever/],
    [['stream', 'add', 'OK1', '--mirror', 'SRC1', '--subjects', 'ok1.>'], /mirror cannot have subjects/],
    [['stream', 'add', 'OK1', '--subjects', 'ok1', '--discard-per-subject'], /discard per subject needs discard new/],
    [['stream', 'add', 'OK1', '--republish-source', 'ok1.>'], /republish/],
    [['stream', 'add'], /no name/],
    [['stream', 'info', 'a*b'], /invalid stream name/],
    [['stream', 'rm', 'a.b', '--force'], /invalid stream name/],
    [['stream', 'view', 'IDEM', '--subject', 'a..b'], /empty token/],
    [['stream', 'get', 'IDEM'], /sequence or --last-for/],
  ])('%s', async (args, message) => {
    const res = await cli(args as string[])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toMatch(message as RegExp)
    expect(res.stderr.split('\n').filter((l) => l.startsWith('natsx:')), res.stderr).toHaveLength(1)
    expect(await streamNames(jsm)).not.toContain('OK1')
  })

  it('republish changes in place from 2.10; before, exit 8, one line, stream unchanged', async () => {
    const facts = await serverFacts(a)
    expect((await cli(['stream', 'add', 'REPUB', '--subjects', 'repub.>'])).code).toBe(0)
    const res = await cli(['stream', 'edit', 'REPUB', '--republish-source', 'repub.>', '--republish-destination', 'copy.repub.>'])
    if (facts.caps.has('republish-update')) {
      expect(res.code, res.stderr).toBe(0)
      expect((await jsm.streams.info('REPUB')).config.republish).toMatchObject({dest: 'copy.repub.>', src: 'repub.>'})
    } else {
      expect(res.code, res.stderr).toBe(8)
      expect(res.stderr.trim()).toBe(`natsx: cannot edit stream "REPUB": republish cannot be changed in place; nats-server 2.10.0 changes it in place, the connected server is ${facts.version}; upgrade the server, or create a new stream and copy the data (\`natsx stream copy\`)`)
      expect((await jsm.streams.info('REPUB')).config.republish).toBeUndefined()
    }
  })

  it('a bad --config file is exit 2', async () => {
    const file = join(tmp, 'bad.yaml')
    writeFileSync(file, 'name: [unclosed')
    expect((await cli(['stream', 'add', '--config', file])).code).toBe(2)
    expect((await cli(['stream', 'add', '--config', join(tmp, 'missing.json')])).code).toBe(2)
  })

  it('a missing stream is exit 3', async () => {
    for (const args of [['stream', 'info', 'NOPE'], ['stream', 'edit', 'NOPE', '--max-age', '1h'], ['stream', 'rm', 'NOPE', '--force'], ['stream', 'view', 'NOPE']]) {
      const res = await cli(args)
      expect(res.code, args.join(' ')).toBe(3)
    }
  })
})

describe('round trip', () => {
  it('stream info --json from one server fed to stream add --config on another gives an identical configuration', async () => {
    const info = await cli(['stream', 'info', 'ALL', '--json'])
    expect(info.code, info.stderr).toBe(0)
    const file = join(tmp, 'all.json')
    writeFileSync(file, info.stdout)
    const add = await cli(['stream', 'add', '--config', file, '--json'], b)
    expect(add.code, add.stderr).toBe(0)
    const onB = await jetstreamManager(await connect({servers: b.url}))
    const original = info.json<StreamInfo>().config
    const copy = (await onB.streams.info('ALL')).config
    expect(copy).toEqual(original)
    // and again: unchanged
    const again = await cli(['stream', 'add', '--config', file], b)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('unchanged')
    // YAML with flags overriding the file
    const yamlFile = join(tmp, 'idem.yaml')
    writeFileSync(yamlFile, stringify(JSON.parse(info.stdout)))
    const over = await cli(['stream', 'add', 'ALL2', '--config', yamlFile, '--subjects', 'all2.>', '--republish-source', 'all2.>', '--republish-destination', 'copy.all2.>', '--json'], b)
    expect(over.code, over.stderr).toBe(0)
    expect(over.json<StreamAddResult>().stream.config).toMatchObject({max_age: original.max_age, name: 'ALL2', subjects: ['all2.>']})
  })
})

describe('destructive verbs without --force and without a TTY', () => {
  it('rm, purge, seal and rmm exit 2 and change nothing', async () => {
    await cli(['stream', 'add', 'KEEP', '--subjects', 'keep.>'])
    await publish('keep.a', 5)
    for (const args of [['stream', 'rm', 'KEEP'], ['stream', 'purge', 'KEEP'], ['stream', 'seal', 'KEEP'], ['stream', 'rmm', 'KEEP', '1']]) {
      const res = await cli(args)
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stderr).toContain('--force')
    }

    const si = await jsm.streams.info('KEEP')
    expect(si.state.messages).toBe(5)
    expect(si.config.sealed).toBe(false)
  })

  it('with --force: purge by subject, keep, sequence; rmm; seal; rm', async () => {
    await publish('keep.b', 5)
    expect((await jsm.streams.info('KEEP')).state.messages).toBe(10)
    const keep = await cli(['stream', 'purge', 'KEEP', '--keep', '6', '--force', '--json'])
    expect(keep.code, keep.stderr).toBe(0)
    expect(keep.json()).toEqual({purged: 4, stream: 'KEEP'})
    const seq = await cli(['stream', 'purge', 'KEEP', '--seq', '7', '--force', '--json'])
    expect(seq.json()).toEqual({purged: 2, stream: 'KEEP'})
    expect((await jsm.streams.info('KEEP')).state).toMatchObject({first_seq: 7, messages: 4})
    await publish('keep.c', 1)
    const bySubject = await cli(['stream', 'purge', 'KEEP', '--subject', 'keep.b', '--force', '--json'])
    expect(bySubject.json()).toEqual({purged: 4, stream: 'KEEP'})
    expect((await jsm.streams.info('KEEP')).state).toMatchObject({first_seq: 11, messages: 1})

    const rmm = await cli(['stream', 'rmm', 'KEEP', '11', '--force', '--json'])
    expect(rmm.code, rmm.stderr).toBe(0)
    expect(rmm.json()).toEqual({deleted: true, sequence: 11, stream: 'KEEP'})
    expect((await cli(['stream', 'get', 'KEEP', '11'])).code).toBe(3)

    const seal = await cli(['stream', 'seal', 'KEEP', '--force', '--json'])
    expect(seal.code, seal.stderr).toBe(0)
    expect(seal.json<StreamInfo>().config.sealed).toBe(true)
    expect((await jsm.streams.info('KEEP')).config.sealed).toBe(true)

    const rm = await cli(['stream', 'rm', 'KEEP', '--force', '--json'])
    expect(rm.json()).toEqual({deleted: true, stream: 'KEEP'})
    expect(await streamNames(jsm)).not.toContain('KEEP')
  })
})

describe('reading', () => {
  beforeAll(async () => {
    await cli(['stream', 'add', 'READ', '--subjects', 'read.>'])
    const js = jetstream(nc)
    for (let i = 1; i <= 10; i++) await js.publish(`read.${i % 2 === 0 ? 'even' : 'odd'}`, `r${i}`)
    await js.publish('read.bin', new Uint8Array([0xff, 0x00, 0xfe]))
  })

  it('info shows state, --state only the state', async () => {
    const res = await cli(['stream', 'info', 'READ'])
    expect(res.stdout).toContain('Information for Stream READ')
    expect(res.stdout).toMatch(/Messages: 11/)
    const state = await cli(['stream', 'info', 'READ', '--state'])
    expect(state.stdout).not.toContain('Retention:')
    expect(state.stdout).toMatch(/Last Sequence: 11/)
  })

  it('info for people shows the settings the server has (2.10+), and no cluster block on a lone server', async () => {
    const facts = await serverFacts(a)
    const config: Record<string, unknown> = {name: 'NEWER', subjects: ['newer.>']}
    const expected: RegExp[] = []
    if (facts.caps.has('stream-compression')) {
      Object.assign(config, {compression: 's2', metadata: {team: 'ops'}, subject_transform: {dest: 'moved.>', src: 'newer.>'}})
      expected.push(/Compression: +s2/, /Subject Transform: +newer\.> → moved\.>/, /Metadata: +team=ops/)
      Object.assign(config, {consumer_limits: {inactive_threshold: 60e9, max_ack_pending: 50}, first_seq: 100})
      expected.push(/Consumer Inactive Threshold: +1m/, /Consumer Max Ack Pending: +50/, /First Sequence \(configured\): +100/)
    }

    if (facts.caps.has('msg-ttl')) {
      Object.assign(config, {allow_msg_ttl: true, allow_rollup_hdrs: true, subject_delete_marker_ttl: 5e9})
      expected.push(/Per-Message TTL: +allowed/, /Subject Delete Markers TTL: +5s/)
    }

    if (facts.caps.has('stream-schedules')) {
      Object.assign(config, {allow_atomic: true, allow_msg_schedules: true})
      expected.push(/Atomic Batch Publish: +true/, /Message Schedules: +true/)
    }

    if (facts.caps.has('fast-batch')) {
      Object.assign(config, {allow_batched: true})
      expected.push(/Fast Batch Publish: +true/)
    }

    const file = join(tmp, 'newer.json')
    writeFileSync(file, JSON.stringify(config))
    const add = await cli(['stream', 'add', '--config', file])
    expect(add.code, add.stderr).toBe(0)
    const res = await cli(['stream', 'info', 'NEWER'])
    expect(res.code, res.stderr).toBe(0)
    for (const re of expected) expect(res.stdout).toMatch(re)
    expect(res.stdout).not.toContain('Cluster Information')
    if (expected.length === 0) expect(res.stdout).not.toMatch(/Compression|Metadata|Per-Message TTL/)
    // counters and persist mode exclude TTL/schedules/atomic: a stream of their own
    if (facts.caps.has('stream-counters')) {
      writeFileSync(file, JSON.stringify({allow_msg_counter: true, name: 'COUNTED', persist_mode: 'async', subjects: ['counted.>']}))
      expect((await cli(['stream', 'add', '--config', file])).code).toBe(0)
      const counted = await cli(['stream', 'info', 'COUNTED'])
      expect(counted.stdout).toMatch(/Counters: +true/)
      expect(counted.stdout).toMatch(/Persist Mode: +async/)
    }
  })

  it('subjects counts messages per subject', async () => {
    const res = await cli(['stream', 'subjects', 'READ', '--json'])
    expect(res.json()).toEqual({stream: 'READ', subjects: {'read.bin': 1, 'read.even': 5, 'read.odd': 5}})
    const filtered = await cli(['stream', 'subjects', 'READ', 'read.even', '--json'])
    expect(filtered.json()).toEqual({stream: 'READ', subjects: {'read.even': 5}})
    expect((await cli(['stream', 'subjects', 'READ'])).stdout).toMatch(/read\.even\s+│\s+5/)
  })

  it('get by sequence and by last subject; binary as base64', async () => {
    const bySeq = await cli(['stream', 'get', 'READ', '3', '--json'])
    expect(bySeq.json<MessageRecord>()).toMatchObject({data: 'r3', jetstream: {sequence: 3, stream: 'READ'}, subject: 'read.odd'})
    const last = await cli(['stream', 'get', 'READ', '--last-for', 'read.even', '--json'])
    expect(last.json<MessageRecord>()).toMatchObject({data: 'r10', jetstream: {sequence: 10}})
    const bin = await cli(['stream', 'get', 'READ', '11', '--json'])
    expect(bin.json<MessageRecord>()).toMatchObject({data: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'), encoding: 'base64'})
    expect((await cli(['stream', 'get', 'READ', '99'])).code).toBe(3)
    expect((await cli(['stream', 'get', 'READ', '--last-for', 'read.none'])).code).toBe(3)
  })

  it('view prints NDJSON and stops at the end without waiting', async () => {
    const t0 = Date.now()
    const all = await cli(['stream', 'view', 'READ', '--json'])
    expect(all.code, all.stderr).toBe(0)
    const recs = all.ndjson<MessageRecord>()
    expect(recs.map((r) => r.jetstream?.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(Date.now() - t0).toBeLessThan(5000)
    const count = await cli(['stream', 'view', 'READ', '--count', '3', '--start-sequence', '4', '--json'])
    expect(count.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['r4', 'r5', 'r6'])
    const subject = await cli(['stream', 'view', 'READ', '--subject', 'read.even', '--json'])
    expect(subject.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['r2', 'r4', 'r6', 'r8', 'r10'])
    const since = await cli(['stream', 'view', 'READ', '--since', '1h', '--count', '2', '--json'])
    expect(since.ndjson<MessageRecord>()).toHaveLength(2)
    const none = await cli(['stream', 'view', 'READ', '--subject', 'read.nothing', '--json'])
    expect(none.code).toBe(0)
    expect(none.stdout).toBe('')
    const human = await cli(['stream', 'view', 'READ', '--count', '1'])
    expect(human.stdout).toContain('[#1] Received JetStream message: stream: READ seq 1 / subject: read.odd')
  })

  it('ls: a table for people, full infos under --json; KV_/OBJ_ streams only with --all', async () => {
    await jsm.streams.add({name: 'KV_hidden', subjects: ['$KV.hidden.>']})
    const table = await cli(['stream', 'ls'])
    expect(table.stdout).toMatch(/Name\s+│\s+Subjects\s+│\s+Messages\s+│\s+Size\s+│\s+Consumers\s+│\s+Last Message/)
    expect(table.stdout).toMatch(/READ\s+│\s+read\.>\s+│\s+11/)
    expect(table.stdout).not.toContain('KV_hidden')
    const json = await cli(['stream', 'ls', '--json'])
    const list = json.json<StreamInfo[]>()
    expect(list.map((s) => s.config.name)).toContain('READ')
    expect(list.map((s) => s.config.name)).not.toContain('KV_hidden')
    expect(list.find((s) => s.config.name === 'READ')?.state.messages).toBe(11)
    const all = await cli(['stream', 'ls', '--all', '--names'])
    expect(all.stdout.split('\n')).toContain('KV_hidden')
    const alias = await cli(['str', 'list', '--names'])
    expect(alias.stdout.split('\n')).toContain('READ')
    const bySubject = await cli(['stream', 'ls', '--subject', 'read.odd', '--json'])
    expect(bySubject.json<StreamInfo[]>().map((s) => s.config.name)).toEqual(['READ'])
  })

  it('report: one row per stream (single server: no cluster)', async () => {
    const res = await cli(['stream', 'report', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const row = res.json<StreamReportRow[]>().find((r) => r.name === 'READ')
    expect(row).toMatchObject({consumers: 0, deleted: 0, messages: 11, problems: [], replicas: [], replicas_configured: 1, storage: 'file'})
    const human = await cli(['stream', 'report'])
    expect(human.stdout).toMatch(/READ\s+│\s+file\s+│\s+1\s+│\s+0\s+│\s+11/)
  })

  it('copy makes a stream with the configuration of another', async () => {
    const res = await cli(['stream', 'copy', 'READ', 'READ2', '--subjects', 'read2.>', '--max-age', '1h', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const src = (await jsm.streams.info('READ')).config
    const dst = (await jsm.streams.info('READ2')).config
    expect(dst).toEqual({...src, max_age: 3600e9, name: 'READ2', subjects: ['read2.>']})
    const overlap = await cli(['stream', 'copy', 'READ', 'READ3'])
    expect(overlap.code).not.toBe(0)
    expect(await streamNames(jsm)).not.toContain('READ3')
  })
})

describe('backup and restore', () => {
  it('restores into a fresh server with the same message count, subjects and payload hashes', async () => {
    await cli(['stream', 'add', 'BK', '--subjects', 'bk.>'])
    const js = jetstream(nc)
    const payload = Buffer.alloc(300 * 1024, 7)
    for (let i = 0; i < 200; i++) await js.publish(`bk.${i % 7}`, i % 50 === 0 ? payload : `backup ${i}`)
    const dir = join(tmp, 'bk')
    const facts = await serverFacts(a)
    const backup = await cli(['stream', 'backup', 'BK', dir, '--json'])
    expect(backup.code, backup.stderr).toBe(0)
    expect(backup.json()).toMatchObject({messages: 200, restores_on: restoresOn(facts.version), server: {api_level: facts.apiLevel, version: facts.version}, stream: 'BK'})
    const meta = JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8'))
    expect(meta.config.name).toBe('BK')
    expect(meta.server).toEqual({api_level: facts.apiLevel, version: facts.version})
    const again = await cli(['stream', 'backup', 'BK', dir])
    expect(again.code).toBe(4)
    // progress on stderr only when it is a terminal (script(1) gives the command a pseudo-terminal)
    expect(backup.stderr).not.toContain('received')
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${BIN} stream backup BK ${join(tmp, 'bk-tty')} -s ${a.url}`, '/dev/null'], {encoding: 'utf8', env: baseEnv(), timeout: 60_000})
    expect(tty.status, tty.stdout).toBe(0)
    expect(tty.stdout).toMatch(/received [\d.]+ \w+ in \d+ chunks/)
    expect(tty.stdout).toContain('Backed up stream BK (200 messages')

    const fresh = await startServer()
    try {
      const restore = await cli(['stream', 'restore', dir, '--json'], fresh)
      expect(restore.code, restore.stderr).toBe(0)
      const hashes = async (server: NatsServer) => {
        const v = await cli(['stream', 'view', 'BK', '--json'], server)
        return v.ndjson<MessageRecord>().map((r) => `${r.jetstream?.sequence} ${r.subject} ${createHash('sha256').update(r.data).digest('hex')}`)
      }

      const [before, after] = await Promise.all([hashes(a), hashes(fresh)])
      expect(after).toHaveLength(200)
      expect(after).toEqual(before)
      const subjects = await cli(['stream', 'subjects', 'BK', '--json'], fresh)
      expect(subjects.json()).toEqual((await cli(['stream', 'subjects', 'BK', '--json'])).json())
      const twice = await cli(['stream', 'restore', dir], fresh)
      expect(twice.code).toBe(4)
    } finally {
      await fresh.destroy()
    }

    expect((await cli(['stream', 'restore', join(tmp, 'nothing-here')])).code).toBe(2)
  })

  it('consumers are in a backup unless --no-consumers, as natscli', async () => {
    await cli(['stream', 'add', 'BKC', '--subjects', 'bkc.>'])
    await jsm.consumers.add('BKC', {ack_policy: 'explicit' as never, durable_name: 'worker'})
    const withDir = join(tmp, 'bkc-with')
    const withoutDir = join(tmp, 'bkc-without')
    expect((await cli(['stream', 'backup', 'BKC', withDir])).code).toBe(0)
    expect((await cli(['stream', 'backup', 'BKC', withoutDir, '--no-consumers'])).code).toBe(0)
    const fresh = await startServer()
    try {
      const m = await jetstreamManager(await connect({servers: fresh.url}))
      expect((await cli(['stream', 'restore', withDir], fresh)).code).toBe(0)
      expect((await m.consumers.info('BKC', 'worker')).name).toBe('worker')
      await m.streams.delete('BKC')
      expect((await cli(['stream', 'restore', withoutDir], fresh)).code).toBe(0)
      expect((await m.streams.info('BKC')).state.consumer_count).toBe(0)
    } finally {
      await fresh.destroy()
    }
  })

  const others = OTHER_SERVERS.filter((bin) => bin !== NATS_SERVER && existsSync(bin))
  it.skipIf(others.length === 0)('a backup restores on its release or newer; an older server is exit 8 before anything is sent', async () => {
    const facts = await serverFacts(a)
    const dir = join(tmp, 'bkv')
    await cli(['stream', 'add', 'BKV', '--subjects', 'bkv.>'])
    await publish('bkv.x', 20, 'versioned')
    expect((await cli(['stream', 'backup', 'BKV', dir])).code).toBe(0)
    const checked: string[] = []
    for (const binary of others) {
      const other = await startServer({binary})
      try {
        const theirs = await serverFacts(other)
        if (theirs.version === facts.version) continue
        const res = await cli(['stream', 'restore', dir, '--json'], other)
        const m = await jetstreamManager(await connect({servers: other.url}))
        if (compareVersions(theirs.version, restoresOn(facts.version)) >= 0) {
          expect(res.code, `${facts.version} → ${theirs.version}: ${res.stderr}`).toBe(0)
          expect((await m.streams.info('BKV')).state.messages).toBe(20)
          checked.push(`${theirs.version} restored`)
        } else {
          expect(res.code, `${facts.version} → ${theirs.version}: ${res.stderr}`).toBe(8)
          expect(JSON.parse(res.stderr).error.message).toBe(`the backup in ${dir} was taken on nats-server ${facts.version} and restores on ${restoresOn(facts.version)} or newer; the connected server is ${theirs.version}`)
          const names: string[] = []
          for await (const n of m.streams.names()) names.push(n)
          expect(names).toEqual([])
          checked.push(`${theirs.version} refused`)
        }
      } finally {
        await other.destroy()
      }
    }

    expect(checked.length).toBeGreaterThan(0)
  })
})

describe('cluster step-down on a single server', () => {
  it('refuses with exit 2: nothing to step down to', async () => {
    const res = await cli(['stream', 'cluster', 'step-down', 'READ'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('not replicated')
  })
})

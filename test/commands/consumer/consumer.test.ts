import {type ConsumerInfo, jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import type {ConsumerAddResult} from '../../../src/commands/consumer/add.js'
import type {ConsumerEditResult} from '../../../src/commands/consumer/edit.js'
import type {ConsumerNextResult} from '../../../src/commands/consumer/next.js'
import type {ConsumerReportRow} from '../../../src/lib/consumers/ops.js'

import {type Feature, FEATURES} from '../../../src/lib/capabilities.js'
import {consumerFieldRule} from '../../../src/lib/consumers/config.js'
import {runCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, startServer} from '../../helpers/servers.js'

let a: NatsServer
let b: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
const tmp = mkdtempSync(join(tmpdir(), 'natsx-consumer-test-'))
const cli = (args: string[], server: NatsServer = a) => runCli([...args, '-s', server.url])

async function consumerNames(stream: string): Promise<string[]> {
  const out: string[] = []
  for await (const c of jsm.consumers.list(stream)) out.push(c.name)
  return out.sort()
}

beforeAll(async () => {
  ;[a, b] = await Promise.all([startServer(), startServer()])
  nc = await connect({servers: a.url})
  jsm = await jetstreamManager(nc)
  for (const m of [jsm, await jetstreamManager(await connect({servers: b.url}))]) {
    await m.streams.add({name: 'ORDERS', subjects: ['orders.>']})
  }

  const js = jetstream(nc)
  for (let i = 1; i <= 20; i++) await js.publish(`orders.${i % 2 === 0 ? 'eu' : 'us'}.${i}`, `order ${i}`)
})
afterAll(async () => {
  await nc?.close()
  await Promise.all([a?.destroy(), b?.destroy()])
})

describe('consumer add', () => {
  it('creates a pull consumer with every 2.9 pull option', async () => {
    const res = await cli([
      'consumer', 'add', 'ORDERS', 'PULL1', '--ack', 'explicit', '--max-deliver', '5', '--backoff', '1s,5s,30s',
      '--filter', 'orders.eu.>', '--start-sequence', '3', '--replay', 'instant', '--max-pending', '50', '--max-waiting', '16',
      '--max-pull-batch', '100', '--max-pull-expire', '30s', '--max-pull-bytes', '1MiB', '--headers-only', '--inactive-threshold', '1h',
      '--memory', '--description', 'all pull options', '--json',
    ])
    expect(res.code, res.stderr).toBe(0)
    const out = res.json<ConsumerAddResult>()
    expect(out.action).toBe('created')
    expect(out.consumer.config).toMatchObject({
      ack_policy: 'explicit',
      // the server makes the first backoff step the ack wait
      ack_wait: 1e9,
      backoff: [1e9, 5e9, 30e9],
      deliver_policy: 'by_start_sequence',
      description: 'all pull options',
      durable_name: 'PULL1',
      filter_subject: 'orders.eu.>',
      headers_only: true,
      inactive_threshold: 3600e9,
      max_ack_pending: 50,
      max_batch: 100,
      max_bytes: 1024 * 1024,
      max_deliver: 5,
      max_expires: 30e9,
      max_waiting: 16,
      mem_storage: true,
      opt_start_seq: 3,
      replay_policy: 'instant',
    })
    expect(out.consumer.config.filter_subjects).toBeUndefined()
  })

  it('creates a push consumer with every push option', async () => {
    const res = await cli([
      'consumer', 'add', 'ORDERS', 'PUSH1', '--target', 'deliver.push1', '--flow-control', '--heartbeat', '5s',
      '--deliver', 'last-per-subject', '--filter', 'orders.>', '--replay', 'original', '--ack', 'all', '--rate-limit', '1000000', '--json',
    ])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<ConsumerAddResult>().consumer.config).toMatchObject({
      ack_policy: 'all',
      deliver_policy: 'last_per_subject',
      deliver_subject: 'deliver.push1',
      flow_control: true,
      idle_heartbeat: 5e9,
      rate_limit_bps: 1_000_000,
      replay_policy: 'original',
    })
  })

  it('creates an ephemeral consumer, and one that starts at a time', async () => {
    const eph = await cli(['consumer', 'add', 'ORDERS', '--ephemeral', '--inactive-threshold', '10m', '--json'])
    expect(eph.code, eph.stderr).toBe(0)
    const ci = eph.json<ConsumerAddResult>().consumer
    expect(ci.config.durable_name).toBeUndefined()
    expect(ci.config.inactive_threshold).toBe(600e9)
    const t = await cli(['consumer', 'add', 'ORDERS', 'TIMED', '--start-time', '2020-01-01T00:00:00Z', '--ack', 'none', '--json'])
    expect(t.code, t.stderr).toBe(0)
    expect(t.json<ConsumerAddResult>().consumer.config).toMatchObject({deliver_policy: 'by_start_time', opt_start_time: '2020-01-01T00:00:00Z'})
    expect(t.json<ConsumerAddResult>().consumer.num_pending).toBe(20)
    const group = await cli(['consumer', 'add', 'ORDERS', 'GROUP', '--target', 'deliver.group', '--deliver-group', 'workers', '--json'])
    expect(group.code, group.stderr).toBe(0)
    expect(group.json<ConsumerAddResult>().consumer.config).toMatchObject({deliver_group: 'workers', deliver_subject: 'deliver.group'})
  })
})

describe('idempotency matrix', () => {
  it('same config → 0 "unchanged"; different → 4 with the diff; edit --dry-run → 5 / 0', async () => {
    const args = ['consumer', 'add', 'ORDERS', 'IDEM', '--filter', 'orders.us.>', '--max-deliver', '3']
    expect((await cli(args)).code).toBe(0)
    const same = await cli(args)
    expect(same.code, same.stderr).toBe(0)
    expect(same.stdout).toContain('unchanged')
    // the defaults the server fills in count as the same
    const explicit = await cli([...args, '--ack', 'explicit', '--wait', '30s', '--deliver', 'all', '--replay', 'instant', '--max-pending', '1000', '--max-waiting', '512', '--json'])
    expect(explicit.code, explicit.stderr).toBe(0)
    expect(explicit.json<ConsumerAddResult>().action).toBe('unchanged')

    const different = await cli(['consumer', 'add', 'ORDERS', 'IDEM', '--filter', 'orders.us.>', '--max-deliver', '4', '--json'])
    expect(different.code).toBe(4)
    const err = JSON.parse(different.stderr) as {error: {details: {diff: Array<{current: unknown; desired: unknown; field: string}>}}}
    expect(err.error.details.diff).toEqual([{current: 3, desired: 4, field: 'max_deliver'}])
    expect((await jsm.consumers.info('ORDERS', 'IDEM')).config.max_deliver).toBe(3)

    const dry = await cli(['consumer', 'edit', 'ORDERS', 'IDEM', '--max-deliver', '4', '--dry-run'])
    expect(dry.code).toBe(5)
    expect(dry.stdout).toContain('max_deliver: 3 → 4')
    expect((await cli(['consumer', 'edit', 'ORDERS', 'IDEM', '--max-deliver', '3', '--dry-run'])).code).toBe(0)
    const edit = await cli(['consumer', 'edit', 'ORDERS', 'IDEM', '--max-deliver', '4', '--description', 'edited', '--json'])
    expect(edit.code, edit.stderr).toBe(0)
    expect(edit.json<ConsumerEditResult>().diff.map((d) => d.field)).toEqual(['description', 'max_deliver'])
    expect((await jsm.consumers.info('ORDERS', 'IDEM')).config).toMatchObject({description: 'edited', max_deliver: 4})
  })

  it('edit --config with YAML, and immutable changes refused with exit 2', async () => {
    const file = join(tmp, 'idem.yaml')
    writeFileSync(file, stringify({ack_policy: 'explicit', description: 'from yaml', durable_name: 'IDEM', filter_subject: 'orders.us.>', max_deliver: 4}))
    const res = await cli(['consumer', 'edit', 'ORDERS', 'IDEM', '--config', file, '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<ConsumerEditResult>().diff.map((d) => d.field)).toEqual(['description'])
    const before = (await jsm.consumers.info('ORDERS', 'IDEM')).config
    for (const args of [['--ack', 'none'], ['--deliver', 'new'], ['--target', 'push.now'], ['--replay', 'original'], ['--max-waiting', '3']]) {
      const bad = await cli(['consumer', 'edit', 'ORDERS', 'IDEM', ...args, '--max-deliver', '9'])
      expect(bad.code, args.join(' ')).toBe(2)
      expect(bad.stderr).toMatch(/cannot (be changed|change)/)
    }

    expect((await jsm.consumers.info('ORDERS', 'IDEM')).config).toEqual(before)
    // the filter can change on 2.9
    const filter = await cli(['consumer', 'edit', 'ORDERS', 'IDEM', '--filter', 'orders.eu.>', '--json'])
    expect(filter.code, filter.stderr).toBe(0)
    expect(filter.json<ConsumerEditResult>().diff).toEqual([{current: 'orders.us.>', desired: 'orders.eu.>', field: 'filter_subject'}])
    expect((await jsm.consumers.info('ORDERS', 'IDEM')).config.filter_subject).toBe('orders.eu.>')
    await cli(['consumer', 'edit', 'ORDERS', 'IDEM', '--filter', 'orders.us.>'])
  })
})

describe.concurrent('capability refusals (exit 8, nothing sent) and the same options where the server has them', () => {
  it.each([
    ['multi-filter', 'CAPMF', ['--filter', 'orders.eu.>', '--filter', 'orders.us.>'], {filter_subjects: ['orders.eu.>', 'orders.us.>']}],
    ['consumer-metadata', 'CAPMD', ['--metadata', 'team=ops'], {metadata: expect.objectContaining({team: 'ops'})}],
    ['consumer-pause', 'CAPPA', ['--pause-until', '2030-01-01T00:00:00Z'], {pause_until: '2030-01-01T00:00:00Z'}],
    ['priority-groups', 'CAPPG', ['--priority-group', 'jobs'], {priority_groups: ['jobs'], priority_policy: 'pinned_client'}],
    ['prioritized-policy', 'CAPPP', ['--prioritized-groups', 'jobs'], {priority_groups: ['jobs'], priority_policy: 'prioritized'}],
  ] as Array<[Feature, string, string[], Record<string, unknown>]>)('%s %s', async (feature, name, args, applied) => {
    const facts = await serverFacts(a)
    const res = await cli(['consumer', 'add', 'ORDERS', name, ...args, '--json'])
    if (facts.caps.has(feature)) {
      expect(res.code, res.stderr).toBe(0)
      expect(res.json<ConsumerAddResult>().consumer.config).toMatchObject(applied)
      expect((await cli(['consumer', 'add', 'ORDERS', name, ...args])).stdout).toContain('unchanged')
      return
    }

    expect(res.code, res.stderr).toBe(8)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toContain(`requires nats-server ${FEATURES[feature].version}; connected server is ${facts.version}`)
    expect(await consumerNames('ORDERS')).not.toContain(name)
  })

  it('from a --config file and on edit alike', async () => {
    const facts = await serverFacts(a)
    const file = join(tmp, 'newer.yaml')
    writeFileSync(file, stringify({durable_name: 'CAPFILE', metadata: {team: 'ops'}, priority_groups: ['g'], priority_policy: 'overflow'}))
    const res = await cli(['consumer', 'add', 'ORDERS', '--config', file, '--json'])
    await cli(['consumer', 'add', 'ORDERS', 'CAPEDIT'])
    const before = (await jsm.consumers.info('ORDERS', 'CAPEDIT')).config
    const edit = await cli(['consumer', 'edit', 'ORDERS', 'CAPEDIT', '--metadata', 'team=ops', '--json'])
    if (facts.caps.has('priority-groups')) {
      expect(res.code, res.stderr).toBe(0)
      expect(res.json<ConsumerAddResult>().consumer.config).toMatchObject({priority_groups: ['g'], priority_policy: 'overflow'})
    } else {
      expect(res.code, res.stderr).toBe(8)
      expect(await consumerNames('ORDERS')).not.toContain('CAPFILE')
    }

    if (facts.caps.has('consumer-metadata')) {
      expect(edit.code, edit.stderr).toBe(0)
      expect((await jsm.consumers.info('ORDERS', 'CAPEDIT')).config.metadata).toMatchObject({team: 'ops'})
    } else {
      expect(edit.code, edit.stderr).toBe(8)
      expect(edit.stderr).toContain(`requires nats-server ${FEATURES['consumer-metadata'].version}`)
      expect((await jsm.consumers.info('ORDERS', 'CAPEDIT')).config).toEqual(before)
    }
  })

  it('a one-element filter_subjects array from a file is sent as filter_subject (2.9 ignores the array)', async () => {
    const file = join(tmp, 'one.json')
    writeFileSync(file, JSON.stringify({durable_name: 'ONE', filter_subjects: ['orders.eu.>']}))
    const res = await cli(['consumer', 'add', 'ORDERS', '--config', file, '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<ConsumerAddResult>().consumer.config.filter_subject).toBe('orders.eu.>')
    expect(res.json<ConsumerAddResult>().consumer.num_pending).toBe(10)
  })
})

describe('on current servers (defects seen on 2.10 and 2.15)', () => {
  it('a stream with consumer_limits: add with defaults takes the limits, a re-add is unchanged, info shows them', async () => {
    const facts = await serverFacts(a)
    const limits = {inactive_threshold: 60e9, max_ack_pending: 50}
    // raw: nats.js itself refuses consumer_limits before 2.10; the point is what natsx does where the server drops them
    const created = await nc.request('$JS.API.STREAM.CREATE.LIMITED', JSON.stringify({consumer_limits: limits, name: 'LIMITED', subjects: ['limited.>']}))
    expect(created.json<{error?: unknown}>().error).toBeUndefined()
    const res = await cli(['consumer', 'add', 'LIMITED', 'DEF', '--json'])
    expect(res.code, res.stderr).toBe(0)
    const cfg = res.json<ConsumerAddResult>().consumer.config
    // a 2.9 server drops consumer_limits: its defaults apply there
    if (facts.caps.has('stream-consumer-limits')) expect(cfg).toMatchObject(limits)
    else expect(cfg).toMatchObject({max_ack_pending: 1000})
    for (const args of [[], ['--max-pending', String(cfg.max_ack_pending)], ['--ack', 'explicit', '--wait', '30s']]) {
      const again = await cli(['consumer', 'add', 'LIMITED', 'DEF', ...args, '--json'])
      expect(again.code, again.stderr).toBe(0)
      expect(again.json<ConsumerAddResult>().action).toBe('unchanged')
    }

    const lower = await cli(['consumer', 'add', 'LIMITED', 'LOWER', '--max-pending', '10', '--inactive-threshold', '30s', '--json'])
    expect(lower.code, lower.stderr).toBe(0)
    expect(lower.json<ConsumerAddResult>().consumer.config).toMatchObject({inactive_threshold: 30e9, max_ack_pending: 10})
    const info = await cli(['consumer', 'info', 'LIMITED', 'DEF'])
    expect(info.code, info.stderr).toBe(0)
    if (facts.caps.has('stream-consumer-limits'))
      expect(info.stdout).toMatch(/Stream Consumer Limits: max ack pending 50, inactive threshold 1m/)
    else expect(info.stdout).not.toContain('Stream Consumer Limits')
    // a lone server: no cluster block
    expect(info.stdout).not.toContain('Cluster Information')
  })

  it('--start-time and --pause-until twice: the same instant is unchanged however it is written', async () => {
    const facts = await serverFacts(a)
    const args = ['consumer', 'add', 'ORDERS', 'TWICE', '--start-time', '2020-01-01T00:00:00Z']
    expect((await cli(args)).code).toBe(0)
    for (const t of ['2020-01-01T00:00:00Z', '2020-01-01T00:00:00.000Z', '2020-01-01T02:00:00+02:00']) {
      const again = await cli(['consumer', 'add', 'ORDERS', 'TWICE', '--start-time', t, '--json'])
      expect(again.code, again.stderr).toBe(0)
      expect(again.json<ConsumerAddResult>().action).toBe('unchanged')
    }

    const paused = ['consumer', 'add', 'ORDERS', 'PAUSED', '--pause-until', '2030-01-01T00:00:00Z']
    const first = await cli(paused)
    if (!facts.caps.has('consumer-pause')) {
      expect(first.code).toBe(8)
      return
    }

    expect(first.code, first.stderr).toBe(0)
    for (const t of ['2030-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z']) {
      const again = await cli(['consumer', 'add', 'ORDERS', 'PAUSED', '--pause-until', t, '--json'])
      expect(again.code, again.stderr).toBe(0)
      expect(again.json<ConsumerAddResult>().action).toBe('unchanged')
    }
  })

  it('edit --pause-until changes what it reports (through the pause API), or is exit 8 with the consumer unchanged', async () => {
    const facts = await serverFacts(a)
    await cli(['consumer', 'add', 'ORDERS', 'TOPAUSE'])
    const before = (await jsm.consumers.info('ORDERS', 'TOPAUSE')).config
    const edit = await cli(['consumer', 'edit', 'ORDERS', 'TOPAUSE', '--pause-until', '2031-01-01T00:00:00Z', '--json'])
    if (!facts.caps.has('consumer-pause')) {
      expect(edit.code, edit.stderr).toBe(8)
      expect((await jsm.consumers.info('ORDERS', 'TOPAUSE')).config).toEqual(before)
      return
    }

    expect(edit.code, edit.stderr).toBe(0)
    const out = edit.json<ConsumerEditResult>()
    expect(out.applied).toBe(true)
    expect(out.diff).toEqual([{current: undefined, desired: '2031-01-01T00:00:00Z', field: 'pause_until'}])
    const ci = (await jsm.consumers.info('ORDERS', 'TOPAUSE')) as ConsumerInfo & {paused?: boolean}
    expect(ci.paused).toBe(true)
    expect(ci.config.pause_until).toBe('2031-01-01T00:00:00Z')
    const again = await cli(['consumer', 'edit', 'ORDERS', 'TOPAUSE', '--pause-until', '2031-01-01T00:00:00.000Z', '--json'])
    expect(again.json<ConsumerEditResult>().diff).toEqual([])
    // a pause and another change at once
    const both = await cli(['consumer', 'edit', 'ORDERS', 'TOPAUSE', '--pause-until', '2032-01-01T00:00:00Z', '--max-deliver', '7', '--json'])
    expect(both.code, both.stderr).toBe(0)
    expect((await jsm.consumers.info('ORDERS', 'TOPAUSE')).config).toMatchObject({max_deliver: 7, pause_until: '2032-01-01T00:00:00Z'})
    const info = await cli(['consumer', 'info', 'ORDERS', 'TOPAUSE'])
    expect(info.stdout).toMatch(/Paused: yes, until 2032-01-01T00:00:00Z/)
  })

  it('edit --filter switches between one filter and several', async () => {
    const facts = await serverFacts(a)
    await cli(['consumer', 'add', 'ORDERS', 'SWITCH', '--filter', 'orders.eu.>'])
    const many = await cli(['consumer', 'edit', 'ORDERS', 'SWITCH', '--filter', 'orders.eu.>', '--filter', 'orders.us.>', '--json'])
    if (!facts.caps.has('multi-filter')) {
      expect(many.code, many.stderr).toBe(8)
      expect((await jsm.consumers.info('ORDERS', 'SWITCH')).config.filter_subject).toBe('orders.eu.>')
      return
    }

    expect(many.code, many.stderr).toBe(0)
    let cfg = (await jsm.consumers.info('ORDERS', 'SWITCH')).config
    expect(cfg.filter_subjects).toEqual(['orders.eu.>', 'orders.us.>'])
    expect(cfg.filter_subject ?? '').toBe('')
    const one = await cli(['consumer', 'edit', 'ORDERS', 'SWITCH', '--filter', 'orders.us.>'])
    expect(one.code, one.stderr).toBe(0)
    cfg = (await jsm.consumers.info('ORDERS', 'SWITCH')).config
    expect(cfg.filter_subject).toBe('orders.us.>')
    expect(cfg.filter_subjects ?? []).toEqual([])
    expect((await cli(['consumer', 'edit', 'ORDERS', 'SWITCH', '--filter', 'orders.eu.>,orders.us.>'])).code).toBe(0)
    const info = await cli(['consumer', 'info', 'ORDERS', 'SWITCH'])
    expect(info.stdout).toMatch(/Filter Subjects: orders\.eu\.>, orders\.us\.>/)
  })

  it('edit --backoff without --wait takes the first step as the ack wait; --wait that differs is exit 2', async () => {
    // 2.9 wants max deliver above the backoff steps even when unlimited
    await cli(['consumer', 'add', 'ORDERS', 'BACKOFF', '--max-deliver', '5'])
    const res = await cli(['consumer', 'edit', 'ORDERS', 'BACKOFF', '--backoff', '1s,10s', '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect((await jsm.consumers.info('ORDERS', 'BACKOFF')).config).toMatchObject({ack_wait: 1e9, backoff: [1e9, 10e9]})
    const bad = await cli(['consumer', 'edit', 'ORDERS', 'BACKOFF', '--backoff', '2s,10s', '--wait', '5s'])
    expect(bad.code).toBe(2)
    expect((await jsm.consumers.info('ORDERS', 'BACKOFF')).config.backoff).toEqual([1e9, 10e9])
    const copy = await cli(['consumer', 'copy', 'ORDERS', 'BACKOFF', 'BACKOFF2', '--backoff', '2s,10s'])
    expect(copy.code, copy.stderr).toBe(0)
    expect((await jsm.consumers.info('ORDERS', 'BACKOFF2')).config).toMatchObject({ack_wait: 2e9, backoff: [2e9, 10e9]})
  })

  it('edit --memory follows the connected version: in place up to 2.14, exit 2 where the server refuses it', async () => {
    const facts = await serverFacts(a)
    await cli(['consumer', 'add', 'ORDERS', 'STORAGE'])
    const before = (await jsm.consumers.info('ORDERS', 'STORAGE')).config
    const res = await cli(['consumer', 'edit', 'ORDERS', 'STORAGE', '--memory'])
    // the update matrix checks this rule against the server's own answer
    if (consumerFieldRule('mem_storage', facts.caps) === 'create-only') {
      expect(res.code, res.stderr).toBe(2)
      expect(res.stderr).toContain('mem_storage cannot be changed after the consumer is created')
      expect((await jsm.consumers.info('ORDERS', 'STORAGE')).config).toEqual(before)
    } else {
      expect(res.code, res.stderr).toBe(0)
      expect((await jsm.consumers.info('ORDERS', 'STORAGE')).config.mem_storage).toBe(true)
    }
  })

  it('priority groups with a policy and a pinned TTL; info shows them with metadata', async () => {
    const facts = await serverFacts(a)
    const overflow = await cli(['consumer', 'add', 'ORDERS', 'OVER', '--priority-group', 'jobs', '--priority-policy', 'overflow', '--metadata', 'team=ops', '--json'])
    const pinned = await cli(['consumer', 'add', 'ORDERS', 'PIN', '--pinned-groups', 'jobs', '--pinned-ttl', '1m', '--json'])
    const both = await cli(['consumer', 'add', 'ORDERS', 'BOTH', '--pinned-groups', 'a', '--overflow-groups', 'b'])
    expect(both.code).toBe(2)
    if (!facts.caps.has('priority-groups')) {
      expect(overflow.code).toBe(8)
      expect(pinned.code).toBe(8)
      expect(await consumerNames('ORDERS')).not.toContain('PIN')
      return
    }

    expect(overflow.code, overflow.stderr).toBe(0)
    expect(overflow.json<ConsumerAddResult>().consumer.config).toMatchObject({priority_groups: ['jobs'], priority_policy: 'overflow'})
    expect(pinned.code, pinned.stderr).toBe(0)
    expect(pinned.json<ConsumerAddResult>().consumer.config).toMatchObject({priority_groups: ['jobs'], priority_policy: 'pinned_client', priority_timeout: 60e9})
    expect((await cli(['consumer', 'add', 'ORDERS', 'PIN', '--pinned-groups', 'jobs', '--pinned-ttl', '1m'])).stdout).toContain('unchanged')
    const info = await cli(['consumer', 'info', 'ORDERS', 'PIN'])
    expect(info.stdout).toMatch(/Priority Groups: jobs \(pinned client\)/)
    expect(info.stdout).toMatch(/Pinned TTL: 1m/)
    expect((await cli(['consumer', 'info', 'ORDERS', 'OVER'])).stdout).toMatch(/Metadata: team=ops/)
    const edit = await cli(['consumer', 'edit', 'ORDERS', 'OVER', '--pinned-groups', 'jobs', '--pinned-ttl', '30s'])
    expect(edit.code, edit.stderr).toBe(0)
    expect((await jsm.consumers.info('ORDERS', 'OVER')).config).toMatchObject({priority_policy: 'pinned_client', priority_timeout: 30e9})
  })
})

describe.concurrent('validation (exit 2 before any request)', () => {
  it.each([
    [['consumer', 'add', 'ORDERS', 'bad.name'], /invalid consumer name/],
    [['consumer', 'add', 'BAD.STREAM', 'C1'], /invalid stream name/],
    [['consumer', 'add', 'ORDERS', 'C1', '--filter', 'a..b'], /empty token/],
    [['consumer', 'add', 'ORDERS', 'C1', '--flow-control', '--heartbeat', '5s'], /--flow-control is for push consumers/],
    [['consumer', 'add', 'ORDERS', 'C1', '--target', 'x.y', '--max-waiting', '5'], /--max-waiting is for pull consumers/],
    [['consumer', 'add', 'ORDERS', 'C1', '--target', 'x.y', '--flow-control'], /flow control needs a heartbeat/],
    [['consumer', 'add', 'ORDERS', 'C1', '--backoff', '1s,5s', '--max-deliver', '2'], /must be larger than the 2 backoff steps/],
    [['consumer', 'add', 'ORDERS', 'C1', '--backoff', 'soon'], /not a list of durations/],
    [['consumer', 'add', 'ORDERS', 'C1', '--backoff', '1s,5s', '--wait', '10s'], /ack wait is the first backoff step/],
    [['consumer', 'add', 'ORDERS', 'C1', '--target', 'x.y', '--deliver-group', 'g', '--heartbeat', '5s'], /deliver group cannot use flow control or heartbeats/],
    [['consumer', 'add', 'ORDERS', 'C1', '--start-time', 'yesterday'], /not a time/],
    [['consumer', 'add', 'ORDERS', 'C1', '--deliver', 'new', '--start-sequence', '4'], /cannot be used with --deliver/],
    [['consumer', 'add', 'ORDERS', 'C1', '--pull', '--target', 'x.y'], /--pull and --target/],
    [['consumer', 'add', 'ORDERS', 'C1', '--deliver', 'last-per-subject'], /needs a filter subject/],
    [['consumer', 'add', 'ORDERS'], /needs a name/],
    [['consumer', 'next', 'ORDERS', 'C1', '--ack', '--nak'], /cannot also be provided|--nak/],
  ])('%s', async (args, message) => {
    const res = await cli(args as string[])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toMatch(message as RegExp)
    expect(await consumerNames('ORDERS')).not.toContain('C1')
  })

  it('a missing stream or consumer is exit 3', async () => {
    expect((await cli(['consumer', 'add', 'NOPE', 'C1'])).code).toBe(3)
    expect((await cli(['consumer', 'info', 'ORDERS', 'NOPE'])).code).toBe(3)
    expect((await cli(['consumer', 'ls', 'NOPE'])).code).toBe(3)
    expect((await cli(['consumer', 'next', 'ORDERS', 'NOPE'])).code).toBe(3)
  })
})

describe('round trip', () => {
  it('consumer info --json from one server fed to consumer add --config on another gives an identical configuration', async () => {
    for (const name of ['PULL1', 'PUSH1', 'IDEM']) {
      const info = await cli(['consumer', 'info', 'ORDERS', name, '--json'])
      expect(info.code, info.stderr).toBe(0)
      const file = join(tmp, `${name}.json`)
      writeFileSync(file, info.stdout)
      const add = await cli(['consumer', 'add', 'ORDERS', '--config', file, '--json'], b)
      expect(add.code, add.stderr).toBe(0)
      expect(add.json<ConsumerAddResult>().consumer.config).toEqual(info.json<ConsumerInfo>().config)
      const again = await cli(['consumer', 'add', 'ORDERS', '--config', file], b)
      expect(again.stdout).toContain('unchanged')
    }
  })
})

describe('next, report, ls, info, copy, rm', () => {
  it('next pulls and acknowledges as asked', async () => {
    await cli(['consumer', 'add', 'ORDERS', 'WORK', '--filter', 'orders.eu.>', '--max-deliver', '5'])
    const acked = await cli(['consumer', 'next', 'ORDERS', 'WORK', '--count', '3', '--json'])
    expect(acked.code, acked.stderr).toBe(0)
    const out = acked.json<ConsumerNextResult>()
    expect(out.action).toBe('ack')
    expect(out.messages.map((m) => m.data)).toEqual(['order 2', 'order 4', 'order 6'])
    let ci = await jsm.consumers.info('ORDERS', 'WORK')
    expect(ci).toMatchObject({ack_floor: {stream_seq: 6}, num_ack_pending: 0, num_pending: 7})

    const noAck = await cli(['consumer', 'next', 'ORDERS', 'WORK', '--no-ack', '--json'])
    expect(noAck.json<ConsumerNextResult>().messages[0].data).toBe('order 8')
    ci = await jsm.consumers.info('ORDERS', 'WORK')
    expect(ci.num_ack_pending).toBe(1)

    const nak = await cli(['consumer', 'next', 'ORDERS', 'WORK', '--nak', '--json'])
    const nakMsg = nak.json<ConsumerNextResult>().messages[0]
    expect(nakMsg.data).toBe('order 10')
    // nak'd: redelivered at once
    const redelivered = await cli(['consumer', 'next', 'ORDERS', 'WORK', '--no-ack', '--json'])
    const r = redelivered.json<ConsumerNextResult>().messages[0]
    expect(r.jetstream?.redelivered).toBe(true)
    expect(r.data).toBe('order 10')

    const report = await cli(['consumer', 'report', 'ORDERS', '--json'])
    expect(report.code, report.stderr).toBe(0)
    const row = report.json<ConsumerReportRow[]>().find((x) => x.name === 'WORK')
    expect(row).toMatchObject({ack_floor: 6, ack_pending: 2, mode: 'pull', name: 'WORK', redelivered: 1, stream: 'ORDERS', unprocessed: 5, waiting_pulls: 0})
    const term = await cli(['consumer', 'next', 'ORDERS', 'WORK', '--term', '--json'])
    expect(term.json<ConsumerNextResult>().messages[0].data).toBe('order 12')
    expect((await jsm.consumers.info('ORDERS', 'WORK')).num_ack_pending).toBe(2)
    expect(Number.isNaN(Date.parse(row!.last_delivery ?? ''))).toBe(false)
    const human = await cli(['consumer', 'report', 'ORDERS'])
    expect(human.stdout).toMatch(/Consumer\s+│\s+Mode\s+│\s+Ack Pending\s+│\s+Redelivered\s+│\s+Unprocessed\s+│\s+Waiting Pulls\s+│\s+Last Delivery\s+│\s+Ack Floor/)

    const empty = await cli(['consumer', 'next', 'ORDERS', 'TIMED', '--count', '2', '--wait', '1s', '--json'])
    expect(empty.code, empty.stderr).toBe(0)
    const push = await cli(['consumer', 'next', 'ORDERS', 'PUSH1'])
    expect(push.code).toBe(2)
  })

  it('ls, info, copy and rm', async () => {
    const ls = await cli(['consumer', 'ls', 'ORDERS', '--json'])
    expect(ls.json<ConsumerInfo[]>().map((c) => c.name)).toEqual(expect.arrayContaining(['IDEM', 'PULL1', 'PUSH1', 'WORK']))
    const names = await cli(['consumer', 'ls', 'ORDERS', '--names'])
    expect(names.stdout.split('\n')).toContain('WORK')
    const info = await cli(['consumer', 'info', 'ORDERS', 'WORK'])
    expect(info.stdout).toContain('Information for Consumer ORDERS > WORK')
    expect(info.stdout).toMatch(/Filter Subject: orders\.eu\.>/)

    const copy = await cli(['consumer', 'copy', 'ORDERS', 'WORK', 'WORK2', '--max-deliver', '9', '--json'])
    expect(copy.code, copy.stderr).toBe(0)
    const src = (await jsm.consumers.info('ORDERS', 'WORK')).config
    const dst = (await jsm.consumers.info('ORDERS', 'WORK2')).config
    expect(dst).toEqual({...src, durable_name: 'WORK2', max_deliver: 9, name: 'WORK2'})

    const noForce = await cli(['consumer', 'rm', 'ORDERS', 'WORK2'])
    expect(noForce.code).toBe(2)
    expect(noForce.stderr).toContain('--force')
    expect(await consumerNames('ORDERS')).toContain('WORK2')
    const rm = await cli(['consumer', 'rm', 'ORDERS', 'WORK2', '--force', '--json'])
    expect(rm.json()).toEqual({consumer: 'WORK2', deleted: true, stream: 'ORDERS'})
    expect(await consumerNames('ORDERS')).not.toContain('WORK2')
    const lsEmpty = await cli(['consumer', 'ls', 'ORDERS', '--json'], b)
    expect(lsEmpty.json<ConsumerInfo[]>().length).toBe(3)
  })
})

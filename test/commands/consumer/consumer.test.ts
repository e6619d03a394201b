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

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, startServer} from '../../helpers/servers.js'

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

describe.concurrent('capability refusals (exit 8, nothing sent)', () => {
  it.each([
    [['--filter', 'orders.eu.>', '--filter', 'orders.us.>'], /multiple filter subjects .*requires nats-server 2\.10\.0; connected server is 2\.9\.10/],
    [['--metadata', 'team=ops'], /consumer metadata .*requires nats-server 2\.10\.0/],
    [['--pause-until', '2030-01-01T00:00:00Z'], /consumer pause .*requires nats-server 2\.11\.0/],
    [['--priority-group', 'jobs'], /priority groups .*requires nats-server 2\.11\.0/],
  ])('%s', async (args, message) => {
    const res = await cli(['consumer', 'add', 'ORDERS', 'CAP', ...(args as string[])])
    expect(res.code).toBe(8)
    expect(res.stderr).toMatch(message as RegExp)
    expect(await consumerNames('ORDERS')).not.toContain('CAP')
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

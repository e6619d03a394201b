import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {
  buildConsumerConfig,
  checkConsumerCapabilities,
  consumerConfigFromDocument,
  consumerConfigFromFlags,
  type ConsumerConfigInput,
  consumerFieldRule,
  diffConsumerConfig,
  immutableConsumerChanges,
  instant,
  normalizeConsumerConfig,
  wireConsumerConfig,
} from '../../../src/lib/consumers/config.js'

// what nats-server 2.9.10 returns for `{durable_name: "c1", ack_policy: "explicit"}`
const PULL: ConsumerConfigInput = {
  ack_policy: 'explicit',
  ack_wait: 30_000_000_000,
  deliver_policy: 'all',
  durable_name: 'c1',
  max_ack_pending: 1000,
  max_deliver: -1,
  max_waiting: 512,
  name: 'c1',
  num_replicas: 0,
  replay_policy: 'instant',
} as ConsumerConfigInput

describe('normalizeConsumerConfig', () => {
  it('fills in what a 2.9 server fills in for pull, push, ack none and ephemeral consumers', () => {
    expect(normalizeConsumerConfig({durable_name: 'c1'})).toEqual(PULL)
    const push = normalizeConsumerConfig({deliver_subject: 'x.y', durable_name: 'p'})
    expect(push.max_waiting).toBeUndefined()
    const none = normalizeConsumerConfig({ack_policy: 'none', durable_name: 'n'} as never)
    expect(none.ack_wait).toBeUndefined()
    expect(none.max_ack_pending).toBeUndefined()
    expect(normalizeConsumerConfig({}).inactive_threshold).toBe(5e9)
    expect(normalizeConsumerConfig({backoff: [1e9, 2e9], durable_name: 'b'}).ack_wait).toBe(1e9)
  })

  it('turns a one-element filter_subjects into filter_subject', () => {
    expect(normalizeConsumerConfig({durable_name: 'f', filter_subjects: ['a.>']})).toMatchObject({filter_subject: 'a.>'})
    expect(normalizeConsumerConfig({durable_name: 'f', filter_subjects: ['a.>']}).filter_subjects).toBeUndefined()
  })
})

describe('diff, immutables, documents, capabilities', () => {
  it('diffs after normalising', () => {
    expect(diffConsumerConfig(PULL, {durable_name: 'c1'})).toEqual([])
    const diff = diffConsumerConfig(PULL, {ack_policy: 'none', deliver_subject: 'x', durable_name: 'c1'} as never)
    expect(immutableConsumerChanges(diff).map((d) => d.field)).toEqual(['ack_policy', 'deliver_subject', 'max_waiting'])
  })

  it('accepts consumer info documents', () => {
    expect(consumerConfigFromDocument({config: PULL, name: 'c1', stream_name: 'S'})).toEqual(PULL)
  })

  it('flags to config', () => {
    expect(consumerConfigFromFlags({ack: 'all', backoff: '1s,1m', deliver: 'last-per-subject', filter: ['a.>'], wait: 2000})).toEqual({
      ack_policy: 'all',
      ack_wait: 2e9,
      backoff: [1e9, 60e9],
      deliver_policy: 'last_per_subject',
      filter_subject: 'a.>',
    })
  })

  it('refuses newer options on 2.9 and allows them on newer servers', () => {
    const multi = {durable_name: 'm', filter_subjects: ['a', 'b']}
    expect(() => checkConsumerCapabilities(multi, new Capabilities('2.9.10'))).toThrow(/multiple filter subjects .*requires nats-server 2\.10\.0/)
    expect(() => checkConsumerCapabilities(multi, new Capabilities('2.10.0'))).not.toThrow()
    expect(() => checkConsumerCapabilities({durable_name: 'p', pause_until: '2030-01-01T00:00:00Z'}, new Capabilities('2.10.9'))).toThrow(/2\.11\.0/)
  })
})

describe('current servers', () => {
  it('times compare as instants', () => {
    expect(instant('2030-01-01T00:00:00Z')).toBe('2030-01-01T00:00:00Z')
    expect(instant('2030-01-01T00:00:00.000Z')).toBe('2030-01-01T00:00:00Z')
    expect(instant('2030-01-01T02:00:00+02:00')).toBe('2030-01-01T00:00:00Z')
    expect(instant('2030-01-01T00:00:00.5Z')).toBe('2030-01-01T00:00:00.500Z')
    expect(instant('2030-01-01T00:00:00.123456789Z')).toBe('2030-01-01T00:00:00.123456789Z')
    const a = {durable_name: 'p', opt_start_time: '2020-01-01T00:00:00Z', pause_until: '2030-01-01T00:00:00Z'}
    expect(diffConsumerConfig(a, {...a, opt_start_time: '2020-01-01T00:00:00.000Z', pause_until: '2030-01-01T00:00:00.000Z'})).toEqual([])
  })

  it("a stream's consumer_limits are the defaults a consumer is compared with", () => {
    const limits = {inactive_threshold: 60e9, max_ack_pending: 50}
    const applied = {...PULL, inactive_threshold: 60e9, max_ack_pending: 50}
    expect(diffConsumerConfig(applied, {durable_name: 'c1'}, limits)).toEqual([])
    expect(diffConsumerConfig(applied, {durable_name: 'c1'}).map((d) => d.field)).toEqual(['inactive_threshold', 'max_ack_pending'])
    expect(diffConsumerConfig(applied, {durable_name: 'c1', max_ack_pending: 10}, limits)).toEqual([{current: 50, desired: 10, field: 'max_ack_pending'}])
  })

  it('sends only the fields that are set (and explicit acks, natsx\'s default)', () => {
    expect(wireConsumerConfig({durable_name: 'c1'})).toEqual({ack_policy: 'explicit', durable_name: 'c1', name: 'c1'})
    expect(wireConsumerConfig({
      description: '',
      durable_name: 'c1',
      filter_subjects: ['a.>'],
      headers_only: false,
      metadata: {'_nats.level': '5', '_nats.req.level': '0', team: 'ops'},
      opt_start_time: '0001-01-01T00:00:00Z',
      priority_policy: 'none',
    } as ConsumerConfigInput)).toEqual({ack_policy: 'explicit', durable_name: 'c1', filter_subject: 'a.>', metadata: {team: 'ops'}, name: 'c1'})
    expect(wireConsumerConfig({durable_name: 'c1', metadata: {'_nats.ver': '2.15.1'}}).metadata).toBeUndefined()
  })

  it('update rules per connected version', () => {
    const v29 = new Capabilities('2.9.10', 0)
    const v210 = new Capabilities('2.10.27', 0)
    const v215 = new Capabilities('2.15.1', 5)
    for (const caps of [v29, v210, v215]) {
      for (const f of ['ack_policy', 'deliver_policy', 'opt_start_seq', 'opt_start_time', 'replay_policy', 'flow_control', 'idle_heartbeat', 'max_waiting'])
        expect(consumerFieldRule(f, caps)).toBe('create-only')
      for (const f of ['description', 'ack_wait', 'max_deliver', 'backoff', 'max_ack_pending', 'filter_subject', 'inactive_threshold', 'headers_only', 'rate_limit_bps'])
        expect(consumerFieldRule(f, caps)).toBe('updatable')
    }

    expect(consumerFieldRule('mem_storage', v210)).toBe('updatable')
    expect(consumerFieldRule('mem_storage', v215)).toBe('create-only')
    expect(consumerFieldRule('metadata', v29)).toBe('unsupported')
    expect(consumerFieldRule('metadata', v210)).toBe('updatable')
    expect(consumerFieldRule('pause_until', v210)).toBe('unsupported')
    expect(consumerFieldRule('pause_until', v215)).toBe('pause-api')
    expect(consumerFieldRule('priority_groups', v215)).toBe('updatable')
    const diff = [{current: false, desired: true, field: 'mem_storage'}]
    expect(immutableConsumerChanges(diff, v210)).toEqual([])
    expect(immutableConsumerChanges(diff, v215).map((d) => d.field)).toEqual(['mem_storage'])
    expect(immutableConsumerChanges(diff).map((d) => d.field)).toEqual(['mem_storage'])
  })

  it('priority policies, pinned TTL and the versions they need', () => {
    expect(consumerConfigFromFlags({'priority-group': ['g']})).toEqual({priority_groups: ['g'], priority_policy: 'pinned_client'})
    expect(consumerConfigFromFlags({'priority-group': ['g'], 'priority-policy': 'overflow'})).toEqual({priority_groups: ['g'], priority_policy: 'overflow'})
    expect(consumerConfigFromFlags({'overflow-groups': ['a,b']})).toEqual({priority_groups: ['a', 'b'], priority_policy: 'overflow'})
    expect(consumerConfigFromFlags({'pinned-groups': ['g'], 'pinned-ttl': 60_000})).toEqual({priority_groups: ['g'], priority_policy: 'pinned_client', priority_timeout: 60e9})
    expect(() => consumerConfigFromFlags({'overflow-groups': ['a'], 'pinned-groups': ['b']})).toThrow(/cannot be used together/)
    const prioritized = {durable_name: 'p', priority_groups: ['g'], priority_policy: 'prioritized'} as ConsumerConfigInput
    expect(() => checkConsumerCapabilities(prioritized, new Capabilities('2.11.0', 1))).toThrow(/prioritized priority policy .*requires nats-server 2\.12\.0/)
    expect(() => checkConsumerCapabilities(prioritized, new Capabilities('2.15.1', 5))).not.toThrow()
    // the version named is the newest one the configuration needs
    expect(() => checkConsumerCapabilities(prioritized, new Capabilities('2.9.10', 0))).toThrow(/requires nats-server 2\.12\.0; connected server is 2\.9\.10/)
    const fc = {ack_policy: 'flow_control', deliver_subject: 'd', durable_name: 'f', flow_control: true, idle_heartbeat: 1e9} as ConsumerConfigInput
    expect(() => checkConsumerCapabilities(fc, new Capabilities('2.12.0', 2))).toThrow(/2\.14\.0/)
    // the server's default pinned TTL is not a difference
    expect(diffConsumerConfig({...prioritized, priority_policy: 'pinned_client', priority_timeout: 120e9}, {...prioritized, priority_policy: 'pinned_client'})).toEqual([])
  })

  it('a --backoff flag brings its own ack wait over a file or a copied configuration', () => {
    const c = buildConsumerConfig('c2', true, {ack_wait: 30e9, durable_name: 'c1'}, consumerConfigFromFlags({backoff: '2s,10s'}))
    expect(c).toMatchObject({ack_wait: 2e9, backoff: [2e9, 10e9], durable_name: 'c2'})
  })
})

import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {
  checkConsumerCapabilities,
  consumerConfigFromDocument,
  consumerConfigFromFlags,
  type ConsumerConfigInput,
  diffConsumerConfig,
  immutableConsumerChanges,
  normalizeConsumerConfig,
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

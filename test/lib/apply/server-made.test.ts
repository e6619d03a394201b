import {describe, expect, it} from 'vitest'

import {exportConsumerConfig, exportStreamConfig} from '../../../src/lib/apply/export.js'
import {
  consumerRequestConfig,
  expectedConsumer,
  expectedStream,
  isServerMadeConsumer,
  liveConsumer,
  userMetadata,
} from '../../../src/lib/apply/server-made.js'
import {diffConsumerConfig} from '../../../src/lib/consumers/config.js'
import {diffStreamConfig} from '../../../src/lib/streams/config.js'

/** What a 2.15.1 server printed for the consumer it made on a work-queue stream sourced into another. */
const SOURCING: Record<string, unknown> & {metadata: Record<string, string>} = {
  ack_policy: 'flow_control',
  deliver_policy: 'all',
  deliver_subject: '$JS.S.mRHSDhqv',
  durable_name: 'JS_SRC_m9bSsGhC',
  flow_control: true,
  idle_heartbeat: 1_000_000_000,
  max_ack_pending: 1000,
  max_deliver: -1,
  metadata: {'_nats.req.level': '4', '_nats.src.acc': '$G', '_nats.src.stream': 'AGGWQ'},
  name: 'JS_SRC_m9bSsGhC',
  num_replicas: 0,
  replay_policy: 'instant',
  sourcing: true,
}

describe('what the server made', () => {
  it('recognises the consumers a 2.14+ server makes to source or mirror a stream, and no others', () => {
    expect(isServerMadeConsumer(SOURCING)).toBe(true)
    expect(isServerMadeConsumer({...SOURCING, sourcing: undefined})).toBe(true) // by its _nats.src.* metadata
    expect(isServerMadeConsumer({ack_policy: 'flow_control', name: 'JS_MIRROR_x1'})).toBe(true)
    expect(isServerMadeConsumer({ack_policy: 'explicit', metadata: {'_nats.level': '5', team: 'a'}, name: 'JS_SRC_mine'})).toBe(false)
    expect(isServerMadeConsumer({name: 'worker'})).toBe(false)
  })

  it('drops _nats.* metadata and the sourcing mark', () => {
    expect(userMetadata({'_nats.level': '5', '_nats.ver': '2.15.1'})).toBeUndefined()
    expect(userMetadata({'_nats.level': '5', team: 'ops'})).toEqual({team: 'ops'})
    expect(liveConsumer(SOURCING as never)).not.toHaveProperty('sourcing')
    expect(liveConsumer(SOURCING as never)).not.toHaveProperty('metadata')
  })

  it('a stream consumer_limits fill in what a consumer leaves unset: no diff, no export', () => {
    const limits = {inactive_threshold: 3_600_000_000_000, max_ack_pending: 50}
    // as a 2.15.1 server printed a consumer created with only a name on such a stream
    const live = {
      ack_policy: 'explicit',
      ack_wait: 30_000_000_000,
      deliver_policy: 'all',
      durable_name: 'C1',
      inactive_threshold: 3_600_000_000_000,
      max_ack_pending: 50,
      max_deliver: -1,
      max_waiting: 512,
      metadata: {'_nats.level': '5', '_nats.req.level': '0', '_nats.ver': '2.15.1'},
      name: 'C1',
      num_replicas: 0,
      replay_policy: 'instant',
    }
    const desired = {durable_name: 'C1', name: 'C1'}
    expect(diffConsumerConfig(liveConsumer(live as never), desired).map((d) => d.field)).toEqual(['inactive_threshold', 'max_ack_pending'])
    expect(diffConsumerConfig(liveConsumer(live as never), expectedConsumer(desired, limits))).toEqual([])
    expect(exportConsumerConfig(live as never, limits)).toEqual({name: 'C1'})
    expect(exportConsumerConfig(live as never)).toEqual({inactive_threshold: '1h', max_ack_pending: 50, name: 'C1'})
    // a consumer without acknowledgements gets no max_ack_pending from the limits
    expect(expectedConsumer({ack_policy: 'none' as never, name: 'n'}, limits)).toEqual({ack_policy: 'none', inactive_threshold: 3_600_000_000_000, name: 'n'})
  })

  it('delete markers and schedules switch roll-ups on; a pinned client gets its default timeout', () => {
    const live = {
      allow_msg_ttl: true,
      allow_rollup_hdrs: true,
      name: 'T1',
      subject_delete_marker_ttl: 5_000_000_000,
      subjects: ['t1.>'],
    }
    const desired = {allow_msg_ttl: true, name: 'T1', subject_delete_marker_ttl: 5_000_000_000, subjects: ['t1.>']}
    expect(diffStreamConfig(live, desired).map((d) => d.field)).toEqual(['allow_rollup_hdrs'])
    expect(diffStreamConfig(live, expectedStream(desired))).toEqual([])
    expect(exportStreamConfig(live as never)).toEqual({allow_msg_ttl: true, name: 'T1', subject_delete_marker_ttl: '5s', subjects: ['t1.>']})
    expect(expectedConsumer({name: 'p', priority_groups: ['g'], priority_policy: 'pinned_client' as never})).toMatchObject({priority_timeout: 120_000_000_000})
    const pinnedLive = {ack_policy: 'explicit', durable_name: 'p', name: 'p', priority_groups: ['g'], priority_policy: 'pinned_client', priority_timeout: 120_000_000_000}
    expect(exportConsumerConfig(pinnedLive as never)).toEqual({name: 'p', priority_groups: ['g'], priority_policy: 'pinned_client'})
  })

  it('a consumer request carries only what the spec sets, with natsx default policies', () => {
    expect(consumerRequestConfig({durable_name: 'w', filter_subjects: ['a.b'], name: 'w'})).toEqual({
      ack_policy: 'explicit',
      deliver_policy: 'all',
      durable_name: 'w',
      filter_subject: 'a.b',
      name: 'w',
      replay_policy: 'instant',
    })
  })
})

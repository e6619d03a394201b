/** The pure parts of `stream find`, `consumer find` and `stream gaps`: selectors, --invert, expressions, ranges. */
import type {ConsumerInfo, StreamInfo} from '@nats-io/jetstream'

import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {NatsxError} from '../../../src/lib/errors.js'
import {checkConsumerCapabilities, selectConsumers} from '../../../src/lib/find/consumers.js'
import {compileExpression} from '../../../src/lib/find/expression.js'
import {deletedRanges, streamState} from '../../../src/lib/find/gaps.js'
import {parseRegex} from '../../../src/lib/find/select.js'
import {checkStreamQuery, selectStreams, type StreamQuery} from '../../../src/lib/find/streams.js'
import {subjectsOverlap} from '../../../src/lib/find/subjects.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const ago = (ms: number): string => new Date(NOW - ms).toISOString()
const H = 3_600_000

function stream(name: string, o: {cluster?: StreamInfo['cluster']; config?: Record<string, unknown>; created?: string; state?: Record<string, unknown>} = {}): StreamInfo {
  return {
    cluster: o.cluster,
    config: {name, num_replicas: 1, subjects: [`${name.toLowerCase()}.>`], ...o.config},
    created: o.created ?? ago(H),
    state: {bytes: 0, consumer_count: 0, first_seq: 0, first_ts: '0001-01-01T00:00:00Z', last_seq: 0, last_ts: '0001-01-01T00:00:00Z', messages: 0, ...o.state},
  } as unknown as StreamInfo
}

const STREAMS = [
  stream('EMPTY', {cluster: {leader: 'n1', name: 'east'} as never, created: ago(3 * H)}),
  stream('BUSY', {
    cluster: {leader: 'n2', name: 'east', replicas: [{name: 'n3'}, {name: 'n1'}]} as never,
    config: {metadata: {'_nats.req.level': '1'}, num_replicas: 3, subjects: ['orders.*', 'audit']},
    created: ago(10 * 60_000),
    state: {consumer_count: 4, last_ts: ago(1000), messages: 50},
  }),
  stream('SRC', {cluster: {leader: 'n3', name: 'west'} as never, config: {sources: [{name: 'BUSY'}], subjects: []}, state: {consumer_count: 1, last_ts: ago(2 * H), messages: 5}}),
  stream('MIR', {config: {mirror: {name: 'BUSY'}, subjects: undefined}, state: {last_ts: ago(30_000), messages: 50}}),
]

const names = async (q: StreamQuery): Promise<string[]> => (await selectStreams(STREAMS, q, NOW)).map((s) => s.config.name)

describe('stream selectors', () => {
  const cases: Array<[string, StreamQuery, string[]]> = [
    ['--empty', {empty: true}, ['EMPTY']],
    ['--idle 1h (never a message counts as idle)', {idle: H}, ['EMPTY', 'SRC']],
    ['--created 30m', {created: 30 * 60_000}, ['EMPTY', 'SRC', 'MIR']],
    ['--consumers 1', {consumers: 1}, ['EMPTY', 'SRC', 'MIR']],
    ['--subject orders.eu (overlaps orders.*)', {subject: 'orders.eu'}, ['BUSY']],
    ['--subject ">"', {subject: '>'}, ['EMPTY', 'BUSY']],
    ['--replicas 1', {replicas: 1}, ['EMPTY', 'SRC', 'MIR']],
    ['--cluster ^east$', {cluster: /^east$/}, ['EMPTY', 'BUSY']],
    ['--server-name n1 (leader or replica)', {serverName: /^n1$/}, ['EMPTY', 'BUSY']],
    ['--leader n2', {leader: 'n2'}, ['BUSY']],
    ['--sourced', {sourced: true}, ['SRC']],
    ['--mirrored', {mirrored: true}, ['MIR']],
    ['--api-level 1', {apiLevel: 1}, ['BUSY']],
  ]
  for (const [label, q, want] of cases) {
    it(`${label} finds exactly ${want.join(', ')}, and --invert exactly the others`, async () => {
      expect(await names(q)).toEqual(want)
      expect(await names({...q, invert: true})).toEqual(STREAMS.map((s) => s.config.name).filter((n) => !want.includes(n)))
    })
  }

  it('selectors combine with AND; --invert flips each of them', async () => {
    expect(await names({consumers: 1, empty: true})).toEqual(['EMPTY'])
    expect(await names({consumers: 1, empty: true, invert: true})).toEqual(['BUSY'])
  })

  it('--invert without a selector is exit 2', async () => {
    await expect(selectStreams(STREAMS, {invert: true}, NOW)).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('--invert needs a selector')})
  })

  it('--api-level is exit 8 where the server records no API level (before 2.11)', () => {
    for (const caps of [new Capabilities('2.9.10', 0), new Capabilities('2.10.27', 0)]) {
      expect(() => checkStreamQuery({apiLevel: 1}, caps)).toThrow(/requires nats-server 2\.11\.0; connected server is 2\.1?[09]/)
    }

    expect(() => checkStreamQuery({apiLevel: 1}, new Capabilities('2.11.0', 1))).not.toThrow()
    expect(() => checkStreamQuery({empty: true}, new Capabilities('2.9.10', 0))).not.toThrow()
  })
})

describe('--expression (JSONata)', () => {
  it('sees config, state and info; a missing field is false; it is not inverted', async () => {
    expect(await names({expression: await compileExpression('state.messages > 10 and config.num_replicas = 3')})).toEqual(['BUSY'])
    expect(await names({expression: await compileExpression('$exists(config.mirror)')})).toEqual(['MIR'])
    expect(await names({expression: await compileExpression('config.mirror.name = "BUSY"')})).toEqual(['MIR'])
    expect(await names({expression: await compileExpression('info.cluster.name = "west"')})).toEqual(['SRC'])
    expect(await names({expression: await compileExpression(`$toMillis(info.created) < ${NOW - 2 * H}`)})).toEqual(['EMPTY'])
    expect(await names({empty: true, expression: await compileExpression('state.messages = 0'), invert: true})).toEqual([])
    expect(await names({expression: await compileExpression('state.messages > 10'), mirrored: true, invert: true})).toEqual(['BUSY'])
  })

  it('a syntax error is exit 2 naming the position and the problem, on one line', async () => {
    const err = await compileExpression('state.messages >').catch((error: unknown) => error)
    expect(err).toBeInstanceOf(NatsxError)
    expect(err).toMatchObject({exitCode: 2})
    expect((err as Error).message).toBe('invalid --expression at position 16: Unexpected end of expression (S0207)')
    await expect(compileExpression('a = = b')).rejects.toMatchObject({exitCode: 2, message: expect.stringMatching(/at position 5: .*"="/)})
    await expect(compileExpression('   ')).rejects.toMatchObject({exitCode: 2, message: '--expression is empty'})
  })

  it('a value that is not a boolean, or an error while evaluating, is exit 2 naming the stream', async () => {
    await expect(names({expression: await compileExpression('state.messages')})).rejects.toMatchObject({exitCode: 2, message: '--expression gave a number for stream "EMPTY", not true or false'})
    await expect(names({expression: await compileExpression('config.subjects')})).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('gave an array')})
    await expect(names({expression: await compileExpression('config.name + 1 > 0')})).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^--expression failed on stream "EMPTY" at position \d+: .*\(T2001\)$/),
    })
  })
})

function consumer(name: string, o: {config?: Record<string, unknown>; created?: string; info?: Record<string, unknown>} = {}): ConsumerInfo {
  return {
    ack_floor: {consumer_seq: 0, stream_seq: 0},
    config: {ack_policy: 'explicit', durable_name: name, ...o.config},
    created: o.created ?? ago(H),
    delivered: {consumer_seq: 0, stream_seq: 0},
    name,
    num_ack_pending: 0,
    num_pending: 0,
    num_redelivered: 0,
    num_waiting: 0,
    stream_name: 'S',
    ...o.info,
  } as unknown as ConsumerInfo
}

const CONSUMERS = [
  consumer('PULL', {info: {delivered: {consumer_seq: 3, last_active: ago(5000), stream_seq: 3}, num_ack_pending: 3, num_pending: 7}}),
  consumer('WAIT', {config: {num_replicas: 1}, info: {cluster: {leader: 'n1'}, num_waiting: 2}}),
  consumer('PUSH', {config: {deliver_subject: 'out'}, created: ago(5 * H), info: {delivered: {consumer_seq: 9, last_active: ago(3 * H), stream_seq: 9}, push_bound: true}}),
  consumer('PIN', {
    config: {metadata: {'_nats.req.level': '1'}, priority_groups: ['a', 'b'], priority_policy: 'pinned_client'},
    info: {paused: true, priority_groups: [{group: 'a', pinned_client_id: 'x'}, {group: 'b', pinned_client_id: 'y'}]},
  }),
  consumer('HALF', {config: {priority_groups: ['a', 'b'], priority_policy: 'pinned_client'}, info: {priority_groups: [{group: 'a', pinned_client_id: 'x'}, {group: 'b'}]}}),
]

describe('consumer selectors', () => {
  const all = CONSUMERS.map((c) => c.name)
  const cases: Array<[string, Parameters<typeof selectConsumers>[1], string[]]> = [
    ['--pull', {pull: true}, ['PULL', 'WAIT', 'PIN', 'HALF']],
    ['--push', {push: true}, ['PUSH']],
    ['--bound', {bound: true}, ['WAIT', 'PUSH']],
    ['--ack-pending 3 (fewer than)', {ackPending: 3}, ['WAIT', 'PUSH', 'PIN', 'HALF']],
    ['--waiting 1', {waiting: 1}, ['PULL', 'PUSH', 'PIN', 'HALF']],
    ['--pending 1', {pending: 1}, ['WAIT', 'PUSH', 'PIN', 'HALF']],
    ['--created 2h', {created: 2 * H}, ['PUSH']],
    ['--idle 1h (never delivered counts as idle)', {idle: H}, ['WAIT', 'PUSH', 'PIN', 'HALF']],
    ['--replicas 2 (the stream has 3; a consumer without its own count has the stream\'s)', {replicas: 2}, ['WAIT']],
    ['--leader n1', {leader: 'n1'}, ['WAIT']],
    ['--pinned (every group pinned)', {pinned: true}, ['PIN']],
    ['--paused', {paused: true}, ['PIN']],
    ['--api-level 1', {apiLevel: 1}, ['PIN']],
  ]
  for (const [label, q, want] of cases) {
    it(`${label} finds exactly ${want.join(', ')}, and --invert exactly the others`, async () => {
      expect((await selectConsumers(CONSUMERS, q, 3, NOW)).map((c) => c.name)).toEqual(want)
      expect((await selectConsumers(CONSUMERS, {...q, invert: true}, 3, NOW)).map((c) => c.name)).toEqual(all.filter((n) => !want.includes(n)))
    })
  }

  it('the expression sees state as the info without its config', async () => {
    const q = {expression: await compileExpression('state.num_ack_pending > 0 and config.ack_policy = "explicit" and $not($exists(state.config))')}
    expect((await selectConsumers(CONSUMERS, q, 1, NOW)).map((c) => c.name)).toEqual(['PULL'])
  })

  it('--pull with --push is exit 2; --paused, --pinned and --api-level are exit 8 before 2.11', async () => {
    await expect(selectConsumers(CONSUMERS, {pull: true, push: true}, 1, NOW)).rejects.toMatchObject({exitCode: 2})
    const old = new Capabilities('2.10.27', 0)
    expect(() => checkConsumerCapabilities({paused: true}, old)).toThrow(/--paused .*requires nats-server 2\.11\.0/)
    expect(() => checkConsumerCapabilities({pinned: true}, old)).toThrow(/--pinned .*requires nats-server 2\.11\.0/)
    expect(() => checkConsumerCapabilities({apiLevel: 0}, old)).toThrow(/--api-level .*requires nats-server 2\.11\.0/)
    expect(() => checkConsumerCapabilities({apiLevel: 1, paused: true, pinned: true}, new Capabilities('2.11.1', 1))).not.toThrow()
  })
})

describe('helpers', () => {
  it('subjectsOverlap', () => {
    expect(subjectsOverlap('orders.*', 'orders.eu')).toBe(true)
    expect(subjectsOverlap('orders.>', 'orders')).toBe(false)
    expect(subjectsOverlap('orders.>', 'orders.a.b')).toBe(true)
    expect(subjectsOverlap('a.*.c', 'a.b.*')).toBe(true)
    expect(subjectsOverlap('a.*.c', 'a.b.d')).toBe(false)
    expect(subjectsOverlap('a.b', 'a.b.c')).toBe(false)
    expect(subjectsOverlap('>', 'x')).toBe(true)
    expect(subjectsOverlap('x', '>')).toBe(true)
  })

  it('deletedRanges folds consecutive sequences, in order, once each', () => {
    expect(deletedRanges([])).toEqual([])
    expect(deletedRanges([9, 3, 4, 5, 5, 12, 11])).toEqual([
      {count: 3, first: 3, last: 5},
      {count: 1, first: 9, last: 9},
      {count: 2, first: 11, last: 12},
    ])
  })

  it('parseRegex: a bad pattern is exit 2 naming the flag', () => {
    expect(parseRegex('^n[12]$', 'cluster').test('n2')).toBe(true)
    expect(() => parseRegex('(', 'server-name')).toThrow(/^--server-name "\(" is not a regular expression/)
  })

  it('streamState leaves out Go\'s zero times', () => {
    expect(streamState(STREAMS[0])).toEqual({bytes: 0, consumer_count: 0, first_seq: 0, last_seq: 0, messages: 0, num_deleted: 0, num_subjects: 0, stream: 'EMPTY'})
    expect(streamState(STREAMS[1]).last_ts).toBe(ago(1000))
  })
})

/** Pure parts of the 2.11+ consumer verbs: `--until`, and the priority-group fields of a pull checked against the consumer. */
import type {ConsumerInfo} from '@nats-io/jetstream'

import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {parsePauseUntil} from '../../../src/lib/consumers/admin.js'
import {priorityPull} from '../../../src/lib/consumers/next.js'
import {ExitCode, NatsxError} from '../../../src/lib/errors.js'

const now = Date.parse('2030-01-01T00:00:00Z')

function code(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof NatsxError ? error.exitCode : -1
  }

  return undefined
}

describe('parsePauseUntil', () => {
  it('a duration is from now, a time is that time', () => {
    expect(parsePauseUntil('90m', now).toISOString()).toBe('2030-01-01T01:30:00.000Z')
    expect(parsePauseUntil('2030-01-02T03:04:05Z', now).toISOString()).toBe('2030-01-02T03:04:05.000Z')
    expect(parsePauseUntil('2030-01-01T01:00:00+01:00', now.valueOf() - 1).toISOString()).toBe('2030-01-01T00:00:00.000Z')
  })

  it('the past, now, junk and a bare number are exit 2', () => {
    for (const bad of ['2029-12-31T23:59:59Z', '0', '0s', 'tomorrow', '30', '2030-13-45T00:00:00Z'])
      expect(code(() => parsePauseUntil(bad, now)), bad).toBe(ExitCode.USAGE)
  })
})

const consumer = (config: Partial<ConsumerInfo['config']>): ConsumerInfo =>
  ({config: {ack_policy: 'explicit', durable_name: 'W', ...config}, name: 'W'}) as unknown as ConsumerInfo
const v215 = new Capabilities('2.15.1', 5)
const v211 = new Capabilities('2.11.0', 1)
const v210 = new Capabilities('2.10.27', 0)

describe('priorityPull', () => {
  const pinned = consumer({priority_groups: ['g'], priority_policy: 'pinned_client' as never})
  const overflow = consumer({priority_groups: ['g', 'h'], priority_policy: 'overflow' as never})
  const prioritized = consumer({priority_groups: ['g'], priority_policy: 'prioritized' as never})
  const plain = consumer({})

  it('sends only the fields given, for the group the consumer has', () => {
    expect(priorityPull(plain, v215, {})).toBeUndefined()
    expect(priorityPull(pinned, v215, {group: 'g'})).toEqual({group: 'g'})
    expect(priorityPull(overflow, v215, {group: 'h', min_ack_pending: 2, min_pending: 5})).toEqual({group: 'h', min_ack_pending: 2, min_pending: 5})
    expect(priorityPull(prioritized, v215, {group: 'g', priority: 0})).toEqual({group: 'g', priority: 0})
  })

  it('what does not fit the consumer is exit 2', () => {
    expect(code(() => priorityPull(pinned, v215, {}))).toBe(ExitCode.USAGE)
    expect(code(() => priorityPull(plain, v215, {group: 'g'}))).toBe(ExitCode.USAGE)
    expect(code(() => priorityPull(overflow, v215, {group: 'x'}))).toBe(ExitCode.USAGE)
    expect(code(() => priorityPull(pinned, v215, {group: 'g', min_pending: 1}))).toBe(ExitCode.USAGE)
    expect(code(() => priorityPull(overflow, v215, {group: 'g', priority: 1}))).toBe(ExitCode.USAGE)
    expect(code(() => priorityPull(prioritized, v215, {group: 'g', min_ack_pending: 1}))).toBe(ExitCode.USAGE)
    expect(code(() => priorityPull(plain, v215, {min_pending: 1}))).toBe(ExitCode.USAGE)
  })

  it('what the server lacks is exit 8: a group before 2.11, a priority before 2.12', () => {
    expect(code(() => priorityPull(pinned, v210, {group: 'g'}))).toBe(ExitCode.UNSUPPORTED)
    expect(code(() => priorityPull(prioritized, v211, {group: 'g', priority: 0}))).toBe(ExitCode.UNSUPPORTED)
    expect(priorityPull(overflow, v211, {group: 'g', min_pending: 3})).toEqual({group: 'g', min_pending: 3})
  })
})

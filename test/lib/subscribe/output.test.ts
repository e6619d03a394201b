import {describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../../src/lib/messages.js'

import {NatsxError} from '../../../src/lib/errors.js'
import {checkSubOutputFlags, formatDelta, subPrinter} from '../../../src/lib/subscribe/output.js'

describe('sub output flags', () => {
  const usage = (flags: Parameters<typeof checkSubOutputFlags>[0]): string => {
    try {
      checkSubOutputFlags(flags)
    } catch (error) {
      expect(error).toBeInstanceOf(NatsxError)
      expect((error as NatsxError).exitCode).toBe(2)
      return (error as NatsxError).message
    }

    return 'accepted'
  }

  it('refuses contradicting pairs, naming both flags', () => {
    expect(usage({'headers-only': true, 'subjects-only': true})).toBe('--subjects-only cannot be used with --headers-only')
    expect(usage({'subjects-only': true, translate: 'cat'})).toBe('--subjects-only cannot be used with --translate')
    expect(usage({'subjects-only': true, translate: ''})).toBe('--subjects-only cannot be used with --translate')
    expect(usage({raw: true, 'subjects-only': true})).toBe('--subjects-only cannot be used with --raw')
    expect(usage({'delta-time': true, timestamp: true})).toBe('--timestamp cannot be used with --delta-time')
    expect(usage({raw: true, timestamp: true})).toBe('--timestamp cannot be used with --raw')
    expect(usage({'delta-time': true, raw: true})).toBe('--delta-time cannot be used with --raw')
    expect(usage({'headers-only': true, translate: 'cat'})).toBe('--translate cannot be used with --headers-only')
  })

  it('accepts the combinations that make sense', () => {
    expect(usage({'subjects-only': true, timestamp: true})).toBe('accepted')
    expect(usage({'delta-time': true, 'subjects-only': true})).toBe('accepted')
    expect(usage({'headers-only': true, timestamp: true})).toBe('accepted')
    expect(usage({'delta-time': true, translate: 'cat'})).toBe('accepted')
    expect(usage({'ignore-subject': ['a.*', '>', 'a.*.c.>'], raw: true})).toBe('accepted')
  })

  it('validates --ignore-subject as a subject with wildcards', () => {
    expect(usage({'ignore-subject': ['ok.*', 'a..b']})).toMatch(/^invalid --ignore-subject subject "a\.\.b": it has an empty token$/)
    expect(usage({'ignore-subject': ['a.>.b']})).toMatch(/">" must be the last token/)
    expect(usage({'ignore-subject': ['a*']})).toMatch(/a wildcard must be a whole token/)
    expect(usage({'ignore-subject': ['a b']})).toMatch(/whitespace/)
    expect(usage({'ignore-subject': ['']})).toMatch(/empty/)
  })
})

describe('subPrinter', () => {
  const rec = (subject: string, received: string, extra: Partial<MessageRecord> = {}): MessageRecord => ({
    data: 'body',
    encoding: 'utf8',
    received,
    size: 4,
    subject,
    ...extra,
  })

  it('people: the natscli block, led by the receive time with --timestamp', () => {
    const plain = subPrinter({startedMs: 0, view: 'human'})
    expect(plain(rec('a.b', '2026-01-02T03:04:05.678Z'), 1)).toBe('[#1] Received on "a.b"\nbody\n')
    const stamped = subPrinter({clock: 'timestamp', startedMs: 0, view: 'human'})
    expect(stamped(rec('a.b', '2026-01-02T03:04:05.678Z', {headers: {K: ['v']}, reply: 'r.1'}), 7)).toBe(
      '2026-01-02T03:04:05.678Z [#7] Received on "a.b" with reply "r.1"\nK: v\n\nbody\n',
    )
    const js = stamped(rec('a.b', '2026-01-02T03:04:05.678Z', {jetstream: {sequence: 3, stream: 'S', time: '2026-01-02T03:04:05.000Z'}}), 1)
    expect(String(js).split('\n')[0]).toBe('2026-01-02T03:04:05.678Z [#1] Received JetStream message: stream: S seq 3 / subject: a.b / time: 2026-01-02T03:04:05.000Z')
  })

  it('--delta-time: the first since the start, then since the previous message', () => {
    const start = Date.parse('2026-01-02T03:04:05.000Z')
    const print = subPrinter({clock: 'delta', startedMs: start, view: 'subjects'})
    expect(print(rec('a', '2026-01-02T03:04:05.250Z'), 1)).toBe('+0.250s a')
    expect(print(rec('b', '2026-01-02T03:04:05.250Z'), 2)).toBe('+0.000s b')
    expect(print(rec('c', '2026-01-02T03:05:06.251Z'), 3)).toBe('+61.001s c')
    const human = subPrinter({clock: 'delta', headersOnly: true, startedMs: start, view: 'human'})
    expect(human(rec('a', '2026-01-02T03:04:06.000Z', {headers: {K: ['v']}}), 1)).toBe('+1.000s [#1] Received on "a"\nK: v\n')
  })

  it('--subjects-only is the subject alone; --raw the body alone', () => {
    expect(subPrinter({startedMs: 0, view: 'subjects'})(rec('x.y', '2026-01-02T03:04:05.678Z'), 1)).toBe('x.y')
    expect(subPrinter({clock: 'timestamp', startedMs: 0, view: 'subjects'})(rec('x.y', '2026-01-02T03:04:05.678Z'), 1)).toBe('2026-01-02T03:04:05.678Z x.y')
    const raw = subPrinter({startedMs: 0, view: 'raw'})
    expect(raw(rec('x.y', '2026-01-02T03:04:05.678Z'), 1)).toEqual(Buffer.from('body'))
    // binary bodies come out byte for byte, not re-encoded
    expect(raw(rec('x.y', '2026-01-02T03:04:05.678Z', {data: Buffer.from([0xff, 0x41]).toString('base64'), encoding: 'base64', size: 2}), 1)).toEqual(Buffer.from([0xff, 0x41]))
  })

  it('formatDelta: seconds with milliseconds, never negative', () => {
    expect(formatDelta(0)).toBe('+0.000s')
    expect(formatDelta(4)).toBe('+0.004s')
    expect(formatDelta(3_725_120)).toBe('+3725.120s')
    expect(formatDelta(-5)).toBe('+0.000s')
  })
})

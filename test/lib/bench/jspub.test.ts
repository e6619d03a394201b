import {describe, expect, it} from 'vitest'

import {apiPrefix} from '../../../src/lib/bench/jsget.js'
import {publishRefused} from '../../../src/lib/bench/jspub.js'
import {latencyOp} from '../../../src/lib/bench/stats.js'

describe('bench js pub / get helpers', () => {
  it('publishRefused: the server words in one line, and the exit code the error stands for', () => {
    const big = publishRefused({code: 400, description: 'atomic publish batch is too large: 1000', err_code: 10_199}, 'an atomic batch on "a"')
    expect(big.exitCode).toBe(2)
    expect(big.line()).toBe('the server refused an atomic batch on "a": atomic publish batch is too large: 1000 (10199); pass --batch-size 1000 or less, the server\'s limit (raised in its config by jetstream { limits { batch { max_msgs: N } } })')
    for (const code of [10_210, 10_211]) {
      const many = publishRefused({code: 400, description: 'atomic publish too many inflight', err_code: code}, 'an atomic batch on "a"')
      expect([many.exitCode, many.hint]).toEqual([2, 'lower --max-outstanding-acks or --clients'])
    }

    // 10204 is the consumer's "invalid reset", not a publish refusal: no batch hint
    expect(publishRefused({code: 400, description: 'invalid reset: x', err_code: 10_204}, 'a publish').hint ?? '').not.toContain('--max-outstanding-acks')
    const other = publishRefused({code: 503, description: 'something else', err_code: 10_999}, 'a publish')
    expect(other.message).toBe('the server refused a publish: something else (10999)')
    expect(other.exitCode).toBe(1)
    expect(publishRefused(undefined, 'a publish').message).toBe('the server refused a publish: unknown error')
  })

  it('latencyOp names what one timed operation is', () => {
    expect(latencyOp({mode: 'js pub'})).toBe('message: publish → ack')
    expect(latencyOp({batchMode: 'atomic', mode: 'js pub'})).toBe('batch: first publish → commit ack')
    expect(latencyOp({batchMode: 'fast', mode: 'js pub'})).toContain('flow ack')
    expect(latencyOp({jsGetMode: 'batch', mode: 'js get'})).toBe('batch: request → last message')
    expect(latencyOp({jsGetMode: 'sync', mode: 'js get'})).toBe('message: request → reply')
    expect(latencyOp({mode: 'request'})).toBeUndefined()
  })

  it('apiPrefix: a domain, a prefix or the default', () => {
    expect(apiPrefix({})).toBe('$JS.API')
    expect(apiPrefix({jsDomain: 'hub'})).toBe('$JS.hub.API')
    expect(apiPrefix({jsApiPrefix: '$JS.acc.API.'})).toBe('$JS.acc.API')
  })
})

import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {atomicTooLarge} from '../../../src/lib/publish/atomic.js'
import {checkControlLine, DEFAULT_MAX_CONTROL_LINE} from '../../../src/lib/publish/headers.js'
import {checkCron, goDuration, scheduleHeaders} from '../../../src/lib/publish/schedule.js'

const newest = new Capabilities('2.15.1', 5)
const now = new Date('2030-01-02T03:04:05.678Z')

const code = (fn: () => unknown): number | undefined => {
  try {
    fn()
    return undefined
  } catch (error) {
    return (error as {exitCode?: number}).exitCode
  }
}

describe('publish headers', () => {
  it('--ttl is Nats-TTL as a Go duration; a schedule sets Nats-Schedule and its target, source and TTL', () => {
    expect(goDuration(1000)).toBe('1s')
    expect(goDuration(1500)).toBe('1500ms')
    expect(scheduleHeaders({ttl: 90_000}, 'a', newest, now).headers).toEqual([['Nats-TTL', '90s']])
    expect(scheduleHeaders({'schedule-after': 60_000, 'schedule-target': 'b', 'schedule-ttl': 5000}, 'a', newest, now)).toEqual({
      headers: [
        ['Nats-Schedule', '@at 2030-01-02T03:05:05Z'],
        ['Nats-Schedule-Target', 'b'],
        ['Nats-Schedule-TTL', '5s'],
      ],
      schedule: {schedule: '@at 2030-01-02T03:05:05Z', target: 'b', ttl: '5s'},
    })
    expect(scheduleHeaders({'schedule-at': '2031-05-06T07:08:09+02:00', 'schedule-target': 'b'}, 'a', newest).schedule?.schedule).toBe('@at 2031-05-06T05:08:09Z')
    expect(scheduleHeaders({'schedule-every': 2000, 'schedule-source': 'src', 'schedule-target': 'b'}, 'a', newest).headers).toEqual([
      ['Nats-Schedule', '@every 2s'],
      ['Nats-Schedule-Target', 'b'],
      ['Nats-Schedule-Source', 'src'],
    ])
    expect(checkCron('@hourly')).toBe('@hourly')
    expect(checkCron(' 0 */5 * * * * ')).toBe('0 */5 * * * *')
  })

  it('refuses what the server lacks with exit 8, bad input with exit 2', () => {
    const v29 = new Capabilities('2.9.10', 0)
    const v212 = new Capabilities('2.12.1', 2)
    expect(code(() => scheduleHeaders({ttl: 1000}, 'a', v29))).toBe(8)
    expect(code(() => scheduleHeaders({'schedule-after': 1000, 'schedule-target': 'b'}, 'a', new Capabilities('2.11.0', 1)))).toBe(8)
    expect(code(() => scheduleHeaders({'schedule-after': 1000, 'schedule-target': 'b'}, 'a', v212))).toBeUndefined()
    expect(code(() => scheduleHeaders({'schedule-every': 1000, 'schedule-target': 'b'}, 'a', v212))).toBe(8)
    expect(code(() => scheduleHeaders({'schedule-cron': '@daily', 'schedule-target': 'b'}, 'a', v212))).toBe(8)
    expect(code(() => scheduleHeaders({'schedule-after': 1000, 'schedule-source': 's', 'schedule-target': 'b'}, 'a', v212))).toBe(8)
    for (const f of [
      {'schedule-after': 1000, 'schedule-target': 'a'},
      {'schedule-after': 1000},
      {'schedule-target': 'b'},
      {'schedule-every': 500, 'schedule-target': 'b'},
      {ttl: 999},
      {'schedule-cron': '* * * * *', 'schedule-target': 'b'},
      {'schedule-cron': '@sometimes', 'schedule-target': 'b'},
      {'schedule-at': '2030-01-02', 'schedule-target': 'b'},
      {'schedule-after': 1000, 'schedule-target': 'b.*'},
    ]) {
      expect(code(() => scheduleHeaders(f, 'a', newest)), JSON.stringify(f)).toBe(2)
    }
  })

  it('a subject whose protocol line passes max_control_line is refused with exit 2; at the limit it passes', () => {
    const room = DEFAULT_MAX_CONTROL_LINE - 'HPUB  9999999999 9999999999\r\n'.length
    expect(code(() => checkControlLine('s'.repeat(room), undefined, DEFAULT_MAX_CONTROL_LINE))).toBeUndefined()
    expect(code(() => checkControlLine('s'.repeat(room + 1), undefined, DEFAULT_MAX_CONTROL_LINE))).toBe(2)
    expect(code(() => checkControlLine('s', 'r'.repeat(5000), DEFAULT_MAX_CONTROL_LINE))).toBe(2)
  })

  it("an atomic batch over the server's limit: the limit from the server's words, exit 2", () => {
    const e = atomicTooLarge('atomic publish batch is too large: 1500', 2000)
    expect(e.exitCode).toBe(2)
    expect(e.message).toBe('the server takes at most 1500 messages in an atomic batch; this one has 2000, and nothing was stored')
    expect(e.hint).toContain('--atomic')
    expect(atomicTooLarge(undefined, 1001).message).toContain('at most 1000 messages')
  })
})

import {describe, expect, it} from 'vitest'

import {type SubjectGraphSample, subjectsView} from '../../../src/lib/graph/subjects.js'

const sample = (total: number, rate: number, disconnected = false): SubjectGraphSample => ({
  subjects: rate > 0 ? [{messages: rate, messages_per_sec: rate, subject: 'a.b'}] : [],
  time: '2026-12-04T00:00:00.000Z',
  total,
  total_per_sec: rate,
  ...(disconnected ? {disconnected: true as const} : {}),
})

describe('sub --graph view', () => {
  it('draws a sample taken while the connection was down as a gap, not a zero, and says so under the title', () => {
    const f = subjectsView([sample(10, 10), sample(10, 0, true), sample(15, 5)])
    expect(f.panels[0].values).toEqual([10, null, 5])
    expect(f.subtitle).toMatch(/^15 messages since the start/)
    const down = subjectsView([sample(10, 10), sample(10, 0, true)])
    expect(down.panels[0].current).toBeNull()
    expect(down.subtitle).toMatch(/^connection lost, reconnecting: messages published meanwhile are not counted/)
  })
})

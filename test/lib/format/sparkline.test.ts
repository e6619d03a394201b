import {describe, expect, it} from 'vitest'

import {SPARK_BLOCKS, sparkline} from '../../../src/lib/format/sparkline.js'

describe('sparkline', () => {
  it('scales each line to its own peak: the largest value is █, zero is ▁ and only zero', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█')
    // the same shape ten thousand times larger draws the same line
    expect(sparkline([0, 1e4, 2e4, 3e4, 4e4, 5e4, 6e4, 7e4])).toBe('▁▂▃▄▅▆▇█')
    // a little traffic beside a lot is still more than none
    expect(sparkline([0, 1, 1000])).toBe('▁▂█')
    // a steady rate is its own peak
    expect(sparkline([5, 5, 5])).toBe('███')
  })

  it('draws an all-zero window as the lowest block, and gaps (NaN) as spaces', () => {
    expect(sparkline([0, 0, 0, 0])).toBe('▁▁▁▁')
    expect(sparkline([Number.NaN, Number.NaN, 0, 4])).toBe('  ▁█')
    expect(sparkline([Number.NaN, Number.NaN])).toBe('  ')
    expect(sparkline([])).toBe('')
    // a negative value (never a rate, but not a crash either) counts as zero
    expect(sparkline([-3, 2])).toBe('▁█')
  })

  it('fits more values than cells by the mean of each cell, grouped from the newest', () => {
    // 60 points in 15 cells: 4 a cell
    const minute = Array.from({length: 60}, (_, i) => (i >= 56 ? 100 : 0))
    const s = sparkline(minute, 15)
    expect([...s]).toHaveLength(15)
    expect(s).toBe('▁'.repeat(14) + '█')
    // a drop to zero inside a cell shows as a dip (a maximum would hide it)
    const drop = Array.from({length: 8}, (_, i) => (i === 5 ? 0 : 10))
    expect(sparkline(drop, 4)).toBe('██▅█')
    // the oldest cell covers what is left over; the newest value is always in the last cell
    expect(sparkline([1, 2, 3, 4, 5], 2)).toBe('▄█')
    expect(sparkline([9, 0, 0, 0, 0], 3)).toBe('█▁▁')
    // a cell with some values and some gaps is the mean of its values
    expect(sparkline([Number.NaN, 8, Number.NaN, Number.NaN], 2)).toBe('█ ')
  })

  it('uses only the eight blocks and a space', () => {
    const values = Array.from({length: 500}, (_, i) => (i % 7 === 0 ? Number.NaN : Math.sin(i) * 100 + 100))
    for (const cells of [1, 7, 15, 60, 500]) {
      const s = sparkline(values, cells)
      expect([...s].length).toBeLessThanOrEqual(cells)
      for (const ch of s) expect([' ', ...SPARK_BLOCKS]).toContain(ch)
    }
  })
})

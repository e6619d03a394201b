import {describe, expect, it} from 'vitest'

import {bar, barChart} from '../../../src/lib/format/bars.js'

describe('bars', () => {
  it('draws a bar in eighths of a cell', () => {
    expect(bar(1, 4)).toBe('████')
    expect(bar(0.5, 3)).toBe('█▌')
    expect(bar(0, 4)).toBe('')
    // a value above zero is never invisible
    expect(bar(0.001, 4)).toBe('▏')
    expect(bar(2, 2)).toBe('██')
  })

  it('sorts largest first, keeps the top N, scales to the largest and fits the width', () => {
    const lines = barChart('T', [
      {label: 'a', value: 10},
      {label: 'b', value: 40},
      {label: 'c', value: 20},
      {label: 'd', value: 1},
    ], 40, 3)
    expect(lines[0]).toBe('T')
    expect(lines.slice(1).map((l) => l.split('│')[0].trim())).toEqual(['b', 'c', 'a'])
    expect(lines[1]).toMatch(/│█+ 40$/)
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(40)
  })

  it('escapes control characters in labels and cuts long ones', () => {
    const lines = barChart('T', [{label: '\u001B[31mred', value: 1}, {label: 'x'.repeat(50), value: 2, shown: '2 B'}])
    expect(lines.join('\n')).not.toContain('\u001B')
    expect(lines[1]).toMatch(/^x{29}… │/)
    expect(lines[1]).toMatch(/ 2 B$/)
    expect(barChart('T', [])).toEqual(['T', '  (none)'])
  })
})

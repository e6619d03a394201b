import {describe, expect, it} from 'vitest'

import {cutWidth, displayWidth, fitWidth, padWidth} from '../../../src/lib/format/width.js'

describe('terminal widths', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('orders')).toBe(6)
    expect(displayWidth('注文')).toBe(4)
    expect(displayWidth('e\u0301')).toBe(1)
    expect(displayWidth('µs ▼')).toBe(4)
    expect(displayWidth('')).toBe(0)
  })

  it('cuts at whole characters, never half of a wide one', () => {
    expect(cutWidth('orders-eu-west', 8)).toBe('orders-~')
    expect(cutWidth('注文処理', 8)).toBe('注文処理')
    // 6 columns: two wide characters (4) and the mark; the third would straddle the edge
    expect(cutWidth('注文処理', 6)).toBe('注文~')
    expect(cutWidth('注文処理', 5)).toBe('注文~')
    expect(cutWidth('e\u0301e\u0301e\u0301', 2, '…')).toBe('e\u0301…')
  })

  it('fits to exactly the width, padding by columns on either side', () => {
    for (const text of ['a', 'orders-eu-west', '注文処理サービス', 'x注', 'e\u0301te\u0301']) {
      for (const width of [1, 2, 5, 9, 13]) {
        expect(displayWidth(fitWidth(text, width)), `${text} in ${width}`).toBe(width)
        expect(displayWidth(fitWidth(text, width, 'right')), `${text} in ${width}`).toBe(width)
      }
    }

    expect(fitWidth('注文', 6, 'right')).toBe('  注文')
    expect(fitWidth('注文', 6)).toBe('注文  ')
  })

  it('pads without ever cutting', () => {
    expect(padWidth('注文', 6)).toBe('注文  ')
    expect(padWidth('注文処理サービス', 6)).toBe('注文処理サービス')
    expect(padWidth('n1', 4, 'right')).toBe('  n1')
  })
})

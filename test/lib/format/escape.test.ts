import {describe, expect, it} from 'vitest'

import {escapeControls} from '../../../src/lib/format/escape.js'
import {renderColumns, renderTable} from '../../../src/lib/format/table.js'

const ESC = '\u001B'
/** any control character a terminal would act on (C0, DEL, C1); the table's own newlines are allowed */
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

describe('escapeControls', () => {
  it('shows each control character as \\xNN and leaves everything else, wide characters included', () => {
    expect(escapeControls(`${ESC}[31mRED`)).toBe('\\x1b[31mRED')
    expect(escapeControls('a\nb\rc\td\u007Fe\u009Bf\u0000')).toBe('a\\x0ab\\x0dc\\x09d\\x7fe\\x9bf\\x00')
    expect(escapeControls('orders.é.日本 ✓')).toBe('orders.é.日本 ✓')
    expect(escapeControls('')).toBe('')
  })
})

describe('tables and columns for people escape what they show', () => {
  it('renderTable escapes cells, headings and the title, and keeps its layout', () => {
    const out = renderTable([`N${ESC}[1m`], [[`${ESC}[31mRED`], ['two\nlines']], {title: `T${ESC}]0;x\u0007`})
    expect(out).not.toMatch(CONTROL)
    expect(out).toContain('\\x1b[31mRED')
    expect(out).toContain('two\\x0alines')
    expect(out.split('\n')[0]).toBe('T\\x1b]0;x\\x07')
    expect(out).toContain('N\\x1b[1m')
    // one row per line: a newline in a cell does not make another
    expect(out.split('\n').filter((l) => l.startsWith('│'))).toHaveLength(3)
  })

  it('renderColumns escapes labels, values and lines', () => {
    const out = renderColumns([`Stream ${ESC}[2J`, ['Subjects', `a.${ESC}[32mb`], [`K${ESC}`, 'v\rw']])
    expect(out).not.toMatch(CONTROL)
    expect(out.split('\n')).toEqual(['Stream \\x1b[2J', 'Subjects: a.\\x1b[32mb', '   K\\x1b: v\\x0dw'])
  })
})

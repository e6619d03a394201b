import {describe, expect, it} from 'vitest'

import {expandTemplate, validateTemplate} from '../../src/lib/templates.js'

describe('templates', () => {
  it('expands each natscli template', () => {
    const now = new Date('2026-01-02T15:04:05.000Z')
    expect(expandTemplate('n={{Count}}', {count: 7})).toBe('n=7')
    expect(expandTemplate('{{ Count }}', {count: 2})).toBe('2')
    expect(expandTemplate('{{TimeStamp}}', {count: 1, now})).toBe('2026-01-02T15:04:05.000Z')
    expect(expandTemplate('{{Unix}}', {count: 1, now})).toBe(String(Math.floor(now.getTime() / 1000)))
    expect(expandTemplate('{{Random 3 3}}', {count: 1})).toMatch(/^[A-Za-z0-9]{3}$/)
    expect(expandTemplate('{{Random 2 6}}', {count: 1}).length).toBeGreaterThanOrEqual(2)
    expect(expandTemplate('{{Request}}!', {count: 1, request: 'hi'})).toBe('hi!')
    expect(expandTemplate('{{ID}}', {count: 1})).not.toBe(expandTemplate('{{ID}}', {count: 1}))
    expect(expandTemplate('no tags', {count: 1})).toBe('no tags')
  })

  it('validates before anything is sent', () => {
    expect(() => validateTemplate('{{Bogus}}', 'the body')).toThrow(/unknown template \{\{Bogus\}\} in the body/)
    expect(() => validateTemplate('{{Random 5}}', 'the body')).toThrow(/two numbers/)
    expect(() => validateTemplate('{{Random 6 2}}', 'the body')).toThrow(/min <= max/)
    expect(() => validateTemplate('x {{Count', 'the body')).toThrow(/unclosed/)
    expect(() => validateTemplate('{{Count}} ok', 'the body')).not.toThrow()
  })
})

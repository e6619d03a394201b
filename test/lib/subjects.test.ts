import {describe, expect, it} from 'vitest'

import {subjectMatches} from '../../src/lib/subjects.js'

describe('subjectMatches', () => {
  it('matches literal subjects token by token', () => {
    expect(subjectMatches('a.b', 'a.b')).toBe(true)
    expect(subjectMatches('a.b', 'a')).toBe(false)
    expect(subjectMatches('a', 'a.b')).toBe(false)
    expect(subjectMatches('a.b', 'a.B')).toBe(false)
    expect(subjectMatches('a.b', 'a.bc')).toBe(false)
  })

  it('* is exactly one token, anywhere', () => {
    expect(subjectMatches('a.*', 'a.b')).toBe(true)
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false)
    expect(subjectMatches('a.*', 'a')).toBe(false)
    expect(subjectMatches('*.b', 'x.b')).toBe(true)
    expect(subjectMatches('a.*.c', 'a.x.c')).toBe(true)
    expect(subjectMatches('a.*.c', 'a.x.d')).toBe(false)
    expect(subjectMatches('*', 'x')).toBe(true)
    expect(subjectMatches('*', 'x.y')).toBe(false)
  })

  it('> is one or more trailing tokens', () => {
    expect(subjectMatches('a.>', 'a.b')).toBe(true)
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true)
    expect(subjectMatches('a.>', 'a')).toBe(false)
    expect(subjectMatches('a.>', 'b.c')).toBe(false)
    expect(subjectMatches('>', 'x')).toBe(true)
    expect(subjectMatches('>', 'x.y.z')).toBe(true)
    expect(subjectMatches('*.b.>', 'a.b.c.d')).toBe(true)
    expect(subjectMatches('*.b.>', 'a.b')).toBe(false)
    expect(subjectMatches('$JS.>', '$JS.API.INFO')).toBe(true)
  })
})

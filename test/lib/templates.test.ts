import {describe, expect, it} from 'vitest'

import {shellSafe} from '../../src/lib/shell.js'
import {expandTemplate, subjectTokens, tokenReferences, validateTemplate} from '../../src/lib/templates.js'

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

  it('numbers subject tokens from 0 as natscli does, each token after ">" its own, past the end empty', () => {
    expect(subjectTokens('weather.uk.london')).toEqual(['weather', 'uk', 'london'])
    const tokens = subjectTokens('weather.uk.london')
    expect(expandTemplate('forecast for {{2}} in {{1}}', {count: 1, tokens})).toBe('forecast for london in uk')
    expect(expandTemplate('{{0}}/{{ 1 }}/{{2}}/[{{3}}]', {count: 1, tokens})).toBe('weather/uk/london/[]')
    expect(expandTemplate('{{1}} #{{Count}} {{Request}}', {count: 4, request: 'hi', tokens})).toBe('uk #4 hi')
    // without tokens (pub, request) a number is not a template
    expect(expandTemplate('{{1}}', {count: 1})).toBe('{{1}}')
    expect(tokenReferences('curl {{1}}/{{ 3 }}?{{Count}} {{1}}')).toEqual([1, 3, 1])
    expect(tokenReferences('no tags')).toEqual([])
  })

  it('validates subject tokens against the subject listened on', () => {
    const listen = {listenSubject: 'weather.*.*'}
    expect(() => validateTemplate('{{0}} {{1}} {{2}}', 'the body', listen)).not.toThrow()
    expect(() => validateTemplate('{{3}}', 'the body', listen)).toThrow(/\{\{3\}\} in the body is past the last token of "weather.\*.\*", which has 3 \(\{\{0\}\} to \{\{2\}\}\)/)
    expect(() => validateTemplate('{{99}}', 'the body', {listenSubject: 'weather.>'})).not.toThrow()
    expect(() => validateTemplate('{{1 2}}', '--command', listen)).toThrow(/\{\{1\}\} in --command takes no arguments/)
    expect(() => validateTemplate('{{x}}', 'header K', listen)).toThrow(/unknown template \{\{x\}\} in header K/)
    expect(() => validateTemplate('{{1', 'the body', listen)).toThrow(/unclosed/)
    // only reply has tokens
    expect(() => validateTemplate('{{1}}', 'the body')).toThrow(/unknown template \{\{1\}\}/)
  })

  it('lets only plain tokens into a shell command', () => {
    for (const ok of ['london', 'us-east-1', 'a_b', 'x=1', 'user@host', '50%', 'k:v,w', 'zürich']) expect(shellSafe(ok), ok).toBe(true)
    for (const bad of ['', 'a;b', '$HOME', '$(id)', '`id`', "it's", 'a"b', 'a|b', 'a&b', '*', '?', '~', '#x', 'a{b,c}', 'a\\b', 'a>b', 'a<b', '[ab]']) {
      expect(shellSafe(bad), bad).toBe(false)
    }
  })
})

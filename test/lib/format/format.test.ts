import {describe, expect, it} from 'vitest'

import {formatAge, formatDuration, formatNanos, parseDuration} from '../../../src/lib/format/duration.js'
import {formatCount, formatSize, parseSize} from '../../../src/lib/format/size.js'
import {renderColumns, renderTable} from '../../../src/lib/format/table.js'

describe('durations', () => {
  it('parses Go-style durations to milliseconds', () => {
    expect(parseDuration('5s')).toBe(5000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('2d')).toBe(172_800_000)
    expect(parseDuration('0')).toBe(0)
  })

  it('refuses bare numbers and junk with a message that shows the form', () => {
    expect(() => parseDuration('5')).toThrow(/has no unit; write it as 5s/)
    expect(() => parseDuration('abc')).toThrow(/is not a duration/)
  })

  it('parses against a strict grammar: a number and a unit, repeated, nothing else', () => {
    expect(parseDuration('1h30m15s')).toBe(5_415_000)
    expect(parseDuration('.5s')).toBe(500)
    expect(parseDuration('500us')).toBe(0.5)
    expect(parseDuration('500µs')).toBe(0.5)
    expect(parseDuration('1w')).toBe(604_800_000)
    // each of these once parsed to something (1 h, 30 min, 26 h, 10 s, unlimited, 501.5 ms)
    for (const bad of ['1h foo', '1.5.5h', '1d2', '0x10s', '1.5.5s', '1h 30m', '1e3s', '5 s', 's', '', '1y', '+5s']) {
      expect(() => parseDuration(bad), bad).toThrow(/is not a duration; write it as a number and a unit/)
    }

    expect(() => parseDuration('-0s')).toThrow(/is negative/)
    expect(() => parseDuration('-5s')).toThrow(/is negative/)
    expect(() => parseDuration('99999999999999h')).toThrow(/is too long; the longest duration is 106751d/)
    // the longest a JetStream field (int64 nanoseconds) holds still parses
    expect(parseDuration('106751d')).toBe(106_751 * 86_400_000)
  })

  it('formats compactly', () => {
    expect(formatDuration(0)).toBe('0s')
    expect(formatDuration(350)).toBe('350ms')
    expect(formatDuration(120_000)).toBe('2m0s')
    expect(formatDuration(90_061_000)).toBe('1d1h1m1s')
    expect(formatNanos(0, true)).toBe('unlimited')
    expect(formatNanos(2_000_000_000)).toBe('2s')
    expect(formatAge('0001-01-01T00:00:00Z')).toBe('never')
    expect(formatAge(new Date(1000), 4000)).toBe('3s ago')
  })
})

describe('sizes', () => {
  it('parses units, base 2 like natscli', () => {
    expect(parseSize('128')).toBe(128)
    expect(parseSize('128B')).toBe(128)
    expect(parseSize('1KiB')).toBe(1024)
    expect(parseSize('1KB')).toBe(1024)
    expect(parseSize('10MiB')).toBe(10 * 1024 * 1024)
    expect(parseSize('1GB')).toBe(1024 ** 3)
    expect(parseSize('1G')).toBe(1024 ** 3)
    expect(parseSize('-1')).toBe(-1)
    expect(() => parseSize('lots')).toThrow(/is not a size/)
  })

  it('parses sizes against a strict grammar', () => {
    expect(parseSize('1.5KiB')).toBe(1536)
    expect(parseSize('1 KiB')).toBe(1024)
    expect(parseSize('unlimited')).toBe(-1)
    for (const bad of ['1.5.5MB', '1MiB2', '0x10', '1e3', 'KiB', '', '-2', '1 K iB', '1XB']) expect(() => parseSize(bad), bad).toThrow(/is not a size/)
    expect(() => parseSize('1.5B')).toThrow(/is not a whole number of bytes/)
    expect(() => parseSize('1.5')).toThrow(/is not a whole number of bytes/)
    expect(() => parseSize('8PiB')).toThrow(/is too large/)
  })

  it('formats base 2 and counts with separators', () => {
    expect(formatSize(512)).toBe('512 B')
    expect(formatSize(1536)).toBe('1.5 KiB')
    expect(formatSize(256 * 1024 * 1024)).toBe('256 MiB')
    expect(formatSize(-1)).toBe('unlimited')
    expect(formatSize(1536, true)).toBe('1536')
    expect(formatCount(1_234_567)).toBe('1,234,567')
  })
})

describe('tables', () => {
  it('renders rows and right-aligned columns', () => {
    const t = renderTable(['Name', 'Msgs'], [['A', 1]], {title: 'Streams'})
    expect(t).toMatch(/^Streams\n\n┌/)
    expect(t).toContain('│ A    │ 1    │')
    expect(renderColumns([['Name', 'x'], ['Longer', 2]])).toBe('  Name: x\nLonger: 2')
  })
})

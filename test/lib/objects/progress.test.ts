import {describe, expect, it} from 'vitest'

import {formatProgress, progressWriter} from '../../../src/lib/objects/progress.js'
import {digestBytes, tempPathFor} from '../../../src/lib/objects/transfer.js'

describe('progress', () => {
  it('formats a bar with percent, sizes, rate and ETA within the width', () => {
    const line = formatProgress({done: 50 * 1024 * 1024, elapsedMs: 1000, label: 'big.bin', total: 100 * 1024 * 1024, width: 100})
    expect(line).toMatch(/^big\.bin \[#+\.+\] {2}50% {2}50(\.0)? MiB \/ 100(\.0)? MiB {2}50(\.0)? MiB\/s {2}ETA 1s$/)
    expect(line.length).toBeLessThanOrEqual(100)
    expect(formatProgress({done: 10, elapsedMs: 0, label: 'x', total: 10, width: 60})).toContain('100%')
    expect(formatProgress({done: 2048, elapsedMs: 1000, label: 'stdin', width: 80})).toMatch(/^stdin 2(\.0)? KiB {2}2(\.0)? KiB\/s$/)
    expect(formatProgress({done: 1, elapsedMs: 1, label: 'a-very-long-label', total: 2, width: 20}).length).toBeLessThanOrEqual(20)
  })

  it('draws at most once per interval, only when enabled, and ends the line', () => {
    const writes: string[] = []
    let t = 0
    const stream = {columns: 80, write: (s: string) => writes.push(s)} as unknown as NodeJS.WriteStream
    const p = progressWriter('f', 100, {enabled: true, intervalMs: 100, now: () => t, stream})
    p.update(10) // t=0: first draw
    t = 50
    p.update(10) // throttled
    t = 150
    p.update(10)
    p.done()
    expect(writes.filter((w) => w.startsWith('\r'))).toHaveLength(3)
    expect(writes.at(-1)).toBe('\n')
    const off: string[] = []
    const q = progressWriter('f', 100, {enabled: false, stream: {write: (s: string) => off.push(s)} as unknown as NodeJS.WriteStream})
    q.update(5)
    q.done()
    expect(off).toEqual([])
  })

  it('parses store digests and names temporary files beside the target', () => {
    expect(digestBytes('SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=')?.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(digestBytes('MD5=abc')).toBeUndefined()
    expect(tempPathFor('/data/out/file.bin')).toMatch(/^\/data\/out\/\.file\.bin\.\d+\.[\da-f]{8}\.natsx-part$/)
  })
})

import {describe, expect, it} from 'vitest'

import {describeSweep, reportSweep} from '../../../src/lib/objects/orphans.js'
import {putFailure} from '../../../src/lib/objects/transfer.js'

describe('describeSweep / reportSweep', () => {
  const sweep = {bucket: 'B', bytes: 3 * 1024 * 1024, chunks: 24, uploads: 2, young: 1}

  it('says what was removed in one line', () => {
    expect(describeSweep(sweep)).toBe('removed 2 unfinished uploads from bucket "B": 24 chunks (3 MiB) that no object referred to')
    expect(describeSweep({...sweep, chunks: 1, uploads: 1})).toBe('removed 1 unfinished upload from bucket "B": 1 chunk (3 MiB) that no object referred to')
  })

  it('writes a line for people, a JSON notice under --json, nothing when there was nothing', () => {
    let out = ''
    const stream = {
      write(s: string) {
        out += s
        return true
      },
    } as unknown as NodeJS.WritableStream
    reportSweep(sweep, false, stream)
    expect(out).toBe(`natsx: ${describeSweep(sweep)}\n`)
    out = ''
    reportSweep(sweep, true, stream)
    expect(JSON.parse(out)).toEqual({notice: describeSweep(sweep)})
    out = ''
    reportSweep(undefined, true, stream)
    expect(out).toBe('')
  })
})

describe('putFailure', () => {
  const base = {bucket: 'B', chunks: 10, cleanup: 'purged' as const, connectionLost: false, interrupted: false, name: 'x.bin', sent: 1024 * 1024, total: 4 * 1024 * 1024}

  it('a lost connection is exit 6, naming the server, the bytes sent and where the chunks are', () => {
    const e = putFailure(new Error('connection closed'), {...base, cleanup: 'left', connectionLost: true, server: 'nats://h:4222'})
    expect(e.exitCode).toBe(6)
    expect(e.line()).toBe(
      'lost the connection to nats://h:4222 while storing "x.bin" in bucket "B" (1 MiB of 4 MiB sent): the object was not stored; its chunks stay in the bucket until the next `natsx object put`, `del` or `ls B` removes them',
    )
    expect(putFailure(new Error('x'), {...base, connectionLost: true}).line()).toMatch(/; its 10 chunks were purged$/)
  })

  it('an interrupt is exit 130; metadata that got there is a stored object; other errors keep their code and hint', () => {
    const i = putFailure(new Error('interrupted'), {...base, interrupted: true, total: undefined})
    expect(i.exitCode).toBe(130)
    expect(i.line()).toBe('interrupted while storing "x.bin" in bucket "B" (1 MiB sent): the object was not stored; its 10 chunks were purged')
    expect(putFailure(new Error('x'), {...base, cleanup: 'stored', connectionLost: true}).line()).toMatch(/the object is stored; check it with `natsx object info`$/)
    const t = putFailure(Object.assign(new Error('timeout'), {name: 'TimeoutError'}), {...base, chunks: 1})
    expect(t.exitCode).toBe(6)
    expect(t.line()).toMatch(/^"x\.bin" in bucket "B" \(1 MiB of 4 MiB sent\) was not stored: timed out; its 1 chunk was purged; raise --timeout/)
    expect(putFailure(new Error('x'), {...base, chunks: 0, sent: 0}).line()).toMatch(/; no chunk was written$/)
  })
})

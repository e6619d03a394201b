// The reverse-DNS cache of top: answers at once from the cache, never waits for a lookup, keeps at most `max`
// addresses and runs at most `concurrency` lookups; failures are cached as "no name".
import {describe, expect, it} from 'vitest'

import {ReverseNames} from '../../../src/lib/monitoring/dns.js'

/** a resolver whose answers come only when the test releases them */
function heldResolver() {
  const asked: string[] = []
  const held = new Map<string, {fail: (e: Error) => void; ok: (names: string[]) => void}>()
  const resolve = (ip: string): Promise<string[]> =>
    new Promise((ok, fail) => {
      asked.push(ip)
      held.set(ip, {fail, ok})
    })
  return {asked, held, resolve}
}

describe('ReverseNames', () => {
  it('answers undefined at once while a slow lookup runs, then the name from the cache', async () => {
    const r = heldResolver()
    const names = new ReverseNames({resolve: r.resolve})
    const started = performance.now()
    expect(names.name('10.0.0.1')).toBeUndefined()
    expect(names.name('10.0.0.1')).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(50)
    expect(r.asked).toEqual(['10.0.0.1']) // one lookup per address
    r.held.get('10.0.0.1')!.ok(['db-1.example', 'alias'])
    await names.settled()
    expect(names.name('10.0.0.1')).toBe('db-1.example')
    expect(r.asked).toHaveLength(1)
  })

  it('caches a failure as no name (asked once), and asks again after the ttl', async () => {
    const r = heldResolver()
    const names = new ReverseNames({resolve: r.resolve, ttlMs: 1000})
    names.name('10.0.0.2', 0)
    r.held.get('10.0.0.2')!.fail(Object.assign(new Error('ENOTFOUND'), {code: 'ENOTFOUND'}))
    await names.settled()
    expect(names.name('10.0.0.2')).toBe('')
    expect(r.asked).toHaveLength(1)
    // past the ttl the old answer is still given while a new lookup runs
    expect(names.name('10.0.0.2', Date.now() + 5000)).toBe('')
    expect(r.asked).toHaveLength(2)
  })

  it('runs at most `concurrency` lookups and keeps at most `max` addresses', async () => {
    const r = heldResolver()
    const names = new ReverseNames({concurrency: 2, max: 3, resolve: r.resolve})
    for (let i = 1; i <= 5; i++) names.name(`10.0.1.${i}`)
    expect(r.asked).toEqual(['10.0.1.1', '10.0.1.2'])
    expect(names.pending).toBe(2)
    const release = async (): Promise<void> => {
      for (const [ip, h] of r.held) {
        h.ok([`h${ip.split('.')[3]}`])
        r.held.delete(ip)
      }

      await names.settled()
    }

    await release()
    for (const i of [3, 4, 5]) names.name(`10.0.1.${i}`)
    expect(r.asked).toEqual(['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4'])
    await release()
    names.name('10.0.1.5')
    await release()
    expect(r.asked).toHaveLength(5)
    // five answers, three kept: the least recently used (1 and 2) went
    expect(names.size).toBe(3)
    expect(['3', '4', '5'].map((i) => names.name(`10.0.1.${i}`))).toEqual(['h3', 'h4', 'h5'])
    expect(r.asked).toHaveLength(5)
    expect(names.name('10.0.1.1')).toBeUndefined()
    expect(r.asked.at(-1)).toBe('10.0.1.1')
  })
})

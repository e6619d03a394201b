// runGraph's batch form on a scripted sampler: what a failed sample after the first becomes (a disconnected line, the
// rates re-primed), what still ends the run, the exit when nothing answered, and the bound on a sample that never
// settles. The real server going away is in test/commands/graph.test.ts; these pin the rules without one.
import {describe, expect, it} from 'vitest'

import type {GraphFrame, Sampler} from '../../../src/lib/graph/types.js'

import {connectionError, type NatsxError, notFound} from '../../../src/lib/errors.js'
import {runGraph} from '../../../src/lib/graph/run.js'
import {PollingGraphSource} from '../../../src/lib/graph/source.js'

interface S {
  name: string
  rate: null | number
}

/** Answers (or fails, or never settles) as scripted, one step a sample; counts its resets. */
class Scripted implements Sampler<S> {
  resets = 0
  private i = 0
  private primed = false

  constructor(private readonly steps: Array<'hang' | Error | number>) {}

  identity(): Partial<S> {
    return {name: 'X'}
  }

  reset(): void {
    this.primed = false
    this.resets++
  }

  async sample(): Promise<S> {
    const step = this.steps[this.i++]
    if (step === 'hang') return new Promise<S>(() => {})
    if (step instanceof Error) throw step
    const rate = this.primed ? step : null
    this.primed = true
    return {name: 'X', rate}
  }
}

const view = (h: readonly S[]): GraphFrame => ({
  panels: [{current: h.at(-1)?.rate ?? null, fromZero: true, title: 'Rate', unit: 'count/s', values: h.map((s) => s.rate)}],
  subtitle: '',
  title: `Thing ${h.at(-1)?.name ?? ''}`,
})

async function batch(steps: Array<'hang' | Error | number>, o: {json?: boolean; timeoutMs?: number} = {}): Promise<{error?: NatsxError; lines: string[]; sampler: Scripted}> {
  const sampler = new Scripted(steps)
  const lines: string[] = []
  try {
    await runGraph({interval: 1, iterations: steps.length - 1, json: o.json ?? true, mode: 'batch', resume: {timeoutMs: o.timeoutMs ?? 5000}, sampler, signal: new AbortController().signal, view, writeLine: (l) => lines.push(l)})
    return {lines, sampler}
  } catch (error) {
    return {error: error as NatsxError, lines, sampler}
  }
}

describe('graph batch form when samples fail on the connection', () => {
  it('a failed sample is a disconnected line in N, and the one after it has no rate', async () => {
    const r = await batch([1, 2, connectionError('lost the connection'), 3, 4])
    expect(r.error).toBeUndefined()
    const lines = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(4)
    expect(lines[0]).toEqual({name: 'X', rate: 2})
    expect(Object.keys(lines[1])).toEqual(['disconnected', 'error', 'name', 'time'])
    expect(lines[1]).toMatchObject({disconnected: true, error: 'lost the connection', name: 'X'})
    expect(lines[2]).toEqual({name: 'X', rate: null})
    expect(lines[3]).toEqual({name: 'X', rate: 4})
    expect(r.sampler.resets).toBe(1)
  })

  it('as text: the title, then "disconnected:" and why', async () => {
    const r = await batch([1, connectionError('timed out'), 2], {json: false})
    expect(r.lines).toEqual(['Thing X  disconnected: timed out', 'Thing X  rate –'])
  })

  it('every printed sample disconnected: exit 6 after all N, naming the last reason', async () => {
    const r = await batch([1, connectionError('timed out'), connectionError('refused')])
    expect(r.lines).toHaveLength(2)
    expect(r.error?.exitCode).toBe(6)
    expect(r.error?.message).toMatch(/every one of the 2 sample\(s\).*refused/)
  })

  it('a failure that is not the connection still ends the run with its own exit', async () => {
    const r = await batch([1, 2, notFound('stream "X" not found'), 3])
    expect(r.lines).toHaveLength(1)
    expect(r.error?.exitCode).toBe(3)
  })

  it('the first sample fails fast as before, printing nothing', async () => {
    const r = await batch([connectionError('cannot reach the server'), 1])
    expect(r.lines).toHaveLength(0)
    expect(r.error?.exitCode).toBe(6)
  })

  it('a sample that never settles is a disconnected one a second after the request timeout', async () => {
    const r = await batch([1, 'hang', 2], {timeoutMs: 0})
    expect(r.error).toBeUndefined()
    expect(r.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([{disconnected: true, error: 'no answer within 1000ms'}, {rate: null}])
  })
})

describe('live source', () => {
  it('a failed sample re-primes the rates, so none spans the gap', async () => {
    const sampler = new Scripted([1, 2, connectionError('timed out'), 3, 4])
    const source = new PollingGraphSource(sampler, 1)
    const seen: Array<{error?: string; rates: Array<null | number>}> = []
    const done = new Promise<void>((resolve) => {
      source.subscribe((h, error) => {
        seen.push({error: error?.message, rates: h.map((s) => s.rate)})
        if (h.length === 4) resolve()
      })
    })
    source.start()
    await done
    source.stop()
    expect(seen.at(-1)!.rates).toEqual([null, 2, null, 4])
    expect(seen.some((s) => s.error === 'timed out')).toBe(true)
    expect(sampler.resets).toBe(1)
  })
})

// The live graph's pieces on fake data at fixed sizes: the plot (asciichart at an exact width), the ring, the layout,
// and the GraphApp fed by a fake source (panels, resize-independent fixed size, q and Ctrl-C).
import {render} from 'ink-testing-library'
import {createElement} from 'react'
import {afterEach, describe, expect, it} from 'vitest'

import type {GraphSource, HistoryListener} from '../../src/lib/graph/source.js'

import {axisLabel, currentLabel, shortNumber} from '../../src/lib/graph/format.js'
import {Ring} from '../../src/lib/graph/ring.js'
import {type StreamGraphSample, streamView} from '../../src/lib/graph/stream.js'
import {perSecond} from '../../src/lib/graph/types.js'
import {GraphApp, type GraphExit} from '../../src/ui/graph/GraphApp.js'
import {graphLayout} from '../../src/ui/graph/layout.js'
import {fillGaps, fitPoints, plotLines} from '../../src/ui/graph/plot.js'

class FakeSource<S> implements GraphSource<S> {
  listeners = new Set<HistoryListener<S>>()

  emit(h: readonly S[], error?: Error): void {
    for (const l of this.listeners) l(h, error)
  }

  subscribe(l: HistoryListener<S>): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
}

/** wait until the frame satisfies `ok` (polled, bounded at 10 s for a loaded machine) */
async function until(frame: () => string | undefined, ok: (f: string) => boolean): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const f = frame() ?? ''
    if (ok(f)) return f
    await new Promise((r) => {
      setTimeout(r, 20)
    })
  }

  throw new Error(`frame never matched:\n${frame()}`)
}

const sample = (i: number, extra: Partial<StreamGraphSample> = {}): StreamGraphSample => ({
  bytes: i * 1000,
  consumers: 2,
  first_seq: 1,
  last_seq: i * 10,
  messages: i * 10,
  messages_per_sec: i === 0 ? null : 10 + i,
  stream: 'ORDERS',
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  ...extra,
})

describe('plot', () => {
  it('draws exactly the width asked, axis labels padded alike, at the height asked', () => {
    for (const width of [30, 57, 118]) {
      const lines = plotLines([null, 5, 7, 3, 12, 40], {fromZero: true, height: 8, unit: 'count/s', width})
      expect(lines).toHaveLength(8)
      // every row has the axis at the same column; the longest row is the full width (the last column is blank)
      const axis = lines.map((l) => l.search(/[┤┼]/))
      expect(new Set(axis).size, lines.join('\n')).toBe(1)
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width)
      expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThanOrEqual(width - 1)
      expect(lines[0]).toMatch(/^ *40\/s [┤┼]/)
      expect(lines.at(-1)).toMatch(/^ *0\/s [┤┼]/)
    }
  })

  it('whole counts get one row per value and whole labels; a flat zero still has both labels', () => {
    const lines = plotLines([0, 0, 0], {fromZero: true, height: 8, unit: 'count', width: 30})
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^ {2}1 [┤┼]$/)
    expect(lines[1]).toMatch(/^ {2}0 ┼─+$/)
    const three = plotLines([1, 2, 3], {fromZero: false, height: 8, unit: 'count', width: 30})
    expect(three.map((l) => l.trim().split(' ')[0])).toEqual(['3', '2', '1'])
  })

  it('nothing to draw before a value; gaps hold the value before; few samples stretch, many are cut to the newest', () => {
    expect(plotLines([null, null], {fromZero: true, height: 5, unit: 'count/s', width: 40})).toEqual([])
    expect(fillGaps([null, 1, null, 3])).toEqual([1, 1, 3])
    expect(fitPoints([1, 2], 4)).toEqual([1, 1, 2, 2])
    expect(fitPoints([1, 2, 3, 4, 5], 3)).toEqual([3, 4, 5])
  })

  it('labels: short numbers, sizes, rates and percentages', () => {
    expect(shortNumber(0)).toBe('0')
    expect(shortNumber(1500)).toBe('1.5K')
    expect(shortNumber(12_345_678)).toBe('12.3M')
    expect(axisLabel(2048, 'bytes')).toBe('2K')
    expect(axisLabel(250, 'count/s')).toBe('250/s')
    expect(axisLabel(12.5, 'percent')).toBe('12.5%')
    expect(currentLabel(1234.4, 'count/s')).toBe('1,234/s')
    expect(currentLabel(1536, 'bytes/s')).toBe('1.5 KiB/s')
    expect(currentLabel(null, 'count')).toBe('–')
  })
})

describe('ring and rates', () => {
  it('keeps only the newest items, oldest first', () => {
    const r = new Ring<number>(3)
    for (let i = 1; i <= 7; i++) r.push(i)
    expect(r.toArray()).toEqual([5, 6, 7])
    expect(r.size).toBe(3)
    expect(r.last()).toBe(7)
    expect(() => new Ring(0)).toThrow(RangeError)
  })

  it('perSecond: none without a previous reading, a counter going back or no time passing', () => {
    expect(perSecond(undefined, {at: 1000, value: 5})).toBeNull()
    expect(perSecond({at: 0, value: 0}, {at: 2000, value: 50})).toBe(25)
    expect(perSecond({at: 0, value: 10}, {at: 1000, value: 5})).toBeNull()
    expect(perSecond({at: 1000, value: 0}, {at: 1000, value: 5})).toBeNull()
  })
})

describe('layout', () => {
  it('two columns from 100 columns on, one below; the charts share the rows and never make the frame taller than the terminal', () => {
    expect(graphLayout(4, 120, 40)).toEqual({chartHeight: 16, columns: 2, gap: 2, panelWidth: 59, spacing: 1})
    expect(graphLayout(4, 90, 40)).toMatchObject({columns: 1, panelWidth: 90})
    expect(graphLayout(8, 120, 40).chartHeight).toBe(7)
    // 8 panels in 30 rows: one column without blank lines between them
    expect(graphLayout(8, 90, 30)).toMatchObject({chartHeight: 2, columns: 1, spacing: 0})
    // in 20 rows one column cannot hold them: two columns
    expect(graphLayout(8, 90, 20)).toMatchObject({chartHeight: 2, columns: 2, spacing: 1})
    for (const [panels, columns, rows] of [[4, 120, 40], [5, 90, 30], [8, 90, 30], [8, 90, 20], [8, 120, 40], [5, 70, 24]]) {
      const l = graphLayout(panels, columns, rows)
      const height = 2 + Math.ceil(panels / l.columns) * (1 + l.chartHeight + l.spacing)
      expect(height, `${panels} panels in ${columns}×${rows}`).toBeLessThan(rows)
    }
  })
})

describe('GraphApp on a fake source', () => {
  let unmount: (() => void) | undefined

  afterEach(() => unmount?.())

  it('shows the title, every panel with its current value and axes, and follows new samples', async () => {
    const source = new FakeSource<StreamGraphSample>()
    const app = render(createElement(GraphApp<StreamGraphSample>, {columns: 120, every: '1s', rows: 40, source, view: streamView}))
    unmount = app.unmount
    expect(app.lastFrame()).toContain('waiting for the first sample')
    source.emit([sample(0), sample(1), sample(2)])
    let f = await until(app.lastFrame, (x) => x.includes('ORDERS'))
    expect(f).toMatch(/^Stream ORDERS every 1s — q quit/)
    expect(f).toMatch(/Messages in 12\/s +Messages 20/)
    expect(f).toMatch(/Bytes 2 KiB +Consumers 2/)
    expect(f).toContain('┤')
    expect(Math.max(...f.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120)
    source.emit([sample(0), sample(1), sample(2), sample(3)], new Error('timeout'))
    f = await until(app.lastFrame, (x) => x.includes('sample failed'))
    expect(f).toMatch(/Messages in 13\/s +Messages 30/)
    expect(f).toContain('sample failed: timeout')
  })

  it('q quits and Ctrl-C interrupts, each saying which', async () => {
    for (const [key, want] of [['q', 'quit'], ['\u0003', 'interrupt']] as const) {
      const exits: GraphExit[] = []
      const source = new FakeSource<StreamGraphSample>()
      const app = render(createElement(GraphApp<StreamGraphSample>, {columns: 80, every: '1s', onExit: (h: GraphExit) => exits.push(h), rows: 24, source, view: streamView}))
      unmount = app.unmount
      // Ink reads stdin once it has mounted
      await new Promise((r) => {
        setImmediate(r)
      })
      app.stdin.write(key)
      await until(() => exits.join(','), (x) => x.length > 0)
      expect(exits).toEqual([want])
      app.unmount()
    }
  })
})

describe('plot labels of values close together', () => {
  it('a large size that barely moves gets digits enough to tell the rows apart', () => {
    const lines = plotLines([2_100_000, 2_110_000, 2_125_000], {fromZero: false, height: 6, unit: 'bytes', width: 50})
    const labels = lines.map((l) => l.trim().split(' ')[0])
    expect(new Set(labels).size, lines.join('\n')).toBe(6)
    expect(labels[0]).toMatch(/^2\.0\d+M$/)
  })
})

/**
 * What every graph command does once it has a sampler: the live view in a terminal, or the batch form
 * (`--iterations N`: N samples, NDJSON under --json, one text line each otherwise). The first sample checks the name
 * and primes the rates; it is not printed, so every printed sample has its rates.
 */
import type {GraphView, Sampler} from './types.js'

import {interrupted, usageError} from '../errors.js'
import {formatDuration} from '../format/duration.js'
import {pause} from '../monitoring/source.js'
import {currentLabel} from './format.js'

export type GraphMode = 'batch' | 'live'

/** Live only in a terminal and without --json; otherwise the batch form is needed (exit 2 before anything opens). */
export function graphMode(command: string, o: {iterations?: number; json: boolean; tty: boolean}): GraphMode {
  if (o.iterations !== undefined) return 'batch'
  if (o.json)
    throw usageError(`${command} draws a live graph, which --json cannot carry`, `use the batch form: --iterations N --json prints N samples as NDJSON`)
  if (!o.tty)
    throw usageError(`${command} draws a live graph and needs a terminal`, `use the batch form: --iterations N --json prints N samples as NDJSON`)
  return 'live'
}

export interface GraphRun<S> {
  interval: number
  iterations?: number
  json: boolean
  mode: GraphMode
  sampler: Sampler<S>
  signal: AbortSignal
  view: GraphView<S>
  writeLine(line: string): void
}

export async function runGraph<S>(o: GraphRun<S>): Promise<void> {
  const first = await o.sampler.sample()
  if (o.mode === 'batch') {
    for (let i = 0; i < (o.iterations ?? 1) && !o.signal.aborted; i++) {
      await pause(o.interval, o.signal)
      if (o.signal.aborted) break
      const s = await o.sampler.sample()
      o.writeLine(o.json ? JSON.stringify(s) : sampleLine(o.view([s])))
    }

    return
  }

  // React's development build costs several times the CPU per frame; the CLI always wants the production one
  process.env.NODE_ENV ??= 'production'
  const {renderGraph} = await import('../../ui/render-graph.js')
  const how = await renderGraph({every: formatDuration(o.interval), first, interval: o.interval, sampler: o.sampler, signal: o.signal, view: o.view})
  if (how === 'interrupt') throw interrupted()
}

/** One sample as a line of text: the title, then each panel's current value. */
export function sampleLine(frame: ReturnType<GraphView<unknown>>): string {
  return [frame.title, ...frame.panels.map((p) => `${p.title.toLowerCase()} ${currentLabel(p.current, p.unit)}`)].join('  ')
}

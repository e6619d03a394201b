/**
 * What every graph command does once it has a sampler: the live view in a terminal, or the batch form
 * (`--iterations N`: N samples, NDJSON under --json, one text line each otherwise). The first sample checks the name
 * and primes the rates; it is not printed, so every printed sample has its rates.
 *
 * With `resume`, the batch form outlives the server going away (or going mute) after that first sample: a sample that
 * fails for that reason (a connection error, exit 6) is printed as a disconnected one (`DisconnectedSample`), counts
 * as one of the N, and the next sample re-primes the rates, so none spans the gap. The run ends with exit 6 when every
 * printed sample was a disconnected one. Any other failure (a stream deleted meanwhile) ends the run as before.
 */
import type {DisconnectedSample, GraphView, Sampler} from './types.js'

import {connectionError, ExitCode, interrupted, toNatsxError, usageError} from '../errors.js'
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
  /** batch form: a sample after the first that fails on the connection is printed as disconnected, and the run goes on */
  resume?: {
    /** the request timeout: a sample that has not answered a second after it is a disconnected one */
    timeoutMs: number
  }
  sampler: Sampler<S>
  signal: AbortSignal
  view: GraphView<S>
  writeLine(line: string): void
}

export async function runGraph<S>(o: GraphRun<S>): Promise<void> {
  const first = await o.sampler.sample()
  if (o.mode === 'batch') {
    await runBatch(o, first)
    return
  }

  // React's development build costs several times the CPU per frame; the CLI always wants the production one
  process.env.NODE_ENV ??= 'production'
  const {renderGraph} = await import('../../ui/render-graph.js')
  const how = await renderGraph({every: formatDuration(o.interval), first, interval: o.interval, sampler: o.sampler, signal: o.signal, view: o.view})
  if (how === 'interrupt') throw interrupted()
}

async function runBatch<S>(o: GraphRun<S>, first: S): Promise<void> {
  let last = first
  let answered = 0
  let lost = 0
  let why = ''
  for (let i = 0; i < (o.iterations ?? 1) && !o.signal.aborted; i++) {
    await pause(o.interval, o.signal)
    if (o.signal.aborted) break
    if (!o.resume) {
      const s = await o.sampler.sample()
      o.writeLine(o.json ? JSON.stringify(s) : sampleLine(o.view([s])))
      continue
    }

    const time = new Date().toISOString()
    try {
      const s = await bounded(o.sampler.sample(), o.resume.timeoutMs)
      last = s
      answered++
      o.writeLine(o.json ? JSON.stringify(s) : sampleLine(o.view([s])))
    } catch (error) {
      // Ctrl-C while a sample was under way: the interrupt (exit 130) is the answer, not the sample's failure
      if (o.signal.aborted) break
      const e = toNatsxError(error)
      if (e.exitCode !== ExitCode.CONNECTION) throw error
      // no rate may span the gap: the first sample after it primes again
      o.sampler.reset?.()
      lost++
      why = e.message
      const gap: DisconnectedSample = {disconnected: true, error: e.message, time}
      // its keys in the order of a real sample's (alphabetical)
      const line = Object.fromEntries(Object.entries({...o.sampler.identity?.(), ...gap}).sort(([a], [b]) => (a < b ? -1 : 1)))
      o.writeLine(o.json ? JSON.stringify(line) : disconnectedLine(o.view([last]).title, e.message))
    }
  }

  if (!o.signal.aborted && answered === 0 && lost > 0)
    throw connectionError(`every one of the ${lost} sample(s) was taken while the server was away (the last: ${why})`, 'check that the server is up and answering, then run the command again')
}

/** A sample that has not settled a second after the request timeout has failed (it stays unread if it ends later). */
async function bounded<T>(p: Promise<T>, timeoutMs: number): Promise<T> {
  const limit = timeoutMs + 1000
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(connectionError(`no answer within ${limit}ms`)), limit)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** A disconnected sample as a line of text: the title, then why. */
export function disconnectedLine(title: string, error: string): string {
  return `${title}  disconnected: ${error}`
}

/** One sample as a line of text: the title, then each panel's current value. */
export function sampleLine(frame: ReturnType<GraphView<unknown>>): string {
  return [frame.title, ...frame.panels.map((p) => `${p.title.toLowerCase()} ${currentLabel(p.current, p.unit)}`)].join('  ')
}

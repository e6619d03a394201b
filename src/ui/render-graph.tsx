/**
 * The one place that renders a live graph with Ink. Imported lazily by the graph commands only when stdout and stdin
 * are a terminal and no batch output was asked for; it awaits the app's exit, always stops sampling, and says how the
 * view ended (q: quit; Ctrl-C or the interrupt signal: interrupt).
 */
import {render} from 'ink'

import type {GraphView, Sampler} from '../lib/graph/types.js'

import {PollingGraphSource} from '../lib/graph/source.js'
import {GraphApp, type GraphExit} from './graph/GraphApp.js'

export async function renderGraph<S>(options: {
  every: string
  /** a sample already taken (it checked the name and primes the rates) */
  first?: S
  interval: number
  sampler: Sampler<S>
  signal: AbortSignal
  /** the terminal (default: this process's) */
  stdin?: NodeJS.ReadStream
  stdout?: NodeJS.WriteStream
  view: GraphView<S>
}): Promise<GraphExit> {
  const source = new PollingGraphSource(options.sampler, options.interval)
  if (options.first !== undefined) source.ring.push(options.first)
  let how: GraphExit = 'interrupt'
  const app = render(
    <GraphApp
      every={options.every}
      onExit={(h) => {
        how = h
      }}
      source={source}
      view={options.view}
    />,
    {
      exitOnCtrlC: false,
      ...(options.stdin ? {stdin: options.stdin} : {}),
      ...(options.stdout ? {patchConsole: false, stdout: options.stdout} : {}),
    },
  )
  const onAbort = (): void => app.unmount()
  options.signal.addEventListener('abort', onAbort, {once: true})
  // the first sample was just taken: the next one comes an interval later
  const timer = setTimeout(() => source.start(), options.first === undefined ? 0 : options.interval)
  try {
    await app.waitUntilExit()
  } finally {
    clearTimeout(timer)
    source.stop()
    options.signal.removeEventListener('abort', onAbort)
    app.cleanup()
  }

  return how
}

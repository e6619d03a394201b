/**
 * The one place that renders the live top view with Ink. Imported lazily by `top` only when stdout and stdin are a
 * terminal and no batch output was asked for; it awaits the app's exit and always stops polling.
 */
import {render} from 'ink'

import type {TopSnapshot} from '../lib/monitoring/feed.js'

import {PollingSource, type TopControls} from '../lib/monitoring/source.js'
import {TopApp, type TopViewOptions} from './top/TopApp.js'

export async function renderTop(
  /** the feed; with the TopControls methods (TopFeed has them) the view offers details, closed connections and names */
  feed: Partial<TopControls> & {poll(): Promise<TopSnapshot>},
  options: TopViewOptions & {
    interval: number
    signal: AbortSignal
    /** the terminal (default: this process's); bench/top-memory.mjs passes a fake one */
    stdin?: NodeJS.ReadStream
    stdout?: NodeJS.WriteStream
  },
): Promise<void> {
  const source = new PollingSource(() => feed.poll(), options.interval)
  const controls: TopControls | undefined =
    feed.connection && feed.setClosed && feed.setLookup
      ? {
          connection: (id, cid) => feed.connection!(id, cid),
          setClosed: (max) => feed.setClosed!(max),
          setLookup: (on) => feed.setLookup!(on),
        }
      : undefined
  const app = render(<TopApp controls={controls} initial={options} source={source} />, {
    exitOnCtrlC: false,
    ...(options.stdin ? {stdin: options.stdin} : {}),
    ...(options.stdout ? {patchConsole: false, stdout: options.stdout} : {}),
  })
  const onAbort = (): void => app.unmount()
  options.signal.addEventListener('abort', onAbort, {once: true})
  source.start()
  try {
    await app.waitUntilExit()
  } finally {
    source.stop()
    options.signal.removeEventListener('abort', onAbort)
    app.cleanup()
  }
}

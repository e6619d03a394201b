/**
 * Runs the clients of a benchmark in worker threads (one connection each, so several clients use several cores),
 * splits the work between them, shows progress, and stops them through shared memory on Ctrl-C so that the
 * partial figures are still reported.
 */
import {Worker} from 'node:worker_threads'

import type {ConnectionSettings} from '../connection.js'
import type {ClientInput, ClientMessage} from './client.js'

import {type ExitCodeValue, NatsxError} from '../errors.js'
import {CONTROL} from './loops.js'
import {type BenchMode, type BenchSpec, type ClientReport, type ClientSpec} from './types.js'

/** Modes where every client receives all the messages (the others split `--msgs` between them). */
const EACH_CLIENT_ALL: ReadonlySet<BenchMode> = new Set(['js ordered', 'sub'])
/** Modes where the clients share one target counted together (a queue group, a shared consumer). */
const SHARED_TARGET: ReadonlySet<BenchMode> = new Set(['js consume', 'js fetch', 'reply'])

export interface Share {
  msgs: number
  startIndex: number
}

/** The messages of each client (pure). */
export function shares(spec: Pick<BenchSpec, 'clients' | 'durationMs' | 'mode' | 'msgs'>): Share[] {
  const out: Share[] = []
  if (EACH_CLIENT_ALL.has(spec.mode) || SHARED_TARGET.has(spec.mode)) {
    for (let i = 0; i < spec.clients; i++) out.push({msgs: spec.msgs, startIndex: 0})
    return out
  }

  const base = Math.floor(spec.msgs / spec.clients)
  const extra = spec.msgs % spec.clients
  let start = 0
  for (let i = 0; i < spec.clients; i++) {
    const n = base + (i < extra ? 1 : 0)
    out.push({msgs: n, startIndex: start})
    start += n
  }

  return out
}

/** How many messages the whole run handles when it completes (for progress). */
export function progressTarget(spec: Pick<BenchSpec, 'clients' | 'mode' | 'msgs'>): number {
  return EACH_CLIENT_ALL.has(spec.mode) ? spec.msgs * spec.clients : spec.msgs
}

export interface RunHooks {
  /** every client is connected (and subscribed): the measured part starts now */
  onReady?: () => void
  /** about 5 times a second: messages done so far by all clients */
  onTick?: (done: number) => void
  signal: AbortSignal
}

export interface RunOutcome {
  interrupted: boolean
  /** a client's connection was lost mid-run: the others were stopped, and every report is partial */
  lost?: NatsxError
  reports: ClientReport[]
}

// The worker is its own bundle beside natsx's (scripts/build.mjs): dist/bench-worker.mjs next to dist/natsx.cjs
const WORKER_URL = new URL('bench-worker.mjs', import.meta.url)

/** Where a client runs: the same interface for a worker thread and for the main thread. */
interface ClientHandle {
  go(): void
  on(listener: (m: ClientMessage) => void, fail: (e: Error) => void): void
  stop(): Promise<void>
}

function threadClient(input: ClientInput): ClientHandle {
  const worker = new Worker(WORKER_URL, {workerData: input})
  return {
    go: () => worker.postMessage('go'),
    on(listener, fail) {
      worker.on('message', listener)
      worker.on('error', (e) => fail(new NatsxError(1, `client ${input.client.id} failed: ${e.message}`)))
      worker.on('exit', (code) =>
        fail(new NatsxError(1, `client ${input.client.id} exited (${code}) before reporting`)),
      )
    },
    async stop() {
      await worker.terminate()
    },
  }
}

/** A single client runs on the main thread: no thread hop, the same loop. */
function inlineClient(input: ClientInput): ClientHandle {
  let go!: () => void
  const started = new Promise<void>((resolve) => {
    go = resolve
  })
  return {
    go,
    on(listener, fail) {
      import('./client.js')
        .then(({runClient}) => runClient(input, listener, started))
        .catch((error: Error) => fail(error))
    },
    async stop() {},
  }
}

export async function runClients(settings: ConnectionSettings, spec: BenchSpec, hooks: RunHooks): Promise<RunOutcome> {
  const control = new SharedArrayBuffer(4 * 4)
  const progress = new SharedArrayBuffer(8 * spec.clients)
  const controlView = new Int32Array(control)
  const progressView = new Float64Array(progress)
  const handles: ClientHandle[] = []
  const reports: ClientReport[] = []
  let interrupted = false
  let lost: NatsxError | undefined
  const onAbort = (): void => {
    interrupted = true
    Atomics.store(controlView, CONTROL.STOP, 1)
  }

  if (hooks.signal.aborted) onAbort()
  hooks.signal.addEventListener('abort', onAbort, {once: true})
  let ticker: NodeJS.Timeout | undefined
  try {
    const all = shares(spec).map((share, i) => {
      const client: ClientSpec = {id: i + 1, msgs: share.msgs, settings, spec, startIndex: share.startIndex}
      const input: ClientInput = {client, control, progress}
      const handle = spec.clients === 1 ? inlineClient(input) : threadClient(input)
      handles.push(handle)
      return watch(handle, client.id, (error) => {
        // one lost connection ends the run: the other clients stop and report what they did
        lost ??= error
        Atomics.store(controlView, CONTROL.STOP, 1)
      })
    })
    // every worker posts `ready` first, then `done`; an error rejects both
    await Promise.all(all.map((w) => w.ready))
    hooks.onReady?.()
    for (const h of handles) h.go()
    if (hooks.onTick) {
      const tick = hooks.onTick
      ticker = setInterval(() => tick(progressView.reduce((a, b) => a + b, 0)), 200)
    }

    for (const r of await Promise.all(all.map((w) => w.done))) reports.push(r)
  } catch (error) {
    Atomics.store(controlView, CONTROL.STOP, 1)
    await Promise.all(handles.map((h) => h.stop()))
    throw error
  } finally {
    if (ticker) clearInterval(ticker)
    hooks.signal.removeEventListener('abort', onAbort)
  }

  return {interrupted: interrupted || Boolean(lost), ...(lost ? {lost} : {}), reports}
}

function watch(handle: ClientHandle, id: number, onLost: (error: NatsxError) => void): {done: Promise<ClientReport>; ready: Promise<void>} {
  let onReady!: () => void
  let fail!: (e: Error) => void
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve
    fail = reject
  })
  const done = new Promise<ClientReport>((resolve, reject) => {
    const failBoth = (e: Error): void => {
      fail(e)
      reject(e)
    }

    handle.on((m) => {
      switch (m.type) {
      case 'done': {
      resolve(m.report)
      break;
      }

      case 'lost': {
        onLost(new NatsxError(m.error.code as ExitCodeValue, m.error.message, {hint: m.error.hint}))
        // a client lost before the start is an error; after it, its partial figures count
        onReady()
        resolve(m.report)
      
      break;
      }

      case 'ready': {
      onReady()
      break;
      }

      default: { failBoth(
          new NatsxError(m.error.code as ExitCodeValue, `client ${id}: ${m.error.message}`, {hint: m.error.hint}),
        )
      }
      }
    }, failBoth)
  })
  // a rejection of `done` before anyone awaits it is handled by the `ready` path
  done.catch(() => {})
  ready.catch(() => {})
  return {done, ready}
}

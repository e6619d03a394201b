/**
 * One benchmark client: connect, report `ready`, wait for `go`, run the mode's loop, report the figures (or the
 * error). It runs in a worker thread (worker.ts) when there are several clients, and on the main thread when there
 * is one: no thread hop for a single client (in one noisy A/B on these 2-CPU machines the raw JetStream async
 * publish loop ran 15-25 % slower in a worker thread; core publish showed no difference).
 */
import type {NatsConnection} from '@nats-io/transport-node'

import type {ClientReport, ClientSpec} from './types.js'

import {openConnection} from '../connection.js'
import {connectionError, type NatsxError, toNatsxError} from '../errors.js'
import {
  CONTROL,
  jsConsumeLoop,
  jsPubLoop,
  kvLoop,
  type LoopContext,
  type LoopResult,
  now,
  pubLoop,
  replyLoop,
  requestLoop,
  subLoop,
} from './loops.js'

export interface ClientInput {
  client: ClientSpec
  control: SharedArrayBuffer
  progress: SharedArrayBuffer
}

export type ClientMessage =
  | {error: {code: number; hint?: string; message: string}; report: ClientReport; type: 'lost'}
  | {error: {code: number; hint?: string; message: string}; type: 'error'}
  | {report: ClientReport; type: 'done'}
  | {type: 'ready'}

async function runLoop(input: ClientInput, nc: NatsConnection, ready: () => Promise<void>): Promise<ClientReport> {
  const {client} = input
  const ctx: LoopContext = {
    client,
    control: new Int32Array(input.control),
    nc,
    progress: new Float64Array(input.progress),
  }
  let result: LoopResult
  switch (client.spec.mode) {
    case 'js consume':
    case 'js fetch':
    case 'js ordered': {
      result = await jsConsumeLoop(ctx, ready)
      break
    }

    case 'js get': {
      await ready()
      const {jsGetLoop} = await import('./jsget.js')
      result = await jsGetLoop(ctx)
      break
    }

    case 'js pub': {
      await ready()
      result = await jsPubLoop(ctx)
      break
    }

    case 'kv get':
    case 'kv put': {
      await ready()
      result = await kvLoop(ctx)
      break
    }

    case 'pub': {
      await ready()
      result = await pubLoop(ctx)
      break
    }

    case 'reply': {
      result = await replyLoop(ctx, ready)
      break
    }

    case 'request': {
      await ready()
      result = await requestLoop(ctx)
      break
    }

    case 'sub': {
      result = await subLoop(ctx, ready)
      break
    }
  }

  return {id: client.id, ...result}
}

/**
 * What a client had done when its connection was lost: the messages it had counted (its progress slot), between
 * `go` and the loss. Bytes are the messages times --size (the receiving modes count sizes as they come, but their
 * loop is stuck with the connection, so this is the best figure left).
 */
function partialReport(input: ClientInput, start: number): ClientReport {
  const {client} = input
  const msgs = new Float64Array(input.progress)[client.id - 1] ?? 0
  return {bytes: msgs * client.spec.size, end: now(), id: client.id, msgs, start, warnings: []}
}

type Ending = {error: Error; kind: 'lost'} | {kind: 'done'; report: ClientReport} | {kind: 'interrupted'}

/** How long a stopped client's loop may take to finish its last flush before its partial figures are taken. */
const STOP_GRACE_MS = 500

/**
 * Watches a running client: resolves when the server stops answering (a PING sent every second is not answered
 * within the timeout: a frozen server or a dead link), or when the run was stopped (Ctrl-C, another client lost)
 * and the loop has not finished within STOP_GRACE_MS (it waits on a server that does not answer). `dispose` stops it.
 */
function watchdog(nc: NatsConnection, input: ClientInput, timeoutMs: number): {dispose: () => void; ended: Promise<Ending>} {
  const control = new Int32Array(input.control)
  let timer: NodeJS.Timeout | undefined
  let pingSince = 0
  let stopSince = 0
  const ended = new Promise<Ending>((resolve) => {
    timer = setInterval(() => {
      const t = now()
      if (Atomics.load(control, CONTROL.STOP) === 1) {
        stopSince ||= t
        if (t - stopSince > STOP_GRACE_MS) resolve({kind: 'interrupted'})
      }

      if (pingSince === 0) {
        pingSince = t
        nc.flush().then(
          () => {
            pingSince = 0
          },
          () => {},
        )
      } else if (t - pingSince > timeoutMs) {
        resolve({error: new Error(`the server did not answer for ${Math.round(timeoutMs / 1000)}s`), kind: 'lost'})
      }
    }, Math.min(250, timeoutMs / 4))
  })
  return {dispose: () => clearInterval(timer), ended}
}

/** Run one client; everything it has to say goes through `post`, nothing is thrown. */
export async function runClient(
  input: ClientInput,
  post: (m: ClientMessage) => void,
  go: Promise<void>,
): Promise<void> {
  // nats-core builds an Error for every completed request; without stack capture that is cheap.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  let nc: NatsConnection | undefined
  let finished = false
  let started = 0
  let guard: ReturnType<typeof watchdog> | undefined
  try {
    nc = await openConnection(input.client.settings, {noAsyncTraces: true})
    // The server dying, freezing or closing the connection leaves a loop waiting on a flush or a reply for ever:
    // the loss ends the client with what it had done, reported as partial; so does a stop the loop cannot honour.
    const lost = nc.closed().then((error): Ending | undefined => (finished ? undefined : {error: error ?? new Error('the server closed the connection'), kind: 'lost'}))
    guard = watchdog(nc, input, input.client.spec.timeoutMs)
    const loop = runLoop(input, nc, async () => {
      post({type: 'ready'})
      await go
      started = now()
    })
    loop.catch(() => {})
    const ending = await Promise.race([
      loop.then(
        (report): Ending => ({kind: 'done', report}),
        (error: Error): Ending => {
          // a flush or request that failed for the connection's sake after the start: partial figures, exit 6
          if (started > 0 && toNatsxError(error).exitCode === 6) return {error, kind: 'lost'}
          throw error
        },
      ),
      lost.then((e) => e ?? new Promise<Ending>(() => {})),
      guard.ended,
    ])
    finished = true
    if (ending.kind === 'done') post({report: ending.report, type: 'done'})
    else if (ending.kind === 'interrupted') post({report: partialReport(input, started || now()), type: 'done'})
    else {
      const e = connectionLost(ending.error)
      post({error: {code: e.exitCode, hint: e.hint, message: e.message}, report: partialReport(input, started || now()), type: 'lost'})
    }
  } catch (error) {
    const e = toNatsxError(error)
    post({error: {code: e.exitCode, hint: e.hint, message: e.message}, type: 'error'})
  } finally {
    finished = true
    guard?.dispose()
    // a frozen server may never take the close: do not wait on it for more than a moment
    if (nc) await Promise.race([nc.close().catch(() => {}), new Promise((resolve) => {
          setTimeout(resolve, 500).unref()
        })])
    Error.stackTraceLimit = limit
  }
}

function connectionLost(error: Error): NatsxError {
  const reason = toNatsxError(error).message
  return connectionError(`the connection to the server was lost during the run (${reason})`, 'the figures are for the work done before; check the server and run again')
}

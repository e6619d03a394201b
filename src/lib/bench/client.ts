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
  try {
    nc = await openConnection(input.client.settings, {noAsyncTraces: true})
    // The server dying (or closing the connection) leaves a loop waiting on a flush or a reply for ever: the
    // loss ends the client with what it had done, reported as partial.
    const lost = nc.closed().then((error) => (finished ? undefined : (error ?? new Error('the server closed the connection'))))
    const loop = runLoop(input, nc, async () => {
      post({type: 'ready'})
      await go
      started = now()
    })
    const first = await Promise.race([loop.then((report) => ({report})), lost.then((error) => ({error}))])
    if ('report' in first) {
      finished = true
      post({report: first.report, type: 'done'})
    } else if (first.error) {
      loop.catch(() => {})
      const e = connectionLost(first.error)
      post({error: {code: e.exitCode, hint: e.hint, message: e.message}, report: partialReport(input, started || now()), type: 'lost'})
    }
  } catch (error) {
    const e = toNatsxError(error)
    post({error: {code: e.exitCode, hint: e.hint, message: e.message}, type: 'error'})
  } finally {
    finished = true
    await nc?.close().catch(() => {})
    Error.stackTraceLimit = limit
  }
}

function connectionLost(error: Error): NatsxError {
  const reason = toNatsxError(error).message
  return connectionError(`the connection to the server was lost during the run (${reason})`, 'the figures are for the work done before; check the server and run again')
}

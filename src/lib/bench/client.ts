/**
 * One benchmark client: connect, report `ready`, wait for `go`, run the mode's loop, report the figures (or the
 * error). It runs in a worker thread (worker.ts) when there are several clients, and on the main thread when there
 * is one: no thread hop for a single client (in one noisy A/B on these 2-CPU machines the raw JetStream async
 * publish loop ran 15-25 % slower in a worker thread; core publish showed no difference).
 */
import type {ClientReport, ClientSpec} from './types.js'

import {openConnection} from '../connection.js'
import {toNatsxError} from '../errors.js'
import {
  jsConsumeLoop,
  jsPubLoop,
  kvLoop,
  type LoopContext,
  type LoopResult,
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
  | {error: {code: number; hint?: string; message: string}; type: 'error'}
  | {report: ClientReport; type: 'done'}
  | {type: 'ready'}

async function runLoop(input: ClientInput, ready: () => Promise<void>): Promise<ClientReport> {
  const {client} = input
  const nc = await openConnection(client.settings, {noAsyncTraces: true})
  const ctx: LoopContext = {
    client,
    control: new Int32Array(input.control),
    nc,
    progress: new Float64Array(input.progress),
  }
  let result: LoopResult
  try {
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
  } finally {
    await nc.close().catch(() => {})
  }

  return {id: client.id, ...result}
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
  try {
    const report = await runLoop(input, async () => {
      post({type: 'ready'})
      await go
    })
    post({report, type: 'done'})
  } catch (error) {
    const e = toNatsxError(error)
    post({error: {code: e.exitCode, hint: e.hint, message: e.message}, type: 'error'})
  } finally {
    Error.stackTraceLimit = limit
  }
}

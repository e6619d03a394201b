/**
 * A benchmark client in its own thread with its own connection. It connects, reports `ready`, waits for `go`,
 * runs its loop and posts a `ClientReport` (or an `error`). The main thread stops it through the shared control
 * array, never by terminating it, so an interrupted client still reports the work it did.
 */
import {parentPort, workerData} from 'node:worker_threads'

import type {ClientReport, ClientSpec} from './types.js'

import {openConnection} from '../connection.js'
import {toNatsxError} from '../errors.js'
import {jsConsumeLoop, jsPubLoop, kvLoop, type LoopContext, type LoopResult, pubLoop, replyLoop, requestLoop, subLoop} from './loops.js'

export interface WorkerInput {
  client: ClientSpec
  control: SharedArrayBuffer
  progress: SharedArrayBuffer
}

export type WorkerMessage =
  | {error: {code: number; hint?: string; message: string}; type: 'error'}
  | {report: ClientReport; type: 'done'}
  | {type: 'ready'}

// nats-core builds an Error for every completed request; without stack capture that is cheap.
Error.stackTraceLimit = 0

const port = parentPort!
const input = workerData as WorkerInput
const post = (m: WorkerMessage): void => port.postMessage(m)
const go = new Promise<void>((resolve) => {
  port.once('message', () => resolve())
})

async function ready(): Promise<void> {
  post({type: 'ready'})
  await go
}

async function main(): Promise<void> {
  const {client} = input
  const nc = await openConnection(client.settings, {noAsyncTraces: true})
  const ctx: LoopContext = {client, control: new Int32Array(input.control), nc, progress: new Float64Array(input.progress)}
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

  post({report: {id: client.id, ...result}, type: 'done'})
}

main().catch((error: unknown) => {
  const e = toNatsxError(error)
  post({error: {code: e.exitCode, hint: e.hint, message: e.message}, type: 'error'})
})

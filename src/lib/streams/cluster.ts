/** Cluster operations on streams: leader step-down. */
import type {JetStreamManager} from '@nats-io/jetstream'

import {connectionError, usageError} from '../errors.js'
import {requireStream} from './ops.js'
import {apiRequest} from './snapshot.js'

export interface StepDownResult {
  leader: string
  previous_leader: string
  stream: string
}

/** Ask the stream leader to step down, then wait (up to `timeoutMs`, at least 10 s) for a new leader. */
export async function stepDownStream(
  jsm: JetStreamManager,
  stream: string,
  timeoutMs: number,
): Promise<StepDownResult> {
  const before = await requireStream(jsm, stream)
  const previous = before.cluster?.leader
  if (!previous || (before.config.num_replicas ?? 1) < 2) {
    throw usageError(
      `stream "${stream}" is not replicated: there is no other replica to lead`,
      'step-down needs a stream with --replicas 2 or more in a cluster',
    )
  }

  await apiRequest(jsm, `STREAM.LEADER.STEPDOWN.${stream}`)
  const deadline = Date.now() + Math.max(timeoutMs, 10_000)
  while (Date.now() < deadline) {
    await new Promise((r) => {
      setTimeout(r, 250)
    })
    try {
      const si = await jsm.streams.info(stream)
      const leader = si.cluster?.leader
      if (leader && leader !== previous) return {leader, previous_leader: previous, stream}
    } catch {
      // no leader while the election runs
    }
  }

  throw connectionError(
    `stream "${stream}" has no new leader after ${Math.max(timeoutMs, 10_000)} ms`,
    'check `natsx stream report` for offline replicas',
  )
}

/** Cluster operations on consumers: leader step-down. */
import type {JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {stepDownLeader} from '../streams/cluster.js'
import {requireConsumer} from './ops.js'

export interface ConsumerStepDownResult {
  consumer: string
  leader: string
  /** the server asked for with --preferred, when one was */
  preferred?: string
  previous_leader: string
  stream: string
}

/** Step down the leader of a consumer (`$JS.API.CONSUMER.LEADER.STEPDOWN`) and wait for the new one. */
export async function stepDownConsumer(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  name: string,
  timeoutMs: number,
  preferred?: string,
): Promise<ConsumerStepDownResult> {
  const res = await stepDownLeader(
    jsm,
    caps,
    {
      async cluster() {
        const ci = await requireConsumer(jsm, stream, name)
        // the leader and its peers (a consumer with replicas 0 has as many as its stream)
        return {cluster: ci.cluster, replicas: 1 + (ci.cluster?.replicas?.length ?? 0)}
      },
      subject: `CONSUMER.LEADER.STEPDOWN.${stream}.${name}`,
      what: `consumer "${name}" of stream "${stream}"`,
    },
    timeoutMs,
    preferred,
  )
  return {consumer: name, ...res, ...(preferred === undefined ? {} : {preferred}), stream}
}

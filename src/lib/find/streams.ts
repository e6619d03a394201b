/** `stream find`: natscli's stream selectors over the stream list, and an expression. */
import type {JetStreamManager, StreamInfo} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {listStreams} from '../streams/ops.js'
import {type Predicate} from './expression.js'
import {checkInvert, msSince, plain, requiredApiLevel, select, type Selector} from './select.js'
import {subjectsOverlap} from './subjects.js'

export interface StreamQuery {
  /** internal KV_/OBJ_ streams too */
  all?: boolean
  /** needs at least this JetStream API level (`_nats.req.level`) */
  apiLevel?: number
  /** in a cluster whose name matches */
  cluster?: RegExp
  /** at most this many consumers */
  consumers?: number
  /** created at least this long ago (ms) */
  created?: number
  /** no messages */
  empty?: boolean
  expression?: Predicate
  /** no message for at least this long (ms), or never one */
  idle?: number
  invert?: boolean
  /** led by this server (exact name) */
  leader?: string
  /** a mirror */
  mirrored?: boolean
  /** at most this many replicas */
  replicas?: number
  /** a replica (leader or follower) on a server whose name matches */
  serverName?: RegExp
  /** takes messages from sources */
  sourced?: boolean
  /** has a subject that overlaps this one */
  subject?: string
}

/** The selectors a query sets, in natscli's order. */
export function streamSelectors(q: StreamQuery): Array<Selector<StreamInfo>> {
  const s: Array<Selector<StreamInfo>> = []
  if (q.created !== undefined) s.push({flag: 'created', test: (si, now) => msSince(si.created, now) >= q.created!})
  if (q.idle !== undefined) s.push({flag: 'idle', test: (si, now) => msSince(si.state.last_ts, now) >= q.idle!})
  if (q.empty) s.push({flag: 'empty', test: (si) => si.state.messages === 0})
  if (q.consumers !== undefined) s.push({flag: 'consumers', test: (si) => si.state.consumer_count <= q.consumers!})
  if (q.cluster) s.push({flag: 'cluster', test: (si) => Boolean(si.cluster?.name && q.cluster!.test(si.cluster.name))})
  if (q.subject !== undefined) s.push({flag: 'subject', test: (si) => (si.config.subjects ?? []).some((x) => subjectsOverlap(x, q.subject!))})
  if (q.serverName) s.push({flag: 'server-name', test: (si) => streamServers(si).some((n) => q.serverName!.test(n))})
  if (q.replicas !== undefined) s.push({flag: 'replicas', test: (si) => (si.config.num_replicas || 1) <= q.replicas!})
  if (q.sourced) s.push({flag: 'sourced', test: (si) => (si.config.sources ?? []).length > 0})
  if (q.mirrored) s.push({flag: 'mirrored', test: (si) => Boolean(si.config.mirror)})
  if (q.leader !== undefined) s.push({flag: 'leader', test: (si) => si.cluster?.leader === q.leader})
  if (q.apiLevel !== undefined) s.push({flag: 'api-level', test: (si) => requiredApiLevel(si.config) >= q.apiLevel!})
  return s
}

/** The servers that hold a stream: its leader and its replicas. */
export function streamServers(si: StreamInfo): string[] {
  const names = [si.cluster?.leader, ...(si.cluster?.replicas ?? []).map((r) => r.name)]
  return names.filter((n): n is string => typeof n === 'string' && n !== '')
}

/** Apply a query to streams already listed (pure apart from the clock). */
export async function selectStreams(list: StreamInfo[], q: StreamQuery, now?: number): Promise<StreamInfo[]> {
  const selectors = streamSelectors(q)
  checkInvert(selectors, q.invert)
  return select(list, selectors, {
    describe: (si) => `stream "${si.config.name}"`,
    expression: q.expression,
    input(si) {
      const info = plain(si)
      return {config: info.config, info, state: info.state}
    },
    invert: q.invert,
    now,
  })
}

/** Version-gated selectors: `--api-level` needs a server that records the level (2.11+); exit 8 otherwise. */
export function checkStreamQuery(q: StreamQuery, caps: Capabilities): void {
  if (q.apiLevel !== undefined) caps.require('asset-api-level', '--api-level (the API level a stream needs)')
}

/** List the streams and select. */
export async function findStreams(jsm: JetStreamManager, q: StreamQuery): Promise<StreamInfo[]> {
  checkInvert(streamSelectors(q), q.invert)
  return selectStreams(await listStreams(jsm, {all: q.all}), q)
}

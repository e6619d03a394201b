/**
 * What the connected server can do. A 2.9 server silently drops configuration fields it does not know, so natsx
 * refuses such options itself, before anything is sent, with exit 8.
 */
import {unsupported} from './errors.js'

/** A feature and the first nats-server version that honours it. */
export const FEATURES = {
  'consumer-metadata': {label: 'consumer metadata', version: '2.10.0'},
  'consumer-pause': {label: 'consumer pause', version: '2.11.0'},
  'first-sequence': {label: 'first sequence', version: '2.10.0'},
  'kv-compression': {label: 'KV compression', version: '2.10.0'},
  'kv-marker-ttl': {label: 'KV limit marker TTL', version: '2.11.0'},
  'kv-per-key-ttl': {label: 'per-key TTL', version: '2.11.0'},
  'msg-ttl': {label: 'per-message TTL', version: '2.11.0'},
  'multi-filter': {label: 'multiple filter subjects', version: '2.10.0'},
  'priority-groups': {label: 'priority groups', version: '2.11.0'},
  'stream-atomic-batch': {label: 'atomic batch publish', version: '2.12.0'},
  'stream-compression': {label: 'compression', version: '2.10.0'},
  'stream-consumer-limits': {label: 'stream consumer limits', version: '2.10.0'},
  'stream-counters': {label: 'counters', version: '2.12.0'},
  'stream-metadata': {label: 'metadata', version: '2.10.0'},
  'stream-schedules': {label: 'message schedules', version: '2.12.0'},
  'subject-delete-markers': {label: 'subject delete markers', version: '2.11.0'},
  'subject-transform': {label: 'subject transforms', version: '2.10.0'},
  // added for apply's checks (same keys as the full capability table)
  'durable-sourcing': {label: 'durable sourcing (mirror/source consumer)', version: '2.14.0'},
  'fast-batch': {label: 'fast batch publish', version: '2.14.0'},
  'mirror-removal': {label: 'promote a mirror (remove it in place)', version: '2.12.0'},
  'persist-mode': {label: 'persist mode', version: '2.12.0'},
  'placement-preferred': {label: 'preferred placement', version: '2.11.0'},
  'prioritized-policy': {label: 'prioritized priority policy', version: '2.12.0'},
  'priority-timeout': {label: 'pinned client TTL', version: '2.11.0'},
} as const

export type Feature = keyof typeof FEATURES

export interface ServerVersion {
  major: number
  minor: number
  patch: number
  raw: string
}

export function parseVersion(raw: string): ServerVersion {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(raw.trim())
  if (!m) return {major: 0, minor: 0, patch: 0, raw}
  return {major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), raw}
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a)
  const y = parseVersion(b)
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch
}

export class Capabilities {
  /** JetStream API level from `$JS.API.INFO` (`0` when the server reports none, as 2.9 does). */
  readonly apiLevel: number
  /** whether the server runs in a cluster; a lone server keeps placement in the config and ignores it */
  readonly clustered: boolean
  /** whether JetStream answered for this account */
  readonly jetstream: boolean
  readonly version: string

  constructor(version: string, apiLevel = 0, clustered = true, jetstream = false) {
    this.version = version
    this.apiLevel = apiLevel
    this.clustered = clustered
    this.jetstream = jetstream
  }

  has(feature: Feature): boolean {
    return compareVersions(this.version, FEATURES[feature].version) >= 0
  }

  /** Refuse a feature the server lacks: exit 8 with what it needs and what is connected. */
  require(feature: Feature, what?: string): void {
    if (this.has(feature)) return
    const f = FEATURES[feature]
    throw unsupported(
      `${what ?? f.label} requires nats-server ${f.version}; connected server is ${this.version}`,
      'leave the option out or upgrade the server',
    )
  }

  /** Refuse what only a clustered JetStream honours (placement, replicas > 1) on a lone server: exit 8. */
  requireCluster(what: string): void {
    if (this.clustered) return
    throw unsupported(`${what} needs a clustered JetStream; the connected server (${this.version}) is not in a cluster`, 'leave it out, or connect to a JetStream cluster')
  }

  toJSON(): {api_level: number; clustered: boolean; server_version: string} {
    return {api_level: this.apiLevel, clustered: this.clustered, server_version: this.version}
  }
}

/**
 * What only a clustered JetStream honours: a placement and more than one replica. `field` is where the value sits
 * (a spec path), `what` names it in the refusal, by its flags when `flags` is set.
 */
export function clusterNeeds(
  c: {placement?: {cluster?: string; tags?: string[]}; replicas?: number},
  options: {flags?: boolean; replicasField?: string} = {},
): Array<{field: string; what: string}> {
  const needs: Array<{field: string; what: string}> = []
  if (c.placement?.cluster || (c.placement?.tags?.length ?? 0) > 0) {
    needs.push({field: 'placement', what: options.flags ? 'placement (--cluster, --tags)' : 'placement (cluster, tags)'})
  }

  if ((c.replicas ?? 1) > 1) {
    needs.push({field: options.replicasField ?? 'replicas', what: `${c.replicas} replicas${options.flags ? ' (--replicas)' : ''}`})
  }

  return needs
}

export interface FeatureRow {
  feature: Feature
  label: string
  /** the first nats-server version that honours it */
  requires: string
  supported: boolean
}

/** Each option natsx checks, and whether the connected server honours it (`server features`). */
export function featureRows(caps: Capabilities): FeatureRow[] {
  return (Object.keys(FEATURES) as Feature[])
    .map((feature) => ({feature, label: FEATURES[feature].label, requires: FEATURES[feature].version, supported: caps.has(feature)}))
    .sort((a, b) => compareVersions(a.requires, b.requires) || a.label.localeCompare(b.label))
}

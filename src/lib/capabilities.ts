/**
 * What the connected server can do. A 2.9 server silently drops configuration fields it does not know, so natsx
 * refuses such options itself, before anything is sent, with exit 8.
 */
import {unsupported} from './errors.js'

/** What kind of thing a feature is: a field of a stream or consumer configuration, a header, an API verb, etc. */
export type FeatureKind = 'behaviour' | 'bucket' | 'consumer' | 'header' | 'request' | 'stream' | 'verb'

/**
 * One row of the capability table: what the server calls it (`name`: JSON field, header or API subject), the first
 * nats-server version that honours it, the JetStream API level that stands for it where the server versions it
 * (`$JS.API.INFO` `api.level`: absent = 0 before 2.11, 1 on 2.11, 2–3 on 2.12, 4 on 2.14, 5 on 2.15), and how natsx
 * offers it (`offered`: the flags or verbs; `false`: natsx has no way to use it yet).
 */
export interface FeatureSpec {
  apiLevel?: number
  kind: FeatureKind
  label: string
  name: string
  offered: false | string
  version: string
}

/**
 * Every stream field, consumer field, header, request option and verb that nats-server 2.10 → 2.15 added
 * (`modern-nats.md` §1.1–1.7), and what natsx offers of each. The README section "What each server version
 * supports" is generated from this table (and a test keeps the two equal).
 */
export const FEATURES = {
  // stream configuration (§1.2)
  'stream-compression': {kind: 'stream', label: 'compression', name: 'compression', offered: 'stream add/edit --compression', version: '2.10.0'},
  'first-sequence': {kind: 'stream', label: 'first sequence', name: 'first_seq', offered: 'stream add --first-sequence', version: '2.10.0'},
  'subject-transform': {kind: 'stream', label: 'subject transforms', name: 'subject_transform, sources[].subject_transforms', offered: 'stream add/edit --transform-source/--transform-destination, --mirror-transform/--source-transform, kv --source', version: '2.10.0'},
  'stream-consumer-limits': {kind: 'stream', label: 'stream consumer limits', name: 'consumer_limits', offered: 'stream add/edit --limit-consumer-inactive/--limit-consumer-max-pending, apply', version: '2.10.0'},
  'stream-metadata': {kind: 'stream', label: 'metadata', name: 'metadata', offered: 'stream/kv/object add/edit --metadata', version: '2.10.0'},
  'retention-limits-interest': {kind: 'behaviour', label: 'retention limits ↔ interest in place', name: 'retention (update)', offered: 'stream edit --retention, apply', version: '2.10.0'},
  'republish-update': {kind: 'behaviour', label: 'republish changed in place', name: 'republish (update)', offered: 'stream edit --republish-*, apply', version: '2.10.0'},
  'placement-preferred': {kind: 'stream', label: 'preferred placement', name: 'placement.preferred', offered: false, version: '2.11.0'},
  'msg-ttl': {apiLevel: 1, kind: 'stream', label: 'per-message TTL', name: 'allow_msg_ttl', offered: 'stream add/edit --allow-msg-ttl', version: '2.11.0'},
  'subject-delete-markers': {apiLevel: 1, kind: 'stream', label: 'subject delete markers', name: 'subject_delete_marker_ttl', offered: 'stream add/edit --subject-del-markers-ttl, apply', version: '2.11.0'},
  'stream-counters': {apiLevel: 2, kind: 'stream', label: 'counters', name: 'allow_msg_counter', offered: 'stream add --allow-counter, apply', version: '2.12.0'},
  'stream-atomic-batch': {apiLevel: 2, kind: 'stream', label: 'atomic batch publish', name: 'allow_atomic', offered: 'stream add/edit --allow-batch, apply', version: '2.12.0'},
  'stream-schedules': {apiLevel: 2, kind: 'stream', label: 'message schedules', name: 'allow_msg_schedules', offered: 'stream add/edit --allow-schedules, apply', version: '2.12.0'},
  'persist-mode': {apiLevel: 2, kind: 'stream', label: 'persist mode', name: 'persist_mode', offered: 'stream add --persist-mode, apply', version: '2.12.0'},
  'mirror-removal': {apiLevel: 2, kind: 'behaviour', label: 'promote a mirror (remove it in place)', name: 'mirror (update)', offered: 'stream edit --no-mirror, apply', version: '2.12.0'},
  'strict-json': {apiLevel: 2, kind: 'behaviour', label: 'unknown JSON fields rejected (10025)', name: 'strict', offered: 'natsx sends only fields the server knows', version: '2.12.0'},
  'fast-batch': {apiLevel: 4, kind: 'stream', label: 'fast batch publish', name: 'allow_batched', offered: 'stream add/edit --allow-fast, apply', version: '2.14.0'},
  'durable-sourcing': {apiLevel: 4, kind: 'stream', label: 'durable sourcing (mirror/source consumer)', name: 'mirror.consumer, sources[].consumer', offered: false, version: '2.14.0'},
  'update-max-consumers': {apiLevel: 5, kind: 'behaviour', label: 'max consumers changed in place', name: 'max_consumers (update)', offered: 'stream edit --max-consumers, apply', version: '2.15.0'},
  // consumer configuration and pull requests (§1.3)
  'multi-filter': {kind: 'consumer', label: 'multiple filter subjects', name: 'filter_subjects', offered: 'consumer add/edit --filter (repeated)', version: '2.10.0'},
  'consumer-metadata': {kind: 'consumer', label: 'consumer metadata', name: 'metadata', offered: 'consumer add/edit --metadata', version: '2.10.0'},
  'consumer-create-action': {kind: 'request', label: 'consumer create/update action', name: 'action', offered: false, version: '2.10.0'},
  pedantic: {kind: 'request', label: 'pedantic create and update', name: 'pedantic', offered: false, version: '2.11.0'},
  'consumer-pause': {apiLevel: 1, kind: 'consumer', label: 'consumer pause', name: 'pause_until', offered: 'consumer add/edit --pause-until', version: '2.11.0'},
  'priority-groups': {apiLevel: 1, kind: 'consumer', label: 'priority groups', name: 'priority_groups, priority_policy', offered: 'consumer add/edit --priority-group with --priority-policy, or --pinned-groups/--overflow-groups', version: '2.11.0'},
  'priority-timeout': {apiLevel: 1, kind: 'consumer', label: 'pinned client TTL', name: 'priority_timeout', offered: 'consumer add/edit --pinned-ttl', version: '2.11.0'},
  'pull-priority-group': {apiLevel: 1, kind: 'request', label: 'pull from a priority group', name: 'group, min_pending, min_ack_pending, id', offered: 'consumer next --group, --min-pending, --min-ack-pending', version: '2.11.0'},
  'prioritized-policy': {apiLevel: 2, kind: 'consumer', label: 'prioritized priority policy', name: 'priority_policy: prioritized', offered: 'consumer add/edit --priority-policy prioritized, --prioritized-groups', version: '2.12.0'},
  'pull-priority': {apiLevel: 2, kind: 'request', label: 'pull priority 0–9', name: 'priority', offered: 'consumer next --group --priority', version: '2.12.0'},
  'flow-control-ack': {apiLevel: 4, kind: 'consumer', label: 'flow control acknowledgement', name: 'ack_policy: flow_control', offered: false, version: '2.14.0'},
  // API subjects (§1.4)
  'stepdown-placement': {kind: 'verb', label: 'step down to a placement', name: '$JS.API.*.LEADER.STEPDOWN.* {placement}', offered: false, version: '2.10.0'},
  'consumer-pause-verb': {apiLevel: 1, kind: 'verb', label: 'pause and resume a consumer', name: '$JS.API.CONSUMER.PAUSE', offered: 'consumer pause --until, consumer resume', version: '2.11.0'},
  'consumer-unpin': {apiLevel: 1, kind: 'verb', label: 'unpin a pinned client', name: '$JS.API.CONSUMER.UNPIN', offered: 'consumer unpin --group', version: '2.11.0'},
  'direct-get-batch': {apiLevel: 1, kind: 'verb', label: 'direct get batch and multi-last', name: '$JS.API.DIRECT.GET {batch, multi_last, …}', offered: 'stream get --last-for (several, or a wildcard), stream get --batch, bench js get --mode batch, sub --stream --direct (batch)', version: '2.11.0'},
  'direct-get-no-hdr': {apiLevel: 2, kind: 'verb', label: 'direct get without headers', name: '$JS.API.DIRECT.GET {no_hdr}', offered: false, version: '2.12.0'},
  'snapshot-window-size': {apiLevel: 3, kind: 'request', label: 'snapshot window size', name: 'window_size', offered: false, version: '2.12.5'},
  'consumer-reset': {apiLevel: 4, kind: 'verb', label: 'reset a consumer', name: '$JS.API.CONSUMER.RESET', offered: 'consumer reset --seq', version: '2.14.0'},
  'stream-cancel-move': {apiLevel: 5, kind: 'verb', label: 'cancel a stream move', name: '$JS.API.STREAM.CANCEL_MOVE', offered: 'stream cluster cancel-move', version: '2.15.0'},
  'stream-peer-evacuate': {apiLevel: 5, kind: 'verb', label: 'evacuate a stream peer', name: '$JS.API.STREAM.PEER.EVACUATE', offered: 'stream cluster evacuate', version: '2.15.0'},
  'consumer-peer-evacuate': {apiLevel: 5, kind: 'verb', label: 'evacuate a consumer peer', name: '$JS.API.CONSUMER.PEER.EVACUATE', offered: 'consumer cluster evacuate', version: '2.15.0'},
  'server-evacuate': {apiLevel: 5, kind: 'verb', label: 'evacuate a server', name: '$JS.API.SERVER.EVACUATE', offered: 'server evacuate', version: '2.15.0'},
  'meta-rescue': {apiLevel: 5, kind: 'verb', label: 'meta quorum rescue', name: '$JS.API.META.RESCUE', offered: false, version: '2.15.0'},
  'stepdown-preferred': {kind: 'verb', label: 'step down to a preferred server', name: '$JS.API.*.LEADER.STEPDOWN.* {placement.preferred}', offered: 'stream/consumer/server cluster step-down --preferred, server cluster balance, stream/consumer cluster step-down --preferred', version: '2.11.0'},
  // seen: 2.9.10 and 2.10.27 refuse ("stream names do not match", as the 2.14.5 source does), 2.15.1 restores
  'restore-rename': {kind: 'request', label: 'restore under another name', name: '$JS.API.STREAM.RESTORE.<new name> {config.name}', offered: 'stream restore --config (another "name")', version: '2.15.1'},
  // publish headers (§1.5)
  'message-trace': {kind: 'header', label: 'message tracing', name: 'Nats-Trace-Dest, Nats-Trace-Only', offered: 'trace (--trace-only)', version: '2.11.0'},
  'expected-last-subject-seq-subject': {kind: 'header', label: 'expected last sequence of another subject', name: 'Nats-Expected-Last-Subject-Sequence-Subject', offered: false, version: '2.11.0'},
  'ttl-header': {apiLevel: 1, kind: 'header', label: 'per-message TTL header', name: 'Nats-TTL', offered: 'kv create/purge --ttl, pub --ttl', version: '2.11.0'},
  'counter-increment': {apiLevel: 2, kind: 'header', label: 'counter increment', name: 'Nats-Incr', offered: 'counter incr/decr/get/ls/view', version: '2.12.0'},
  'atomic-batch-headers': {apiLevel: 2, kind: 'header', label: 'atomic batch headers', name: 'Nats-Batch-Id, Nats-Batch-Sequence, Nats-Batch-Commit', offered: 'pub --atomic, bench js pub --batch-mode atomic', version: '2.12.0'},
  'schedule-at': {apiLevel: 2, kind: 'header', label: 'one-shot schedule', name: 'Nats-Schedule @at, Nats-Schedule-Target, Nats-Schedule-TTL', offered: 'pub --schedule-at/--schedule-after with --schedule-target/--schedule-ttl', version: '2.12.0'},
  'required-api-level': {apiLevel: 2, kind: 'header', label: 'required API level header', name: 'Nats-Required-Api-Level', offered: false, version: '2.12.0'},
  'schedule-cron': {apiLevel: 4, kind: 'header', label: 'repeating schedules (cron, @every)', name: 'Nats-Schedule, Nats-Schedule-Source, Nats-Schedule-Time-Zone, Nats-Schedule-Rollup', offered: 'pub --schedule-every/--schedule-cron/--schedule-source', version: '2.14.0'},
  'batch-commit-eob': {apiLevel: 4, kind: 'header', label: 'batch commit end-of-batch', name: 'Nats-Batch-Commit: eob', offered: false, version: '2.14.0'},
  'fast-batch-publish': {apiLevel: 4, kind: 'header', label: 'fast batch publish (flow-controlled reply subjects)', name: '<prefix>.<batch>.<flow>.<gap>.<seq>.<op>.$FI', offered: 'bench js pub --batch-mode fast', version: '2.14.0'},
  // KV and object store (§1.6)
  'kv-compression': {kind: 'bucket', label: 'KV compression', name: 'compression', offered: 'kv add/edit --compress', version: '2.10.0'},
  'kv-per-key-ttl': {apiLevel: 1, kind: 'bucket', label: 'per-key TTL', name: 'Nats-TTL on KV create/purge', offered: 'kv create/purge --ttl', version: '2.11.0'},
  'kv-marker-ttl': {apiLevel: 1, kind: 'bucket', label: 'KV limit marker TTL', name: 'subject_delete_marker_ttl', offered: 'kv add/edit --marker-ttl', version: '2.11.0'},
  // system requests
  'user-info': {kind: 'request', label: 'who the connection is (user, account, permissions)', name: '$SYS.REQ.USER.INFO', offered: 'account info (user, account, permissions)', version: '2.10.0'},
  // per-asset metadata (ADR-44)
  'asset-api-level': {apiLevel: 1, kind: 'behaviour', label: 'the API level each stream and consumer needs', name: 'metadata._nats.req.level', offered: 'stream find/consumer find --api-level', version: '2.11.0'},
  'server-reload': {kind: 'request', label: 'reload a server\'s configuration', name: '$SYS.REQ.SERVER.<id>.RELOAD', offered: 'server config reload', version: '2.10.0'},
} as const satisfies Record<string, FeatureSpec>

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

/** Where both the feature and the server have an API level, the refusal says so (the level decided it). */
function levelNote(f: FeatureSpec, apiLevel: number): string {
  return f.apiLevel !== undefined && apiLevel > 0 ? ` at JetStream API level ${apiLevel}, level ${f.apiLevel} needed` : ''
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

  /** What a feature needs, for messages: `2.14.0 (API level 4)` or `2.10.0`. */
  static needs(feature: Feature): string {
    const f: FeatureSpec = FEATURES[feature]
    return f.apiLevel === undefined ? f.version : `${f.version} (API level ${f.apiLevel})`
  }

  /**
   * Whether the server honours a feature: from the JetStream API level where the feature has one and the server
   * reports one (its own word), otherwise from the version.
   */
  has(feature: Feature): boolean {
    const f: FeatureSpec = FEATURES[feature]
    if (f.apiLevel !== undefined && this.apiLevel > 0) return this.apiLevel >= f.apiLevel
    return compareVersions(this.version, f.version) >= 0
  }

  /** Refuse a feature the server lacks: exit 8 with what it needs and what is connected. */
  require(feature: Feature, what?: string): void {
    if (this.has(feature)) return
    const f = FEATURES[feature]
    throw unsupported(
      `${what ?? f.label} requires nats-server ${f.version}; connected server is ${this.version}${levelNote(f, this.apiLevel)}`,
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
  /** the JetStream API level that stands for it, where the server versions it */
  api_level?: number
  feature: Feature
  kind: FeatureKind
  label: string
  /** the JSON field, header or API subject */
  name: string
  /** how natsx offers it, or false when natsx has no way to use it yet */
  offered: false | string
  /** the first nats-server version that honours it */
  requires: string
  supported: boolean
}

/** Every row of the capability table, and whether the connected server honours it (`server features`). */
export function featureRows(caps: Capabilities): FeatureRow[] {
  return (Object.keys(FEATURES) as Feature[])
    .map((feature) => {
      const f: FeatureSpec = FEATURES[feature]
      return {
        ...(f.apiLevel === undefined ? {} : {api_level: f.apiLevel}),
        feature,
        kind: f.kind,
        label: f.label,
        name: f.name,
        offered: f.offered,
        requires: f.version,
        supported: caps.has(feature),
      }
    })
    .sort((a, b) => compareVersions(a.requires, b.requires) || a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label))
}

/** A markdown table cell: a `|` would end it. */
const cell = (s: string): string => s.replaceAll('|', '\\|')

/** The README section "What each server version supports", between its markers: generated from FEATURES. */
export function featureTableMarkdown(): string {
  const rows = featureRows(new Capabilities('0.0.0'))
  const lines = [
    '| Feature | Kind | Server name | Needs nats-server | API level | natsx |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      [
        '',
        cell(r.label),
        r.kind,
        `\`${cell(r.name)}\``,
        r.requires,
        r.api_level === undefined ? '–' : String(r.api_level),
        r.offered === false ? 'not offered yet' : `offers it (${cell(r.offered)}); refuses it, exit 8, on older servers`,
        '',
      ].join(' | ').trim(),
    ),
  ]
  return lines.join('\n')
}

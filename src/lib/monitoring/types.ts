/**
 * Typed shapes of the nats-server monitoring endpoints (2.9.10 and later). Every field the server may omit
 * (`omitempty`) is optional, and `leafs` may be `null`: readers must never assume presence.
 */

export const ENDPOINTS = [
  'varz',
  'connz',
  'routez',
  'gatewayz',
  'leafz',
  'subsz',
  'jsz',
  'healthz',
  'accountz',
] as const
export type Endpoint = (typeof ENDPOINTS)[number]

export interface Varz {
  /** `pool_size` (2.10+): pooled routes per peer, besides one per pinned account */
  cluster?: {addr?: string; cluster_port?: number; name?: string; pool_size?: number; urls?: string[]}
  config_load_time?: string
  connections?: number
  cores?: number
  cpu?: number
  gomaxprocs?: number
  host?: string
  http_port?: number
  in_bytes?: number
  in_msgs?: number
  jetstream?: {
    config?: {domain?: string; max_memory?: number; max_storage?: number}
    meta?: {cluster_size?: number; leader?: string; name?: string; replicas?: null | ReplicaInfo[]}
    stats?: {
      accounts?: number
      /** `level` (2.11+): the JetStream API level */
      api?: {errors?: number; level?: number; total?: number}
      ha_assets?: number
      memory?: number
      storage?: number
    }
  }
  leafnodes?: number
  max_connections?: number
  max_payload?: number
  mem?: number
  now?: string
  out_bytes?: number
  out_msgs?: number
  port?: number
  remotes?: number
  routes?: number
  server_id: string
  server_name?: string
  slow_consumers?: number
  start?: string
  subscriptions?: number
  system_account?: string
  total_connections?: number
  uptime?: string
  version?: string
}

export interface ConnInfo {
  account?: string
  authorized_user?: string
  cid: number
  idle?: string
  in_bytes?: number
  in_msgs?: number
  ip?: string
  kind?: string
  lang?: string
  last_activity?: string
  name?: string
  out_bytes?: number
  out_msgs?: number
  pending_bytes?: number
  port?: number
  reason?: string
  rtt?: string
  start?: string
  stop?: string
  subscriptions?: number
  subscriptions_list?: string[]
  /** with `subs=detail` (`subscriptions_detail` over $SYS): each subscription with its queue group and counters */
  subscriptions_list_detail?: null | SubDetail[]
  type?: string
  uptime?: string
  version?: string
}

/** One subscription of a connection (connz `subs=detail`). */
export interface SubDetail {
  account?: string
  cid?: number
  max?: number
  msgs?: number
  qgroup?: string
  sid?: string
  subject: string
}

export interface Connz {
  connections?: ConnInfo[] | null
  limit?: number
  now?: string
  num_connections?: number
  offset?: number
  server_id?: string
  total?: number
}

export interface RouteInfo {
  /** 2.10+: the account a dedicated (pinned) route carries; absent on pooled routes */
  account?: string
  compression?: string
  did_solicit?: boolean
  idle?: string
  in_bytes?: number
  in_msgs?: number
  ip?: string
  is_configured?: boolean
  out_bytes?: number
  out_msgs?: number
  pending_size?: number
  port?: number
  remote_id?: string
  /** 2.10+: the peer's server name (one peer has a pool of routes, plus one per pinned account) */
  remote_name?: string
  rid: number
  rtt?: string
  subscriptions?: number
  uptime?: string
}

export interface Routez {
  now?: string
  num_routes?: number
  routes?: null | RouteInfo[]
  server_id?: string
}

export interface LeafInfo {
  account?: string
  compression?: string
  in_bytes?: number
  in_msgs?: number
  ip?: string
  /** 2.10+: whether the remote side is a spoke */
  is_spoke?: boolean
  /** 2.10+: the leaf server's name */
  name?: string
  out_bytes?: number
  out_msgs?: number
  port?: number
  rtt?: string
  subscriptions?: number
}

export interface Leafz {
  leafnodes?: number
  leafs?: LeafInfo[] | null
  now?: string
  server_id?: string
}

export interface Gatewayz {
  inbound_gateways?: null | Record<string, GatewayLink[]>
  name?: string
  now?: string
  outbound_gateways?: null | Record<string, GatewayLink>
  server_id?: string
}

export interface GatewayLink {
  accounts?: null | unknown[]
  configured?: boolean
  connection?: {
    in_msgs?: number
    ip?: string
    name?: string
    out_msgs?: number
    pending_bytes?: number
    port?: number
    rtt?: string
  }
}

export interface Subsz {
  num_subscriptions?: number
  server_id?: string
  total?: number
}

export interface Healthz {
  error?: string
  status?: string
}

export interface Accountz {
  /** with the `account` option: that account on this server */
  account_detail?: AccountDetail
  accounts?: string[]
  server_id?: string
  system_account?: string
}

export interface AccountDetail {
  account_name: string
  client_connections?: number
  expired?: boolean
  is_system?: boolean
  jetstream_enabled?: boolean
  leafnode_connections?: number
  subscriptions?: number
}

export interface ReplicaInfo {
  active?: number
  current?: boolean
  lag?: number
  name: string
  offline?: boolean
  /** the Raft peer id (a hash of the server name) */
  peer?: string
}

export interface ClusterInfo {
  leader?: string
  name?: string
  replicas?: null | ReplicaInfo[]
}

export interface ConsumerDetail {
  ack_floor?: {consumer_seq?: number; stream_seq?: number}
  cluster?: ClusterInfo
  delivered?: {consumer_seq?: number; last_active?: string; stream_seq?: number}
  name: string
  num_ack_pending?: number
  num_pending?: number
  num_redelivered?: number
  num_waiting?: number
  stream_name?: string
}

export interface StreamDetail {
  cluster?: ClusterInfo
  config?: {num_replicas?: number; subjects?: string[]}
  consumer_detail?: ConsumerDetail[] | null
  name: string
  state?: {bytes?: number; consumer_count?: number; first_seq?: number; last_seq?: number; messages?: number}
}

export interface Jsz {
  account_details?: Array<{name: string; stream_detail?: null | StreamDetail[]}> | null
  /** `level` (2.11+): the JetStream API level */
  api?: {errors?: number; level?: number; total?: number}
  bytes?: number
  config?: {domain?: string; max_memory?: number; max_storage?: number}
  consumers?: number
  disabled?: boolean
  memory?: number
  messages?: number
  /** the meta group as this server sees it; `peer` is the leader's Raft peer id (on followers too), `pending` meta operations not yet applied (2.10+) */
  meta_cluster?: {cluster_size?: number; leader?: string; name?: string; peer?: string; pending?: number; replicas?: null | ReplicaInfo[]}
  now?: string
  server_id?: string
  storage?: number
  streams?: number
}

/** STATSZ (the `$SYS.REQ.SERVER.PING` reply body). */
export interface Statsz {
  active_servers?: number
  connections?: number
  cpu?: number
  mem?: number
  received?: {bytes?: number; msgs?: number}
  routes?: Array<{name?: string; rid?: number}> | null
  sent?: {bytes?: number; msgs?: number}
  slow_consumers?: number
  start?: string
  subscriptions?: number
}

export interface EndpointTypes {
  accountz: Accountz
  connz: Connz
  gatewayz: Gatewayz
  healthz: Healthz
  jsz: Jsz
  leafz: Leafz
  routez: Routez
  subsz: Subsz
  varz: Varz
}

/** Who answered: the `server` of a `$SYS` envelope, or what varz says over HTTP. */
export interface ServerRef {
  cluster?: string
  host?: string
  id: string
  name: string
  version?: string
}

/** One server's answer (or failure) to one gathered request. */
export type ServerResult<T> =
  | {data: T; ok: true; rtt_ms: number; server: ServerRef; target: string}
  | {error: string; ok: false; server?: ServerRef; target: string}

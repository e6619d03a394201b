/**
 * `server graph`: one sample is one varz of one server (over $SYS or its monitoring port, as the other server
 * commands choose). Rates are the growth of varz's counters over the server's own clock (`now`); a restarted server
 * (new id or start time) gives no rate for that sample.
 */
import type {MonitorTransport} from '../monitoring/transport.js'
import type {DisconnectedSample, GraphFrame, Sampler} from './types.js'

import {connectionError, notFound} from '../errors.js'
import {parseTime} from '../monitoring/json.js'
import {computeRates, type Sample} from '../monitoring/rates.js'
import {serverInfo} from '../monitoring/servers.js'

type Counter = 'in_bytes' | 'in_msgs' | 'out_bytes' | 'out_msgs'

/** One NDJSON line of `server graph --iterations N --json`: varz's own figures, and rates between two samples. */
export interface ServerGraphSample {
  connections: number
  /** per cent of one core, as varz reports it */
  cpu: number
  in_bytes: number
  /** null on the first sample, the first after a disconnected one, and after a restart (as are the other rates) */
  in_bytes_per_sec: null | number
  in_msgs: number
  in_msgs_per_sec: null | number
  /** resident memory in bytes */
  mem: number
  out_bytes: number
  out_bytes_per_sec: null | number
  out_msgs: number
  out_msgs_per_sec: null | number
  server: string
  server_id: string
  slow_consumers: number
  /** varz `now`: the server's clock, ISO 8601 */
  time: string
}

/** A line of the batch form taken while the server was away: `{server, server_id, time, disconnected: true, error}`. */
export type ServerGraphGap = DisconnectedSample & Pick<ServerGraphSample, 'server' | 'server_id'>

export class ServerSampler implements Sampler<ServerGraphSample> {
  private last?: Pick<ServerGraphSample, 'server' | 'server_id'>
  private prev?: Sample<Counter>

  constructor(
    private readonly transport: MonitorTransport,
    private readonly server?: string,
  ) {}

  /** the server of the latest sample */
  identity(): Partial<Pick<ServerGraphSample, 'server' | 'server_id'>> {
    return this.last ?? {}
  }

  reset(): void {
    this.prev = undefined
  }

  async sample(): Promise<ServerGraphSample> {
    const r = await serverInfo(this.transport, this.server)
    // once it has answered, a server missing from the replies is a server gone away (a cluster's others still answer)
    if (!r && this.last) throw connectionError(`${this.server}: no reply`)
    if (!r) throw notFound(`no server named "${this.server}" answered`, 'list the servers with `natsx server list`')
    if (!r.ok) throw connectionError(`${r.server?.name ?? r.target}: ${r.error}`)
    const v = r.data
    const now = parseTime(v.now)
    const counters = {in_bytes: v.in_bytes ?? 0, in_msgs: v.in_msgs ?? 0, out_bytes: v.out_bytes ?? 0, out_msgs: v.out_msgs ?? 0}
    const cur: Sample<Counter> = {counters, epoch: `${v.server_id}/${v.start ?? ''}`, now}
    const {rates} = computeRates(this.prev, cur)
    if (!this.prev || now > this.prev.now || cur.epoch !== this.prev.epoch) this.prev = cur
    this.last = {server: v.server_name || v.server_id, server_id: v.server_id}
    return {
      connections: v.connections ?? 0,
      cpu: v.cpu ?? 0,
      in_bytes: counters.in_bytes,
      in_bytes_per_sec: rates?.in_bytes ?? null,
      in_msgs: counters.in_msgs,
      in_msgs_per_sec: rates?.in_msgs ?? null,
      mem: v.mem ?? 0,
      out_bytes: counters.out_bytes,
      out_bytes_per_sec: rates?.out_bytes ?? null,
      out_msgs: counters.out_msgs,
      out_msgs_per_sec: rates?.out_msgs ?? null,
      server: v.server_name || v.server_id,
      server_id: v.server_id,
      slow_consumers: v.slow_consumers ?? 0,
      time: Number.isNaN(now) ? new Date().toISOString() : new Date(now).toISOString(),
    }
  }
}

export function serverView(history: readonly ServerGraphSample[]): GraphFrame {
  const last = history.at(-1)
  const pick = (f: (s: ServerGraphSample) => null | number): Array<null | number> => history.map((s) => f(s))
  return {
    panels: [
      {current: last?.cpu ?? null, fromZero: true, title: 'CPU', unit: 'percent', values: pick((s) => s.cpu)},
      {current: last?.mem ?? null, fromZero: false, title: 'Memory', unit: 'bytes', values: pick((s) => s.mem)},
      {current: last?.connections ?? null, fromZero: true, title: 'Connections', unit: 'count', values: pick((s) => s.connections)},
      {current: last?.slow_consumers ?? null, fromZero: true, title: 'Slow consumers', unit: 'count', values: pick((s) => s.slow_consumers)},
      {current: last?.in_msgs_per_sec ?? null, fromZero: true, title: 'Messages in', unit: 'count/s', values: pick((s) => s.in_msgs_per_sec)},
      {current: last?.out_msgs_per_sec ?? null, fromZero: true, title: 'Messages out', unit: 'count/s', values: pick((s) => s.out_msgs_per_sec)},
      {current: last?.in_bytes_per_sec ?? null, fromZero: true, title: 'Bytes in', unit: 'bytes/s', values: pick((s) => s.in_bytes_per_sec)},
      {current: last?.out_bytes_per_sec ?? null, fromZero: true, title: 'Bytes out', unit: 'bytes/s', values: pick((s) => s.out_bytes_per_sec)},
    ],
    subtitle: last ? `messages in ${last.in_msgs}, out ${last.out_msgs} at ${last.time}` : 'waiting for the first sample…',
    title: `Server ${last?.server ?? ''}`,
  }
}

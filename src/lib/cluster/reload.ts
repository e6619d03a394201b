/**
 * Reloading one server's configuration over the system account (`$SYS.REQ.SERVER.<id>.RELOAD`, nats-server 2.10+).
 * The server rereads its configuration file and applies what can change while it runs; it answers once it has.
 * natsx reads /varz before and after, and reports the settings that changed.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import type {MonitorTransport} from '../monitoring/transport.js'
import type {ServerRef, Varz} from '../monitoring/types.js'

import {Capabilities} from '../capabilities.js'
import {conflict, connectionError, notFound} from '../errors.js'
import {pollUntil} from '../monitoring/evacuate.js'

/** varz fields that move by themselves: never reported as a changed setting. */
const VOLATILE = new Set(['config_load_time', 'connections', 'cpu', 'in_bytes', 'in_msgs', 'leafnodes', 'mem', 'now', 'out_bytes', 'out_msgs', 'remotes', 'routes', 'slow_consumers', 'stale_connections', 'subscriptions', 'total_connections', 'uptime'])

export interface SettingChange {
  after: unknown
  before: unknown
  setting: string
}

export interface ConfigReloadResult {
  after: {config_load_time?: string}
  before: {config_load_time?: string}
  /** the top-level /varz settings whose value changed */
  changed: SettingChange[]
  server: string
  server_id: string
  version?: string
}

/** The settings (scalars and lists at the top of /varz) that differ. */
export function settingChanges(before: Varz, after: Varz): SettingChange[] {
  const a = before as unknown as Record<string, unknown>
  const b = after as unknown as Record<string, unknown>
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
  return keys.flatMap((k) => {
    if (VOLATILE.has(k)) return []
    const x = a[k]
    const y = b[k]
    if ((x !== null && typeof x === 'object' && !Array.isArray(x)) || (y !== null && typeof y === 'object' && !Array.isArray(y))) return []
    return JSON.stringify(x) === JSON.stringify(y) ? [] : [{after: y, before: x, setting: k}]
  })
}

/** The server to reload, by name or id (exit 3 when none answers), with its /varz now. */
export async function reloadTarget(t: MonitorTransport, target: string): Promise<{ref: ServerRef; varz: Varz}> {
  const r = await t.one('varz', target)
  if (!r.ok || !r.server) throw notFound(`server ${target}: ${r.ok ? 'no answer' : r.error}`, 'name a server from natsx server list (its name or id)')
  return {ref: r.server, varz: r.data}
}

/** Refuse (exit 8) a server older than 2.10: it has no reload request. Judged by the target server's own version. */
export function requireReload(ref: ServerRef, connected: Capabilities): void {
  const caps = ref.version ? new Capabilities(ref.version) : connected
  caps.require('server-reload', `server config reload (${ref.name})`)
}

/** Ask the server to reload, then wait (up to `waitMs`) until its /varz shows the new load time. */
export async function reloadConfig(
  nc: NatsConnection,
  t: MonitorTransport,
  target: {ref: ServerRef; varz: Varz},
  o: {signal?: AbortSignal; timeoutMs: number; waitMs: number},
): Promise<ConfigReloadResult> {
  const {ref, varz} = target
  const subject = `$SYS.REQ.SERVER.${ref.id}.RELOAD`
  let reply: {error?: {code?: number; description?: string}}
  try {
    reply = (await nc.request(subject, '', {timeout: o.timeoutMs})).json()
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || /timeout/i.test((error as Error).message)) throw connectionError(`${ref.name} did not answer the reload within ${o.timeoutMs} ms`, 'raise --timeout; the reload may still have happened (see natsx server info)')
    throw error
  }

  if (reply.error) throw conflict(`${ref.name} refused to reload: ${reply.error.description ?? 'error'}`, 'fix its configuration file and reload again; it keeps the configuration it runs')
  const read = async (): Promise<Varz> => {
    const r = await t.one('varz', ref.id)
    return r.ok ? r.data : varz
  }

  const {done, last} = await pollUntil(read, (v) => v.config_load_time !== varz.config_load_time, {signal: o.signal, waitMs: o.waitMs})
  if (!done && varz.config_load_time !== undefined) throw connectionError(`${ref.name} reports no new configuration load after ${o.waitMs} ms`, 'see the server log')
  return {
    after: {config_load_time: last.config_load_time},
    before: {config_load_time: varz.config_load_time},
    changed: settingChanges(varz, last),
    server: ref.name,
    server_id: ref.id,
    ...(ref.version ? {version: ref.version} : {}),
  }
}

/**
 * Flags shared by `top` and the `server` commands: which transport (HTTP monitoring URLs or the system account over
 * NATS) and the poll interval, plus the function that opens the chosen transport.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import * as Flags from '@oclif/core/flags'

import type {ConnectionSettings} from '../connection.js'
import type {MonitorTransport} from './transport.js'

import {usageError} from '../errors.js'
import {parseDuration} from '../format/duration.js'
import {normaliseMonitorUrl} from './transport.js'

export const DEFAULT_MONITOR = 'http://127.0.0.1:8222'

export const monitorFlags = {
  monitor: Flags.string({
    description:
      'HTTP monitoring URL or host:port of a server (repeatable, one per server); https uses --tlsca/--tlscert/--tlskey',
    helpGroup: 'MONITORING',
    multiple: true,
    multipleNonGreedy: true,
  }),
  sys: Flags.boolean({
    description:
      'read the monitoring data over NATS from the system account ($SYS.REQ.SERVER.PING.*), discovering every server',
    helpGroup: 'MONITORING',
  }),
}

/** `--expect N` of ping, list and report health: servers missing from that count are listed as unreachable. */
export const expectFlag = Flags.custom<number>({
  description:
    'how many servers there should be: those that do not answer are listed as unreachable (the cluster\'s own count and the servers it names are used as well)',
  async parse(input) {
    const n = Number(input)
    if (!/^\d+$/.test(input.trim()) || n < 1) throw new TypeError(`"${input}" is not a whole number of servers (1 or more)`)
    return n
  },
})

/** `1`, `0.5` (seconds) or a duration such as `500ms`, `2s`. */
export const intervalFlag = Flags.custom<number>({
  async parse(input) {
    const s = input.trim()
    const ms = /^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : parseDuration(s)
    if (!(ms >= 100)) throw new TypeError(`"${input}" is too short; use at least 0.1 (seconds) or 100ms`)
    return ms
  },
})

export function monitorUrls(values: string[] | undefined): string[] {
  const list = (values ?? []).flatMap((v) => v.split(',')).filter((v) => v.trim().length > 0)
  if (values && values.length > 0 && list.length === 0) throw usageError('--monitor is empty', 'pass host:port or a URL such as http://127.0.0.1:8222, or leave out --monitor')
  return list.map((v) => {
    try {
      return normaliseMonitorUrl(v)
    } catch (error) {
      throw new TypeError(`--monitor ${(error as Error).message}`)
    }
  })
}

export interface TransportChoice {
  kind: 'http' | 'sys'
  urls: string[]
}

/** `--sys` → $SYS; `--monitor` → HTTP; neither → `fallback` (top: HTTP on 127.0.0.1:8222; server commands: $SYS). */
export function chooseTransport(flags: {monitor?: string[]; sys?: boolean}, fallback: 'http' | 'sys'): TransportChoice {
  const urls = monitorUrls(flags.monitor)
  if (flags.sys && urls.length > 0) throw new TypeError('--sys and --monitor exclude each other: pick one transport')
  if (flags.sys) return {kind: 'sys', urls: []}
  if (urls.length > 0) return {kind: 'http', urls}
  return fallback === 'sys' ? {kind: 'sys', urls: []} : {kind: 'http', urls: [DEFAULT_MONITOR]}
}

export async function openTransport(
  choice: TransportChoice,
  settings: ConnectionSettings,
  nc: () => Promise<NatsConnection>,
  timeoutMs = settings.timeoutMs,
): Promise<MonitorTransport> {
  if (choice.kind === 'http') {
    const {HttpTransport} = await import('./http.js')
    return new HttpTransport({tls: settings.tls, timeoutMs, urls: choice.urls})
  }

  const {SysTransport} = await import('./sys.js')
  const t = new SysTransport(await nc(), {inboxPrefix: settings.inboxPrefix, timeoutMs})
  await t.discover()
  return t
}

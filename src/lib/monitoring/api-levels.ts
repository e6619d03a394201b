/**
 * The JetStream API level each asset needs (the server writes it into the asset's metadata as `_nats.req.level`,
 * 2.11+) beside the level of each server (`/jsz` `api.level`, 2.11+), read from every server's /jsz with configs.
 * A server before 2.11 reports no level (null), and an asset made there carries none.
 */
import type {MonitorTransport} from './transport.js'

const REQ_LEVEL = '_nats.req.level'

interface WithMeta {
  config?: {metadata?: Record<string, string>}
  name: string
}

interface JszLevels {
  account_details?: Array<{name: string; stream_detail?: Array<WithMeta & {consumer_detail?: null | WithMeta[]}> | null}> | null
  api?: {level?: number}
}

export interface ApiLevels {
  /** `acc/stream` and `acc/stream/consumer` → the level the asset needs, as the server recorded it */
  required: Map<string, number>
  /** server name → its API level (null before 2.11) */
  servers: Map<string, null | number>
}

const level = (m: WithMeta): number | undefined => {
  const v = m.config?.metadata?.[REQ_LEVEL]
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined
}

export async function apiLevels(t: MonitorTransport): Promise<ApiLevels> {
  const replies = await t.gather('jsz', {config: true, consumers: true, streams: true})
  const out: ApiLevels = {required: new Map(), servers: new Map()}
  for (const r of replies) {
    if (!r.ok) continue
    const jsz = r.data as JszLevels
    out.servers.set(r.server.name, jsz.api?.level ?? null)
    const assets = (jsz.account_details ?? []).flatMap((acc) =>
      (acc.stream_detail ?? []).flatMap((s): Array<[string, WithMeta]> => [
        [`${acc.name}/${s.name}`, s],
        ...(s.consumer_detail ?? []).map((c): [string, WithMeta] => [`${acc.name}/${s.name}/${c.name}`, c]),
      ]),
    )
    for (const [key, a] of assets) {
      const l = level(a)
      if (l !== undefined) out.required.set(key, l)
    }
  }

  return out
}

/** `1 / 5`: what the asset needs and what its leader has; `!` when the leader is below the need. */
export function levelCell(required: null | number, leader: null | number): string {
  if (required === null && leader === null) return ''
  const warn = required !== null && leader !== null && required > leader ? '! ' : ''
  return `${warn}${required ?? '-'} / ${leader ?? '-'}`
}

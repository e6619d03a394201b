/**
 * The path of a traced message as a tree: the server it was published to, and under each egress to a route, gateway
 * or leafnode the server that received it (matched by `Nats-Trace-Hop`). Times are milliseconds after the first
 * server's ingress, read from the servers' own timestamps.
 */
import {hopOf, kindName, type TraceEvent, type TraceMessage} from './types.js'

export interface TraceStep {
  event: TraceEvent
  /** the next server's part of the path, for an egress with a hop */
  next?: TraceNode
  /** an egress with a hop whose server sent no trace message */
  no_trace?: boolean
  offset_ms: number
}

export interface TraceNode {
  hop?: string
  server: TraceMessage['server']
  steps: TraceStep[]
}

/** Nanoseconds since the epoch from an RFC 3339 time with up to nanoseconds (Date keeps only milliseconds). */
export function timeNanos(ts: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts)
  const ms = Date.parse(m ? `${m[1]}${m[3]}` : ts)
  if (Number.isNaN(ms)) return 0n
  return BigInt(ms) * 1_000_000n + BigInt((m?.[2] ?? '').padEnd(9, '0').slice(0, 9) || '0')
}

/** Milliseconds from `zero` to `ts`, to the microsecond. */
function sinceMs(ts: string, zero: bigint): number {
  return Number((timeNanos(ts) - zero) / 1000n) / 1000
}

const ORDER: Record<TraceEvent['type'], number> = {eg: 1, in: 0, js: 1, se: 1, si: 1, sm: 1}

export function buildTree(messages: readonly TraceMessage[]): TraceNode[] {
  const byHop = new Map<string, TraceMessage>()
  for (const m of messages) {
    const h = hopOf(m)
    if (h !== undefined && !byHop.has(h)) byHop.set(h, m)
  }

  const origin = messages.find((m) => hopOf(m) === undefined)
  const firstIn = origin?.events.find((e) => e.type === 'in') ?? messages.flatMap((m) => m.events)[0]
  const zero = firstIn ? timeNanos(firstIn.ts) : 0n
  const used = new Set<TraceMessage>()
  const node = (m: TraceMessage): TraceNode => {
    used.add(m)
    const events = [...m.events].sort((a, b) => ORDER[a.type] - ORDER[b.type] || Number(timeNanos(a.ts) - timeNanos(b.ts)))
    const steps = events.map((event): TraceStep => {
      const step: TraceStep = {event, offset_ms: sinceMs(event.ts, zero)}
      if (event.type === 'eg' && event.hop) {
        const next = byHop.get(event.hop)
        if (next && !used.has(next)) step.next = node(next)
        else if (!next) step.no_trace = true
      }

      return step
    })
    return {hop: hopOf(m), server: m.server, steps}
  }

  const roots: TraceNode[] = []
  if (origin) roots.push(node(origin))
  // a server whose hop no egress names (the origin's message lost, or a duplicate): shown on its own
  for (const m of messages) if (!used.has(m)) roots.push(node(m))
  return roots
}

function describe(e: TraceEvent): string {
  const err = 'error' in e && e.error ? `  ERROR: ${e.error}` : ''
  switch (e.type) {
    case 'eg': {
      const kind = kindName(e.kind)
      if (e.kind === 0 || e.kind === undefined) {
        const who = [e.name ? `"${e.name}"` : '', `cid:${e.cid ?? '?'}`].filter(Boolean).join(' ')
        return `client ${who}, subscription ${e.sub ?? '?'}${e.queue ? `, queue ${e.queue}` : ''}${e.acc ? `, account ${e.acc}` : ''}${err}`
      }

      return `${kind} to ${e.name ?? '?'} (cid:${e.cid ?? '?'}${e.hop ? `, hop ${e.hop}` : ''})${err}`
    }

    case 'in': {
      const kind = kindName(e.kind)
      const from = e.kind === 0 ? `client${e.name ? ` "${e.name}"` : ''} cid:${e.cid ?? '?'}` : `${kind} from ${e.name ?? '?'} (cid:${e.cid ?? '?'})`
      return `${from}, account ${e.acc ?? '?'}, subject ${e.subj ?? '?'}${err}`
    }

    case 'js': {
      return `stream ${e.stream ?? '?'}${e.subject ? `, subject ${e.subject}` : ''}${e.nointerest ? ' (no interest: not stored)' : ''}${err}`
    }

    case 'se': {
      return `stream export to account ${e.acc ?? '?'}, subject ${e.to ?? '?'}`
    }

    case 'si': {
      return `service import into account ${e.acc ?? '?'}: ${e.from ?? '?'} -> ${e.to ?? '?'}`
    }

    case 'sm': {
      return `subject mapped to ${e.to ?? '?'}`
    }
  }
}

const LABEL: Record<TraceEvent['type'], string> = {eg: 'out', in: 'in', js: 'js', se: 'export', si: 'import', sm: 'map'}

function serverLine(n: TraceNode): string {
  const s = n.server
  const bits = [s.cluster && s.cluster !== s.name ? `cluster ${s.cluster}` : '', s.domain ? `domain ${s.domain}` : '', s.ver ? `nats-server ${s.ver}` : '', s.jetstream ? 'JetStream' : ''].filter(Boolean)
  return `${s.name || s.id}${bits.length > 0 ? `  [${bits.join(', ')}]` : ''}${n.hop ? `  hop ${n.hop}` : ''}`
}

/** The tree as indented lines: each server, then its events with their times, the next server under its egress. */
export function renderTree(roots: readonly TraceNode[]): string[] {
  const lines: string[] = []
  // a server reached over a route, gateway or leafnode is drawn under its egress, in line with the event labels
  const walk = (n: TraceNode, pad: string): void => {
    lines.push(`${pad}${serverLine(n)}`)
    for (const st of n.steps) {
      const time = `${st.offset_ms >= 0 ? '+' : ''}${st.offset_ms.toFixed(3)} ms`.padStart(11)
      lines.push(`${pad}  ${time}  ${LABEL[st.event.type].padEnd(6)} ${describe(st.event)}${st.no_trace ? '  (no trace from that server)' : ''}`)
      if (st.next) walk(st.next, `${pad}${' '.repeat(15)}`)
    }
  }

  for (const r of roots) walk(r, '')
  return lines
}

export interface TraceCounts {
  /** egress events by connection kind */
  egress: Record<string, number>
  events: number
  jetstream: number
  servers: number
}

export function traceCounts(messages: readonly TraceMessage[]): TraceCounts {
  const egress: Record<string, number> = {}
  let events = 0
  let jetstream = 0
  for (const m of messages) {
    for (const e of m.events) {
      events++
      if (e.type === 'js') jetstream++
      if (e.type === 'eg') egress[kindName(e.kind)] = (egress[kindName(e.kind)] ?? 0) + 1
    }
  }

  return {egress, events, jetstream, servers: new Set(messages.map((m) => m.server.name || m.server.id)).size}
}

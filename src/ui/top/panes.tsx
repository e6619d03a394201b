/**
 * Display components of the top view. They take readonly props, never call NATS, and cut every line to `width`.
 */
import {Box, Text} from 'ink'

import type {
  ConnDetail,
  ConnRow,
  ConsumerRow,
  HealthRow,
  LeafRow,
  RouteRow,
  ServerRow,
  StreamRow,
} from '../../lib/monitoring/feed.js'
import type {GatewayRow} from '../../lib/monitoring/gateways.js'

import {formatDuration} from '../../lib/format/duration.js'
import {formatSize} from '../../lib/format/size.js'
import {cutWidth, padWidth} from '../../lib/format/width.js'
import {address, cell, formatCompact, formatRate, serverLine, type ServerTrend} from '../../lib/monitoring/view.js'
import {hue} from '../color.js'

const cut = (s: string, width: number): string => cutWidth(s, width, '…')

export function ServerHeader(
  props: Readonly<{
    raw: boolean
    servers: readonly ServerRow[]
    /** each server's sparklines (the last minute of in and out msgs/s), by target */
    trends?: ReadonlyMap<string, ServerTrend>
    width: number
  }>,
) {
  return (
    <Box flexDirection="column">
      {props.servers.map((s) =>
        s.up ? (
          <Text key={s.target} wrap="truncate">
            <Text color={hue('green')}>●</Text> {cut(serverLine(s, props.raw, props.trends?.get(s.target)), props.width - 2)}
            {s.slow_consumers_delta > 0 ? (
              <Text bold color={hue('red')}>
                {' '}
                SLOW +{s.slow_consumers_delta}
              </Text>
            ) : null}
          </Text>
        ) : (
          <Text dimColor key={s.target} wrap="truncate">
            <Text color={hue('red')}>✖</Text> {cut(serverLine(s, props.raw, props.trends?.get(s.target)), Math.max(10, props.width - 40))}{' '}
            <Text color={hue('red')}>DOWN: {s.error ?? 'no answer'}</Text>
          </Text>
        ),
      )}
    </Box>
  )
}

function Table(
  props: Readonly<{
    align: Array<'left' | 'right'>
    dim?: boolean[]
    head: string[]
    rows: string[][]
    width: number
    widths: number[]
  }>,
) {
  const line = (cells: string[]): string =>
    cut(cells.map((c, i) => cell(c, props.widths[i], props.align[i])).join(' '), props.width)
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {line(props.head)}
      </Text>
      {props.rows.length === 0 ? <Text dimColor>(none)</Text> : null}
      {props.rows.map((r, i) => (
        <Text dimColor={props.dim?.[i]} key={i} wrap="truncate">
          {line(r)}
        </Text>
      ))}
    </Box>
  )
}

const replicas = (rs: ReadonlyArray<{current: boolean; lag?: number; name: string; offline: boolean}>): string =>
  rs.length === 0
    ? '-'
    : rs.map((r) => `${r.name}${r.offline ? '!off' : r.current ? '' : `~${r.lag ?? '?'}`}`).join(',')

export function JetStreamPane(
  props: Readonly<{
    consumers: readonly ConsumerRow[]
    height: number
    raw: boolean
    streams: readonly StreamRow[]
    width: number
  }>,
) {
  const n = (v: number): string => (props.raw ? String(v) : formatCompact(v))
  const half = Math.max(3, Math.floor(props.height / 2) - 2)
  return (
    <Box flexDirection="column">
      <Text bold color={hue('cyan')}>
        Streams ({props.streams.length})
      </Text>
      <Table
        align={['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left']}
        head={['STREAM', 'ACCOUNT', 'MSGS', 'BYTES', 'MSG/S', 'CONS', 'LEADER', 'REPLICAS']}
        rows={props.streams
          .slice(0, half)
          .map((s) => [
            s.name,
            s.account,
            n(s.messages),
            props.raw ? String(s.bytes) : formatSize(s.bytes),
            formatRate(s.ingest_rate, props.raw),
            String(s.consumers),
            s.leader ?? '-',
            (s.replicas_ok ? '' : '⚠ ') + replicas(s.replicas),
          ])}
        width={props.width}
        widths={[16, 8, 8, 10, 8, 5, 8, 20]}
      />
      <Text bold color={hue('cyan')}>
        Consumers ({props.consumers.length})
      </Text>
      <Table
        align={['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left']}
        head={['STREAM', 'CONSUMER', 'PENDING', 'ACK PEND', 'REDELIV', 'WAITING', 'DELIV/S', 'LEADER', 'REPLICAS']}
        rows={props.consumers
          .slice(0, half)
          .map((c) => [
            c.stream,
            c.name,
            n(c.num_pending),
            n(c.num_ack_pending),
            n(c.num_redelivered),
            n(c.num_waiting),
            formatRate(c.delivery_rate, props.raw),
            c.leader ?? '-',
            (c.replicas_ok ? '' : '⚠ ') + replicas(c.replicas),
          ])}
        width={props.width}
        widths={[14, 16, 8, 8, 8, 8, 8, 8, 20]}
      />
    </Box>
  )
}

const rtt = (x: {rtt_ms?: number}): string => (x.rtt_ms === undefined ? '' : formatDuration(x.rtt_ms))

export function RoutesPane(
  props: Readonly<{gateways: readonly GatewayRow[]; leafs: readonly LeafRow[]; raw: boolean; routes: readonly RouteRow[]; width: number}>,
) {
  const n = (v: number): string => (props.raw ? String(v) : formatCompact(v))
  return (
    <Box flexDirection="column">
      <Text bold color={hue('cyan')}>
        Routes ({props.routes.length})
      </Text>
      <Table
        align={['left', 'left', 'right', 'left', 'right', 'right', 'right', 'right', 'right']}
        head={['SERVER', 'REMOTE', 'POOL', 'ADDRESS', 'RTT', 'MSG/S IN', 'MSG/S OUT', 'MSGS IN', 'PENDING']}
        rows={props.routes.map((r) => [
          r.server,
          r.remote,
          String(r.pool),
          address(r),
          rtt(r),
          formatRate(r.rates?.in_msgs, props.raw),
          formatRate(r.rates?.out_msgs, props.raw),
          n(r.in_msgs),
          formatSize(r.pending_bytes),
        ])}
        width={props.width}
        widths={[10, 10, 4, 21, 8, 9, 9, 9, 9]}
      />
      <Text bold color={hue('cyan')}>
        Leafnodes ({props.leafs.length})
      </Text>
      <Table
        align={['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right']}
        head={['SERVER', 'NAME', 'ACCOUNT', 'ADDRESS', 'RTT', 'MSGS IN', 'MSGS OUT', 'SUBS']}
        rows={props.leafs.map((l) => [
          l.server,
          l.name ?? '',
          l.account ?? '',
          address(l),
          rtt(l),
          n(l.in_msgs),
          n(l.out_msgs),
          String(l.subscriptions),
        ])}
        width={props.width}
        widths={[10, 10, 10, 21, 8, 9, 9, 6]}
      />
      <Text bold color={hue('cyan')}>
        Gateways ({props.gateways.length})
      </Text>
      <Table
        align={['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right']}
        head={['SERVER', 'REMOTE', 'DIR', 'ADDRESS', 'RTT', 'MSGS IN', 'MSGS OUT', 'PENDING']}
        rows={props.gateways.map((g) => [
          g.server,
          g.remote,
          g.direction === 'outbound' ? 'out' : 'in',
          address(g),
          rtt(g),
          n(g.in_msgs),
          n(g.out_msgs),
          formatSize(g.pending_bytes),
        ])}
        width={props.width}
        widths={[10, 10, 3, 21, 8, 9, 9, 9]}
      />
    </Box>
  )
}

export function HealthPane(props: Readonly<{health: readonly HealthRow[]; width: number}>) {
  return (
    <Box flexDirection="column">
      <Text bold color={hue('cyan')}>
        Health
      </Text>
      {props.health.length === 0 ? <Text dimColor>(waiting)</Text> : null}
      {props.health.map((h) => (
        <Text key={h.server} wrap="truncate">
          {padWidth(h.server, 12)} <Text color={h.status === 'ok' ? 'green' : 'red'}>{h.status}</Text>
          {h.error ? ` ${cut(h.error, props.width - 25)}` : ''}
        </Text>
      ))}
    </Box>
  )
}

export const HELP_LINES = [
  'natsx top keys',
  '',
  '  ?            this help (any key closes it)',
  '  q, Ctrl-C    quit',
  '  1-5, Tab     panes: connections, JetStream, routes/leafs/gateways, health, closed',
  '  < > or s     previous / next sort column',
  '  r            reverse the sort order',
  '  /            filter (name, ip, host, account, server); Enter keeps it, Esc clears it',
  '  ↑ ↓          select a connection (the table follows)',
  '  Enter        the selected one in detail: every connz field, its subscriptions',
  '  Esc, Enter   (in the detail) back to the table',
  '  j k          scroll one row; PgUp PgDn page; g G first / last',
  '  c            closed connections, why each closed (c again: back to the open ones)',
  '  d            reverse-DNS names for client addresses (looked up in the background)',
  '  p, space     pause (freeze the screen; polling goes on)',
  '  b            raw numbers / human units',
  '  t            trend column: each connection\'s msgs/s (in + out) over the last minute',
]

export function HelpOverlay(props: Readonly<{width: number}>) {
  return (
    <Box borderStyle="round" flexDirection="column" paddingX={1} width={Math.min(props.width, 90)}>
      {HELP_LINES.map((l, i) => (
        <Text key={i}>{l || ' '}</Text>
      ))}
    </Box>
  )
}

/** A connz value on one line: text as it is, numbers and flags as JSON, lists and objects as compact JSON. */
export function fieldText(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

/** The connz fields of one connection in the server's order, its subscription lists left out (they get a table). */
export function detailFields(info: Readonly<Record<string, unknown>>, host?: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const [k, v] of Object.entries(info)) {
    if (k === 'subscriptions_list' || k === 'subscriptions_list_detail') continue
    out.push([k, fieldText(v)])
    if (k === 'port' && host) out.push(['host (reverse DNS)', host])
  }

  return out
}

const fieldPair =
  (keyWidth: number, colWidth: number) =>
  (f?: [string, string]): string =>
    f ? `${padWidth(f[0], keyWidth)} ${cut(f[1], colWidth - keyWidth - 2)}` : ''

/**
 * One connection in detail: every field connz gave for it (two columns when the terminal is wide enough), then its
 * subscriptions (subject, queue group, sid, messages delivered, max) as far as the height allows.
 */
export function ConnectionDetail(
  props: Readonly<{detail?: ConnDetail; height: number; row?: ConnRow; width: number}>,
) {
  const d = props.detail
  const info = d?.info as Readonly<Record<string, unknown>> | undefined
  const server = d?.server ?? props.row?.server ?? ''
  const cid = d?.cid ?? props.row?.cid
  const name = (info?.name as string | undefined) ?? props.row?.name
  const fields = info ? detailFields(info, props.row?.host) : []
  const two = props.width >= 100
  const colWidth = two ? Math.floor((props.width - 1) / 2) : props.width
  const keyWidth = 18
  const fieldRows = two ? Math.ceil(fields.length / 2) : fields.length
  const lines: string[] = []
  const pair = fieldPair(keyWidth, colWidth)
  for (let i = 0; i < fieldRows; i++) {
    lines.push(two ? `${padWidth(pair(fields[i]), colWidth)} ${pair(fields[i + fieldRows])}` : pair(fields[i]))
  }

  const detailed = d?.info?.subscriptions_list_detail
  const subs: string[][] = detailed
    ? detailed.map((x) => [x.subject, x.qgroup ?? '', x.sid ?? '', x.msgs === undefined ? '' : String(x.msgs), x.max ? String(x.max) : ''])
    : (d?.info?.subscriptions_list ?? []).map((x) => [x, '', '', '', ''])
  // title, the fields, a blank line, the subscriptions title and head; the rest is for subscription rows
  const room = Math.max(1, props.height - 1 - lines.length - 3)
  const shown = subs.length > room ? subs.slice(0, room - 1) : subs
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color={hue('cyan')}>
          Connection {server} cid {cid ?? '?'}
          {name ? ` ${name}` : ''}
        </Text>
        {d?.closed ? (
          <Text bold color={hue('red')}>
            {' '}
            CLOSED: {d.info?.reason ?? 'unknown reason'}
          </Text>
        ) : null}
        <Text dimColor> Esc or Enter: back</Text>
      </Text>
      {d === undefined ? <Text dimColor>reading connz for this connection…</Text> : null}
      {d?.error ? <Text color={hue('red')}>{cut(d.error, props.width)}</Text> : null}
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {cut(l, props.width)}
        </Text>
      ))}
      {info ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color={hue('cyan')}>
            Subscriptions ({subs.length})
          </Text>
          <Table
            align={['left', 'left', 'right', 'right', 'right']}
            head={['SUBJECT', 'QUEUE', 'SID', 'MSGS', 'MAX']}
            rows={shown}
            width={props.width}
            widths={[Math.max(20, props.width - 48), 16, 6, 10, 8]}
          />
          {shown.length < subs.length ? <Text dimColor>… {subs.length - shown.length} more</Text> : null}
        </Box>
      ) : null}
    </Box>
  )
}

/** Recently closed connections, newest first, each with how long ago it closed and why. */
export function ClosedPane(
  props: Readonly<{height: number; raw: boolean; rows?: readonly ConnRow[]; width: number}>,
) {
  const n = (v: number): string => (props.raw ? String(v) : formatCompact(v))
  const rows = props.rows ?? []
  const room = Math.max(1, props.height - 1)
  return (
    <Box flexDirection="column">
      <Text bold color={hue('cyan')} wrap="truncate">
        Closed connections {props.rows ? `(${rows.length}, newest first)` : ''}
        <Text dimColor> c: back to the open ones</Text>
      </Text>
      {props.rows ? (
        <Table
          align={['left', 'right', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left']}
          head={['SERVER', 'CID', 'NAME', 'IP', 'ACCOUNT', 'CLOSED', 'UPTIME', 'MSGS IN', 'MSGS OUT', 'REASON']}
          rows={rows.slice(0, room).map((r) => [
            r.server,
            String(r.cid),
            r.name ?? '',
            r.host ? `${r.host}:${r.port ?? ''}` : address(r),
            r.account ?? '',
            r.stopped_ago_ms === undefined ? '' : `${formatDuration(Math.floor(r.stopped_ago_ms / 1000) * 1000)} ago`,
            r.uptime_ms === undefined ? '' : formatDuration(Math.floor(r.uptime_ms / 1000) * 1000),
            n(r.in_msgs),
            n(r.out_msgs),
            r.reason ?? '',
          ])}
          width={props.width}
          widths={[8, 5, 13, 21, 7, 9, 7, 7, 8, 32]}
        />
      ) : (
        <Text dimColor>(waiting for the first poll of closed connections)</Text>
      )}
    </Box>
  )
}

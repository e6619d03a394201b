/**
 * The stateful container of the top view: it subscribes to an injected source of snapshots, keeps the view state
 * (sort, reverse, filter, scroll, selection, pause, units, pane, help, detail), keeps the last minute of rates for the
 * sparklines (a bounded RateHistory, fed by each snapshot) and hands plain data to the display components. What it
 * needs beyond snapshots (one connection in detail, closed connections, reverse-DNS names) it asks of the injected
 * controls; it does no I/O of its own.
 */
import chalk from 'chalk'
import {Box, type Key, Text, useApp, useInput, useStdout} from 'ink'
import {useEffect, useMemo, useRef, useState} from 'react'

import type {ConnDetail, ConnRow, TopSnapshot} from '../../lib/monitoring/feed.js'
import type {TopControls, TopSource} from '../../lib/monitoring/source.js'

import {connKey, RateHistory} from '../../lib/monitoring/history.js'
import {
  CLOSED_PER_SERVER,
  columnBlocks,
  CONN_COLUMNS,
  filterConnections,
  fitColumns,
  renderHead,
  rowsLabel,
  type ServerTrend,
  sortConnections,
  trendText,
  withTrend,
} from '../../lib/monitoring/view.js'
import {hue} from '../color.js'
import {
  ClosedPane,
  ConnectionDetail,
  HealthPane,
  HelpOverlay,
  JetStreamPane,
  RoutesPane,
  ServerHeader,
} from './panes.js'

export type Pane = 'closed' | 'connections' | 'health' | 'jetstream' | 'routes'
const PANES: Pane[] = ['connections', 'jetstream', 'routes', 'health', 'closed']

export interface TopViewOptions {
  filter: string
  /** reverse-DNS names for client addresses from the start (key d toggles) */
  lookup?: boolean
  raw: boolean
  reverse: boolean
  sort: string
  /** the connections' sparkline column from the start (key t toggles) */
  trend?: boolean
}

export interface TopAppProps {
  /** fixed size (tests); otherwise the terminal's, following resizes */
  columns?: number
  /** details, closed connections and names; without them Enter shows the row as polled */
  controls?: TopControls
  initial: TopViewOptions
  rows?: number
  source: TopSource
}

function useTerminalSize(fixed?: {columns?: number; rows?: number}): {columns: number; rows: number} {
  const {stdout} = useStdout()
  const read = (): {columns: number; rows: number} => ({
    columns: fixed?.columns ?? stdout.columns ?? 120,
    rows: fixed?.rows ?? stdout.rows ?? 40,
  })
  const [size, setSize] = useState(read)
  useEffect(() => {
    if (fixed?.columns && fixed?.rows) return
    const onResize = (): void => setSize(read())
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout])
  return size
}

export function TopApp(props: Readonly<TopAppProps>) {
  const {exit} = useApp()
  const {columns, rows: height} = useTerminalSize({columns: props.columns, rows: props.rows})
  const [live, setLive] = useState<TopSnapshot | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [frozen, setFrozen] = useState<TopSnapshot | undefined>()
  const [paused, setPaused] = useState(false)
  const [sort, setSort] = useState(props.initial.sort)
  const [reverse, setReverse] = useState(props.initial.reverse)
  const [filter, setFilter] = useState(props.initial.filter)
  const [editing, setEditing] = useState(false)
  const [raw, setRaw] = useState(props.initial.raw)
  const [offset, setOffset] = useState(0)
  const [pane, setPane] = useState<Pane>('connections')
  const [help, setHelp] = useState(false)
  const [lookup, setLookup] = useState(Boolean(props.initial.lookup))
  // the selected connection: its key (server id and cid) follows it through re-sorting; the index is the fallback
  const [cursor, setCursor] = useState<{index: number; key?: string}>({index: 0})
  const [detailOf, setDetailOf] = useState<ConnRow | undefined>()
  const [detail, setDetail] = useState<ConnDetail | undefined>()
  const [trend, setTrend] = useState(Boolean(props.initial.trend))
  // the sparklines' last minute, fed by every snapshot as it arrives (paused too), each in the time slot of its `time`
  // (a late or failed poll leaves a blank); a pause draws a copy of it
  const history = useRef<RateHistory>(undefined)
  history.current ??= new RateHistory()
  const frozenHistory = useRef<RateHistory>(undefined)

  useEffect(
    () =>
      props.source.subscribe((snap, err) => {
        if (snap) {
          history.current!.add(snap)
          setLive(snap)
        }

        setError(err ? err.message : undefined)
      }),
    [props.source],
  )

  const snap = paused ? frozen : live
  const shownHistory = (paused ? frozenHistory.current : undefined) ?? history.current
  const servers = snap?.servers ?? []
  const conns = useMemo(
    () => sortConnections(filterConnections(snap?.connections ?? [], filter), sort, reverse),
    [snap, filter, sort, reverse],
  )
  // lines used by: title, servers, blank, pane title, table head, footer
  const pageSize = Math.max(1, height - servers.length - 6)
  const maxOffset = Math.max(0, conns.length - pageSize)
  const first = Math.min(offset, maxOffset)
  // the selection stays on screen: scrolling the page (j k PgUp PgDn g G) carries it along
  const found = cursor.key ? conns.findIndex((r) => connKey(r) === cursor.key) : -1
  const sel = conns.length === 0 ? -1 : Math.max(first, Math.min(first + pageSize - 1, conns.length - 1, found === -1 ? cursor.index : found))
  const selected = sel === -1 ? undefined : conns[sel]

  useEffect(() => {
    props.controls?.setClosed(pane === 'closed' ? CLOSED_PER_SERVER : 0)
  }, [pane, props.controls])
  useEffect(() => {
    props.controls?.setLookup(lookup)
  }, [lookup, props.controls])
  // the detail is read again with every new snapshot (not while paused), so it stays as live as the table
  const detailKey = detailOf ? connKey(detailOf) : undefined
  useEffect(() => {
    if (!detailOf || !props.controls) return
    let current = true
    props.controls.connection(detailOf.server_id, detailOf.cid).then(
      (d) => current && setDetail(d),
      (error: Error) => current && setDetail({cid: detailOf.cid, closed: false, error: error.message, server: detailOf.server, server_id: detailOf.server_id}),
    )
    return () => {
      current = false
    }
  }, [detailKey, snap?.seq, props.controls])

  // Mode lives in refs so keys typed faster than a render (a paste, a test) still land in the right mode.
  const mode = useRef({detail: false, editing: false, help: false})
  const nextSort = (step: number) => (s: string) =>
    CONN_COLUMNS[(CONN_COLUMNS.findIndex((c) => c.key === s) + step + CONN_COLUMNS.length) % CONN_COLUMNS.length].key
  // the latest render's values, for the key handler (which may have been bound by an earlier render)
  const latest = useRef({conns, first, live, maxOffset, pageSize, pane, sel})
  latest.current = {conns, first, live, maxOffset, pageSize, pane, sel}
  const scroll = (to: (o: number, page: number, max: number) => number) =>
    setOffset((o) => {
      const {maxOffset: max, pageSize: page} = latest.current
      return Math.max(0, Math.min(max, to(Math.min(o, max), page, max)))
    })

  // move the selection; the page follows it. The ref is updated at once so several keys before a render add up.
  const select = (to: (i: number, page: number, count: number) => number) => {
    const l = latest.current
    if (l.conns.length === 0) return
    const i = Math.max(0, Math.min(l.conns.length - 1, to(Math.max(0, l.sel), l.pageSize, l.conns.length)))
    const top = i < l.first ? i : i >= l.first + l.pageSize ? i - l.pageSize + 1 : l.first
    latest.current = {...l, first: top, sel: i}
    setCursor({index: i, key: connKey(l.conns[i])})
    setOffset(top)
  }

  const togglePause = () => {
    setFrozen(latest.current.live)
    frozenHistory.current = history.current!.clone()
    setPaused((p) => !p)
  }

  const closeDetail = () => {
    mode.current.detail = false
    setDetailOf(undefined)
    setDetail(undefined)
  }

  // several keys in one read (typed ahead, sent by a script) arrive as one input: take them one by one
  useInput((input, key) => {
    if (input.length > 1 && !mode.current.editing && !key.ctrl && !key.meta && !/[\u0000-\u001F]/.test(input))
      for (const ch of input) onKey(ch, key)
    else onKey(input, key)
  })

  function onKey(input: string, key: Key): void {
    if (mode.current.help) {
      mode.current.help = false
      setHelp(false)
      return
    }

    if (mode.current.detail) {
      if (key.escape || key.return || key.backspace || key.leftArrow) closeDetail()
      else if (input === 'q' || (key.ctrl && input === 'c')) exit()
      else if (input === '?' || input === 'h') {
        mode.current.help = true
        setHelp(true)
      } else if (input === 'p' || input === ' ') togglePause()

      return
    }

    if (mode.current.editing) {
      if (key.return || key.escape) {
        mode.current.editing = false
        setEditing(false)
        if (key.escape) setFilter('')
      } else if (key.backspace || key.delete) setFilter((f) => f.slice(0, -1))
      else if (input && !key.ctrl && !key.meta) setFilter((f) => f + input)
      setOffset(0)
      return
    }

    if (input === 'q' || (key.ctrl && input === 'c')) {
      exit()
      return
    }

    switch (input) {
      case '/': {
        mode.current.editing = true
        setEditing(true)

        break
      }

      case '?':
      case 'h': {
        mode.current.help = true
        setHelp(true)

        break
      }

      case 'c': {
        setPane((p) => (p === 'closed' ? 'connections' : 'closed'))
        break
      }

      case 'd': {
        setLookup((on) => !on)
        break
      }

      case 'r': {
        setReverse((r) => !r)
        break
      }

      case 't': {
        setTrend((on) => !on)
        break
      }

      default: {
        if (input === '>' || input === 's' || key.rightArrow) setSort(nextSort(1))
        else if (input === '<' || key.leftArrow) setSort(nextSort(-1))
        else if (input === 'b') setRaw((r) => !r)
        else if (input === 'p' || input === ' ') togglePause()
        else if (key.return && latest.current.pane === 'connections') {
          const row = latest.current.conns[latest.current.sel]
          if (row) {
            mode.current.detail = true
            setDetail(undefined)
            setDetailOf(row)
          }
        } else if (key.downArrow && latest.current.pane === 'connections') select((i) => i + 1)
        else if (key.upArrow && latest.current.pane === 'connections') select((i) => i - 1)
        else if (key.downArrow || input === 'j') scroll((o) => o + 1)
        else if (key.upArrow || input === 'k') scroll((o) => o - 1)
        else if (key.pageDown) scroll((o, page) => o + page)
        else if (key.pageUp) scroll((o, page) => o - page)
        else if (input === 'g') scroll(() => 0)
        else if (input === 'G') scroll((_o, _p, max) => max)
        else if (key.tab) setPane((p) => PANES[(PANES.indexOf(p) + 1) % PANES.length])
        else if (['1', '2', '3', '4', '5'].includes(input)) setPane(PANES[Number(input) - 1])
      }
    }
  }

  const up = servers.filter((s) => s.up).length
  const cols = fitColumns(
    trend ? withTrend(CONN_COLUMNS, (r) => trendText(shownHistory.connection(connKey(r)))) : CONN_COLUMNS,
    columns,
  )
  const trends = new Map<string, ServerTrend>()
  for (const s of servers) {
    const h = shownHistory.server(s.target)
    trends.set(s.target, {in: trendText(h?.in), out: trendText(h?.out)})
  }

  const visible = conns.slice(first, first + pageSize)
  // only the rows on screen are formatted; a stale row (its server is down) is dimmed
  const blocks = columnBlocks(cols, visible, raw, (r, text) =>
    r === selected ? chalk.inverse(text) : r.stale ? chalk.dim(text) : text,
  )
  const title = `natsx top — ${up}/${servers.length} servers up — ${snap?.transport ?? ''} every ${((snap?.interval_ms ?? 0) / 1000).toString()}s${paused ? ' — PAUSED' : ''}${raw ? ' — raw' : ''}${lookup ? ' — names' : ''}`
  // the row under detail as it is in this snapshot (its host may have been resolved since)
  const detailRow = detailOf ? (conns.find((r) => connKey(r) === detailKey) ?? detailOf) : undefined

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate">
        <Text bold color={hue('cyan')}>
          {title}
        </Text>
        {error ? <Text color={hue('red')}> poll failed: {error}</Text> : null}
      </Text>
      {snap ? (
        <ServerHeader raw={raw} servers={servers} trends={trends} width={columns} />
      ) : (
        <Text dimColor>waiting for the first poll…</Text>
      )}
      {help ? (
        <HelpOverlay width={columns} />
      ) : detailRow ? (
        <Box marginTop={1}>
          <ConnectionDetail
            detail={props.controls ? detail : {cid: detailRow.cid, closed: false, info: rowInfo(detailRow), server: detailRow.server, server_id: detailRow.server_id}}
            height={height - servers.length - 4}
            row={detailRow}
            width={columns}
          />
        </Box>
      ) : pane === 'closed' ? (
        <Box marginTop={1}>
          <ClosedPane height={pageSize + 1} raw={raw} rows={snap?.closed} width={columns} />
        </Box>
      ) : pane === 'connections' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate">
            <Text bold>Connections</Text>{' '}
            {rowsLabel(visible.length > 0 ? first + 1 : 0, first + visible.length, conns.length)}
            {filter || editing ? (
              <Text color={hue('yellow')}>
                {' '}
                filter: {filter}
                {editing ? '▏' : ''}
              </Text>
            ) : null}
            <Text dimColor>
              {' '}
              sort: {sort}
              {reverse ? ' (reversed)' : ''}
            </Text>
            {selected ? (
              <Text dimColor>
                {' '}
                selected: {selected.server} cid {selected.cid} (Enter: details)
              </Text>
            ) : null}
          </Text>
          <Text bold wrap="truncate">
            {renderHead(cols, sort, reverse)}
          </Text>
          {/* one Text per column holding the rows on screen, side by side (see columnBlocks, bench/README.md) */}
          <Box>
            {cols.map((c, i) => (
              <Text key={c.key}>{blocks[i]}</Text>
            ))}
          </Box>
        </Box>
      ) : pane === 'jetstream' ? (
        <Box marginTop={1}>
          <JetStreamPane
            consumers={snap?.consumers ?? []}
            height={pageSize}
            raw={raw}
            streams={snap?.streams ?? []}
            width={columns}
          />
        </Box>
      ) : pane === 'routes' ? (
        <Box marginTop={1}>
          <RoutesPane gateways={snap?.gateways ?? []} leafs={snap?.leafs ?? []} raw={raw} routes={snap?.routes ?? []} width={columns} />
        </Box>
      ) : (
        <Box marginTop={1}>
          <HealthPane health={snap?.health ?? []} width={columns} />
        </Box>
      )}
    </Box>
  )
}

/** Without controls (a fake feed), the detail shows the row as it was polled. */
function rowInfo(r: ConnRow): ConnDetail['info'] {
  const info: Record<string, unknown> = {...r}
  for (const k of ['new', 'rates', 'stale']) delete info[k]
  return info as unknown as ConnDetail['info']
}

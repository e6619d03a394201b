/**
 * The stateful container of the top view: it subscribes to an injected source of snapshots, keeps the view state
 * (sort, reverse, filter, scroll, pause, units, pane, help) and hands plain data to the display components.
 */
import chalk from 'chalk'
import {Box, Text, useApp, useInput, useStdout} from 'ink'
import {useEffect, useMemo, useRef, useState} from 'react'

import type {TopSnapshot} from '../../lib/monitoring/feed.js'
import type {TopSource} from '../../lib/monitoring/source.js'

import {
  columnBlocks,
  CONN_COLUMNS,
  filterConnections,
  fitColumns,
  renderHead,
  rowsLabel,
  sortConnections,
} from '../../lib/monitoring/view.js'
import {HealthPane, HelpOverlay, JetStreamPane, RoutesPane, ServerHeader} from './panes.js'

export type Pane = 'connections' | 'health' | 'jetstream' | 'routes'
const PANES: Pane[] = ['connections', 'jetstream', 'routes', 'health']

export interface TopViewOptions {
  filter: string
  raw: boolean
  reverse: boolean
  sort: string
}

export interface TopAppProps {
  /** fixed size (tests); otherwise the terminal's, following resizes */
  columns?: number
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

  useEffect(
    () =>
      props.source.subscribe((snap, err) => {
        if (snap) setLive(snap)
        setError(err ? err.message : undefined)
      }),
    [props.source],
  )

  const snap = paused ? frozen : live
  const servers = snap?.servers ?? []
  const conns = useMemo(
    () => sortConnections(filterConnections(snap?.connections ?? [], filter), sort, reverse),
    [snap, filter, sort, reverse],
  )
  // lines used by: title, servers, blank, pane title, table head, footer
  const pageSize = Math.max(1, height - servers.length - 6)
  const maxOffset = Math.max(0, conns.length - pageSize)
  const first = Math.min(offset, maxOffset)

  // Mode lives in refs so keys typed faster than a render (a paste, a test) still land in the right mode.
  const mode = useRef({editing: false, help: false})
  const nextSort = (step: number) => (s: string) =>
    CONN_COLUMNS[(CONN_COLUMNS.findIndex((c) => c.key === s) + step + CONN_COLUMNS.length) % CONN_COLUMNS.length].key
  // the latest render's values, for the key handler (which may have been bound by an earlier render)
  const latest = useRef({live, maxOffset, pageSize})
  latest.current = {live, maxOffset, pageSize}
  const scroll = (to: (o: number, page: number, max: number) => number) =>
    setOffset((o) => {
      const {maxOffset: max, pageSize: page} = latest.current
      return Math.max(0, Math.min(max, to(Math.min(o, max), page, max)))
    })

  useInput((input, key) => {
    if (mode.current.help) {
      mode.current.help = false
      setHelp(false)
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

      case 'r': {
        setReverse((r) => !r)
        break
      }

      default: {
        if (input === '>' || input === 's' || key.rightArrow) setSort(nextSort(1))
        else if (input === '<' || key.leftArrow) setSort(nextSort(-1))
        else if (input === 'b') setRaw((r) => !r)
        else if (input === 'p' || input === ' ') {
          setFrozen(latest.current.live)
          setPaused((p) => !p)
        } else if (key.downArrow || input === 'j') scroll((o) => o + 1)
        else if (key.upArrow || input === 'k') scroll((o) => o - 1)
        else if (key.pageDown) scroll((o, page) => o + page)
        else if (key.pageUp) scroll((o, page) => o - page)
        else if (input === 'g') scroll(() => 0)
        else if (input === 'G') scroll((_o, _p, max) => max)
        else if (key.tab) setPane((p) => PANES[(PANES.indexOf(p) + 1) % PANES.length])
        else if (['1', '2', '3', '4'].includes(input)) setPane(PANES[Number(input) - 1])
      }
    }
  })

  const up = servers.filter((s) => s.up).length
  const cols = fitColumns(CONN_COLUMNS, columns)
  const visible = conns.slice(first, first + pageSize)
  // only the rows on screen are formatted; a stale row (its server is down) is dimmed
  const blocks = columnBlocks(cols, visible, raw, (r, text) => (r.stale ? chalk.dim(text) : text))
  const title = `natsx top — ${up}/${servers.length} servers up — ${snap?.transport ?? ''} every ${((snap?.interval_ms ?? 0) / 1000).toString()}s${paused ? ' — PAUSED' : ''}${raw ? ' — raw' : ''}`

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate">
        <Text bold color="cyan">
          {title}
        </Text>
        {error ? <Text color="red"> poll failed: {error}</Text> : null}
      </Text>
      {snap ? (
        <ServerHeader raw={raw} servers={servers} width={columns} />
      ) : (
        <Text dimColor>waiting for the first poll…</Text>
      )}
      {help ? (
        <HelpOverlay width={columns} />
      ) : pane === 'connections' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate">
            <Text bold>Connections</Text>{' '}
            {rowsLabel(visible.length > 0 ? first + 1 : 0, first + visible.length, conns.length)}
            {filter || editing ? (
              <Text color="yellow">
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

/**
 * The stateful container of a live graph: it subscribes to an injected source of sample histories, turns the history
 * into panels with the command's view, lays them out at the terminal's size (following resizes) and handles the keys:
 * q quits, Ctrl-C interrupts.
 */
import {Box, Text, useApp, useInput, useStdout} from 'ink'
import {useEffect, useState} from 'react'

import type {GraphSource} from '../../lib/graph/source.js'
import type {GraphView} from '../../lib/graph/types.js'

import {hue} from '../color.js'
import {graphLayout} from './layout.js'
import {Panel} from './Panel.js'

export type GraphExit = 'interrupt' | 'quit'

export interface GraphAppProps<S> {
  /** fixed size (tests); otherwise the terminal's, following resizes */
  columns?: number
  /** shown in the title: how often the samples come */
  every: string
  onExit?: (how: GraphExit) => void
  rows?: number
  source: GraphSource<S>
  view: GraphView<S>
}

export function useTerminalSize(fixed: {columns?: number; rows?: number}): {columns: number; rows: number} {
  const {stdout} = useStdout()
  const read = (): {columns: number; rows: number} => ({
    columns: fixed.columns ?? stdout.columns ?? 120,
    rows: fixed.rows ?? stdout.rows ?? 40,
  })
  const [size, setSize] = useState(read)
  useEffect(() => {
    if (fixed.columns && fixed.rows) return
    const onResize = (): void => setSize(read())
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout])
  return size
}

export function GraphApp<S>(props: Readonly<GraphAppProps<S>>) {
  const {exit} = useApp()
  const {columns, rows} = useTerminalSize({columns: props.columns, rows: props.rows})
  const [history, setHistory] = useState<readonly S[]>([])
  const [error, setError] = useState<string | undefined>()

  useEffect(
    () =>
      props.source.subscribe((h, err) => {
        setHistory(h)
        setError(err ? err.message : undefined)
      }),
    [props.source],
  )

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      props.onExit?.(input === 'q' ? 'quit' : 'interrupt')
      exit()
    }
  })

  const frame = props.view(history)
  const layout = graphLayout(frame.panels.length, columns, rows)
  const lines: Array<typeof frame.panels> = []
  for (let i = 0; i < frame.panels.length; i += layout.columns) lines.push(frame.panels.slice(i, i + layout.columns))

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate">
        <Text bold color={hue('cyan')}>
          {frame.title}
        </Text>
        <Text dimColor> every {props.every} — q quit</Text>
        {error ? <Text color={hue('red')}> sample failed: {error}</Text> : null}
      </Text>
      <Text dimColor wrap="truncate">
        {frame.subtitle}
      </Text>
      {lines.map((line, r) => (
        <Box gap={layout.gap} key={r} marginBottom={layout.spacing}>
          {line.map((p) => (
            <Panel chartHeight={layout.chartHeight} key={p.title} panel={p} width={layout.panelWidth} />
          ))}
        </Box>
      ))}
    </Box>
  )
}

/**
 * A line chart of one series at a given size (asciichart inside Ink). Takes numbers, never NATS: the live graphs
 * feed it their panels, and anything else with a series over time (such as per-subject rates) can too.
 */
import {Box, Text} from 'ink'

import type {GraphUnit} from '../../lib/graph/types.js'

import {plotLines} from './plot.js'

export interface ChartProps {
  color?: string
  fromZero: boolean
  height: number
  unit: GraphUnit
  values: ReadonlyArray<null | number>
  width: number
}

export function Chart(props: Readonly<ChartProps>) {
  const lines = plotLines(props.values, props)
  return (
    <Box height={props.height} width={props.width}>
      {lines.length === 0 ? (
        <Text dimColor>waiting for samples…</Text>
      ) : (
        <Text color={props.color} wrap="truncate">
          {lines.join('\n')}
        </Text>
      )}
    </Box>
  )
}

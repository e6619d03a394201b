/** One titled chart: the title and the current value on a line, the chart under it. */
import {Box, Text} from 'ink'

import type {GraphPanel} from '../../lib/graph/types.js'

import {currentLabel} from '../../lib/graph/format.js'
import {hue} from '../color.js'
import {Chart} from './Chart.js'

export interface PanelProps {
  /** rows for the chart itself (the title takes one more) */
  chartHeight: number
  panel: GraphPanel
  width: number
}

export function Panel({chartHeight, panel, width}: Readonly<PanelProps>) {
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>{panel.title}</Text> {currentLabel(panel.current, panel.unit)}
      </Text>
      <Chart color={hue('cyan')} fromZero={panel.fromZero} height={chartHeight} unit={panel.unit} values={panel.values} width={width} />
    </Box>
  )
}

/** The flags every graph command shares: how often to sample, and the batch form. */
import {intFlag} from '../flags.js'
import {intervalFlag} from '../monitoring/options.js'

export const graphFlags = {
  interval: intervalFlag({
    default: 1000,
    defaultHelp: async () => '1s',
    description: 'time between samples: seconds (fractions allowed, 0.5) or a duration (500ms)',
  }),
  iterations: intFlag({min: 1})({description: 'print this many samples and exit (batch form, no live view)'}),
}

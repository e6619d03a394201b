import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {discover, noSuchService, type ServiceStatsResponse, type ServiceStatsSummary, statsSummary} from '../../lib/services/micro.js'
import {renderServiceStats} from '../../lib/services/render.js'

/** Per instance and per endpoint (summed over instances): requests, errors, last error, processing time and average in ms. */
export type ServiceStatsResult = ServiceStatsSummary

export default class ServiceStats extends BaseCommand<typeof ServiceStats> {
  static args = {
    name: Args.string({description: 'the service name (case-sensitive)', required: true}),
    id: Args.string({description: 'only the instance with this id'}),
  }
  static description = `Asks $SRV.STATS.NAME (or $SRV.STATS.NAME.ID) and shows, for each instance and endpoint, the requests, errors,
total and average processing time the instance counted since it started; --json also sums each endpoint over the
instances ("endpoints") and gives the totals. Times are in milliseconds. No instance answering is exit 3.`
  static examples = ['<%= config.bin %> service stats orders', '<%= config.bin %> service stats orders --json']
  static summary = "Show a service's request, error and processing-time counters per endpoint."

  async run(): Promise<ServiceStatsResult> {
    const {args} = this
    const settings = await this.connectionSettings()
    const found = await discover<ServiceStatsResponse>(await this.nc(), 'STATS', {id: args.id, name: args.name, inboxPrefix: settings.inboxPrefix, signal: this.interrupt.signal, timeoutMs: settings.timeoutMs})
    if (found.answers.length === 0) throw noSuchService(args.name, args.id, found, settings.timeoutMs)
    const {answers} = found
    const summary = statsSummary(args.name, answers)
    this.say(renderServiceStats(summary))
    return summary
  }
}

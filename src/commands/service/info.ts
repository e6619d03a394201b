import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {discover, noSuchService, type ServiceInfoResponse} from '../../lib/services/micro.js'
import {renderServiceInfo} from '../../lib/services/render.js'

export interface ServiceInfoResult {
  /** every instance that answered $SRV.INFO.NAME[.ID]: id, version, description, metadata, endpoints */
  instances: Array<ServiceInfoResponse & {rtt_ms: number}>
  name: string
}

export default class ServiceInfo extends BaseCommand<typeof ServiceInfo> {
  static args = {
    name: Args.string({description: 'the service name (case-sensitive)', required: true}),
    id: Args.string({description: 'only the instance with this id'}),
  }
  static description = `Asks $SRV.INFO.NAME (or $SRV.INFO.NAME.ID) and shows each instance that answers within --timeout: its version,
description, metadata and endpoints (name, subject, queue group, metadata). No instance answering is exit 3.`
  static examples = ['<%= config.bin %> service info orders', '<%= config.bin %> service info orders --json']
  static summary = "Show a service's instances and their endpoints."

  async run(): Promise<ServiceInfoResult> {
    const {args} = this
    const settings = await this.connectionSettings()
    const found = await discover<ServiceInfoResponse>(await this.nc(), 'INFO', {id: args.id, name: args.name, inboxPrefix: settings.inboxPrefix, signal: this.interrupt.signal, timeoutMs: settings.timeoutMs})
    if (found.answers.length === 0) throw noSuchService(args.name, args.id, found, settings.timeoutMs)
    const {answers} = found
    this.say(renderServiceInfo(args.name, answers))
    return {instances: answers, name: args.name}
  }
}

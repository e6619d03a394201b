import {BaseCommand} from '../../lib/base-command.js'
import {discover, listRows, type ServiceInfoResponse, type ServiceListRow} from '../../lib/services/micro.js'
import {renderServiceList} from '../../lib/services/render.js'

export interface ServiceLsResult {
  services: ServiceListRow[]
}

export default class ServiceLs extends BaseCommand<typeof ServiceLs> {
  static aliases = ['service list']
  static description = `Asks $SRV.INFO and collects every instance's answer until the answers stop (a short quiet window), at most
--timeout. One row per service name: its versions, instances (with their ids in --json) and endpoints. No service at
all is an empty list (exit 0). --json prints {"services":[{"name","versions","instances","ids","endpoints","description"}]}.`
  static examples = ['<%= config.bin %> service ls', '<%= config.bin %> service ls --json --timeout 2s']
  static summary = 'List the NATS micro services that answer discovery.'

  async run(): Promise<ServiceLsResult> {
    const settings = await this.connectionSettings()
    const {answers} = await discover<ServiceInfoResponse>(await this.nc(), 'INFO', {inboxPrefix: settings.inboxPrefix, signal: this.interrupt.signal, timeoutMs: settings.timeoutMs})
    const services = listRows(answers)
    this.say(renderServiceList(services))
    return {services}
  }
}

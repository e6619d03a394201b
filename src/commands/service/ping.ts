import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {padWidth} from '../../lib/format/width.js'
import {discover, noSuchService, type ServiceIdentity} from '../../lib/services/micro.js'

export interface ServicePingResult {
  /** each instance that answered, with the round trip of its answer */
  services: Array<ServiceIdentity & {rtt_ms: number}>
}

export default class ServicePing extends BaseCommand<typeof ServicePing> {
  static args = {
    name: Args.string({description: 'only instances of this service (case-sensitive)'}),
  }
  static description = `Asks $SRV.PING (or $SRV.PING.NAME) and lists each instance that answers within --timeout with the round-trip
time of its answer. No instance answering is exit 3.`
  static examples = ['<%= config.bin %> service ping', '<%= config.bin %> service ping orders --json']
  static summary = 'Ping the instances of every service, or of one.'

  async run(): Promise<ServicePingResult> {
    const {args} = this
    const settings = await this.connectionSettings()
    const found = await discover<ServiceIdentity>(await this.nc(), 'PING', {name: args.name, inboxPrefix: settings.inboxPrefix, signal: this.interrupt.signal, timeoutMs: settings.timeoutMs})
    if (found.answers.length === 0) throw noSuchService(args.name, undefined, found, settings.timeoutMs)
    const {answers} = found

    for (const s of answers) this.say(`${padWidth(`${s.name} ${s.id}`, 40)} ${padWidth(s.version, 10)} rtt ${s.rtt_ms.toFixed(3)}ms`)
    this.say(`\n${answers.length} instance(s) answered`)
    return {services: answers}
  }
}

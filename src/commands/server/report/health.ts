import type {HealthRow} from '../../../lib/monitoring/feed.js'

import {padWidth} from '../../../lib/format/width.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'

export interface ServerReportHealthResult {
  healthy: number
  servers: HealthRow[]
}

export default class ServerReportHealth extends MonitorCommand<typeof ServerReportHealth> {
  static description = 'The /healthz status of every server; a server that does not answer is "unreachable". For a pass/fail exit code use `natsx server check`.'
  static examples = ['<%= config.bin %> server report health --context sys', '<%= config.bin %> server report health --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report the health of every server.'

  async run(): Promise<ServerReportHealthResult> {
    const snap = await reportSnapshot(await this.transport(), {connections: false, details: ['healthz']})
    requireAnswer(snap.servers)
    for (const h of snap.health) this.say(`${padWidth(h.server, 20)} ${h.status}${h.error ? `  ${h.error}` : ''}`)
    return {healthy: snap.health.filter((h) => h.status === 'ok').length, servers: snap.health}
  }
}

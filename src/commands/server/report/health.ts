import type {HealthRow} from '../../../lib/monitoring/feed.js'

import {ExitCode} from '../../../lib/errors.js'
import {padWidth} from '../../../lib/format/width.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {expectFlag, monitorFlags} from '../../../lib/monitoring/options.js'
import {missingServers, reportSnapshot, requireAnswer, unreachableLine} from '../../../lib/monitoring/servers.js'

export interface ServerReportHealthResult {
  healthy: number
  servers: HealthRow[]
}

export default class ServerReportHealth extends MonitorCommand<typeof ServerReportHealth> {
  static description = 'The /healthz status of every server; a server that does not answer is "unreachable", and so is every server the cluster names or counts (routes, the JetStream meta group) or --expect asks for that is silent: then the exit code is 6. For Nagios exit codes use `natsx server check`.'
  static examples = ['<%= config.bin %> server report health --context sys --expect 3', '<%= config.bin %> server report health --monitor localhost:8222 --json']
  static flags = {...monitorFlags, expect: expectFlag()}
  static summary = 'Report the health of every server.'

  async run(): Promise<ServerReportHealthResult> {
    const t = await this.transport()
    const snap = await reportSnapshot(t, {connections: false, details: ['healthz']})
    requireAnswer(snap.servers)
    const health = [...snap.health]
    const listed = snap.servers.map((s) => ({meta: s.up ? s.jetstream_cluster : undefined, name: s.name}))
    for (const h of health) if (!listed.some((l) => l.name === h.server)) listed.push({meta: undefined, name: h.server})
    for (const m of missingServers(t, listed, this.flags.expect)) health.push({error: m.error, server: m.name, status: 'unreachable'})
    for (const h of health) this.say(`${padWidth(h.server, 20)} ${h.status}${h.error ? `  ${h.error}` : ''}`)
    const missing = unreachableLine(health.map((h) => ({name: h.server, ok: h.status !== 'unreachable'})))
    if (missing) {
      this.warnLine(missing)
      process.exitCode = ExitCode.CONNECTION
    }

    return {healthy: health.filter((h) => h.status === 'ok').length, servers: health}
  }
}

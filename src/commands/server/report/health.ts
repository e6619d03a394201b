import * as Flags from '@oclif/core/flags'

import type {HealthRow} from '../../../lib/monitoring/feed.js'

import {ExitCode} from '../../../lib/errors.js'
import {padWidth} from '../../../lib/format/width.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {type HealthDetail, healthDetails, problemLine, requireHealthDetails} from '../../../lib/monitoring/health-details.js'
import {expectFlag, monitorFlags} from '../../../lib/monitoring/options.js'
import {missingServers, reportSnapshot, requireAnswer, unreachableLine} from '../../../lib/monitoring/servers.js'

export interface ServerReportHealthResult {
  /** --details (2.10+): each server's own list of problems, {server, status, status_code, problems:[{type, account, stream, consumer, error}]} */
  details?: HealthDetail[]
  healthy: number
  servers: HealthRow[]
}

export default class ServerReportHealth extends MonitorCommand<typeof ServerReportHealth> {
  static description = 'The /healthz status of every server; a server that does not answer is "unreachable", and so is every server the cluster names or counts (routes, the JetStream meta group) or --expect asks for that is silent: then the exit code is 6. For Nagios exit codes use `natsx server check`.'
  static examples = ['<%= config.bin %> server report health --context sys --expect 3', '<%= config.bin %> server report health --monitor localhost:8222 --json', '<%= config.bin %> server report health --context sys --details']
  static flags = {
    ...monitorFlags,
    details: Flags.boolean({description: 'every problem each server finds (each stream, consumer, account), not only the first (nats-server 2.10+; exit 8 before)'}),
    expect: expectFlag(),
  }
  static summary = 'Report the health of every server.'

  async run(): Promise<ServerReportHealthResult> {
    const t = await this.transport()
    if (this.flags.details) await requireHealthDetails(t)
    const snap = await reportSnapshot(t, {connections: false, details: ['healthz']})
    requireAnswer(snap.servers)
    const health = [...snap.health]
    const listed = snap.servers.map((s) => ({meta: s.up ? s.jetstream_cluster : undefined, name: s.name}))
    for (const h of health) if (!listed.some((l) => l.name === h.server)) listed.push({meta: undefined, name: h.server})
    for (const m of missingServers(t, listed, this.flags.expect)) health.push({error: m.error, server: m.name, status: 'unreachable'})
    const details = this.flags.details ? await healthDetails(t) : undefined
    for (const h of health) {
      this.say(`${padWidth(h.server, 20)} ${h.status}${h.error ? `  ${h.error}` : ''}`)
      for (const p of details?.find((d) => d.server === h.server)?.problems ?? []) this.say(`${' '.repeat(21)}${problemLine(p)}`)
    }

    const missing = unreachableLine(health.map((h) => ({name: h.server, ok: h.status !== 'unreachable'})))
    if (missing) {
      this.warnLine(missing)
      process.exitCode = ExitCode.CONNECTION
    }

    return {...(details ? {details} : {}), healthy: health.filter((h) => h.status === 'ok').length, servers: health}
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {serverObservations, type VarzForCheck} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {connectionError, notFound} from '../../../lib/errors.js'
import {durationFlag, intFlag, sizeFlag} from '../../../lib/flags.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {serverInfo} from '../../../lib/monitoring/servers.js'

export type ServerCheckKindResult = ResourceCheckResult

export default class CheckServer extends ResourceCheckCommand<typeof CheckServer> {
  static args = {name: Args.string({description: 'server name (over $SYS) or URL (--monitor); the first server when left out'})}
  static description = `Checks one server from its /varz: CPU, memory, connections, subscriptions, slow consumers and uptime (less is worse), that JetStream, TLS or authentication is on where asked, and how long its TLS certificate has left (2.14+). A named server that does not answer is CRITICAL.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check server n1 --context sys --cpu-warn 70 --cpu-critical 90 --js-required --format nagios',
    '<%= config.bin %> server check server --monitor localhost:8222 --uptime-critical 5m --cert-expire-warn 30d',
  ]
  static flags = {
    ...monitorFlags,
    'auth-required': Flags.boolean({description: 'critical unless the server requires authentication'}),
    'cert-expire-critical': durationFlag({description: 'critical when the TLS certificate expires within this'}),
    'cert-expire-warn': durationFlag({description: 'warning when the TLS certificate expires within this'}),
    'conn-critical': intFlag({min: 0})({description: 'critical at this many connections'}),
    'conn-warn': intFlag({min: 0})({description: 'warning at this many connections'}),
    'cpu-critical': intFlag({min: 0})({description: 'critical at this CPU percentage'}),
    'cpu-warn': intFlag({min: 0})({description: 'warning at this CPU percentage'}),
    format: formatFlag,
    'js-required': Flags.boolean({description: 'critical unless JetStream is enabled'}),
    'mem-critical': sizeFlag({description: 'critical at this much memory, e.g. 2GiB'}),
    'mem-warn': sizeFlag({description: 'warning at this much memory, e.g. 1GiB'}),
    'slow-critical': intFlag({min: 0})({description: 'critical at this many slow consumers'}),
    'slow-warn': intFlag({min: 0})({description: 'warning at this many slow consumers'}),
    'subs-critical': intFlag({min: 0})({description: 'critical at this many subscriptions'}),
    'subs-warn': intFlag({min: 0})({description: 'warning at this many subscriptions'}),
    'tls-required': Flags.boolean({description: 'critical unless the server requires TLS'}),
    'uptime-critical': durationFlag({description: 'critical when the server has been up for less than this'}),
    'uptime-warn': durationFlag({description: 'warning when the server has been up for less than this'}),
  }
  static summary = 'Check one server: CPU, memory, connections, uptime, TLS, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {args, flags} = this
    const reply = await serverInfo(await this.transport(), args.name)
    if (!reply) throw notFound(`server "${args.name}" did not answer`, 'list the servers with `natsx server list`')
    if (!reply.ok) throw connectionError(`${reply.target}: ${reply.error}`)
    const observations = serverObservations(
      reply.data as VarzForCheck,
      {
        authRequired: flags['auth-required'],
        certExpire: {crit: flags['cert-expire-critical'], warn: flags['cert-expire-warn']},
        connections: {crit: flags['conn-critical'], warn: flags['conn-warn']},
        cpu: {crit: flags['cpu-critical'], warn: flags['cpu-warn']},
        jsRequired: flags['js-required'],
        memory: {crit: flags['mem-critical'], warn: flags['mem-warn']},
        slowConsumers: {crit: flags['slow-critical'], warn: flags['slow-warn']},
        subscriptions: {crit: flags['subs-critical'], warn: flags['subs-warn']},
        tlsRequired: flags['tls-required'],
        uptime: {crit: flags['uptime-critical'], warn: flags['uptime-warn']},
      },
      Date.now(),
    )
    return resourceResult('server', reply.server?.name ?? reply.target, observations)
  }

  protected kind(): 'server' {
    return 'server'
  }

  protected target(): string {
    return this.args.name ?? 'server'
  }
}

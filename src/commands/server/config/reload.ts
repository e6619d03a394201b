import * as Args from '@oclif/core/args'

import {type ConfigReloadResult, reloadConfig, reloadTarget, requireReload} from '../../../lib/cluster/reload.js'
import {forceFlag} from '../../../lib/flags.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'

export type ServerConfigReloadResult = ConfigReloadResult

export default class ServerConfigReload extends MonitorCommand<typeof ServerConfigReload> {
  static args = {
    server: Args.string({description: 'the server to reload, by name or id (default: the one natsx is connected to)'}),
  }
  static description = `Asks one server to reread its configuration file and apply what can change while it runs ($SYS.REQ.SERVER.<id>.RELOAD, nats-server 2.10+; exit 8 before, nothing sent), then waits, up to --timeout (at least 10 s; then exit 6), until its /varz shows the new load time, and lists the /varz settings that changed. A server that does not answer is exit 3; a configuration the server refuses is exit 4 (it keeps the one it runs).
Connect as a system-account user (exit 7 otherwise). Asks first: --force without a terminal.
--json prints {server, server_id, version, before:{config_load_time}, after:{config_load_time}, changed:[{setting, before, after}]}.`
  static examples = ['<%= config.bin %> server config reload n2 --context sys', '<%= config.bin %> server config reload --context sys --force --json']
  static flags = {
    force: forceFlag,
  }
  static summary = "Reload a server's configuration."

  async run(): Promise<ServerConfigReloadResult> {
    const settings = await this.connectionSettings()
    const nc = await this.nc()
    const t = await this.transport()
    const target = await reloadTarget(t, this.args.server ?? nc.info?.server_name ?? nc.info?.server_id ?? '')
    requireReload(target.ref, await this.capabilities())
    await this.confirm(`Reload the configuration of ${target.ref.name} (${target.ref.id}${target.ref.host ? ` on ${target.ref.host}` : ''})`, this.flags.force)
    const res = await reloadConfig(nc, t, target, {signal: this.interrupt.signal, timeoutMs: settings.timeoutMs, waitMs: Math.max(settings.timeoutMs, 10_000)})
    this.say(`Reloaded the configuration of ${res.server}: loaded ${res.before.config_load_time ?? '?'} before, ${res.after.config_load_time ?? '?'} now`)
    for (const c of res.changed) this.say(`  ${c.setting}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)
    if (res.changed.length === 0) this.say('  no setting shown in /varz changed')
    return res
  }
}

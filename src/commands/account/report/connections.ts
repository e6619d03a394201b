import * as Flags from '@oclif/core/flags'

import {CONN_SORTS, type ConnectionsReport, connectionsReport, type ConnSort} from '../../../lib/accounts/accounts.js'
import {renderConnections} from '../../../lib/accounts/render.js'
import {BaseCommand} from '../../../lib/base-command.js'
import {intFlag} from '../../../lib/flags.js'

export type AccountReportConnectionsResult = ConnectionsReport

export default class AccountReportConnections extends BaseCommand<typeof AccountReportConnections> {
  static aliases = ['account report conns', 'account report connz']
  static description = `Asks every server ($SYS.REQ.SERVER.PING.CONNZ) for the connections of the account and collects the answers until
they stop. An ordinary user sees its own account (every account imports this request); a system-account user sees
every account, or the one --account names. Asking for another account without system rights is exit 7.
--json prints {"connections":[{"server","cid","account","user","name","ip","port","lang","version","subscriptions",
"in_msgs","out_msgs","in_bytes","out_bytes","start","uptime","rtt","closed_reason"}],"servers":[…],"total"}.`
  static examples = [
    '<%= config.bin %> account report connections',
    '<%= config.bin %> account report connections --context sys --account APP --sort out-msgs --top 10',
    '<%= config.bin %> account report connections --state closed --json',
  ]
  static flags = {
    account: Flags.string({description: 'only this account (a system-account user; others always see their own)'}),
    sort: Flags.string({default: 'subs', description: 'order by this, largest first', options: [...CONN_SORTS]}),
    state: Flags.string({default: 'open', description: 'open, closed (recently closed, with the reason) or all connections', options: ['open', 'closed', 'all']}),
    top: intFlag({max: 100_000, min: 1})({default: 1000, description: 'show at most this many connections'}),
    username: Flags.string({description: 'only connections of this user (natscli: --username)'}),
  }
  static summary = "Report the account's connections across all servers."

  async run(): Promise<AccountReportConnectionsResult> {
    const {flags} = this
    const settings = await this.connectionSettings()
    const report = await connectionsReport(
      await this.nc(),
      {account: flags.account, sort: flags.sort as ConnSort, state: flags.state as 'all' | 'closed' | 'open', top: flags.top, user: flags.username},
      {inboxPrefix: settings.inboxPrefix, signal: this.interrupt.signal, timeoutMs: settings.timeoutMs},
    )
    this.say(renderConnections(report, flags.state))
    return report
  }
}

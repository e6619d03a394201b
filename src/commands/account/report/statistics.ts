import * as Flags from '@oclif/core/flags'

import {type StatisticsReport, statisticsReport} from '../../../lib/accounts/accounts.js'
import {renderStatistics} from '../../../lib/accounts/render.js'
import {BaseCommand} from '../../../lib/base-command.js'

export type AccountReportStatisticsResult = StatisticsReport

export default class AccountReportStatistics extends BaseCommand<typeof AccountReportStatistics> {
  static aliases = ['account report stats']
  static description = `Asks every server ($SYS.REQ.ACCOUNT.PING.STATZ) for the account's statistics and collects the answers until they
stop: connections now and in total, leafnodes, subscriptions, messages and bytes sent to and received from its
clients, slow consumers, per server and summed. An ordinary user sees its own account; a system-account user sees
every account with connections (--unused: all), or the one --account names. Asking for another account without
system rights is exit 7. --json prints {"servers":[rows],"totals":[rows]}, a row being {"account","server",
"connections","total_connections","leafnodes","subscriptions","sent":{"msgs","bytes"},"received":{…},"slow_consumers"}.`
  static examples = ['<%= config.bin %> account report statistics', '<%= config.bin %> account report statistics --context sys --account APP --json']
  static flags = {
    account: Flags.string({description: 'only this account (a system-account user; others always see their own)'}),
    unused: Flags.boolean({description: 'include accounts without connections (a system-account user)'}),
  }
  static summary = "Report the account's traffic and connection statistics across all servers."

  async run(): Promise<AccountReportStatisticsResult> {
    const {flags} = this
    const settings = await this.connectionSettings()
    const report = await statisticsReport(await this.nc(), {account: flags.account, unused: flags.unused}, {inboxPrefix: settings.inboxPrefix, signal: this.interrupt.signal, timeoutMs: settings.timeoutMs})
    this.say(renderStatistics(report))
    return report
  }
}

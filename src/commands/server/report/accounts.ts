import {formatCount} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {type AccountRow, accountsReport} from '../../../lib/monitoring/accounts.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {requireAnswer} from '../../../lib/monitoring/servers.js'

export interface ServerReportAccountsResult {
  accounts: AccountRow[]
  servers: Array<{error?: string; ok: boolean; server: string}>
}

export default class ServerReportAccounts extends MonitorCommand<typeof ServerReportAccounts> {
  static description = 'The accounts each server knows (accountz) with their client and leafnode connections, subscriptions and JetStream, summed over the servers; busiest first.'
  static examples = ['<%= config.bin %> server report accounts --context sys', '<%= config.bin %> server report accounts --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report the accounts across all servers.'

  async run(): Promise<ServerReportAccountsResult> {
    const report = await accountsReport(await this.transport())
    requireAnswer(report.servers)
    this.say(
      renderTable(
        ['ACCOUNT', 'CONNECTIONS', 'LEAFNODES', 'SUBSCRIPTIONS', 'JETSTREAM', 'SERVERS'],
        report.accounts.map((a) => [a.system ? `${a.account} (system)` : a.account, formatCount(a.connections), formatCount(a.leafnodes), formatCount(a.subscriptions), a.jetstream ? 'yes' : 'no', a.servers]),
      ),
    )
    this.say(`\n${report.accounts.length} account(s) on ${report.servers.filter((s) => s.ok).length} server(s)`)
    return report
  }
}

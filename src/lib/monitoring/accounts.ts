/**
 * `server report accounts`: the accounts every server knows (accountz), then each account's details on each server
 * (accountz with `account`), summed per account. Works over HTTP and over the system account alike.
 */
import type {MonitorTransport} from './transport.js'

export interface AccountRow {
  account: string
  /** client connections, summed over the servers */
  connections: number
  jetstream: boolean
  leafnodes: number
  /** servers that know the account */
  servers: number
  subscriptions: number
  system: boolean
}

export interface AccountsReport {
  accounts: AccountRow[]
  /** servers that answered, and those that did not */
  servers: Array<{error?: string; ok: boolean; server: string}>
}

export async function accountsReport(t: MonitorTransport, concurrency = 8): Promise<AccountsReport> {
  const lists = await t.gather('accountz')
  const servers = lists.map((r) => (r.ok ? {ok: true, server: r.server.name} : {error: r.error, ok: false, server: r.server?.name ?? r.target}))
  const asks = lists.flatMap((r) => (r.ok ? (r.data.accounts ?? []).map((account) => ({account, system: r.data.system_account === account, target: r.target})) : []))
  const rows = new Map<string, AccountRow>()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < asks.length) {
      const ask = asks[next++]
      const res = await t.one('accountz', ask.target, {account: ask.account})
      if (!res.ok || !res.data.account_detail) continue
      const d = res.data.account_detail
      const row = rows.get(ask.account) ?? {account: ask.account, connections: 0, jetstream: false, leafnodes: 0, servers: 0, subscriptions: 0, system: false}
      row.connections += d.client_connections ?? 0
      row.leafnodes += d.leafnode_connections ?? 0
      row.subscriptions += d.subscriptions ?? 0
      row.jetstream ||= Boolean(d.jetstream_enabled)
      row.system ||= ask.system || Boolean(d.is_system)
      row.servers++
      rows.set(ask.account, row)
    }
  }

  await Promise.all(Array.from({length: Math.min(concurrency, asks.length)}, () => worker()))
  return {accounts: [...rows.values()].sort((a, b) => b.connections - a.connections || a.account.localeCompare(b.account)), servers}
}

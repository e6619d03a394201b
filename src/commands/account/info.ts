import {accountDetail, type AccountDetail, accountOfConnection, userInfo, type UserInfo} from '../../lib/accounts/accounts.js'
import {renderAccountInfo} from '../../lib/accounts/render.js'
import {BaseCommand} from '../../lib/base-command.js'
import {Capabilities} from '../../lib/capabilities.js'
import {toNatsxError} from '../../lib/errors.js'

export interface AccountInfoResult {
  /** the account's name, where the server tells it (USER.INFO on 2.10+, or the system account's view of the connection) */
  account?: string
  connection: {
    client_id?: number
    client_ip?: string
    cluster?: string
    headers: boolean
    max_payload?: number
    rtt_ms: number
    server_id?: string
    server_name?: string
    server_version?: string
    tls: boolean
  }
  /** the account's exports (system-account users only: accountz) */
  exports?: unknown[]
  /** the account's imports (system-account users only: accountz) */
  imports?: unknown[]
  /** `$JS.API.INFO` as the server sends it: memory, storage, streams, consumers, limits, tiers, domain, api */
  jetstream?: Record<string, unknown>
  /** why there is no JetStream information (not enabled for the account, or not answering) */
  jetstream_error?: string
  /** what could not be shown, and why */
  notes: string[]
  /** whether the account is the system account, where the server tells it */
  system_account?: boolean
  /** the user, its account and permissions (`$SYS.REQ.USER.INFO`, 2.10+) */
  user?: UserInfo
}

export default class AccountInfo extends BaseCommand<typeof AccountInfo> {
  static description = `Shows the connection (client id and address, server, version, cluster, round trip, max payload, TLS), the user and
its permissions ($SYS.REQ.USER.INFO, nats-server 2.10.0+), and the account's JetStream limits and usage ($JS.API.INFO:
memory, storage, streams, consumers, limits, each tier, the domain and the API request and error counts). A user of the
system account also sees the account's imports and exports (accountz). What the server cannot show is listed in
"notes" rather than failing. --json prints the whole AccountInfoResult.`
  static examples = ['<%= config.bin %> account info', '<%= config.bin %> account info --context app --json']
  static summary = "Show the connected account: user, permissions, JetStream limits and usage."

  async run(): Promise<AccountInfoResult> {
    const settings = await this.connectionSettings()
    const nc = await this.nc()
    const o = {inboxPrefix: settings.inboxPrefix, timeoutMs: settings.timeoutMs}
    const info = nc.info
    const notes: string[] = []
    const result: AccountInfoResult = {
      connection: {
        client_id: info?.client_id,
        client_ip: info?.client_ip,
        cluster: info?.cluster,
        headers: Boolean(info?.headers),
        max_payload: info?.max_payload,
        rtt_ms: Math.round((await nc.rtt()) * 1000) / 1000,
        server_id: info?.server_id,
        server_name: info?.server_name,
        server_version: info?.version,
        tls: Boolean(info?.tls_required || info?.tls_available || settings.tls),
      },
      notes,
    }
    const user = await userInfo(nc, o)
    if (user) result.user = user
    else notes.push(`user, account and permissions need nats-server ${Capabilities.needs('user-info')} ($SYS.REQ.USER.INFO); connected to ${info?.version}`)
    const account = user?.account ?? (await accountOfConnection(nc, o))
    if (account) result.account = account
    try {
      result.jetstream = (await (await this.jsm()).getAccountInfo()) as unknown as Record<string, unknown>
    } catch (error) {
      result.jetstream_error = toNatsxError(error).message
    }

    const detail: AccountDetail | undefined = account ? await accountDetail(nc, account, o) : undefined
    if (detail) {
      result.imports = detail.imports ?? []
      result.exports = detail.exports ?? []
      if (detail.is_system !== undefined) result.system_account = detail.is_system
    } else notes.push('imports and exports: only a system-account user can read them (accountz)')
    this.say(renderAccountInfo(result))
    return result
  }
}

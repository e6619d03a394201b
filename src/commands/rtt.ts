import * as Args from '@oclif/core/args'

import {BaseCommand} from '../lib/base-command.js'
import {connectionError, usageError} from '../lib/errors.js'
import {measureRtt, type RttTarget} from '../lib/events/probe.js'
import {parseWhole} from '../lib/flags.js'

export interface RttResult {
  /** round trips made on each connection */
  iterations: number
  /** each server URL with every address it resolved to, and the average round trip there */
  targets: RttTarget[]
}

export default class Rtt extends BaseCommand<typeof Rtt> {
  static args = {
    iterations: Args.string({default: '5', description: 'round trips to average on each connection'}),
  }
  static description = `For each server URL (--server, comma separated, or the context's) natsx resolves the host to every IPv4 and IPv6
address, opens a fresh connection to each with the same credentials and TLS, and averages ITERATIONS PING/PONG round
trips. An address that cannot be reached is listed with the reason; exit 6 when none answered.
--json prints {"iterations","targets":[{"url","addresses":[{"address","rtt_ms","server_name"} or {"address","error"}]}]}.`
  static examples = ['<%= config.bin %> rtt', '<%= config.bin %> rtt 20 --server nats://a.example:4222,nats://b.example:4222 --json']
  static summary = 'Round-trip time to every address of each server URL.'

  async run(): Promise<RttResult> {
    let iterations: number
    try {
      iterations = parseWhole(this.args.iterations, {max: 10_000, min: 1})
    } catch (error) {
      throw usageError(`ITERATIONS ${(error as Error).message}`, 'pass a whole number of round trips from 1 to 10000')
    }

    const targets = await measureRtt(await this.connectionSettings(), iterations)
    for (const t of targets) {
      this.say(`${t.url}:\n`)
      const width = Math.max(...t.addresses.map((a) => a.address.length))
      for (const a of t.addresses) this.say(`  ${a.address.padStart(width)}: ${a.rtt_ms === undefined ? `failed (${a.error})` : `${a.rtt_ms.toFixed(3)}ms`}`)
      this.say('')
    }

    const all = targets.flatMap((t) => t.addresses)
    if (!all.some((a) => a.rtt_ms !== undefined)) throw connectionError(`no server answered: ${all.map((a) => `${a.address}: ${a.error}`).join('; ')}`, 'check --server and that nats-server is running')
    for (const a of all) if (a.error) this.warnLine(`${a.address}: ${a.error}`)
    return {iterations, targets}
  }
}

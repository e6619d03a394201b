import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../../lib/base-command.js'
import {ExitCode} from '../../../lib/errors.js'
import {durationFlag, forceFlag} from '../../../lib/flags.js'
import {jsApi, pollUntil} from '../../../lib/monitoring/evacuate.js'
import {validateName} from '../../../lib/subjects.js'

export interface ConsumerEvacuateResult {
  consumer: string
  /** the peer holds no replica of the consumer */
  done: boolean
  peer: string
  /** the servers that hold the consumer at the last look, leader first */
  peers: string[]
  stream: string
  waited_ms: number
}

export default class ConsumerClusterEvacuate extends BaseCommand<typeof ConsumerClusterEvacuate> {
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    consumer: Args.string({description: 'consumer name', required: true}),
    peer: Args.string({description: 'the server to move the consumer off, by name', required: true}),
  }
  static description = `Moves the consumer's replica off one server to another of its stream's servers ($JS.API.CONSUMER.PEER.EVACUATE, nats-server 2.15; exit 8 before) and follows the move until the server holds none, or --wait passes (then exit 6).
Asks first: --force without a terminal. --json prints {stream, consumer, peer, done, peers, waited_ms}.`
  static examples = ['<%= config.bin %> consumer cluster evacuate ORDERS PROCESSOR n3 --force']
  static flags = {
    force: forceFlag,
    wait: durationFlag({default: 60_000, description: 'how long to follow the move (0: start it and return)'}),
  }
  static summary = "Move a consumer's replica off a server."

  async run(): Promise<ConsumerEvacuateResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.consumer, 'consumer')
    const caps = await this.capabilities()
    caps.require('consumer-peer-evacuate', 'consumer cluster evacuate')
    const {timeoutMs} = await this.connectionSettings()
    const nc = await this.nc()
    const prefix = ((await this.jsm()) as unknown as {prefix: string}).prefix
    const what = `consumer ${args.stream} > ${args.consumer}`
    const peers = async (): Promise<string[]> => {
      const info = (await jsApi(nc, `${prefix}.CONSUMER.INFO.${args.stream}.${args.consumer}`, {}, timeoutMs, what)) as {cluster?: {leader?: string; replicas?: Array<{name: string}>}}
      return [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].flatMap((p) => (p ? [p] : []))
    }

    const before = await peers()
    await this.confirm(`Move ${what} off ${args.peer} (now on ${before.join(', ') || 'no server'})`, flags.force)
    await jsApi(nc, `${prefix}.CONSUMER.PEER.EVACUATE.${args.stream}.${args.consumer}`, {peer: args.peer}, timeoutMs, `evacuate ${what} from ${args.peer}`)
    const started = Date.now()
    const {done, last} = await pollUntil(peers, (p) => p.length > 0 && !p.includes(args.peer), {
      progress: (p) => {
        if (!this.jsonEnabled()) process.stderr.write(`${what}: on ${p.join(', ') || 'no server'}\n`)
      },
      signal: this.interrupt.signal,
      waitMs: flags.wait,
    })
    const waited = Date.now() - started
    if (done) this.say(`${what} moved off ${args.peer}: now on ${last.join(', ')}`)
    else if (flags.wait > 0) {
      this.warnLine(`${what} is still on ${last.join(', ')} after ${waited}ms`)
      process.exitCode = ExitCode.CONNECTION
    }

    return {consumer: args.consumer, done, peer: args.peer, peers: last, stream: args.stream, waited_ms: waited}
  }
}

import * as Args from '@oclif/core/args'

import {baseSpec, BenchCommand, benchFlags, multisubjectFlags} from '../../lib/bench/command.js'
import {type BenchResult} from '../../lib/bench/types.js'
import {validateFilterSubject} from '../../lib/subjects.js'

export type BenchSubResult = BenchResult

export default class BenchSub extends BenchCommand<typeof BenchSub> {
  static args = {subject: Args.string({description: 'subject to subscribe to', required: true})}
  static description = `Every client subscribes on its own connection and receives --msgs messages (or runs for --duration); timing starts at each client's first message.
Bytes are the bytes actually received, not --size times the count. The banner on stderr means every client is subscribed: start the publisher then.`
  static examples = [
    '<%= config.bin %> bench sub bench.test --msgs 1000000',
    '<%= config.bin %> bench sub bench.test --clients 2 --msgs 100000 --json',
  ]
  static flags = {...benchFlags, ...multisubjectFlags}
  static summary = 'Benchmark subscribing: messages and bytes received per second, per client and in total.'

  async run(): Promise<BenchSubResult> {
    const {args, flags} = this
    validateFilterSubject(args.subject)
    const spec = baseSpec('sub', args.subject, flags, (await this.connectionSettings()).timeoutMs)
    return this.runBench(spec, {csv: flags.csv, progress: flags.progress})
  }
}

import * as Args from '@oclif/core/args'

import {baseSpec, BenchCommand, benchFlags, multisubjectFlags, rateFlags, sizeFlags} from '../../lib/bench/command.js'
import {type BenchResult} from '../../lib/bench/types.js'
import {validatePublishSubject} from '../../lib/subjects.js'

export type BenchPubResult = BenchResult

export default class BenchPub extends BenchCommand<typeof BenchPub> {
  static args = {subject: Args.string({description: 'subject to publish to', required: true})}
  static description = `Each client publishes its share of --msgs on its own connection in its own thread, flushing every 10,000 messages.
Run \`natsx bench sub\` on the same subject first to measure delivery as well.`
  static examples = [
    '<%= config.bin %> bench pub bench.test --msgs 1000000 --size 128B',
    '<%= config.bin %> bench pub bench.test --clients 2 --duration 10s --json',
    '<%= config.bin %> bench pub bench.test --rate 50000 --msgs 500000 --csv pub.csv',
  ]
  static flags = {...benchFlags, ...rateFlags, ...sizeFlags, ...multisubjectFlags}
  static summary = 'Benchmark core publishing: messages per second and bytes per second, per client and in total.'

  async run(): Promise<BenchPubResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    const spec = baseSpec('pub', args.subject, flags, (await this.connectionSettings()).timeoutMs)
    return this.runBench(spec, {csv: flags.csv, progress: flags.progress})
  }
}

import * as Args from '@oclif/core/args'

import {baseSpec, BenchCommand, benchFlags, rateFlags, sizeFlags} from '../../lib/bench/command.js'
import {type BenchResult} from '../../lib/bench/types.js'
import {validatePublishSubject} from '../../lib/subjects.js'

export type BenchRequestResult = BenchResult

export default class BenchRequest extends BenchCommand<typeof BenchRequest> {
  static aliases = ['bench req']
  static args = {subject: Args.string({description: 'subject of the service', required: true})}
  static description = `Each client sends its share of --msgs requests one after the other and times each round trip (latency percentiles in µs).
Start the service side with \`natsx bench reply\` first.`
  static examples = [
    '<%= config.bin %> bench request bench.svc --msgs 10000',
    '<%= config.bin %> bench request bench.svc --clients 4 --msgs 40000 --json',
  ]
  static flags = {...benchFlags, ...rateFlags, ...sizeFlags}
  static summary = 'Benchmark request/reply: requests per second and round-trip latency percentiles.'

  async run(): Promise<BenchRequestResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    const spec = baseSpec('request', args.subject, flags, (await this.connectionSettings()).timeoutMs)
    return this.runBench(spec, {csv: flags.csv, progress: flags.progress})
  }
}

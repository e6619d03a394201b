import * as Flags from '@oclif/core/flags'

import {baseSpec, BenchCommand, benchFlags, rateFlags} from '../../../lib/bench/command.js'
import {prepareKv} from '../../../lib/bench/setup.js'
import {type BenchResult} from '../../../lib/bench/types.js'
import {intFlag} from '../../../lib/flags.js'
import {validateName} from '../../../lib/subjects.js'

export type BenchKvGetResult = BenchResult

export default class BenchKvGet extends BenchCommand<typeof BenchKvGet> {
  static description =
    'Each client gets its share of --msgs keys k<n> (n counting up, or random below --randomize), as `natsx bench kv put` wrote them; bytes are the value bytes read, and keys without a value are reported in the warnings.'
  static examples = [
    '<%= config.bin %> bench kv get --bucket benchbucket --msgs 10000',
    '<%= config.bin %> bench kv get --clients 2 --randomize 1000 --json',
  ]
  static flags = {
    ...benchFlags,
    ...rateFlags,
    bucket: Flags.string({default: 'benchbucket', description: 'KV bucket'}),
    randomize: intFlag({min: 0})({
      default: 0,
      description: 'use random keys among this many instead of sequential ones',
    }),
  }
  static summary = 'Benchmark KV gets: gets per second and latency percentiles.'

  async run(): Promise<BenchKvGetResult> {
    const {flags} = this
    validateName(flags.bucket, 'bucket')
    const spec = {
      ...baseSpec('kv get', '', flags, (await this.connectionSettings()).timeoutMs),
      bucket: flags.bucket,
      randomize: flags.randomize,
    }
    const [js, jsm] = [await this.js(), await this.jsm()]
    const store = {create: false, maxBytes: -1, purge: false, replicas: 1, storage: 'file' as const}
    return this.runBench(spec, {
      csv: flags.csv,
      prepare: () => prepareKv(js, jsm, spec, store),
      progress: flags.progress,
    })
  }
}

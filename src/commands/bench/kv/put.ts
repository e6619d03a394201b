import * as Flags from '@oclif/core/flags'

import {baseSpec, BenchCommand, benchFlags, rateFlags, sizeFlags, storeFlags} from '../../../lib/bench/command.js'
import {prepareKv} from '../../../lib/bench/setup.js'
import {type BenchResult} from '../../../lib/bench/types.js'
import {intFlag} from '../../../lib/flags.js'
import {validateName} from '../../../lib/subjects.js'

export type BenchKvPutResult = BenchResult

export default class BenchKvPut extends BenchCommand<typeof BenchKvPut> {
  static description =
    'Each client puts its share of --msgs values of --size bytes on keys k<n> (n counting up, or random below --randomize). The bucket is created when missing; --purge empties it first.'
  static examples = [
    '<%= config.bin %> bench kv put --bucket benchbucket --msgs 10000',
    '<%= config.bin %> bench kv put --clients 2 --randomize 1000 --json',
  ]
  static flags = {
    ...benchFlags,
    ...rateFlags,
    ...sizeFlags,
    ...storeFlags,
    history: intFlag({min: 1})({default: 1, description: 'history of a created bucket'}),
    bucket: Flags.string({default: 'benchbucket', description: 'KV bucket'}),
    randomize: intFlag({min: 0})({
      default: 0,
      description: 'use random keys among this many instead of sequential ones',
    }),
  }
  static summary = 'Benchmark KV puts: puts per second and latency percentiles.'

  async run(): Promise<BenchKvPutResult> {
    const {flags} = this
    validateName(flags.bucket, 'bucket')
    const spec = {
      ...baseSpec('kv put', '', flags, (await this.connectionSettings()).timeoutMs),
      bucket: flags.bucket,
      randomize: flags.randomize,
    }
    if (flags.purge) await this.confirm(`purge bucket ${flags.bucket}`, flags.force)
    const [js, jsm] = [await this.js(), await this.jsm()]
    const store = {
      create: true,
      history: flags.history,
      maxBytes: flags.maxbytes,
      purge: flags.purge,
      replicas: flags.replicas,
      storage: flags.storage as 'file' | 'memory',
    }
    return this.runBench(spec, {
      csv: flags.csv,
      prepare: () => prepareKv(js, jsm, spec, store),
      progress: flags.progress,
    })
  }
}

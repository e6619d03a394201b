import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {
  baseSpec,
  BenchCommand,
  benchFlags,
  multisubjectFlags,
  rateFlags,
  sizeFlags,
  storeFlags,
} from '../../../lib/bench/command.js'
import {prepareJsPub} from '../../../lib/bench/setup.js'
import {type BenchResult} from '../../../lib/bench/types.js'
import {intFlag} from '../../../lib/flags.js'
import {validateName, validatePublishSubject} from '../../../lib/subjects.js'

export type BenchJsPubResult = BenchResult

export default class BenchJsPub extends BenchCommand<typeof BenchJsPub> {
  static args = {
    subject: Args.string({description: 'subject to publish to (the stream must capture it)', required: true}),
  }
  static description = `async (the default) keeps up to --batch acknowledgements outstanding and refills the window half at a time; sync waits for each acknowledgement and reports its latency percentiles.
--create makes the stream when it is missing (subjects SUBJECT, or SUBJECT.> with --multisubject); --purge empties it first.`
  static examples = [
    '<%= config.bin %> bench js pub bench.js --create --msgs 100000',
    '<%= config.bin %> bench js pub bench.js --mode sync --msgs 5000 --json',
    '<%= config.bin %> bench js pub bench.js --batch 1000 --dedup --purge --force --storage memory',
  ]
  static flags = {
    ...benchFlags,
    ...rateFlags,
    ...sizeFlags,
    ...multisubjectFlags,
    ...storeFlags,
    batch: intFlag({min: 1})({default: 256, description: 'async: acknowledgements outstanding at most (the window)'}),
    create: Flags.boolean({description: 'create the stream when it does not exist'}),
    dedup: Flags.boolean({description: 'set a unique Nats-Msg-Id on each message (the server checks duplicates)'}),
    mode: Flags.string({
      default: 'async',
      description: 'wait for each acknowledgement (sync) or keep a window of them (async)',
      options: ['async', 'sync'],
    }),
    stream: Flags.string({default: 'benchstream', description: 'stream to publish to'}),
  }
  static summary = 'Benchmark JetStream publishing, synchronous or with a window of outstanding acknowledgements.'

  async run(): Promise<BenchJsPubResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    validateName(flags.stream, 'stream')
    const spec = {
      ...baseSpec('js pub', args.subject, flags, (await this.connectionSettings()).timeoutMs),
      batch: flags.batch,
      dedup: flags.dedup,
      jsPubMode: flags.mode as 'async' | 'sync',
      stream: flags.stream,
    }
    if (flags.purge) await this.confirm(`purge stream ${flags.stream}`, flags.force)
    const jsm = await this.jsm()
    const store = {
      create: flags.create,
      maxBytes: flags.maxbytes,
      purge: flags.purge,
      replicas: flags.replicas,
      storage: flags.storage as 'file' | 'memory',
    }
    return this.runBench(spec, {
      csv: flags.csv,
      prepare: () => prepareJsPub(jsm, spec, store),
      progress: flags.progress,
    })
  }
}

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
import {usageError} from '../../../lib/errors.js'
import {intFlag} from '../../../lib/flags.js'
import {validateName, validatePublishSubject} from '../../../lib/subjects.js'

export type BenchJsPubResult = BenchResult

export default class BenchJsPub extends BenchCommand<typeof BenchJsPub> {
  static args = {
    subject: Args.string({description: 'subject to publish to (the stream must capture it)', required: true}),
  }
  static description = `async (the default) keeps up to --batch acknowledgements outstanding and refills the window half at a time; sync waits for each acknowledgement. Both report the latency percentiles of publish → acknowledgement.
--batch-mode atomic (nats-server 2.12+) publishes atomic batches of --batch-size messages (at most 1000 by the server's default limit), each stored all or nothing and acknowledged once at its commit, with up to --max-outstanding-acks batches awaiting their acknowledgement; the latency is per batch.
--batch-mode fast (nats-server 2.14+) publishes fast batches: the server acknowledges every --batch messages (it grants at most 500) and the client keeps up to --max-outstanding-acks of those acknowledgements outstanding; a batch is committed every --batch-size messages, or once at the end of the run.
The batch modes need a stream that allows them: --create makes it so (allow_atomic or allow_batched); on older servers they are refused (exit 8) before anything is created or sent.
--create makes the stream when it is missing (subjects SUBJECT, or SUBJECT.> with --multisubject; direct gets allowed, for bench js get); --purge empties it first.`
  static examples = [
    '<%= config.bin %> bench js pub bench.js --create --msgs 100000',
    '<%= config.bin %> bench js pub bench.js --mode sync --msgs 5000 --json',
    '<%= config.bin %> bench js pub bench.js --batch 1000 --dedup --purge --force --storage memory',
    '<%= config.bin %> bench js pub bench.atomic --stream ATOMIC --create --batch-mode atomic --batch-size 500',
    '<%= config.bin %> bench js pub bench.fast --stream FAST --create --batch-mode fast --msgs 1000000',
  ]
  static flags = {
    ...benchFlags,
    ...rateFlags,
    ...sizeFlags,
    ...multisubjectFlags,
    ...storeFlags,
    batch: intFlag({min: 1})({
      description: 'async: acknowledgements outstanding at most, the window (default 256); fast: messages per flow acknowledgement asked of the server (default 500)',
    }),
    'batch-mode': Flags.string({
      description: 'publish atomic batches (nats-server 2.12+) or fast batches (2.14+) instead of one acknowledgement per message',
      options: ['atomic', 'fast'],
    }),
    'batch-size': intFlag({min: 1})({
      description: 'with --batch-mode: messages per batch (atomic: default 1000; fast: default one batch for the whole run)',
    }),
    create: Flags.boolean({description: 'create the stream when it does not exist'}),
    dedup: Flags.boolean({description: 'set a unique Nats-Msg-Id on each message (the server checks duplicates)'}),
    'max-outstanding-acks': intFlag({min: 1})({
      default: 2,
      description: 'with --batch-mode: fast: flow acknowledgements outstanding; atomic: batches awaiting their commit acknowledgement',
    }),
    mode: Flags.string({
      default: 'async',
      description: 'wait for each acknowledgement (sync) or keep a window of them (async)',
      options: ['async', 'sync'],
    }),
    stream: Flags.string({default: 'benchstream', description: 'stream to publish to'}),
  }
  static summary = 'Benchmark JetStream publishing: synchronous, a window of acknowledgements, or atomic and fast batches.'

  async run(): Promise<BenchJsPubResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    validateName(flags.stream, 'stream')
    const batchMode = flags['batch-mode'] as 'atomic' | 'fast' | undefined
    if (batchMode && flags.mode === 'sync')
      throw usageError('--batch-mode and --mode sync do not go together', 'leave out --mode sync: a batch is acknowledged at its commit')
    if (!batchMode && flags['batch-size'] !== undefined)
      throw usageError('--batch-size needs --batch-mode', 'add --batch-mode atomic or --batch-mode fast')
    if (batchMode === 'atomic' && flags.batch !== undefined)
      throw usageError('--batch does not apply to --batch-mode atomic', 'set the batch with --batch-size and the batches in flight with --max-outstanding-acks')
    const spec = {
      ...baseSpec('js pub', args.subject, flags, (await this.connectionSettings()).timeoutMs),
      ...(batchMode === 'atomic' ? {} : {batch: flags.batch ?? (batchMode === 'fast' ? 500 : 256)}),
      ...(batchMode
        ? {
            batchMode,
            maxOutstanding: flags['max-outstanding-acks'],
            ...(flags['batch-size'] || batchMode === 'atomic' ? {batchSize: flags['batch-size'] ?? 1000} : {}),
          }
        : {}),
      dedup: flags.dedup,
      jsPubMode: flags.mode as 'async' | 'sync',
      stream: flags.stream,
    }
    // a server without the batch mode is told nothing: no stream created, no message sent
    if (batchMode) {
      const caps = await this.capabilities()
      caps.require(batchMode === 'atomic' ? 'stream-atomic-batch' : 'fast-batch', `--batch-mode ${batchMode} (${batchMode} batch publish)`)
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

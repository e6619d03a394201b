import {Flags} from '@oclif/core'

import {baseSpec, BenchCommand, benchFlags, consumeFlags} from '../../../lib/bench/command.js'
import {cleanupConsume, prepareConsume} from '../../../lib/bench/setup.js'
import {type BenchResult} from '../../../lib/bench/types.js'
import {validateFilterSubject, validateName} from '../../../lib/subjects.js'

export type BenchJsFetchResult = BenchResult

export default class BenchJsFetch extends BenchCommand<typeof BenchJsFetch> {
  static description = `The clients share one durable pull consumer (--consumer, made fresh for the run and deleted after it) and fetch --batch messages at a time until --msgs are read together, at most as many as the stream holds; --acks sets its ack policy.
Fill the stream first with \`natsx bench js pub --create\`.`
  static examples = [
    '<%= config.bin %> bench js fetch --stream benchstream --msgs 100000',
    '<%= config.bin %> bench js fetch --stream benchstream --clients 2 --batch 1000 --json',
  ]
  static flags = {
    ...benchFlags,
    ...consumeFlags,
    acks: Flags.string({
      default: 'explicit',
      description: 'ack policy of the bench consumer: ack each message, none, or every --batch messages (all)',
      options: ['explicit', 'none', 'all'],
    }),
    consumer: Flags.string({
      default: 'natsx-bench',
      description: 'name of the durable consumer the clients share (replaced for the run)',
    }),
  }
  static summary = 'Benchmark consuming a stream with fetch() batches on a durable pull consumer the clients share.'

  async run(): Promise<BenchJsFetchResult> {
    const {flags} = this
    validateName(flags.stream, 'stream')
    if (flags.filter) validateFilterSubject(flags.filter, 'filter subject')
    const spec = {
      ...baseSpec('js fetch', flags.filter ?? '', flags, (await this.connectionSettings()).timeoutMs),
      acks: flags.acks as 'all' | 'explicit' | 'none',
      consumer: flags.consumer,
      batch: flags.batch,
      ...(flags.filter ? {filter: flags.filter} : {}),
      stream: flags.stream,
    }
    validateName(spec.consumer, 'consumer')
    const jsm = await this.jsm()
    return this.runBench(spec, {
      cleanup: () => cleanupConsume(jsm, spec),
      csv: flags.csv,
      prepare: () => prepareConsume(jsm, spec),
      progress: flags.progress,
    })
  }
}

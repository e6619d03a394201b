import {BenchCommand, benchFlags, consumeFlags, sharedConsumerFlags} from '../../../lib/bench/command.js'
import {type BenchResult} from '../../../lib/bench/types.js'

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
    ...sharedConsumerFlags,
  }
  static summary = 'Benchmark consuming a stream with fetch() batches on a durable pull consumer the clients share.'

  async run(): Promise<BenchJsFetchResult> {
    return this.runConsumeBench('js fetch', this.flags)
  }
}

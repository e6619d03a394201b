import {BenchCommand, benchFlags, consumeFlags, sharedConsumerFlags} from '../../../lib/bench/command.js'
import {type BenchResult} from '../../../lib/bench/types.js'

export type BenchJsConsumeResult = BenchResult

export default class BenchJsConsume extends BenchCommand<typeof BenchJsConsume> {
  static description = `The clients share one durable pull consumer (--consumer, made fresh for the run and deleted after it) and read --msgs messages together, at most as many as the stream holds; --acks sets its ack policy.
Fill the stream first with \`natsx bench js pub --create\`.`
  static examples = [
    '<%= config.bin %> bench js consume --stream benchstream --msgs 100000',
    '<%= config.bin %> bench js consume --stream benchstream --clients 2 --batch 1000 --json',
  ]
  static flags = {
    ...benchFlags,
    ...consumeFlags,
    ...sharedConsumerFlags,
  }
  static summary = 'Benchmark consuming a stream with consume() on a durable pull consumer the clients share.'

  async run(): Promise<BenchJsConsumeResult> {
    return this.runConsumeBench('js consume', this.flags)
  }
}

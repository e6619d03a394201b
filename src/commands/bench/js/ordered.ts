import {BenchCommand, benchFlags, consumeFlags} from '../../../lib/bench/command.js'
import {type BenchResult} from '../../../lib/bench/types.js'

export type BenchJsOrderedResult = BenchResult

export default class BenchJsOrdered extends BenchCommand<typeof BenchJsOrdered> {
  static description = `Every client reads the stream with its own ordered consumer from the first message: each reads --msgs messages, at most as many as the stream holds.
Fill the stream first with \`natsx bench js pub --create\`.`
  static examples = [
    '<%= config.bin %> bench js ordered --stream benchstream --msgs 100000',
    '<%= config.bin %> bench js ordered --stream benchstream --clients 2 --batch 1000 --json',
  ]
  static flags = {
    ...benchFlags,
    ...consumeFlags,
  }
  static summary = 'Benchmark reading a stream with ordered consumers, one per client.'

  async run(): Promise<BenchJsOrderedResult> {
    return this.runConsumeBench('js ordered', this.flags)
  }
}

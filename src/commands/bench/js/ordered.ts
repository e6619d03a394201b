import {baseSpec, BenchCommand, benchFlags, consumeFlags} from '../../../lib/bench/command.js'
import {cleanupConsume, prepareConsume} from '../../../lib/bench/setup.js'
import {type BenchResult} from '../../../lib/bench/types.js'
import {validateFilterSubject, validateName} from '../../../lib/subjects.js'

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
    const {flags} = this
    validateName(flags.stream, 'stream')
    if (flags.filter) validateFilterSubject(flags.filter, 'filter subject')
    const spec = {
      ...baseSpec('js ordered', flags.filter ?? '', flags, (await this.connectionSettings()).timeoutMs),
      batch: flags.batch,
      ...(flags.filter ? {filter: flags.filter} : {}),
      stream: flags.stream,
    }

    const jsm = await this.jsm()
    return this.runBench(spec, {
      cleanup: () => cleanupConsume(jsm, spec),
      csv: flags.csv,
      prepare: () => prepareConsume(jsm, spec),
      progress: flags.progress,
    })
  }
}

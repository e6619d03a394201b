import * as Flags from '@oclif/core/flags'

import {baseSpec, BenchCommand, benchFlags, rateFlags} from '../../../lib/bench/command.js'
import {prepareJsGet} from '../../../lib/bench/setup.js'
import {type BenchResult, type BenchSpec} from '../../../lib/bench/types.js'
import {intFlag} from '../../../lib/flags.js'
import {validateName} from '../../../lib/subjects.js'

export type BenchJsGetResult = BenchResult

export default class BenchJsGet extends BenchCommand<typeof BenchJsGet> {
  static description = `Reads the stream's messages in sequence order (each client from its own place, wrapping round at the last) by direct get, which the stream must allow (streams made by \`natsx bench js pub --create\` do).
sync (the default, every server) asks for one message per request and times each; batch (nats-server 2.11+, refused with exit 8 before) asks for --batch messages per request and times each batch, request → end of batch.`
  static examples = [
    '<%= config.bin %> bench js get --stream benchstream --msgs 10000',
    '<%= config.bin %> bench js get --mode batch --batch 1000 --msgs 1000000 --json',
  ]
  static flags = {
    ...benchFlags,
    ...rateFlags,
    batch: intFlag({min: 1})({default: 500, description: 'batch: messages per direct get request'}),
    mode: Flags.string({
      default: 'sync',
      description: 'one message per direct get (sync) or a batch of them (batch, nats-server 2.11+)',
      options: ['sync', 'batch'],
    }),
    stream: Flags.string({default: 'benchstream', description: 'stream to read'}),
  }
  static summary = 'Benchmark direct gets from a stream, one message or a batch per request.'

  async run(): Promise<BenchJsGetResult> {
    const {flags} = this
    validateName(flags.stream, 'stream')
    const jsGetMode = flags.mode as 'batch' | 'sync'
    const spec: BenchSpec = {
      ...baseSpec('js get', '', flags, (await this.connectionSettings()).timeoutMs),
      ...(jsGetMode === 'batch' ? {batch: flags.batch} : {}),
      jsGetMode,
      stream: flags.stream,
    }
    // a server without batched direct gets is asked nothing
    if (jsGetMode === 'batch') (await this.capabilities()).require('direct-get-batch', '--mode batch (batched direct get)')
    const jsm = await this.jsm()
    return this.runBench(spec, {
      csv: flags.csv,
      prepare: () => prepareJsGet(jsm, spec),
      progress: flags.progress,
    })
  }
}

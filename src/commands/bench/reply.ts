import * as Args from '@oclif/core/args'

import {baseSpec, BenchCommand, benchFlags} from '../../lib/bench/command.js'
import {type BenchResult} from '../../lib/bench/types.js'
import {timerFlag} from '../../lib/flags.js'
import {validateFilterSubject} from '../../lib/subjects.js'

export type BenchReplyResult = BenchResult

export default class BenchReply extends BenchCommand<typeof BenchReply> {
  static aliases = ['bench serve']
  static args = {subject: Args.string({description: 'subject to serve', required: true})}
  static description = `The clients join the queue group natsx-bench and echo each request back; the run ends once they have answered --msgs requests together, after --duration, or on Ctrl-C.
--sleep simulates work before each answer.`
  static examples = [
    '<%= config.bin %> bench reply bench.svc --msgs 10000',
    '<%= config.bin %> bench reply bench.svc --clients 2 --sleep 1ms',
  ]
  static flags = {
    ...benchFlags,
    sleep: timerFlag({description: 'wait this long before answering each request (simulated work)'}),
  }
  static summary = 'Benchmark the service side of request/reply: requests answered per second.'

  async run(): Promise<BenchReplyResult> {
    const {args, flags} = this
    validateFilterSubject(args.subject)
    const spec = {
      ...baseSpec('reply', args.subject, flags, (await this.connectionSettings()).timeoutMs),
      ...(flags.sleep ? {sleepMs: flags.sleep} : {}),
    }
    return this.runBench(spec, {csv: flags.csv, progress: flags.progress})
  }
}

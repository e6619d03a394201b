import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type CounterValue, listCounters} from '../../lib/counters/counters.js'
import {renderTable} from '../../lib/format/table.js'
import {validateFilterSubject, validateName} from '../../lib/subjects.js'

export interface CounterLsResult {
  counters: CounterValue[]
  stream: string
}

export default class CounterLs extends BaseCommand<typeof CounterLs> {
  static aliases = ['counter:list']
  static args = {
    stream: Args.string({description: 'a stream made with allow_msg_counter', required: true}),
  }
  static description = 'Every subject of the counter stream (or those under --filter) with its total, sorted by subject. A stream that does not keep counters is exit 2.'
  static examples = ['<%= config.bin %> counter ls COUNTERS', '<%= config.bin %> counter ls COUNTERS --filter "orders.>" --json']
  static flags = {
    filter: Flags.string({default: '>', description: 'only subjects that match this filter'}),
  }
  static summary = 'List the counters of a stream with their totals (2.12+).'

  async run(): Promise<CounterLsResult> {
    validateName(this.args.stream, 'stream')
    validateFilterSubject(this.flags.filter, 'filter subject')
    ;(await this.capabilities()).require('stream-counters', 'counters')
    const counters = await listCounters(await this.jsm(), this.args.stream, this.flags.filter)
    if (counters.length === 0) this.say(`Stream ${this.args.stream} has no counters${this.flags.filter === '>' ? '' : ` under ${this.flags.filter}`}`)
    else {
      this.say(`Counters in ${this.args.stream} (${counters.length})\n`)
      this.say(renderTable(['Subject', 'Value', 'Sequence'], counters.map((c) => [c.subject, c.value, String(c.seq)]), {align: ['left', 'right', 'right']}))
    }

    return {counters, stream: this.args.stream}
  }
}

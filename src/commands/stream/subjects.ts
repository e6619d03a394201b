import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {formatCount} from '../../lib/format/size.js'
import {renderTable} from '../../lib/format/table.js'
import {requireStream, streamSubjects} from '../../lib/streams/ops.js'
import {validateFilterSubject, validateName} from '../../lib/subjects.js'

export interface StreamSubjectsResult {
  stream: string
  subjects: Record<string, number>
}

export default class StreamSubjects extends BaseCommand<typeof StreamSubjects> {
  static aliases = ['str subjects', 'stream subj', 'str subj']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    filter: Args.string({description: 'only subjects matching this filter', default: '>'}),
  }
  static examples = [
    '<%= config.bin %> stream subjects ORDERS',
    '<%= config.bin %> stream subjects ORDERS "orders.eu.>" --json',
  ]
  static summary = 'Count the messages per subject in a stream.'

  async run(): Promise<StreamSubjectsResult> {
    const {args} = this
    validateName(args.name, 'stream')
    validateFilterSubject(args.filter, 'filter')
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    const subjects = await streamSubjects(jsm, args.name, args.filter)
    const rows = Object.entries(subjects).sort(([a], [b]) => a.localeCompare(b))
    this.say(
      rows.length === 0
        ? `No subjects in stream ${args.name}`
        : renderTable(
            ['Subject', 'Messages'],
            rows.map(([s, n]) => [s, formatCount(n)]),
            {align: ['left', 'right'], title: `${rows.length} subjects in stream ${args.name}`},
          ),
    )
    return {stream: args.name, subjects}
  }
}

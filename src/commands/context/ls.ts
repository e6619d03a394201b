import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type ContextSummary, summarizeContexts} from '../../lib/context-ops.js'
import {renderTable} from '../../lib/format/table.js'

export default class ContextLs extends BaseCommand<typeof ContextLs> {
  static aliases = ['context list']
  static description = '--json prints a list of {"name","url","description","selected"}; [] when there are none.'
  static examples = ['<%= config.bin %> context ls', '<%= config.bin %> context ls --names', '<%= config.bin %> context ls --json']
  static flags = {names: Flags.boolean({char: 'n', description: 'print only the names, one a line (the selected one without its *)'})}
  static summary = 'List the saved contexts; * marks the selected one.'

  async run(): Promise<ContextSummary[]> {
    const list = await summarizeContexts()
    if (this.flags.names) for (const c of list) this.say(c.name)
    else if (list.length === 0) this.say('No contexts defined; add one with `natsx context add NAME --server URL`')
    else this.say(renderTable(['Name', 'URL', 'Description'], list.map((c) => [`${c.name}${c.selected ? '*' : ''}`, c.url, c.description]), {title: 'Contexts'}))
    return list
  }
}

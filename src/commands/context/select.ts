import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {selectContext} from '../../lib/context.js'

export default class ContextSelect extends BaseCommand<typeof ContextSelect> {
  static aliases = ['context switch', 'context set']
  static args = {name: Args.string({description: 'context to select', required: true})}
  static examples = ['<%= config.bin %> context select prod']
  static summary = 'Select the context used when no --context is given.'

  async run(): Promise<{selected: string}> {
    await selectContext(this.args.name)
    this.say(`Selected context "${this.args.name}"`)
    return {selected: this.args.name}
  }
}

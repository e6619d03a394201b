import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {previousContext, selectContext} from '../../lib/context-store.js'

export interface ContextSelectResult {
  /** the context selected before, now the one `context previous` goes back to */
  previous: null | string
  selected: string
}

export default class ContextSelect extends BaseCommand<typeof ContextSelect> {
  static aliases = ['context switch', 'context set']
  static args = {name: Args.string({description: 'context to select', required: true})}
  static description = 'The context selected until now becomes the previous one (`context previous` goes back to it), in the file natscli uses.'
  static examples = ['<%= config.bin %> context select prod']
  static summary = 'Select the context used when no --context is given.'

  async run(): Promise<ContextSelectResult> {
    await selectContext(this.args.name)
    this.say(`Selected context "${this.args.name}"`)
    return {previous: (await previousContext(undefined, this.args.name)) ?? null, selected: this.args.name}
  }
}

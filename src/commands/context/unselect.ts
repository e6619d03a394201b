import {BaseCommand} from '../../lib/base-command.js'
import {unselectContext} from '../../lib/context-store.js'

export interface ContextUnselectResult {
  /** the context that was selected (now the previous one), or null when none was */
  unselected: null | string
}

export default class ContextUnselect extends BaseCommand<typeof ContextUnselect> {
  static description = 'Commands then connect with flags, environment variables and defaults only. The context that was selected becomes the previous one.'
  static examples = ['<%= config.bin %> context unselect']
  static summary = 'Select no context.'

  async run(): Promise<ContextUnselectResult> {
    const name = await unselectContext()
    this.say(name ? `No context selected (was "${name}")` : 'No context was selected')
    return {unselected: name ?? null}
  }
}

import type {ContextSelectResult} from './select.js'

import {BaseCommand} from '../../lib/base-command.js'
import {previousContext, selectContext, selectedContext} from '../../lib/context-store.js'
import {notFound} from '../../lib/errors.js'

export default class ContextPrevious extends BaseCommand<typeof ContextPrevious> {
  static description = 'Swaps the selected and the previous context, so running it twice comes back. natscli keeps the previous one in the same file (`nats context previous`).'
  static examples = ['<%= config.bin %> context select staging && <%= config.bin %> context previous']
  static summary = 'Select the context that was selected before.'

  async run(): Promise<ContextSelectResult> {
    const name = await previousContext(undefined, await selectedContext())
    if (!name) throw notFound('no context was selected before', 'select one with `natsx context select NAME`')
    await selectContext(name)
    this.say(`Selected context "${name}"`)
    return {previous: (await previousContext(undefined, name)) ?? null, selected: name}
  }
}

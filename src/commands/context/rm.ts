import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {loadContext, removeContext, selectedContext} from '../../lib/context-store.js'
import {usageError} from '../../lib/errors.js'
import {forceFlag} from '../../lib/flags.js'

export default class ContextRm extends BaseCommand<typeof ContextRm> {
  static aliases = ['context remove', 'context delete']
  static args = {name: Args.string({description: 'context to remove', required: true})}
  static description = 'The selected context is removed only with --force.'
  static examples = ['<%= config.bin %> context rm old --force']
  static flags = {force: forceFlag}
  static summary = 'Remove a context.'

  async run(): Promise<{removed: string}> {
    const {args, flags} = this
    await loadContext(args.name)
    if ((await selectedContext()) === args.name && !flags.force) {
      throw usageError(`context "${args.name}" is selected`, 'select another first, or pass --force')
    }

    await this.confirm(`Remove context "${args.name}"`, flags.force)
    await removeContext(args.name)
    this.say(`Removed context "${args.name}"`)
    return {removed: args.name}
  }
}

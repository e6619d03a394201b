import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import type {ContextAddResult} from './add.js'

import {BaseCommand} from '../../lib/base-command.js'
import {applyFlags} from '../../lib/context-ops.js'
import {contextExists, loadContext, maskContext, saveContext, selectContext, validateContextName} from '../../lib/context-store.js'
import {conflict} from '../../lib/errors.js'

export default class ContextCopy extends BaseCommand<typeof ContextCopy> {
  static aliases = ['context cp']
  static args = {
    source: Args.string({description: 'context to copy', required: true}),
    name: Args.string({description: 'name of the new context', required: true}),
  }
  static description = 'The connection flags given (--server, --user, --creds, …) change the copy, as with `context add`. A NAME that exists already is exit 4: change it with `context edit`.'
  static examples = ['<%= config.bin %> context copy prod prod-admin --creds ~/.nkeys/admin.creds', '<%= config.bin %> context cp local local-tls --server tls://127.0.0.1:4222 --tlsca ca.pem --select']
  static flags = {
    description: Flags.string({description: 'a description of the new context'}),
    select: Flags.boolean({description: 'select the new context'}),
  }
  static summary = 'Copy a context under a new name, changing what the flags say.'

  async run(): Promise<ContextAddResult> {
    const {args, flags} = this
    validateContextName(args.name)
    const source = await loadContext(args.source)
    if (await contextExists(args.name)) throw conflict(`context "${args.name}" already exists`, `choose another name, or change it with \`natsx context edit ${args.name}\``)
    const ctx = applyFlags(source, flags)
    const file = await saveContext(args.name, ctx)
    if (flags.select) await selectContext(args.name)
    this.say(`Copied context "${args.source}" to "${args.name}" in ${file}${flags.select ? ' and selected it' : ''}`)
    return {context: maskContext(ctx), created: true, file, name: args.name, selected: Boolean(flags.select)}
  }
}

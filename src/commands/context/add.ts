import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {applyFlags} from '../../lib/context-ops.js'
import {contextExists, emptyContext, loadContext, maskContext, type NatsContext, saveContext, selectContext, validateContextName} from '../../lib/context-store.js'

export interface ContextAddResult {
  context: NatsContext
  created: boolean
  file: string
  name: string
  selected: boolean
}

export default class ContextAdd extends BaseCommand<typeof ContextAdd> {
  static aliases = ['context create', 'context save']
  static args = {name: Args.string({description: 'context name', required: true})}
  static description = 'Takes the connection flags (--server, --user, --password, --token, --creds, --nkey, --tlscert, --tlskey, --tlsca, --tlsfirst, --js-domain). An existing context is updated with the flags given. The file is written in natscli\'s layout with mode 0600, so `nats` reads it too.'
  static examples = [
    '<%= config.bin %> context add local --server nats://127.0.0.1:4222 --description "my laptop" --select',
    '<%= config.bin %> context add prod --server tls://nats.example.com:4222 --creds ~/.nkeys/prod.creds',
  ]
  static flags = {
    description: Flags.string({description: 'a description of the context'}),
    select: Flags.boolean({description: 'select the context after saving it'}),
  }
  static summary = 'Create or update a connection context.'

  async run(): Promise<ContextAddResult> {
    const {args, flags} = this
    validateContextName(args.name)
    const exists = await contextExists(args.name)
    const base = exists ? await loadContext(args.name) : emptyContext()
    const ctx = applyFlags(base, flags)
    const file = await saveContext(args.name, ctx)
    if (flags.select) await selectContext(args.name)
    this.say(`${exists ? 'Updated' : 'Created'} context "${args.name}" in ${file}${flags.select ? ' and selected it' : ''}`)
    return {context: maskContext(ctx), created: !exists, file, name: args.name, selected: Boolean(flags.select)}
  }
}

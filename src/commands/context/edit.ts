import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {spawnSync} from 'node:child_process'

import {BaseCommand} from '../../lib/base-command.js'
import {applyFlags} from '../../lib/context-ops.js'
import {loadContext, maskContext, type NatsContext, saveContext} from '../../lib/context-store.js'
import {usageError} from '../../lib/errors.js'

const CONNECTION_KEYS = ['server', 'user', 'password', 'token', 'creds', 'nkey', 'tlscert', 'tlskey', 'tlsca', 'tlsfirst', 'js-domain', 'js-api-prefix', 'inbox-prefix'] as const

export default class ContextEdit extends BaseCommand<typeof ContextEdit> {
  static args = {name: Args.string({description: 'context to edit', required: true})}
  static description = 'With connection flags the given fields are changed. Without flags the file opens in $EDITOR (a terminal is needed).'
  static examples = ['<%= config.bin %> context edit prod --server tls://nats2.example.com:4222', '<%= config.bin %> context edit prod']
  static flags = {description: Flags.string({description: 'a description of the context'})}
  static summary = 'Change a context.'

  async run(): Promise<{context: NatsContext; name: string}> {
    const {args, flags} = this
    const ctx = await loadContext(args.name)
    const given = CONNECTION_KEYS.some((k) => (flags as Record<string, unknown>)[k] !== undefined) || flags.description !== undefined
    if (given) {
      const next = applyFlags(ctx, flags)
      await saveContext(args.name, next)
      this.say(`Updated context "${args.name}"`)
      return {context: maskContext(next), name: args.name}
    }

    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw usageError('no fields to change and no terminal for an editor', 'pass flags such as --server or --user')
    }

    const editor = process.env.VISUAL ?? process.env.EDITOR ?? 'vi'
    const {configRoot} = await import('../../lib/context-store.js')
    const file = `${configRoot()}/context/${args.name}.json`
    const res = spawnSync(editor, [file], {stdio: 'inherit'})
    if (res.status !== 0) throw usageError(`the editor ${editor} exited with ${res.status}`)
    const edited = await loadContext(args.name)
    await saveContext(args.name, edited)
    return {context: maskContext(edited), name: args.name}
  }
}

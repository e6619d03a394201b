import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {contextInfo, type ContextInfo, validateContext} from '../../lib/context-ops.js'
import {selectedContext} from '../../lib/context-store.js'
import {usageError} from '../../lib/errors.js'
import {renderColumns} from '../../lib/format/table.js'

export type ContextInfoResult = ContextInfo & {connected?: {server: string; version: string}}

export default class ContextInfoCmd extends BaseCommand<typeof ContextInfoCmd> {
  static aliases = ['context show']
  static args = {name: Args.string({description: 'context name; the selected one when omitted'})}
  static description = 'Passwords, tokens and seeds are shown masked.'
  static examples = ['<%= config.bin %> context info', '<%= config.bin %> context info prod --connect --json']
  static flags = {connect: Flags.boolean({description: 'also test that the context connects'})}
  static summary = 'Show a context.'

  async run(): Promise<ContextInfoResult> {
    const name = this.args.name ?? (await selectedContext())
    if (!name) throw usageError('no context is selected', 'pass a NAME or select one with `natsx context select`')
    const info: ContextInfoResult = await contextInfo(name)
    if (this.flags.connect) {
      const v = await validateContext(name, true)
      if (!v.ok) {
        const {connectionError} = await import('../../lib/errors.js')
        throw connectionError(`context "${name}" does not connect: ${v.problems.join('; ')}`)
      }

      info.connected = v.connected
    }

    const c = info.context
    this.say(`Context "${name}"${info.selected ? ' (selected)' : ''}\n`)
    this.say(
      renderColumns(
        (Object.entries(c) as Array<[string, boolean | string]>)
          .filter(([, v]) => v !== '' && v !== false)
          .map(([k, v]): [string, string] => [k, String(v)]),
      ),
    )
    if (info.connected) this.say(`\nConnected to ${info.connected.server} (nats-server ${info.connected.version})`)
    return info
  }
}

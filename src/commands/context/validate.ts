import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {validateContext, type ValidationResult} from '../../lib/context-ops.js'
import {listContexts} from '../../lib/context-store.js'
import {type ExitCodeValue, NatsxError, usageError} from '../../lib/errors.js'

export default class ContextValidate extends BaseCommand<typeof ContextValidate> {
  static args = {name: Args.string({description: 'context to check; all when omitted'})}
  static description = 'Checks the URL and that every file the context names exists; --connect also connects. Exits 2 when a context has problems (6 or 7 when it does not connect).'
  static examples = ['<%= config.bin %> context validate', '<%= config.bin %> context validate prod --connect']
  static flags = {connect: Flags.boolean({description: 'also test each connection'})}
  static summary = 'Check contexts for problems.'

  async run(): Promise<ValidationResult[]> {
    const names = this.args.name ? [this.args.name] : await listContexts()
    const results: ValidationResult[] = []
    for (const name of names) results.push(await validateContext(name, this.flags.connect))
    for (const r of results) this.say(`${r.ok ? 'OK  ' : 'FAIL'} ${r.name}${r.connected ? ` (connected to ${r.connected.server}, ${r.connected.version})` : ''}${r.problems.length > 0 ? `: ${r.problems.join('; ')}` : ''}`)
    const bad = results.filter((r) => !r.ok)
    if (bad.length > 0) {
      if (this.jsonEnabled()) this.logJson(results)
      const message = `${bad.length} context${bad.length === 1 ? ' has' : 's have'} problems: ${bad.map((b) => b.name).join(', ')}`
      const code = bad.find((b) => b.connect_error_code)?.connect_error_code
      if (code) throw new NatsxError(code as ExitCodeValue, message, {details: results, hint: 'check the server and credentials'})
      throw usageError(message, 'fix them with `natsx context edit`', results)
    }

    return results
  }
}

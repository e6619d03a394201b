import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type ConsumerUnpinResult, unpinConsumer} from '../../lib/consumers/admin.js'
import {forceFlag} from '../../lib/flags.js'
import {validateName} from '../../lib/subjects.js'

export type {ConsumerUnpinResult} from '../../lib/consumers/admin.js'

export default class ConsumerUnpin extends BaseCommand<typeof ConsumerUnpin> {
  static aliases = ['con unpin']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `The client pinned to a pinned-client priority group loses its pin; the next pull on the group (\`consumer next --group\`) is pinned instead. Needs nats-server 2.11+ (exit 8 before, nothing sent).
Asks for confirmation; --force skips it (needed without a terminal).
--json: {stream, consumer, group, unpinned, previous_pinned_client_id (when a client was pinned)}.`
  static examples = ['<%= config.bin %> consumer unpin ORDERS worker --group jobs --force', '<%= config.bin %> consumer unpin ORDERS worker --group jobs --force --json']
  static flags = {
    force: forceFlag,
    group: Flags.string({description: 'the priority group to unpin', required: true}),
  }
  static summary = 'Unpin the pinned client of a priority group (nats-server 2.11+).'

  async run(): Promise<ConsumerUnpinResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const res = await unpinConsumer(await this.jsm(), await this.capabilities(), args.stream, args.name, flags.group, () =>
      this.confirm(`Unpin group ${flags.group} of consumer ${args.name} on stream ${args.stream}`, flags.force),
    )
    this.say(
      res.previous_pinned_client_id
        ? `Group ${res.group} of consumer ${args.stream} > ${args.name}: client ${res.previous_pinned_client_id} unpinned`
        : `Group ${res.group} of consumer ${args.stream} > ${args.name}: unpinned (no client was pinned)`,
    )
    return res
  }
}

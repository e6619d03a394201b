import type {ConsumerInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {renderConsumerList} from '../../lib/consumers/render.js'
import {usageError} from '../../lib/errors.js'
import {checkConsumerCapabilities, checkConsumerQuery, type ConsumerQuery, findConsumers} from '../../lib/find/consumers.js'
import {compileExpression} from '../../lib/find/expression.js'
import {durationFlag, intFlag} from '../../lib/flags.js'
import {escapeControls} from '../../lib/format/escape.js'
import {validateName} from '../../lib/subjects.js'

/** The full infos of the consumers found, sorted by name; `[]` when none matched. */
export type ConsumerFindResult = ConsumerInfo[]

export default class ConsumerFind extends BaseCommand<typeof ConsumerFind> {
  static aliases = ['consumer query', 'con find']
  static args = {
    stream: Args.string({description: 'the stream whose consumers to search', required: true}),
  }
  static description = `Every selector given must hold; --invert turns each selector into its exact complement (the expression is not inverted).

--expression is a JSONata expression (https://jsonata.org) that must give true or false for each consumer. It sees
"config" (as in \`consumer info --json\`), "state" (the info without its config: delivered, ack_floor,
num_ack_pending, num_redelivered, num_waiting, num_pending, …) and "info" (the whole consumer info); durations are
nanoseconds and times RFC 3339 strings. A field the consumer does not have gives false. For example:
  state.num_ack_pending > 100
  config.ack_policy = "explicit" and state.num_redelivered > 0
  $exists(config.filter_subject) and config.max_deliver = -1
  $millis() - $toMillis(state.delivered.last_active) > 3600000   (no delivery for an hour)`
  static examples = [
    '<%= config.bin %> consumer find ORDERS --pull --idle 1h',
    '<%= config.bin %> consumer find ORDERS --ack-pending 1 --invert --names',
    '<%= config.bin %> consumer find ORDERS --paused --json',
    '<%= config.bin %> consumer find ORDERS --expression \'state.num_redelivered > 0\'',
  ]
  static flags = {
    'ack-pending': intFlag({min: 1})({description: 'consumers with fewer than this many messages waiting for an ack'}),
    'api-level': intFlag({min: 0})({description: 'consumers that need at least this JetStream API level (2.11+ servers)'}),
    bound: Flags.boolean({description: 'push consumers with a subscriber, pull consumers with pulls waiting'}),
    created: durationFlag({description: 'consumers created at least this long ago (e.g. 24h)'}),
    expression: Flags.string({char: 'e', description: 'a JSONata expression over config, state and info that gives true or false (see above)'}),
    idle: durationFlag({description: 'consumers without a delivery for at least this long (e.g. 1h), or never one'}),
    invert: Flags.boolean({description: 'invert each selector (not the expression): --pull finds push consumers'}),
    leader: Flags.string({description: 'consumers whose leader is this server (its exact name)'}),
    names: Flags.boolean({char: 'n', description: 'print only the names, one a line'}),
    paused: Flags.boolean({description: 'paused consumers (2.11+ servers)'}),
    pending: intFlag({min: 1})({description: 'consumers with fewer than this many messages not yet delivered'}),
    pinned: Flags.boolean({description: 'pinned-client consumers with a client pinned in every priority group (2.11+ servers)'}),
    pull: Flags.boolean({description: 'pull consumers'}),
    push: Flags.boolean({description: 'push consumers'}),
    replicas: intFlag({min: 1})({description: 'consumers with at most this many replicas'}),
    waiting: intFlag({min: 1})({description: 'consumers with fewer than this many pulls waiting'}),
  }
  static summary = 'Find the consumers of a stream by kind, backlog, age, placement and an expression.'

  async run(): Promise<ConsumerFindResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    if (flags.leader !== undefined && flags.leader.trim() === '') throw usageError('--leader is empty', 'pass a server name, e.g. --leader n1')
    const query: ConsumerQuery = {
      ackPending: flags['ack-pending'],
      apiLevel: flags['api-level'],
      bound: flags.bound,
      created: flags.created,
      idle: flags.idle,
      invert: flags.invert,
      leader: flags.leader,
      paused: flags.paused,
      pending: flags.pending,
      pinned: flags.pinned,
      pull: flags.pull,
      push: flags.push,
      replicas: flags.replicas,
      waiting: flags.waiting,
    }
    checkConsumerQuery(query)
    if (flags.expression !== undefined) query.expression = await compileExpression(flags.expression)
    if (query.paused || query.pinned || query.apiLevel !== undefined) checkConsumerCapabilities(query, await this.capabilities())
    const found = await findConsumers(await this.jsm(), args.stream, query)
    if (flags.names) this.say(found.map((c) => escapeControls(c.name)).join('\n'))
    else this.say(found.length === 0 ? `No consumers of stream ${args.stream} matched` : renderConsumerList(args.stream, found))
    return found
  }
}

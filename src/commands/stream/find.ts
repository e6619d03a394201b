import type {StreamInfo} from '@nats-io/jetstream'

import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {compileExpression} from '../../lib/find/expression.js'
import {parseRegex} from '../../lib/find/select.js'
import {checkStreamQuery, findStreams, type StreamQuery} from '../../lib/find/streams.js'
import {durationFlag, intFlag} from '../../lib/flags.js'
import {escapeControls} from '../../lib/format/escape.js'
import {renderStreamList} from '../../lib/streams/render.js'
import {validateFilterSubject} from '../../lib/subjects.js'

/** The full infos of the streams found, sorted by name; `[]` when none matched. */
export type StreamFindResult = StreamInfo[]

export default class StreamFind extends BaseCommand<typeof StreamFind> {
  static aliases = ['stream query', 'str find']
  static description = `Every selector given must hold; --invert turns each selector into its exact complement (the expression is not inverted).

--expression is a JSONata expression (https://jsonata.org) that must give true or false for each stream. It sees
"config" and "state" (as in \`stream info --json\`) and "info" (the whole stream info); durations are nanoseconds
and times RFC 3339 strings. A field the stream does not have gives false. For example:
  state.messages > 1000 and config.storage = "memory"
  config.max_age = 0 and config.max_bytes = -1          (no age or size limit)
  state.num_deleted > 0                                  (has gaps: see \`stream gaps\`)
  $count(config.subjects) > 1
  $millis() - $toMillis(state.last_ts) > 3600000         (no message for an hour)`
  static examples = [
    '<%= config.bin %> stream find --empty',
    '<%= config.bin %> stream find --idle 24h --names',
    '<%= config.bin %> stream find --replicas 1 --invert',
    '<%= config.bin %> stream find --server-name "^n[12]$" --json',
    '<%= config.bin %> stream find --expression \'state.messages > 1000 and config.storage = "memory"\'',
  ]
  static flags = {
    all: Flags.boolean({char: 'a', description: 'include internal KV_ and OBJ_ streams'}),
    'api-level': intFlag({min: 0})({description: 'streams that need at least this JetStream API level (2.11+ servers)'}),
    cluster: Flags.string({description: 'streams in a cluster whose name matches this regular expression'}),
    consumers: intFlag({min: 0})({description: 'streams with at most this many consumers'}),
    created: durationFlag({description: 'streams created at least this long ago (e.g. 24h)'}),
    empty: Flags.boolean({description: 'streams without messages'}),
    expression: Flags.string({char: 'e', description: 'a JSONata expression over config, state and info that gives true or false (see above)'}),
    idle: durationFlag({description: 'streams without a new message for at least this long (e.g. 1h), or never one'}),
    invert: Flags.boolean({description: 'invert each selector (not the expression): --empty finds streams with messages'}),
    leader: Flags.string({description: 'streams whose leader is this server (its exact name)'}),
    mirrored: Flags.boolean({description: 'streams that mirror another'}),
    names: Flags.boolean({char: 'n', description: 'print only the names, one a line'}),
    replicas: intFlag({min: 1})({description: 'streams with at most this many replicas'}),
    'server-name': Flags.string({description: 'streams with a replica (leader or follower) on a server whose name matches this regular expression'}),
    sourced: Flags.boolean({description: 'streams that take messages from sources'}),
    subject: Flags.string({description: 'streams with a subject that overlaps this one (wildcards allowed)'}),
  }
  static summary = 'Find streams by state, age, placement and an expression.'

  async run(): Promise<StreamFindResult> {
    const {flags} = this
    if (flags.subject !== undefined) validateFilterSubject(flags.subject)
    if (flags.leader !== undefined && flags.leader.trim() === '') throw usageError('--leader is empty', 'pass a server name, e.g. --leader n1')
    const query: StreamQuery = {
      all: flags.all,
      apiLevel: flags['api-level'],
      cluster: flags.cluster === undefined ? undefined : parseRegex(flags.cluster, 'cluster'),
      consumers: flags.consumers,
      created: flags.created,
      empty: flags.empty,
      expression: flags.expression === undefined ? undefined : await compileExpression(flags.expression),
      idle: flags.idle,
      invert: flags.invert,
      leader: flags.leader,
      mirrored: flags.mirrored,
      replicas: flags.replicas,
      serverName: flags['server-name'] === undefined ? undefined : parseRegex(flags['server-name'], 'server-name'),
      sourced: flags.sourced,
      subject: flags.subject,
    }
    if (query.apiLevel !== undefined) checkStreamQuery(query, await this.capabilities())
    const found = await findStreams(await this.jsm(), query)
    if (flags.names) this.say(found.map((s) => escapeControls(s.config.name)).join('\n'))
    else this.say(found.length === 0 ? 'No streams matched' : renderStreamList(found))
    return found
  }
}

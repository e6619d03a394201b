import type {StreamInfo} from '@nats-io/jetstream'

import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {escapeControls} from '../../lib/format/escape.js'
import {listStreams} from '../../lib/streams/ops.js'
import {renderStreamList} from '../../lib/streams/render.js'
import {validateFilterSubject} from '../../lib/subjects.js'

/** Full stream infos, sorted by name; `[]` when there are none. */
export type StreamLsResult = StreamInfo[]

export default class StreamLs extends BaseCommand<typeof StreamLs> {
  static aliases = ['stream list', 'str ls', 'str list']
  static examples = [
    '<%= config.bin %> stream ls',
    '<%= config.bin %> stream ls --subject "orders.>" --json',
    '<%= config.bin %> stream ls --all --names',
  ]
  static flags = {
    all: Flags.boolean({char: 'a', description: 'include internal KV_ and OBJ_ streams'}),
    names: Flags.boolean({char: 'n', description: 'print only the names, one a line'}),
    subject: Flags.string({description: 'only streams that listen on this subject'}),
  }
  static summary = 'List streams: name, subjects, messages, bytes, consumers, last message age.'

  async run(): Promise<StreamLsResult> {
    const {flags} = this
    if (flags.subject) validateFilterSubject(flags.subject)
    const list = await listStreams(await this.jsm(), {all: flags.all, subject: flags.subject})
    this.say(flags.names ? list.map((s) => escapeControls(s.config.name)).join('\n') : renderStreamList(list))
    return list
  }
}

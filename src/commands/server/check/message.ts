import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {messageObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {toNatsxError, usageError} from '../../../lib/errors.js'
import {durationFlag} from '../../../lib/flags.js'
import {requireStream} from '../../../lib/streams/ops.js'
import {validateName, validatePublishSubject} from '../../../lib/subjects.js'

export type MessageCheckResult = ResourceCheckResult

export default class CheckMessage extends ResourceCheckCommand<typeof CheckMessage> {
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    subject: Args.string({description: 'the subject whose last message is checked', required: true}),
  }
  static description = `Reads the last message on a subject and checks its age, and (--content) that its body matches a regular expression. No message on the subject is CRITICAL.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check message HEARTBEATS hb.app1 --age-warn 1m --age-critical 5m --format nagios',
    `<%= config.bin %> server check message STATUS status.db --content '"state":"ok"'`,
  ]
  static flags = {
    'age-critical': durationFlag({description: 'critical when the message is older than this'}),
    'age-warn': durationFlag({description: 'warning when the message is older than this'}),
    content: Flags.string({description: 'critical unless the body matches this regular expression'}),
    format: formatFlag,
  }
  static summary = 'Check the last message on a subject: its age and content, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validatePublishSubject(args.subject)
    let content: RegExp | undefined
    if (flags.content !== undefined) {
      try {
        content = new RegExp(flags.content)
      } catch (error) {
        throw usageError(`--content is not a regular expression: ${(error as Error).message}`, 'write a JavaScript regular expression, e.g. "state":"ok"')
      }
    }

    const jsm = await this.jsm()
    await requireStream(jsm, args.stream)
    let msg: undefined | {data: Uint8Array; seq: number; time: string}
    try {
      const m = await jsm.streams.getMessage(args.stream, {last_by_subj: args.subject})
      if (m) msg = {data: m.data, seq: m.seq, time: m.time.toISOString()}
    } catch (error) {
      if (toNatsxError(error).exitCode !== 3) throw error
    }

    return resourceResult('message', this.target(), messageObservations(msg, args.subject, {age: {crit: flags['age-critical'], warn: flags['age-warn']}, content}, Date.now()))
  }

  protected kind(): 'message' {
    return 'message'
  }

  protected target(): string {
    return `${this.args.stream} ${this.args.subject}`
  }
}

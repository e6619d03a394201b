import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {CHECK_EXIT_CODES, formatFlag, ResourceCheckCommand} from '../../../lib/checks/command.js'
import {kvObservations} from '../../../lib/checks/probes.js'
import {type ResourceCheckResult, resourceResult} from '../../../lib/checks/report.js'
import {toNatsxError, usageError} from '../../../lib/errors.js'
import {intFlag} from '../../../lib/flags.js'
import {bucketInfo} from '../../../lib/kv/store.js'
import {validateName} from '../../../lib/subjects.js'

export type KvCheckResult = ResourceCheckResult

export default class CheckKv extends ResourceCheckCommand<typeof CheckKv> {
  static args = {
    bucket: Args.string({description: 'bucket name', required: true}),
    key: Args.string({description: 'a key that must exist'}),
  }
  static description = `Checks that a bucket exists and how many values it holds (a critical threshold below the warning one means "too few"), and with KEY that the key exists and (--content) that its value matches a regular expression. A missing bucket or key is CRITICAL.
${CHECK_EXIT_CODES}`
  static examples = [
    '<%= config.bin %> server check kv CONFIG --format nagios',
    `<%= config.bin %> server check kv CONFIG feature.flags --content '"enabled":true'`,
    '<%= config.bin %> server check kv SESSIONS --values-warn 100000 --values-critical 500000',
  ]
  static flags = {
    content: Flags.string({description: 'critical unless the value of KEY matches this regular expression'}),
    format: formatFlag,
    'values-critical': intFlag({min: 0})({description: 'critical threshold for the number of values'}),
    'values-warn': intFlag({min: 0})({description: 'warning threshold for the number of values'}),
  }
  static summary = 'Check a KV bucket, and that a key exists or matches, with Nagios exit codes.'

  protected async check(): Promise<ResourceCheckResult> {
    const {args, flags} = this
    validateName(args.bucket, 'bucket')
    if (args.key !== undefined && !/^[-/=.\w]+$/.test(args.key)) throw usageError(`invalid key "${args.key}"`, 'keys are letters, digits and - / _ = .')
    if (flags.content !== undefined && args.key === undefined) throw usageError('--content needs a KEY', 'add the key whose value is matched')
    let content: RegExp | undefined
    try {
      content = flags.content === undefined ? undefined : new RegExp(flags.content)
    } catch (error) {
      throw usageError(`--content is not a regular expression: ${(error as Error).message}`)
    }

    const jsm = await this.jsm()
    const info = await bucketInfo(jsm, args.bucket)
    let entry: undefined | {operation: string; revision: number; value: Uint8Array}
    if (args.key !== undefined) {
      try {
        const m = await jsm.streams.getMessage(info.config.name, {last_by_subj: `$KV.${args.bucket}.${args.key}`})
        if (m) entry = {operation: m.header?.get('KV-Operation') || 'PUT', revision: m.seq, value: m.data}
      } catch (error) {
        if (toNatsxError(error).exitCode !== 3) throw error
      }
    }

    const observations = kvObservations({values: info.state.messages}, entry, {content, key: args.key, values: {crit: flags['values-critical'], warn: flags['values-warn']}})
    return resourceResult('kv', this.target(), observations)
  }

  protected kind(): 'kv' {
    return 'kv'
  }

  protected target(): string {
    return this.args.key === undefined ? this.args.bucket : `${this.args.bucket} ${this.args.key}`
  }
}

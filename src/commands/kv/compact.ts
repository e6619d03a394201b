import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {compactBucket, type CompactResult, openBucket} from '../../lib/kv/store.js'

export type KvCompactResult = CompactResult

export default class KvCompact extends BaseCommand<typeof KvCompact> {
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = 'For every key whose latest entry is a DEL or PURGE marker, the marker and any history behind it are removed. Keys with values are untouched.'
  static examples = ['<%= config.bin %> kv compact CONFIG --force --json']
  static flags = {force: forceFlag}
  static summary = 'Remove the delete markers of deleted keys.'

  async run(): Promise<KvCompactResult> {
    const {bucket} = this.args
    validateBucketName(bucket)
    const js = await this.js()
    const {kv} = await openBucket(js, await this.jsm(), bucket)
    await this.confirm(`Remove all delete markers from bucket "${bucket}"`, this.flags.force)
    const result = await compactBucket(kv, await this.jsm(), bucket).finally(async () => releaseConsumers(js))
    this.say(`Compacted ${bucket}: removed ${result.removed} message${result.removed === 1 ? '' : 's'} of ${result.keys.length} deleted key${result.keys.length === 1 ? '' : 's'}`)
    return result
  }
}

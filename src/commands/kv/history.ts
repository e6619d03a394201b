import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {notFound} from '../../lib/errors.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {renderHistory} from '../../lib/kv/render.js'
import {keyHistory, type KvEntryRecord, openBucket} from '../../lib/kv/store.js'

export interface KvHistoryResult {
  bucket: string
  /** oldest first, including DEL and PURGE markers */
  entries: KvEntryRecord[]
  key: string
}

export default class KvHistory extends BaseCommand<typeof KvHistory> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
  }
  static description = 'As many revisions as the bucket keeps (--history of the bucket), oldest first. A key with no history is exit 3.'
  static examples = ['<%= config.bin %> kv history CONFIG app.mode', '<%= config.bin %> kv history CONFIG app.mode --json']
  static summary = 'Show the revisions of a key.'

  async run(): Promise<KvHistoryResult> {
    const {bucket, key} = this.args
    validateBucketName(bucket)
    validateKey(key)
    const js = await this.js()
    const {kv} = await openBucket(js, await this.jsm(), bucket)
    const entries = await keyHistory(kv, key, bucket).finally(async () => releaseConsumers(js))
    if (entries.length === 0) throw notFound(`key "${key}" not found in bucket "${bucket}"`, 'list keys with `natsx kv keys`')
    this.say(renderHistory(bucket, key, entries))
    return {bucket, entries, key}
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {escapeControls} from '../../lib/format/escape.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {listKeys, openBucket} from '../../lib/kv/store.js'

export interface KvKeysResult {
  bucket: string
  keys: string[]
}

export default class KvKeys extends BaseCommand<typeof KvKeys> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    filter: Args.string({description: 'only keys matching this filter, e.g. "users.*" or "app.>"', ignoreStdin: true}),
  }
  static description = 'Deleted and purged keys are not listed. Keys print one per line, sorted.'
  static examples = ['<%= config.bin %> kv keys CONFIG', '<%= config.bin %> kv keys CONFIG "app.>" --json']
  static summary = 'List the keys of a bucket.'

  async run(): Promise<KvKeysResult> {
    const {bucket, filter} = this.args
    validateBucketName(bucket)
    if (filter !== undefined) validateKey(filter, true)
    const js = await this.js()
    const {kv} = await openBucket(js, await this.jsm(), bucket)
    const keys = await listKeys(kv, filter).finally(async () => releaseConsumers(js))
    for (const k of keys) this.say(escapeControls(k))
    return {bucket, keys}
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {getEntry, openBucket} from '../../lib/kv/store.js'

export interface KvDelResult {
  bucket: string
  key: string
  operation: 'DEL' | 'PURGE'
  /** the revision the key had before */
  previous_revision: number
}

export default class KvDel extends BaseCommand<typeof KvDel> {
  static aliases = ['kv delete']
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
  }
  static description = 'Writes a delete marker; the history stays until the key is purged or the bucket compacted. A missing key is exit 3. To remove a whole bucket use `kv rm`.'
  static examples = ['<%= config.bin %> kv del CONFIG app.mode --force']
  static flags = {force: forceFlag}
  static summary = 'Delete a key.'

  async run(): Promise<KvDelResult> {
    const {bucket, key} = this.args
    validateBucketName(bucket)
    validateKey(key)
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const e = await getEntry(kv, bucket, key)
    await this.confirm(`Delete key "${key}" from bucket "${bucket}"`, this.flags.force)
    await kv.delete(key)
    this.say(`Deleted ${bucket} > ${key}`)
    return {bucket, key, operation: 'DEL', previous_revision: e.revision}
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {openBucket, revertKey, type RevertResult} from '../../lib/kv/store.js'

export type KvRevertResult = RevertResult

export default class KvRevert extends BaseCommand<typeof KvRevert> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
    revision: Args.string({description: 'the revision whose value to restore', ignoreStdin: true, required: true}),
  }
  static description = 'Writes the value of REVISION again as a new revision; the history in between is kept. A revision that is not a value of KEY is exit 3 (missing) or 4 (a delete marker).'
  static examples = ['<%= config.bin %> kv revert CONFIG app.mode 3 --json']
  static summary = 'Restore an earlier value of a key.'

  async run(): Promise<KvRevertResult> {
    const {bucket, key, revision} = this.args
    validateBucketName(bucket)
    validateKey(key)
    if (!/^\d+$/.test(revision) || Number(revision) < 1) throw usageError(`revision "${revision}" is not a positive whole number`)
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const result = await revertKey(kv, bucket, key, Number(revision))
    this.say(`${bucket} > ${key} reverted to the value of revision ${result.reverted_to}; new revision ${result.revision}`)
    return result
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {bucketInfo} from '../../lib/kv/store.js'

export interface KvRmResult {
  bucket: string
  deleted: true
  /** values the bucket held */
  values: number
}

export default class KvRm extends BaseCommand<typeof KvRm> {
  static aliases = ['kv destroy']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = 'Deletes the bucket and all its data. Without a terminal --force is required. A missing bucket is exit 3.'
  static examples = ['<%= config.bin %> kv rm CONFIG --force']
  static flags = {force: forceFlag}
  static summary = 'Delete a Key-Value bucket.'

  async run(): Promise<KvRmResult> {
    const {bucket} = this.args
    validateBucketName(bucket)
    const jsm = await this.jsm()
    const info = await bucketInfo(jsm, bucket)
    await this.confirm(`Delete bucket "${bucket}" and its ${info.state.messages} values`, this.flags.force)
    await jsm.streams.delete(info.config.name)
    this.say(`Deleted bucket ${bucket}`)
    return {bucket, deleted: true, values: info.state.messages}
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {objBucketInfo} from '../../lib/objects/store.js'

export interface ObjectRmResult {
  bucket: string
  deleted: true
  /** bytes the bucket held */
  size: number
}

export default class ObjectRm extends BaseCommand<typeof ObjectRm> {
  static aliases = ['obj rm', 'object destroy']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = 'Deletes the bucket and every object in it. Without a terminal --force is required. A missing bucket is exit 3.'
  static examples = ['<%= config.bin %> object rm SCRATCH --force']
  static flags = {force: forceFlag}
  static summary = 'Delete an Object Store bucket.'

  async run(): Promise<ObjectRmResult> {
    const {bucket} = this.args
    validateBucketName(bucket)
    const jsm = await this.jsm()
    const info = await objBucketInfo(jsm, bucket)
    await this.confirm(`Delete object store bucket "${bucket}" (${info.state.bytes} bytes)`, this.flags.force)
    await jsm.streams.delete(info.config.name)
    this.say(`Deleted bucket ${bucket}`)
    return {bucket, deleted: true, size: info.state.bytes}
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {objBucketSummary, type ObjBucketSummary, openObjectStore} from '../../lib/objects/store.js'

export type ObjectSealResult = ObjBucketSummary

export default class ObjectSeal extends BaseCommand<typeof ObjectSeal> {
  static aliases = ['obj seal']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = 'A sealed bucket can be read but never changed again: no puts, deletes or configuration changes. This cannot be undone.'
  static examples = ['<%= config.bin %> object seal RELEASES --force --json']
  static flags = {force: forceFlag}
  static summary = 'Make a bucket read-only for ever.'

  async run(): Promise<ObjectSealResult> {
    const {bucket} = this.args
    validateBucketName(bucket)
    const {info, os} = await openObjectStore(await this.js(), await this.jsm(), bucket)
    if (!info.config.sealed) {
      await this.confirm(`Seal bucket "${bucket}" (this cannot be undone)`, this.flags.force)
      await os.seal()
    }

    const result = objBucketSummary(await (await this.jsm()).streams.info(`OBJ_${bucket}`))
    this.say(`Bucket ${bucket} is sealed`)
    return result
  }
}

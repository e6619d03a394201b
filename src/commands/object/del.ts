import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {reportSweep, sweepOrphansQuietly} from '../../lib/objects/orphans.js'
import {objectInfo, openObjectStore, refuseSealed} from '../../lib/objects/store.js'

export interface ObjectDelResult {
  bucket: string
  deleted: true
  name: string
  size: number
}

export default class ObjectDel extends BaseCommand<typeof ObjectDel> {
  static aliases = ['obj del', 'object delete']
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    name: Args.string({description: 'name of the object', ignoreStdin: true, required: true}),
  }
  static description = 'Removes the data and leaves a deleted marker, and the chunks of uploads that never finished (saying so on stderr). A missing object is exit 3. To remove a whole bucket use `object rm`.'
  static examples = ['<%= config.bin %> object del BACKUPS db-2024-01.tar.gz --force']
  static flags = {force: forceFlag}
  static summary = 'Delete an object.'

  async run(): Promise<ObjectDelResult> {
    const {bucket, name} = this.args
    validateBucketName(bucket)
    const js = await this.js()
    const jsm = await this.jsm()
    const {info: bucketState, os} = await openObjectStore(js, jsm, bucket)
    refuseSealed(bucketState, bucket)
    const info = await objectInfo(os, bucket, name)
    await this.confirm(`Delete object "${name}" (${info.size} bytes) from bucket "${bucket}"`, this.flags.force)
    await os.delete(name)
    // and the chunks of uploads that never finished (best effort)
    const {timeoutMs} = await this.connectionSettings()
    reportSweep(await sweepOrphansQuietly(jsm, os, bucket, {minAgeMs: timeoutMs}).finally(async () => releaseConsumers(js)), this.jsonEnabled())
    this.say(`Deleted ${bucket} > ${name}`)
    return {bucket, deleted: true, name, size: info.size}
  }
}

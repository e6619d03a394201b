import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {renderObjBuckets, renderObjects} from '../../lib/objects/render.js'
import {listObjBuckets, listObjects, type ObjBucketSummary, type ObjectRecord, openObjectStore} from '../../lib/objects/store.js'

export type ObjectLsResult = ObjBucketSummary[] | ObjectRecord[]

export default class ObjectLs extends BaseCommand<typeof ObjectLs> {
  static aliases = ['obj ls', 'object list']
  static args = {bucket: Args.string({description: 'list the objects of this bucket instead of the buckets', ignoreStdin: true})}
  static examples = ['<%= config.bin %> object ls', '<%= config.bin %> object ls BACKUPS --json']
  static summary = 'List Object Store buckets, or the objects in a bucket (size, chunks, modified, digest).'

  async run(): Promise<ObjectLsResult> {
    const {bucket} = this.args
    if (!bucket) {
      const list = await listObjBuckets(await this.jsm())
      this.say(renderObjBuckets(list))
      return list
    }

    validateBucketName(bucket)
    const js = await this.js()
    const {os} = await openObjectStore(js, await this.jsm(), bucket)
    const list = await listObjects(os).finally(async () => releaseConsumers(js))
    this.say(renderObjects(bucket, list))
    return list
  }
}

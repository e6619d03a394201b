import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {renderObjBucket, renderObjBuckets, renderObject} from '../../lib/objects/render.js'
import {listObjBuckets, listObjects, objBucketSummary, type ObjBucketSummary, objectInfo, objectRecord, type ObjectRecord, openObjectStore} from '../../lib/objects/store.js'

export type ObjectInfoResult = ObjBucketSummary & {objects: number} | ObjBucketSummary[] | ObjectRecord

export default class ObjectInfoCmd extends BaseCommand<typeof ObjectInfoCmd> {
  static aliases = ['obj info', 'object show']
  static args = {
    bucket: Args.string({description: 'name of the bucket; without it, all buckets are listed', ignoreStdin: true}),
    name: Args.string({description: 'name of an object; without it, the bucket is described', ignoreStdin: true}),
  }
  static description = 'With BUCKET and NAME: the object (size, chunks, digest, modified, headers). With BUCKET: the bucket. With neither: the list of buckets (as `object ls`).'
  static examples = ['<%= config.bin %> object info BACKUPS', '<%= config.bin %> object info BACKUPS db.tar.gz --json']
  static summary = 'Describe an Object Store bucket or object.'

  async run(): Promise<ObjectInfoResult> {
    const {bucket, name} = this.args
    if (!bucket) {
      const list = await listObjBuckets(await this.jsm())
      this.say(renderObjBuckets(list))
      return list
    }

    validateBucketName(bucket)
    const {info, os} = await openObjectStore(await this.js(), await this.jsm(), bucket)
    if (name) {
      const rec = objectRecord(await objectInfo(os, bucket, name))
      this.say(renderObject(rec))
      return rec
    }

    const result = {...objBucketSummary(info), objects: (await listObjects(os)).length}
    this.say(renderObjBucket(result))
    return result
  }
}

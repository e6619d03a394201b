import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {reportSweep, sweepOrphansQuietly} from '../../lib/objects/orphans.js'
import {renderObjBuckets, renderObjects} from '../../lib/objects/render.js'
import {listObjBuckets, type ObjBucketSummary, type ObjectRecord, objectRecords, openObjectStore} from '../../lib/objects/store.js'

export type ObjectLsResult = ObjBucketSummary[] | ObjectRecord[]

export default class ObjectLs extends BaseCommand<typeof ObjectLs> {
  static aliases = ['obj ls', 'object list']
  static args = {bucket: Args.string({description: 'list the objects of this bucket instead of the buckets', ignoreStdin: true})}
  static description = 'Listing a bucket also removes the chunks of uploads that never finished (no object refers to them and they are older than --timeout), saying so on stderr.'
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
    const jsm = await this.jsm()
    const {os} = await openObjectStore(js, jsm, bucket)
    const {timeoutMs} = await this.connectionSettings()
    const list = await (async () => {
      const infos = await os.list()
      // chunks of uploads that never finished: removed, and said on stderr (best effort)
      reportSweep(await sweepOrphansQuietly(jsm, os, bucket, {listed: infos, minAgeMs: timeoutMs}), this.jsonEnabled())
      return objectRecords(infos)
    })().finally(async () => releaseConsumers(js))
    this.say(renderObjects(bucket, list))
    return list
  }
}

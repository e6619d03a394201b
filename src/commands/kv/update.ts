import * as Args from '@oclif/core/args'

import type {KvPutResult} from './put.js'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {casError, openBucket} from '../../lib/kv/store.js'

export type KvUpdateResult = KvPutResult & {previous_revision: number}

export default class KvUpdate extends BaseCommand<typeof KvUpdate> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
    value: Args.string({description: 'the new value', ignoreStdin: true, required: true}),
    revision: Args.string({description: 'the revision the key must be at now', ignoreStdin: true, required: true}),
  }
  static description = 'Compare-and-set: the value is written only when the latest revision of the key is REVISION; otherwise exit 4 and nothing changes.'
  static examples = ['<%= config.bin %> kv update CONFIG app.mode maintenance 7 --json']
  static summary = 'Update a key only if it is still at a given revision.'

  async run(): Promise<KvUpdateResult> {
    const {bucket, key, revision, value} = this.args
    validateBucketName(bucket)
    validateKey(key)
    if (!/^\d+$/.test(revision) || Number(revision) < 1) throw usageError(`revision "${revision}" is not a positive whole number`)
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const data = Buffer.from(value)
    const rev = await kv.update(key, data, Number(revision)).catch((error: unknown) => {
      throw casError(error, `key "${key}" is not at revision ${revision}`)
    })
    this.say(`${bucket} > ${key} updated to revision ${rev}`)
    return {bucket, key, length: data.length, previous_revision: Number(revision), revision: rev}
  }
}

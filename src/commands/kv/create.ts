import {Args} from '@oclif/core'

import type {KvPutResult} from './put.js'

import {BaseCommand} from '../../lib/base-command.js'
import {durationFlag} from '../../lib/flags.js'
import {readStdin} from '../../lib/io.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {casError, openBucket} from '../../lib/kv/store.js'

export type KvCreateResult = KvPutResult

export default class KvCreate extends BaseCommand<typeof KvCreate> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
    value: Args.string({description: 'the value; read from stdin when omitted', ignoreStdin: true}),
  }
  static description = 'Succeeds only when the key has no value (never set, deleted or purged); when it has one, exit 4.'
  static examples = ['<%= config.bin %> kv create LOCKS job-42 "$HOSTNAME" --json']
  static flags = {
    ttl: durationFlag({description: 'expire this value after the duration (per-key TTL, nats-server 2.11+)'}),
  }
  static summary = 'Store a value only if the key does not exist.'

  async run(): Promise<KvCreateResult> {
    const {bucket, key, value} = this.args
    validateBucketName(bucket)
    validateKey(key)
    const data = value === undefined ? await readStdin() : Buffer.from(value)
    if (this.flags.ttl !== undefined) (await this.capabilities()).require('kv-per-key-ttl', 'per-key TTL (--ttl)')
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const revision = await kv
      .create(key, data, this.flags.ttl === undefined ? undefined : `${Math.round(this.flags.ttl / 1000)}s`)
      .catch((error: unknown) => {
        throw casError(error, `key "${key}" already exists in bucket "${bucket}"`)
      })
    this.say(`${bucket} > ${key} created at revision ${revision}`)
    return {bucket, key, length: data.length, revision}
  }
}

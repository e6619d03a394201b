import type {KvPutResult} from './put.js'

import {BaseCommand} from '../../lib/base-command.js'
import {valueArgs, valueFlags, valueInput} from '../../lib/kv/flags.js'
import {casError, openBucket, ttlError} from '../../lib/kv/store.js'

export type KvCreateResult = KvPutResult

export default class KvCreate extends BaseCommand<typeof KvCreate> {
  static args = valueArgs
  static description = 'Succeeds only when the key has no value (never set, deleted or purged); when it has one, exit 4.'
  static examples = ['<%= config.bin %> kv create LOCKS job-42 "$HOSTNAME" --json']
  static flags = valueFlags
  static summary = 'Store a value only if the key does not exist.'

  async run(): Promise<KvCreateResult> {
    const {bucket, key} = this.args
    const {data, ttl} = await valueInput(this.args, this.flags.ttl)
    if (this.flags.ttl !== undefined) (await this.capabilities()).require('kv-per-key-ttl', 'per-key TTL (--ttl)')
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const revision = await kv
      .create(key, data, ttl)
      .catch((error: unknown) => {
        throw casError(ttlError(error, bucket), `key "${key}" already exists in bucket "${bucket}"`)
      })
    this.say(`${bucket} > ${key} created at revision ${revision}`)
    return {bucket, key, length: data.length, revision}
  }
}

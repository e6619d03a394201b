import {BaseCommand} from '../../lib/base-command.js'
import {valueArgs, valueFlags, valueInput} from '../../lib/kv/flags.js'
import {openBucket} from '../../lib/kv/store.js'

export interface KvPutResult {
  bucket: string
  key: string
  length: number
  revision: number
}

export default class KvPut extends BaseCommand<typeof KvPut> {
  static args = valueArgs
  static examples = ['<%= config.bin %> kv put CONFIG app.mode production', 'cat settings.json | <%= config.bin %> kv put CONFIG app.settings --json']
  static flags = valueFlags
  static summary = 'Store a value under a key.'

  async run(): Promise<KvPutResult> {
    const {bucket, key} = this.args
    const {data, ttl} = await valueInput(this.args, this.flags.ttl)
    if (this.flags.ttl !== undefined) (await this.capabilities()).require('kv-per-key-ttl', 'per-key TTL (--ttl)')
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const revision = await kv.put(key, data, ttl === undefined ? undefined : ({ttl} as never))
    this.say(`${bucket} > ${key} revision ${revision}`)
    return {bucket, key, length: data.length, revision}
  }
}

import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'
import {durationFlag} from '../../lib/flags.js'
import {readStdin} from '../../lib/io.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {openBucket} from '../../lib/kv/store.js'

export interface KvPutResult {
  bucket: string
  key: string
  length: number
  revision: number
}

export default class KvPut extends BaseCommand<typeof KvPut> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
    value: Args.string({description: 'the value; read from stdin when omitted', ignoreStdin: true}),
  }
  static examples = ['<%= config.bin %> kv put CONFIG app.mode production', 'cat settings.json | <%= config.bin %> kv put CONFIG app.settings --json']
  static flags = {
    ttl: durationFlag({description: 'expire this value after the duration (per-key TTL, nats-server 2.11+)'}),
  }
  static summary = 'Store a value under a key.'

  async run(): Promise<KvPutResult> {
    const {bucket, key, value} = this.args
    validateBucketName(bucket)
    validateKey(key)
    const data = value === undefined ? await readStdin() : Buffer.from(value)
    if (this.flags.ttl !== undefined) (await this.capabilities()).require('kv-per-key-ttl', 'per-key TTL (--ttl)')
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const revision = await kv.put(key, data, this.flags.ttl === undefined ? undefined : ({ttl: `${Math.round(this.flags.ttl / 1000)}s`} as never))
    this.say(`${bucket} > ${key} revision ${revision}`)
    return {bucket, key, length: data.length, revision}
  }
}

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {durationFlag} from '../../lib/flags.js'
import {valueArgs, valueInput} from '../../lib/kv/flags.js'
import {openBucket} from '../../lib/kv/store.js'

export interface KvPutResult {
  bucket: string
  key: string
  length: number
  revision: number
}

export default class KvPut extends BaseCommand<typeof KvPut> {
  static args = valueArgs
  static description = 'A per-key TTL is set only when a key is made (`kv create --ttl`) or purged (`kv purge --ttl`), as the KV design (ADR-48) and natscli have it: --ttl here is refused (exit 2; exit 8 on a server before 2.11).'
  static examples = ['<%= config.bin %> kv put CONFIG app.mode production', 'cat settings.json | <%= config.bin %> kv put CONFIG app.settings --json']
  static flags = {ttl: durationFlag({description: 'refused: use `kv create --ttl` (a TTL is set only when a key is made)'})}
  static summary = 'Store a value under a key.'

  async run(): Promise<KvPutResult> {
    const {bucket, key} = this.args
    const {data} = await valueInput(this.args, this.flags.ttl)
    if (this.flags.ttl !== undefined) {
      // the KV design (ADR-48) allows a per-key TTL only where the key is made or purged, as natscli does
      ;(await this.capabilities()).require('kv-per-key-ttl', 'per-key TTL (--ttl)')
      throw usageError('kv put does not take --ttl: a per-key TTL is set when the key is made', `use \`natsx kv create ${bucket} ${key} --ttl …\` (or \`kv purge --ttl\`)`)
    }

    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const revision = await kv.put(key, data)
    this.say(`${bucket} > ${key} revision ${revision}`)
    return {bucket, key, length: data.length, revision}
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {intFlag} from '../../lib/flags.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {renderEntryHeader} from '../../lib/kv/render.js'
import {entryRecord, getEntry, type KvEntryRecord, openBucket} from '../../lib/kv/store.js'

export type KvGetResult = KvEntryRecord

export default class KvGet extends BaseCommand<typeof KvGet> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
  }
  static description = 'A missing or deleted key is exit 3. With --json the value is UTF-8 text, or base64 with "encoding": "base64".'
  static examples = ['<%= config.bin %> kv get CONFIG app.mode', '<%= config.bin %> kv get CONFIG app.mode --revision 3 --json', '<%= config.bin %> kv get CONFIG app.logo --raw > logo.png']
  static flags = {
    raw: Flags.boolean({description: 'print only the value, byte for byte'}),
    revision: intFlag({min: 1})({description: 'read this revision instead of the latest'}),
  }
  static summary = 'Read the value of a key.'

  async run(): Promise<KvGetResult> {
    const {bucket, key} = this.args
    validateBucketName(bucket)
    validateKey(key)
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const e = await getEntry(kv, bucket, key, this.flags.revision)
    const rec = entryRecord(e, bucket)
    if (this.flags.raw && !this.jsonEnabled()) {
      await new Promise<void>((resolve, reject) => {
        process.stdout.write(e.value, (err) => (err ? reject(err) : resolve()))
      })
    } else {
      this.say(renderEntryHeader(rec))
      this.say('')
      this.say(rec.operation === 'PUT' ? (rec.encoding === 'utf8' ? rec.value : `(${rec.length} bytes of binary data, base64) ${rec.value}`) : `(${rec.operation} marker)`)
    }

    return rec
  }
}

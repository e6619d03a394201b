import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {renderBucketInfo} from '../../lib/kv/render.js'
import {bucketInfo, bucketSummary, type KvBucketSummary} from '../../lib/kv/store.js'

export type KvInfoResult = KvBucketSummary

export default class KvInfo extends BaseCommand<typeof KvInfo> {
  static aliases = ['kv status', 'kv view']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static examples = ['<%= config.bin %> kv info CONFIG', '<%= config.bin %> kv info CONFIG --json']
  static summary = 'Show the configuration and state of a Key-Value bucket.'

  async run(): Promise<KvInfoResult> {
    validateBucketName(this.args.bucket)
    const result = bucketSummary(await bucketInfo(await this.jsm(), this.args.bucket))
    this.say(renderBucketInfo(result))
    return result
  }
}

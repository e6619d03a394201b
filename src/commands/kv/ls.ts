import {BaseCommand} from '../../lib/base-command.js'
import {renderBucketList} from '../../lib/kv/render.js'
import {type KvBucketSummary, listBuckets} from '../../lib/kv/store.js'

export type KvLsResult = KvBucketSummary[]

export default class KvLs extends BaseCommand<typeof KvLs> {
  static aliases = ['kv list']
  static examples = ['<%= config.bin %> kv ls', '<%= config.bin %> kv ls --json']
  static summary = 'List Key-Value buckets with their values, size, history and TTL.'

  async run(): Promise<KvLsResult> {
    const result = await listBuckets(await this.jsm())
    this.say(renderBucketList(result))
    return result
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {conflict, ExitCode, type NatsxError, notFound} from '../../lib/errors.js'
import {checkKvCapabilities, diffConfigs, kvConfigFromFlags, normalizeKvConfig} from '../../lib/kv/config.js'
import {kvConfigFlags, kvMirrorFlags, kvTopologyFlags} from '../../lib/kv/flags.js'
import {renderBucketInfo} from '../../lib/kv/render.js'
import {bucketInfo, bucketSummary, createKvBucket, type KvBucketSummary} from '../../lib/kv/store.js'

export type KvAddResult = KvBucketSummary

export default class KvAdd extends BaseCommand<typeof KvAdd> {
  static aliases = ['kv new']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = `Adding a bucket that exists with the same configuration succeeds; with another configuration it is exit 4 (use \`kv edit\`).
Options a server cannot honour (--compress, --metadata, --source on 2.9; --marker-ttl before 2.11; --cluster, --tags and
--replicas > 1 on a server not in a cluster) are refused with exit 8.
A --mirror bucket is a read-only copy: reads come from it, writes go to the origin bucket. A --source bucket gets the keys of
each source bucket as its own. --republish-destination publishes every stored value again (as a plain message with the
KV headers) to a subject, e.g. for consumers that do not speak KV.
The bucket's stream denies deleting single revisions (deny_delete, as the KV design ADR-8 and the C client have it).`
  static examples = [
    '<%= config.bin %> kv add CONFIG --history 5 --ttl 24h',
    '<%= config.bin %> kv add SESSIONS --storage memory --max-value-size 64KiB --max-bucket-size 1GiB --json',
    '<%= config.bin %> kv add CONFIG_COPY --mirror CONFIG',
    '<%= config.bin %> kv add CONFIG --republish-destination "cfg.>" --republish-headers',
    '<%= config.bin %> kv add SESSIONS --marker-ttl 1h --compress',
  ]
  static flags = {
    ...kvConfigFlags,
    ...kvTopologyFlags,
    ...kvMirrorFlags,
    storage: Flags.string({description: 'where the data is kept', options: ['file', 'memory']}),
  }
  static summary = 'Create a Key-Value bucket.'

  async run(): Promise<KvAddResult> {
    const config = kvConfigFromFlags(this.args.bucket, this.flags)
    checkKvCapabilities(config, await this.capabilities())
    const jsm = await this.jsm()
    for (const o of [...(config.mirror ? [config.mirror] : []), ...(config.sources ?? [])]) {
      if (o.domain) continue
      await bucketInfo(jsm, o.bucket).catch((error: NatsxError) => {
        if (error.exitCode === ExitCode.NOT_FOUND) throw notFound(`bucket "${o.bucket}" (--${config.mirror ? 'mirror' : 'source'}) not found`, 'create it first, or name its domain')
        throw error
      })
    }

    const existing = await bucketInfo(jsm, config.bucket).catch((error: NatsxError) => {
      if (error.exitCode === ExitCode.NOT_FOUND) return
      throw error
    })
    if (existing) {
      const changes = diffConfigs(normalizeKvConfig(existing.config as never), config)
      if (changes.length > 0) {
        throw conflict(`bucket "${config.bucket}" exists with another configuration (${changes.map((c) => c.field).join(', ')})`, 'use `natsx kv edit` to change it', changes)
      }
    } else {
      await createKvBucket(jsm, config)
    }

    const result = bucketSummary(await jsm.streams.info(`KV_${config.bucket}`))
    this.say(renderBucketInfo(result))
    return result
  }
}

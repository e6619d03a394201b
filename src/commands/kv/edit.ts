import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {applyKvChanges, checkKvCapabilities, type ConfigChange, diffConfigs, kvChangesFromFlags, normalizeKvConfig, validateBucketName} from '../../lib/kv/config.js'
import {kvConfigFlags, kvTopologyFlags} from '../../lib/kv/flags.js'
import {renderBucketInfo} from '../../lib/kv/render.js'
import {bucketInfo, bucketSummary, type KvBucketSummary, updateBucketStream} from '../../lib/kv/store.js'

export type KvEditResult = KvBucketSummary & {changes: ConfigChange[]}

export default class KvEdit extends BaseCommand<typeof KvEdit> {
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = `Only the flags given change; the result lists each changed field with its old and new value.
The storage type and the mirror cannot change. --cluster and --tags change only the placement part given;
--republish-destination (with --republish-source, --republish-headers) replaces the republish setting.`
  static examples = [
    '<%= config.bin %> kv edit CONFIG --history 10 --description "app settings"',
    '<%= config.bin %> kv edit CONFIG --ttl 0 --json',
    '<%= config.bin %> kv edit CONFIG --republish-destination "audit.config.>"',
  ]
  static flags = {...kvConfigFlags, ...kvTopologyFlags}
  static summary = 'Change the configuration of a Key-Value bucket.'

  async run(): Promise<KvEditResult> {
    validateBucketName(this.args.bucket)
    const changes = kvChangesFromFlags(this.flags, this.args.bucket)
    if (Object.keys(changes).length === 0) throw usageError('nothing to change', 'pass one of the configuration flags, e.g. --history 5')
    const caps = await this.capabilities()
    checkKvCapabilities(changes, caps)
    const jsm = await this.jsm()
    const before = await bucketInfo(jsm, this.args.bucket)
    if (changes.placement) changes.placement = {...normalizeKvConfig(before.config as never).placement, ...changes.placement}
    const next = applyKvChanges(before.config as never, changes)
    const diff = diffConfigs(normalizeKvConfig(before.config as never), normalizeKvConfig(next))
    const after = diff.length > 0 ? await updateBucketStream(jsm, caps, next) : before
    const result = {...bucketSummary(after), changes: diff}
    this.say(diff.length > 0 ? diff.map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('\n') + '\n' : 'No changes\n')
    this.say(renderBucketInfo(result))
    return result
  }
}

import type {StreamConfig} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {applyKvChanges, bucketEditRefusals, checkKvCapabilities, type ConfigChange, diffConfigs, kvChangesFromFlags, type KvStreamConfigLike, normalizeKvConfig, validateBucketName} from '../../lib/kv/config.js'
import {kvConfigFlags, kvTopologyFlags} from '../../lib/kv/flags.js'
import {renderBucketInfo} from '../../lib/kv/render.js'
import {bucketInfo, bucketSummary, type KvBucketSummary, updateBucketStream} from '../../lib/kv/store.js'

export type KvEditResult = KvBucketSummary & {changes: ConfigChange[]}

export default class KvEdit extends BaseCommand<typeof KvEdit> {
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = `Only the flags given change; the result lists each changed field with its old and new value.
The storage type and the mirror cannot change. --marker-ttl and --deny-delete can be switched on, never off.
Changing republish needs nats-server 2.10 (exit 8 before). --cluster and --tags change only the placement part given;
--republish-destination (with --republish-source, --republish-headers) replaces the republish setting.`
  static examples = [
    '<%= config.bin %> kv edit CONFIG --history 10 --description "app settings"',
    '<%= config.bin %> kv edit CONFIG --ttl 0 --json',
    '<%= config.bin %> kv edit CONFIG --republish-destination "audit.config.>"',
    '<%= config.bin %> kv edit SESSIONS --marker-ttl 30m --compress',
  ]
  static flags = {
    ...kvConfigFlags,
    ...kvTopologyFlags,
    'deny-delete': Flags.boolean({description: 'deny deleting single revisions from the bucket\'s stream (ADR-8; buckets natsx makes have it); cannot be undone'}),
  }
  static summary = 'Change the configuration of a Key-Value bucket.'

  async run(): Promise<KvEditResult> {
    validateBucketName(this.args.bucket)
    const changes = kvChangesFromFlags(this.flags, this.args.bucket)
    if (Object.keys(changes).length === 0 && !this.flags['deny-delete']) throw usageError('nothing to change', 'pass one of the configuration flags, e.g. --history 5')
    const caps = await this.capabilities()
    checkKvCapabilities(changes, caps)
    const jsm = await this.jsm()
    const before = await bucketInfo(jsm, this.args.bucket)
    if (changes.placement) changes.placement = {...normalizeKvConfig(before.config as never).placement, ...changes.placement}
    const next: KvStreamConfigLike = applyKvChanges(before.config as never, changes)
    const diff = diffConfigs(normalizeKvConfig(before.config as never), normalizeKvConfig(next))
    if (this.flags['deny-delete'] && !before.config.deny_delete) {
      next.deny_delete = true
      diff.push({field: 'deny_delete', from: false, to: true})
    }

    const refused = bucketEditRefusals(diff, caps)
    if (refused.length > 0) {
      const r = refused[0]
      if (r.feature) caps.require(r.feature, `changing ${r.field} of an existing bucket`)
      throw usageError(`bucket "${this.args.bucket}": ${r.reason}`, 'make a new bucket with the setting you want, and copy the keys over')
    }

    const after = diff.length > 0 ? await updateBucketStream(jsm, caps, next as StreamConfig) : before
    const result = {...bucketSummary(after), changes: diff}
    this.say(diff.length > 0 ? diff.map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('\n') + '\n' : 'No changes\n')
    this.say(renderBucketInfo(result))
    return result
  }
}

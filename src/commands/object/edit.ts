import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {renderDiff} from '../../lib/config-file.js'
import {ExitCode, NatsxError, usageError} from '../../lib/errors.js'
import {type ConfigChange, validateBucketName} from '../../lib/kv/config.js'
import {checkObjCapabilities, objChangesFromFlags} from '../../lib/objects/config.js'
import {objEditFlags} from '../../lib/objects/flags.js'
import {renderObjBucket} from '../../lib/objects/render.js'
import {editObjBucket, objBucketInfo, objBucketSummary, type ObjBucketSummary} from '../../lib/objects/store.js'

export type ObjectEditResult = ObjBucketSummary & {
  /** false under --dry-run and when nothing differs */
  applied: boolean
  changes: ConfigChange[]
}

export default class ObjectEdit extends BaseCommand<typeof ObjectEdit> {
  static aliases = ['obj edit']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = `Only the flags given change; the result lists each changed field with its old and new value. The storage type cannot change.
--dry-run prints the difference and exits 5 when there is one, 0 when there is none. A sealed bucket cannot change (exit 4).`
  static examples = [
    '<%= config.bin %> object edit BACKUPS --ttl 90d --max-bucket-size 200GiB',
    '<%= config.bin %> object edit ASSETS --description "web assets" --dry-run --json',
    '<%= config.bin %> object edit BACKUPS --compress',
  ]
  static flags = {
    ...objEditFlags,
    'dry-run': Flags.boolean({description: 'show the difference without changing anything (exit 5 when there is one)'}),
  }
  static summary = 'Change the configuration of an Object Store bucket.'

  async run(): Promise<ObjectEditResult> {
    const {bucket} = this.args
    validateBucketName(bucket)
    const changes = objChangesFromFlags(this.flags)
    if (Object.keys(changes).length === 0) throw usageError('nothing to change', 'pass one of the configuration flags, e.g. --description TEXT')
    const caps = await this.capabilities()
    checkObjCapabilities(changes, caps)
    const jsm = await this.jsm()
    const res = await editObjBucket(jsm, await objBucketInfo(jsm, bucket), changes, this.flags['dry-run'], caps)
    const result = {...objBucketSummary(res.info), applied: res.applied, changes: res.changes}
    const diff = renderDiff(res.changes.map((c) => ({current: c.from, desired: c.to, field: c.field})))
    this.say(res.changes.length === 0 ? `Bucket ${bucket}: no differences` : `Bucket ${bucket} ${res.applied ? 'changed' : 'would change'}:\n${diff}`)
    if (this.flags['dry-run'] && res.changes.length > 0) {
      if (this.jsonEnabled()) this.writeLine(JSON.stringify(result, null, 2))
      throw new NatsxError(ExitCode.DRIFT, `bucket "${bucket}" differs in ${res.changes.length} field(s): ${res.changes.map((c) => c.field).join(', ')}`, {
        details: {changes: res.changes},
      })
    }

    if (res.applied) this.say(`\n${renderObjBucket(result)}`)
    return result
  }
}

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {conflict, toNatsxError} from '../../lib/errors.js'
import {diffConfigs} from '../../lib/kv/config.js'
import {checkObjCapabilities, normalizeObjConfig, objConfigFromFlags, objCreateOptions} from '../../lib/objects/config.js'
import {objConfigFlags} from '../../lib/objects/flags.js'
import {renderObjBucket} from '../../lib/objects/render.js'
import {objBucketSummary, type ObjBucketSummary} from '../../lib/objects/store.js'

export type ObjectAddResult = ObjBucketSummary

export default class ObjectAdd extends BaseCommand<typeof ObjectAdd> {
  static aliases = ['obj add']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = 'Adding a bucket that exists with the same configuration succeeds; with another one it is exit 4. --compress and --metadata need nats-server 2.10 (exit 8 before).'
  static examples = ['<%= config.bin %> object add BACKUPS --ttl 30d --max-bucket-size 100GiB', '<%= config.bin %> object add ASSETS --description "web assets" --json']
  static flags = objConfigFlags
  static summary = 'Create an Object Store bucket.'

  async run(): Promise<ObjectAddResult> {
    const config = objConfigFromFlags(this.args.bucket, this.flags)
    checkObjCapabilities(config, await this.capabilities())
    const jsm = await this.jsm()
    const existing = await jsm.streams.info(`OBJ_${config.bucket}`).catch((error: unknown) => {
      if (toNatsxError(error).exitCode === 3) return
      throw error
    })
    if (existing) {
      const changes = diffConfigs(normalizeObjConfig(existing.config as never), config)
      if (changes.length > 0) throw conflict(`bucket "${config.bucket}" exists with another configuration (${changes.map((c) => c.field).join(', ')})`, undefined, changes)
    } else {
      const {Objm} = await import('../../lib/nats/obj.js')
      await new Objm(await this.js()).create(config.bucket, objCreateOptions(config) as never)
    }

    const result = objBucketSummary(await jsm.streams.info(`OBJ_${config.bucket}`))
    this.say(renderObjBucket(result))
    return result
  }
}

import * as Args from '@oclif/core/args'

import type {KvDelResult} from './del.js'

import {BaseCommand} from '../../lib/base-command.js'
import {notFound} from '../../lib/errors.js'
import {durationFlag, forceFlag} from '../../lib/flags.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {openBucket, ttlError} from '../../lib/kv/store.js'

export type KvPurgeResult = KvDelResult

export default class KvPurge extends BaseCommand<typeof KvPurge> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
  }
  static description = 'Removes every revision of the key and leaves one purge marker. A key that never existed is exit 3.'
  static examples = ['<%= config.bin %> kv purge CONFIG app.mode --force --json']
  static flags = {
    force: forceFlag,
    ttl: durationFlag({description: 'remove the purge marker itself after the duration (nats-server 2.11+)'}),
  }
  static summary = 'Remove all values of a key.'

  async run(): Promise<KvPurgeResult> {
    const {bucket, key} = this.args
    validateBucketName(bucket)
    validateKey(key)
    if (this.flags.ttl !== undefined) (await this.capabilities()).require('kv-marker-ttl', 'purge marker TTL (--ttl)')
    const {kv} = await openBucket(await this.js(), await this.jsm(), bucket)
    const e = await kv.get(key)
    if (!e) throw notFound(`key "${key}" not found in bucket "${bucket}"`, 'list keys with `natsx kv keys`')
    await this.confirm(`Purge all values of key "${key}" in bucket "${bucket}"`, this.flags.force)
    await kv.purge(key, this.flags.ttl === undefined ? undefined : {ttl: `${Math.round(this.flags.ttl / 1000)}s`}).catch((error: unknown) => {
      throw ttlError(error, bucket)
    })
    this.say(`Purged ${bucket} > ${key}`)
    return {bucket, key, operation: 'PURGE', previous_revision: e.revision}
  }
}

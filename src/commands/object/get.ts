import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {stat} from 'node:fs/promises'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {forceFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {progressWriter} from '../../lib/objects/progress.js'
import {objectInfo, type ObjectRecord, openObjectStore} from '../../lib/objects/store.js'
import {getObject} from '../../lib/objects/transfer.js'

export type ObjectGetResult = ObjectRecord & {output: string}

export default class ObjectGet extends BaseCommand<typeof ObjectGet> {
  static aliases = ['obj get']
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    name: Args.string({description: 'name of the object', ignoreStdin: true, required: true}),
  }
  static description = `Without --output the data goes to stdout (then --json is refused: stdout carries the data).
With --output the object is written to a temporary file beside the target, its size and SHA-256 digest are checked, and only then is it renamed onto the target: an interrupted or corrupt transfer never leaves a partial file. An existing target needs --force; --fsync also flushes the file to disk before the rename, so it survives a power loss.
A progress bar with bytes/s is drawn on stderr when it is a terminal. A lost connection is exit 6.`
  static examples = [
    '<%= config.bin %> object get BACKUPS db.tar.gz --output ./db.tar.gz',
    '<%= config.bin %> object get BACKUPS app.sql > app.sql',
    '<%= config.bin %> object get BACKUPS db.tar.gz --output ./db.tar.gz --force --json',
  ]
  static flags = {
    force: forceFlag,
    fsync: Flags.boolean({description: 'with --output: flush the file to disk before renaming it into place'}),
    'no-progress': Flags.boolean({description: 'do not draw the progress bar'}),
    output: Flags.string({char: 'O', description: 'write to this file instead of stdout ("-" is stdout)'}),
  }
  static summary = 'Read an object to a file or stdout.'

  async run(): Promise<ObjectGetResult> {
    const {bucket, name} = this.args
    const {flags} = this
    validateBucketName(bucket)
    const output = flags.output === undefined || flags.output === '-' ? undefined : flags.output
    if (!output && this.jsonEnabled()) throw usageError('--json needs --output: stdout carries the object data', 'add --output FILE')
    if (output) {
      const st = await stat(output).catch(() => {})
      if (st?.isDirectory()) throw usageError(`"${output}" is a directory`, 'give a file path')
      if (st && !flags.force) throw usageError(`"${output}" exists`, 'add --force to replace it')
    }

    const nc = await this.nc()
    const js = await this.js()
    const {os} = await openObjectStore(js, await this.jsm(), bucket)
    const info = await objectInfo(os, bucket, name)
    const progress = progressWriter(name, info.size, {enabled: Boolean(process.stderr.isTTY) && !this.jsonEnabled() && !flags['no-progress']})
    const rec = await getObject(js, os, bucket, {
      connectionLost: () => nc.isClosed(),
      name,
      onBytes: (n) => progress.update(n),
      onClose: nc.closed(),
      signal: this.interrupt.signal,
      sync: flags.fsync,
      target: output ?? process.stdout,
    }).finally(async () => releaseConsumers(js))
    progress.done()
    if (output) this.say(`Wrote ${bucket} > ${name} to ${output}: ${rec.size} bytes, digest verified`)
    return {...rec, output: output ?? '-'}
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {intFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {objectRecord, type ObjectRecord, openObjectStore} from '../../lib/objects/store.js'

/** Under --json each change is one NDJSON line of this shape; no final object is printed. */
export type ObjectWatchResult = ObjectRecord

export default class ObjectWatch extends BaseCommand<typeof ObjectWatch> {
  static aliases = ['obj watch']
  static args = {bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true})}
  static description = 'Prints each object change (put, update, delete) until Ctrl-C or --count. With --history the current objects come first. With --json each change is one JSON line: the object record with "deleted".'
  static examples = ['<%= config.bin %> object watch BACKUPS', '<%= config.bin %> object watch BACKUPS --history --count 10 --json']
  static flags = {
    count: intFlag({min: 1})({description: 'stop after this many changes'}),
    history: Flags.boolean({description: 'start with the objects already in the bucket'}),
    'ignore-deletes': Flags.boolean({description: 'leave out deletions'}),
  }
  static summary = 'Watch a bucket for object changes.'

  async run(): Promise<void> {
    const {bucket} = this.args
    const {flags} = this
    validateBucketName(bucket)
    const js = await this.js()
    const {os} = await openObjectStore(js, await this.jsm(), bucket)
    const iter = await os.watch({ignoreDeletes: flags['ignore-deletes'], includeHistory: flags.history})
    const stop = (): void => iter.stop()
    this.interrupt.signal.addEventListener('abort', stop)
    process.stderr.write(`natsx: watching object store bucket ${bucket}\n`)
    let n = 0
    try {
      for await (const e of iter) {
        if (e === null) continue
        const rec = objectRecord(e)
        this.writeLine(this.jsonEnabled() ? JSON.stringify(rec) : `[${rec.modified}] ${rec.deleted ? 'DEL' : 'PUT'} ${bucket} > ${rec.name}${rec.deleted ? '' : `: ${rec.size} bytes ${rec.digest}`}`)
        n++
        if (flags.count !== undefined && n >= flags.count) break
      }
    } finally {
      this.interrupt.signal.removeEventListener('abort', stop)
      iter.stop()
      await releaseConsumers(js)
    }

    if (!this.jsonEnabled()) process.stderr.write(`natsx: ${n} change${n === 1 ? '' : 's'}\n`)
  }
}

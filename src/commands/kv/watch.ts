import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {connectionError} from '../../lib/errors.js'
import {intFlag} from '../../lib/flags.js'
import {escapeControls} from '../../lib/format/escape.js'
import {stdoutRecords} from '../../lib/io.js'
import {validateBucketName, validateKey} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {renderWatchLine} from '../../lib/kv/render.js'
import {entryOperation, entryRecord, type KvEntryRecord, openBucket} from '../../lib/kv/store.js'
import {watchBucket} from '../../lib/kv/watch.js'

/** Under --json each entry is one NDJSON line of this shape; no final object is printed. */
export type KvWatchResult = KvEntryRecord

export default class KvWatch extends BaseCommand<typeof KvWatch> {
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    filter: Args.string({description: 'only keys matching this filter, e.g. "app.>" [default: all keys]', ignoreStdin: true}),
  }
  static description = `First the latest entry of each key (or all of history with --history, or nothing with --updates-only, or every entry from revision N on with --revision N), then every change until Ctrl-C or --count.
With --json each entry is one JSON line: {bucket, key, value, encoding, length, revision, created, operation (PUT|DEL|PURGE), delta}. The command prints no summary under --json.`
  static examples = [
    '<%= config.bin %> kv watch CONFIG',
    '<%= config.bin %> kv watch CONFIG "app.>" --updates-only --json',
    '<%= config.bin %> kv watch CONFIG --history --ignore-deletes --count 100 --json',
    '<%= config.bin %> kv watch CONFIG --revision 1200 --json',
  ]
  static flags = {
    count: intFlag({min: 1})({description: 'stop after this many entries'}),
    history: Flags.boolean({description: 'start with every revision kept, not only the latest', exclusive: ['updates-only', 'revision']}),
    'ignore-deletes': Flags.boolean({description: 'leave out DEL and PURGE entries'}),
    revision: intFlag({min: 1})({description: 'start at this revision: every entry from it on, older ones left out'}),
    'updates-only': Flags.boolean({description: 'only changes made after the watch starts', exclusive: ['revision']}),
  }
  static summary = 'Watch a bucket for changes.'

  async run(): Promise<void> {
    const {bucket, filter} = this.args
    const {flags} = this
    validateBucketName(bucket)
    if (filter !== undefined) validateKey(filter, true)
    // --history, --updates-only and --revision exclude each other: oclif refuses the pairs (exit 2) before run()

    const js = await this.js()
    const {info, kv} = await openBucket(js, await this.jsm(), bucket)
    const out = stdoutRecords()
    // read by pull: a reader that stops reading stops the pulls rather than filling memory; a revision is a sequence
    // of the bucket's stream, where the consumer starts
    const iter = await watchBucket(js, kv, {
      filter,
      include: flags.history ? 'history' : flags['updates-only'] ? 'updates' : 'last',
      lastSeq: info.state.last_seq,
      ready: () => out.ready(),
      revision: flags.revision,
    })
    const stop = (): void => iter.stop()
    this.interrupt.signal.addEventListener('abort', stop)
    process.stderr.write(`natsx: watching bucket ${bucket}${filter ? ` keys ${filter}` : ''}\n`)
    let n = 0
    try {
      for await (const e of iter) {
        if (flags['ignore-deletes'] && entryOperation(e) !== 'PUT') continue
        const rec = entryRecord(e, bucket)
        await out.ready()
        // a value is the server's text: its control characters are shown escaped on the one line it gets
        out.send((this.jsonEnabled() ? JSON.stringify(rec) : renderWatchLine({...rec, value: escapeControls(rec.value)})) + '\n')
        n++
        if (flags.count !== undefined && n >= flags.count) break
      }
    } finally {
      this.interrupt.signal.removeEventListener('abort', stop)
      iter.stop()
      await out.flushed()
      await releaseConsumers(js)
    }

    if (!this.jsonEnabled()) process.stderr.write(`natsx: ${n} entr${n === 1 ? 'y' : 'ies'}\n`)
    // the watch ends by itself only when the connection is gone: that is the server's doing, not a success
    const counted = flags.count !== undefined && n >= flags.count
    if (!counted && !this.interrupt.signal.aborted && (await this.nc()).isClosed()) {
      throw connectionError(`the connection to the server was lost; the watch of bucket ${bucket} ended after ${n} entr${n === 1 ? 'y' : 'ies'}`, 'check the server and watch again (--revision resumes where it ended)')
    }
  }
}

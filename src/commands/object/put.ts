import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import {basename} from 'node:path'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {forceFlag, headerFlag, parseHeaders, refuseOverMaxPayload, sizeFlag} from '../../lib/flags.js'
import {validateBucketName} from '../../lib/kv/config.js'
import {releaseConsumers} from '../../lib/kv/consumers.js'
import {onFreshConnection, reportSweep, sweepOrphansQuietly} from '../../lib/objects/orphans.js'
import {progressWriter} from '../../lib/objects/progress.js'
import {type ObjectRecord, openObjectStore, refuseSealed} from '../../lib/objects/store.js'
import {DEFAULT_CHUNK_SIZE, putObject} from '../../lib/objects/transfer.js'

export type ObjectPutResult = ObjectRecord

export default class ObjectPut extends BaseCommand<typeof ObjectPut> {
  static aliases = ['obj put']
  static args = {
    bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
    file: Args.string({description: 'file to store; stdin when omitted (then --name is required)', ignoreStdin: true}),
  }
  static description = `The data is streamed in chunks (32 publishes in flight): memory does not grow with the object size. The stored layout is the one nats.js, natscli and the Go client read. A progress bar with bytes/s is drawn on stderr when it is a terminal.
Replacing an existing object needs --force when there is no terminal to confirm.
If the put fails (the server gone, Ctrl-C), the chunks sent so far are purged, on a fresh connection when the server is back within --timeout; otherwise the next \`object put\`, \`del\` or \`ls BUCKET\` removes them (chunks no object refers to, untouched for longer than --timeout), saying so on stderr.`
  static examples = [
    '<%= config.bin %> object put BACKUPS ./db.tar.gz',
    'pg_dump app | <%= config.bin %> object put BACKUPS --name app.sql --description "nightly dump" --json',
    '<%= config.bin %> object put ASSETS logo.png --header Content-Type:image/png --force',
  ]
  static flags = {
    'chunk-size': sizeFlag({description: 'bytes per chunk message [default: 128KiB, at most the server max_payload]'}),
    description: Flags.string({description: 'a description of the object'}),
    force: forceFlag,
    header: headerFlag,
    name: Flags.string({description: 'object name [default: the file name]'}),
    'no-progress': Flags.boolean({description: 'do not draw the progress bar'}),
  }
  static summary = 'Store a file or stdin as an object.'

  async run(): Promise<ObjectPutResult> {
    const {bucket, file} = this.args
    const {flags} = this
    validateBucketName(bucket)
    const name = flags.name ?? (file ? basename(file) : undefined)
    if (!name) throw usageError('reading stdin needs --name', 'add --name NAME, or pass a FILE')
    if (!file && process.stdin.isTTY) throw usageError('no FILE and stdin is a terminal', 'pass a FILE or pipe the data in')
    if (flags['chunk-size'] !== undefined && flags['chunk-size'] < 1) throw usageError('--chunk-size must be at least 1 byte')
    if (flags['chunk-size'] !== undefined) refuseOverMaxPayload(flags['chunk-size'], (await this.nc()).info?.max_payload, '--chunk-size')
    let total: number | undefined
    if (file) {
      const st = await stat(file)
      if (!st.isFile()) throw usageError(`"${file}" is not a regular file`)
      total = st.size
    }

    const headerPairs = parseHeaders(flags.header)

    const js = await this.js()
    const jsm = await this.jsm()
    const settings = await this.connectionSettings()
    const {info: bucketState, os} = await openObjectStore(js, jsm, bucket)
    refuseSealed(bucketState, bucket)
    const existing = await os.info(name)
    if (existing && !existing.deleted) await this.confirm(`Replace object "${name}" in bucket "${bucket}"`, flags.force)
    // what earlier puts left behind when they failed (best effort: a user who may not purge still stores)
    reportSweep(await sweepOrphansQuietly(jsm, os, bucket, {minAgeMs: settings.timeoutMs}).finally(async () => releaseConsumers(js)), this.jsonEnabled())
    const progress = progressWriter(`${name}`, total, {enabled: Boolean(process.stderr.isTTY) && !this.jsonEnabled() && !flags['no-progress']})
    const nc = await this.nc()
    const {signal} = this.interrupt
    const result = await putObject(js, jsm, os, bucket, {
      chunkSize: flags['chunk-size'],
      connectionLost: () => nc.isClosed(),
      description: flags.description,
      headers: headerPairs,
      maxPayload: nc.info?.max_payload ?? 1024 * 1024,
      name,
      onBytes: (n) => progress.update(n),
      reconnect: async (fn) => onFreshConnection(settings, settings.timeoutMs, fn, signal),
      server: settings.displayServers.join(','),
      signal,
      source: file ? createReadStream(file, {highWaterMark: flags['chunk-size'] ?? DEFAULT_CHUNK_SIZE}) : process.stdin,
      timeoutMs: settings.timeoutMs,
      total,
    }).finally(() => progress.done())
    this.say(`Stored ${bucket} > ${name}: ${result.size} bytes in ${result.chunks} chunks, ${result.digest}`)
    return result
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {formatSize} from '../../lib/format/size.js'
import {requireStream} from '../../lib/streams/ops.js'
import {type BackupResult, backupStream} from '../../lib/streams/snapshot.js'
import {validateName} from '../../lib/subjects.js'

export type StreamBackupResult = BackupResult

export default class StreamBackup extends BaseCommand<typeof StreamBackup> {
  static aliases = ['str backup']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    dir: Args.string({description: 'directory to write backup.json and stream.tar.s2 into', required: true}),
  }
  static description =
    'Uses the JetStream snapshot API; the directory layout is the one natscli writes. Progress goes to stderr when it is a terminal.'
  static examples = [
    '<%= config.bin %> stream backup ORDERS ./backups/orders',
    '<%= config.bin %> stream backup ORDERS ./backups/orders --consumers --json',
  ]
  static flags = {
    consumers: Flags.boolean({description: 'include the consumers in the snapshot'}),
  }
  static summary = 'Back up a stream to a directory.'

  async run(): Promise<StreamBackupResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    const tty = process.stderr.isTTY && !this.jsonEnabled()
    const res = await backupStream(await this.nc(), jsm, args.name, args.dir, {
      consumers: flags.consumers,
      inboxPrefix: (await this.connectionSettings()).inboxPrefix,
      onProgress: tty ? (b, n) => process.stderr.write(`\rreceived ${formatSize(b)} in ${n} chunks`) : undefined,
      timeoutMs: (await this.connectionSettings()).timeoutMs,
    })
    if (tty) process.stderr.write('\n')
    this.say(`Backed up stream ${args.name} (${res.messages} messages, ${formatSize(res.bytes)}) to ${args.dir}`)
    return res
  }
}

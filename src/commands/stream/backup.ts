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
  static description = `Uses the JetStream snapshot API; the directory layout is the one natscli writes. Progress goes to stderr when it is a terminal.
Consumers are included unless --no-consumers. backup.json also records the server that took it (version, API level): a backup restores on that release or a newer one (a 2.15 backup on 2.15.0+, a 2.9 backup anywhere from 2.9.0), and \`stream restore\` refuses an older server with exit 8.`
  static examples = [
    '<%= config.bin %> stream backup ORDERS ./backups/orders',
    '<%= config.bin %> stream backup ORDERS ./backups/orders --no-consumers --json',
  ]
  static flags = {
    consumers: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'include the consumers in the snapshot (on by default, as natscli; --no-consumers leaves them out)',
    }),
  }
  static summary = 'Back up a stream to a directory.'

  async run(): Promise<StreamBackupResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    const tty = process.stderr.isTTY && !this.jsonEnabled()
    const res = await backupStream(await this.nc(), jsm, args.name, args.dir, {
      caps: await this.capabilities(),
      consumers: flags.consumers,
      inboxPrefix: (await this.connectionSettings()).inboxPrefix,
      onProgress: tty ? (b, n) => process.stderr.write(`\rreceived ${formatSize(b)} in ${n} chunks`) : undefined,
      timeoutMs: (await this.connectionSettings()).timeoutMs,
    })
    if (tty) process.stderr.write('\n')
    this.say(
      `Backed up stream ${args.name} (${res.messages} messages, ${formatSize(res.bytes)}) to ${args.dir}; it restores on nats-server ${res.restores_on} or newer`,
    )
    return res
  }
}

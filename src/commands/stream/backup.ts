import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {formatSize} from '../../lib/format/size.js'
import {requireStream} from '../../lib/streams/ops.js'
import {type BackupCheckResult, type BackupResult, backupStream, checkBackup} from '../../lib/streams/snapshot.js'
import {validateName} from '../../lib/subjects.js'

/** a backup taken; with --check, the check of what was written beside it (`check`), or only the check (`--check DIR`) */
export type StreamBackupResult = BackupCheckResult | (BackupResult & {check?: BackupCheckResult})

export default class StreamBackup extends BaseCommand<typeof StreamBackup> {
  static aliases = ['str backup']
  static args = {
    name: Args.string({description: 'stream name (with --check alone: the backup directory to check)'}),
    dir: Args.string({description: 'directory to write backup.json and stream.tar.s2 into'}),
  }
  static description = `Uses the JetStream snapshot API; the directory layout is the one natscli writes. Progress goes to stderr when it is a terminal.
Consumers are included unless --no-consumers. backup.json also records the server that took it (version, API level) and the size and SHA-256 of stream.tar.s2: a backup restores on that release or a newer one (a 2.15 backup on 2.15.0+, a 2.9 backup anywhere from 2.9.0), and \`stream restore\` refuses an older server with exit 8.
--check DIR checks a backup without restoring it (nothing is sent to a server): backup.json readable with a stream configuration and state, stream.tar.s2 present and a whole S2 stream (every frame complete, uncompressed frames' checksums right, nothing after the last frame), and its size and SHA-256 as backup.json records them (natsx backups; natscli's record none). A damaged backup exits 2 naming every problem. --check NAME DIR (as natscli) asks the server to check the stream's health before the snapshot, and checks the written backup the same way.
--json: {stream, directory, messages, bytes, chunks, sha256, restores_on, server: {version, api_level}, check?}; --check DIR alone: {stream, directory, messages, bytes, frames, sha256, checksum: "verified" | "not recorded", restores_on}.`
  static examples = [
    '<%= config.bin %> stream backup ORDERS ./backups/orders',
    '<%= config.bin %> stream backup ORDERS ./backups/orders --no-consumers --json',
    '<%= config.bin %> stream backup --check ./backups/orders',
  ]
  static flags = {
    check: Flags.boolean({description: 'check a backup directory without restoring it (with NAME and DIR: check the stream before the snapshot and the backup after it)'}),
    consumers: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'include the consumers in the snapshot (on by default, as natscli; --no-consumers leaves them out)',
    }),
  }
  static summary = 'Back up a stream to a directory, or check a backup.'

  async run(): Promise<StreamBackupResult> {
    const {args, flags} = this
    if (flags.check && args.dir === undefined) {
      if (!args.name) throw usageError('--check needs the backup directory', 'natsx stream backup --check DIR')
      const result = await checkBackup(args.name)
      this.say(`Backup of stream ${result.stream} in ${result.directory} is complete: ${result.messages} messages, ${formatSize(result.bytes)} in ${result.frames} S2 frames, checksum ${result.checksum}${result.restores_on ? `; it restores on nats-server ${result.restores_on} or newer` : ''}`)
      return result
    }

    if (!args.name || !args.dir) throw usageError('stream backup needs a stream name and a directory', 'natsx stream backup NAME DIR (or --check DIR to check a backup)')
    validateName(args.name, 'stream')
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    const tty = process.stderr.isTTY && !this.jsonEnabled()
    const res = await backupStream(await this.nc(), jsm, args.name, args.dir, {
      caps: await this.capabilities(),
      check: flags.check,
      consumers: flags.consumers,
      inboxPrefix: (await this.connectionSettings()).inboxPrefix,
      onProgress: tty ? (b, n) => process.stderr.write(`\rreceived ${formatSize(b)} in ${n} chunks`) : undefined,
      timeoutMs: (await this.connectionSettings()).timeoutMs,
    })
    if (tty) process.stderr.write('\n')
    this.say(
      `Backed up stream ${args.name} (${res.messages} messages, ${formatSize(res.bytes)}) to ${args.dir}; it restores on nats-server ${res.restores_on} or newer`,
    )
    if (!flags.check) return res
    const check = await checkBackup(args.dir)
    this.say(`Checked: ${check.frames} S2 frames, checksum ${check.checksum}`)
    return {...res, check}
  }
}

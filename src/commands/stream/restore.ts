import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {formatSize} from '../../lib/format/size.js'
import {type RestoreResult, restoreStream} from '../../lib/streams/snapshot.js'

export type StreamRestoreResult = RestoreResult

export default class StreamRestore extends BaseCommand<typeof StreamRestore> {
  static aliases = ['str restore']
  static args = {
    dir: Args.string({description: 'directory written by `stream backup`', required: true}),
  }
  static description = `The stream must not exist on the target; it is restored under its own name with its configuration.
A backup restores on the release of the server that took it or a newer one (backup.json records it); an older server, or one that lacks a setting of the stream, is refused with exit 8 before anything is sent.`
  static examples = ['<%= config.bin %> stream restore ./backups/orders --server nats://new:4222']
  static summary = 'Restore a stream from a backup directory.'

  async run(): Promise<StreamRestoreResult> {
    const {args} = this
    const tty = process.stderr.isTTY && !this.jsonEnabled()
    const caps = await this.capabilities()
    const res = await restoreStream(await this.nc(), await this.jsm(), args.dir, {
      caps,
      onProgress: tty ? (b, n) => process.stderr.write(`\rsent ${formatSize(b)} in ${n} chunks`) : undefined,
      timeoutMs: (await this.connectionSettings()).timeoutMs,
    })
    if (tty) process.stderr.write('\n')
    this.say(
      `Restored stream ${res.stream.config.name} (${res.stream.state.messages} messages, ${formatSize(res.bytes)} of snapshot)`,
    )
    return res
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {formatSize} from '../../lib/format/size.js'
import {streamConfigFromFile} from '../../lib/streams/config.js'
import {streamConfigFlags} from '../../lib/streams/flags.js'
import {type RestoreResult, restoreStream} from '../../lib/streams/snapshot.js'

export type StreamRestoreResult = RestoreResult

export default class StreamRestore extends BaseCommand<typeof StreamRestore> {
  static aliases = ['str restore']
  static args = {
    dir: Args.string({description: 'directory written by `stream backup`', required: true}),
  }
  static description = `The stream must not exist on the target; it is restored with the backup's configuration, or a changed one:
--config FILE sets fields over the backup's configuration (JSON or YAML, a \`stream info --json\` document too): another "name" restores it as a new stream beside the original (nats-server 2.15.1+; an older server restores a snapshot only under its own name, so natsx refuses it with exit 8), other "subjects" give it other subjects. --cluster, --tag and --replicas place it elsewhere (placement and replicas need a clustered JetStream: exit 8 on a lone server).
The whole backup is checked first (as \`stream backup --check\`): a damaged one is exit 2 and nothing is sent. A backup restores on the release of the server that took it or a newer one (backup.json records it); an older server, or one that lacks a setting of the stream, is refused with exit 8 before anything is sent. A placement the cluster cannot satisfy is refused by the server, and no stream is made.
--json: {directory, bytes, overrides: [the configuration fields changed from the backup's], stream: {config, state, cluster, ...}}.`
  static examples = [
    '<%= config.bin %> stream restore ./backups/orders --server nats://new:4222',
    '<%= config.bin %> stream restore ./backups/orders --config orders-copy.json',
    '<%= config.bin %> stream restore ./backups/orders --cluster east --tag ssd --replicas 3',
  ]
  static flags = {
    cluster: Flags.string({description: 'place the restored stream in this cluster (instead of the backup\'s placement)'}),
    config: Flags.string({description: 'a JSON or YAML file whose fields replace the backup\'s configuration (another name, subjects, limits)'}),
    replicas: streamConfigFlags.replicas,
    tag: Flags.string({description: 'place the restored stream on servers with this tag (repeatable; replaces the backup\'s tags)', multiple: true}),
  }
  static summary = 'Restore a stream from a backup directory.'

  async run(): Promise<StreamRestoreResult> {
    const {args, flags} = this
    const config = flags.config ? await streamConfigFromFile(flags.config) : undefined
    const tty = process.stderr.isTTY && !this.jsonEnabled()
    const caps = await this.capabilities()
    const res = await restoreStream(await this.nc(), await this.jsm(), args.dir, {
      caps,
      cluster: flags.cluster,
      config,
      onProgress: tty ? (b, n) => process.stderr.write(`\rsent ${formatSize(b)} in ${n} chunks`) : undefined,
      replicas: flags.replicas,
      tags: flags.tag,
      timeoutMs: (await this.connectionSettings()).timeoutMs,
    })
    if (tty) process.stderr.write('\n')
    const placed = res.stream.cluster?.leader ? ` on ${[res.stream.cluster.leader, ...(res.stream.cluster.replicas ?? []).map((r) => r.name)].join(', ')}` : ''
    this.say(
      `Restored stream ${res.stream.config.name} (${res.stream.state.messages} messages, ${formatSize(res.bytes)} of snapshot)${placed}${res.overrides.length > 0 ? `; changed from the backup: ${res.overrides.join(', ')}` : ''}`,
    )
    return res
  }
}

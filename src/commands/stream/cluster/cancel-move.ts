import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../../lib/base-command.js'
import {jsApi, streamPlacement} from '../../../lib/monitoring/evacuate.js'
import {validateName} from '../../../lib/subjects.js'

export interface StreamCancelMoveResult {
  /** the servers that hold the stream after the cancel, leader first */
  peers: string[]
  stream: string
}

export default class StreamClusterCancelMove extends BaseCommand<typeof StreamClusterCancelMove> {
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = `Stops a move or scale of the stream under way and returns it to where it was ($JS.API.STREAM.CANCEL_MOVE, nats-server 2.15; exit 8 before). No move under way is exit 4.
--json prints {stream, peers}.`
  static examples = ['<%= config.bin %> stream cluster cancel-move ORDERS']
  static summary = "Cancel a stream's move."

  async run(): Promise<StreamCancelMoveResult> {
    validateName(this.args.name, 'stream')
    const caps = await this.capabilities()
    caps.require('stream-cancel-move', 'stream cluster cancel-move')
    const {timeoutMs} = await this.connectionSettings()
    const nc = await this.nc()
    const prefix = ((await this.jsm()) as unknown as {prefix: string}).prefix
    await jsApi(nc, `${prefix}.STREAM.CANCEL_MOVE.${this.args.name}`, {}, timeoutMs, `cancel the move of stream ${this.args.name}`)
    const now = await streamPlacement(nc, prefix, this.args.name, timeoutMs)
    this.say(`Move of stream ${this.args.name} cancelled: on ${now.peers.join(', ')}`)
    return {peers: now.peers, stream: this.args.name}
  }
}

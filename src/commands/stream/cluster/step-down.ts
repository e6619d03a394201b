import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../../lib/base-command.js'
import {type StepDownResult, stepDownStream} from '../../../lib/streams/cluster.js'
import {validateName} from '../../../lib/subjects.js'

export type StreamStepDownResult = StepDownResult

export default class StreamClusterStepDown extends BaseCommand<typeof StreamClusterStepDown> {
  static aliases = ['str cluster step-down', 'stream cluster stepdown']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = `Waits until another replica is leader and reports the old and the new leader.
--preferred names the replica to lead next (nats-server 2.11+; exit 8 before, nothing sent).
--json: {stream, previous_leader, leader, preferred (when given)}.`
  static examples = [
    '<%= config.bin %> stream cluster step-down ORDERS',
    '<%= config.bin %> stream cluster step-down ORDERS --preferred n2 --json',
  ]
  static flags = {
    preferred: Flags.string({description: 'the server (a replica) that should lead next (nats-server 2.11+)'}),
  }
  static summary = 'Make the leader of a replicated stream step down.'

  async run(): Promise<StreamStepDownResult> {
    validateName(this.args.name, 'stream')
    const res = await stepDownStream(
      await this.jsm(),
      await this.capabilities(),
      this.args.name,
      (await this.connectionSettings()).timeoutMs,
      this.flags.preferred,
    )
    this.say(`Stream ${res.stream}: leader was ${res.previous_leader}, now ${res.leader}`)
    return res
  }
}

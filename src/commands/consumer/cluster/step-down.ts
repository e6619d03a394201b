import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../../lib/base-command.js'
import {type ConsumerStepDownResult, stepDownConsumer} from '../../../lib/consumers/cluster.js'
import {validateName} from '../../../lib/subjects.js'

export type {ConsumerStepDownResult} from '../../../lib/consumers/cluster.js'

export default class ConsumerClusterStepDown extends BaseCommand<typeof ConsumerClusterStepDown> {
  static aliases = ['con cluster step-down', 'consumer cluster stepdown']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `Waits until another replica is leader and reports the old and the new leader.
--preferred names the replica to lead next (nats-server 2.11+; exit 8 before, nothing sent).
--json: {stream, consumer, previous_leader, leader, preferred (when given)}.`
  static examples = [
    '<%= config.bin %> consumer cluster step-down ORDERS worker',
    '<%= config.bin %> consumer cluster step-down ORDERS worker --preferred n2 --json',
  ]
  static flags = {
    preferred: Flags.string({description: 'the server (a replica) that should lead next (nats-server 2.11+)'}),
  }
  static summary = 'Make the leader of a replicated consumer step down.'

  async run(): Promise<ConsumerStepDownResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const res = await stepDownConsumer(
      await this.jsm(),
      await this.capabilities(),
      args.stream,
      args.name,
      (await this.connectionSettings()).timeoutMs,
      flags.preferred,
    )
    this.say(`Consumer ${res.stream} > ${res.consumer}: leader was ${res.previous_leader}, now ${res.leader}`)
    return res
  }
}

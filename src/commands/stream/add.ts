import type {StreamInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {
  buildStreamConfig,
  streamConfigFromFile,
  streamConfigFromFlags,
  type StreamFlagValues,
} from '../../lib/streams/config.js'
import {streamConfigFlags} from '../../lib/streams/flags.js'
import {addStream} from '../../lib/streams/ops.js'
import {renderStreamInfo} from '../../lib/streams/render.js'

export interface StreamAddResult {
  action: 'created' | 'unchanged'
  stream: StreamInfo
}

export default class StreamAdd extends BaseCommand<typeof StreamAdd> {
  static aliases = ['stream create', 'stream new', 'str add', 'str create']
  static args = {
    name: Args.string({description: 'stream name (or "name" in --config)'}),
  }
  static description = `Safe to re-run: when the stream exists with the same configuration (after the defaults the server fills in) it exits 0 and says "unchanged"; with a different configuration it exits 4 and prints the differing fields.
--config reads JSON or YAML, including what \`stream info --json\` prints; flags override fields of the file.
Direct get (allow_direct) is on unless --no-allow-direct or the file says otherwise, as natscli sets it.
The --mirror-* flags say what the mirror takes (filter, start, transforms) and where its origin is (--mirror-domain,
--mirror-api-prefix); the --source-* flags do the same for each --source (for different details per source use --config).
Options the connected server does not know are refused with exit 8 naming the version they need (see \`natsx server features\`).`
  static examples = [
    '<%= config.bin %> stream add ORDERS --subjects "orders.>" --storage file --max-age 72h --max-bytes 1GiB',
    '<%= config.bin %> stream add ORDERS --config orders.yaml --replicas 3',
    '<%= config.bin %> stream info ORDERS --json > orders.json && <%= config.bin %> stream add --config orders.json --server nats://other:4222',
    '<%= config.bin %> stream add COUNTS --subjects "counts.>" --allow-counter',
    '<%= config.bin %> stream add EVENTS --subjects "events.>" --max-age 1h --subject-del-markers-ttl 5m --allow-schedules --allow-batch',
    '<%= config.bin %> stream add EU_ORDERS --mirror ORDERS --mirror-domain hub --mirror-filter "orders.eu.>" --mirror-start-seq 1000',
  ]
  static flags = {
    config: Flags.string({description: 'read the configuration from a JSON or YAML file'}),
    ...streamConfigFlags,
  }
  static summary = 'Create a stream (idempotent).'

  async run(): Promise<StreamAddResult> {
    const {args, flags} = this
    const fromFlags = streamConfigFromFlags(flags as StreamFlagValues)
    const file = flags.config ? await streamConfigFromFile(flags.config) : undefined
    const desired = buildStreamConfig(args.name, file, fromFlags)
    // as natscli: direct get on unless asked otherwise (a mirror answers direct gets through mirror_direct instead)
    if (desired.allow_direct === undefined && !desired.mirror) desired.allow_direct = true
    const res = await addStream(await this.jsm(), await this.capabilities(), desired)
    if (res.action === 'unchanged') this.say(`Stream ${desired.name} unchanged: it exists with the same configuration`)
    else this.say(`Stream ${desired.name} was created\n\n${renderStreamInfo(res.info)}`)
    return {action: res.action, stream: res.info}
  }
}

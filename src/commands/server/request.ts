import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {parseKeyValues} from '../../lib/key-values.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {monitorFlags} from '../../lib/monitoring/options.js'
import {type RawReply, requestEndpoint, requireAnswer} from '../../lib/monitoring/servers.js'
import {type Endpoint, ENDPOINTS} from '../../lib/monitoring/types.js'

export interface ServerRequestResult {
  endpoint: Endpoint
  replies: RawReply[]
}

export default class ServerRequest extends MonitorCommand<typeof ServerRequest> {
  static args = {
    endpoint: Args.string({description: 'monitoring endpoint', options: [...ENDPOINTS], required: true}),
  }
  static description = `Prints every server's reply as it came (the "data" of each). --arg passes parameters as they are: HTTP query names over --monitor (subs=1, acc=APP), the Go JSON names over $SYS (subscriptions=true, account=APP).
Values true/false and numbers are sent as JSON booleans and numbers over $SYS.`
  static examples = [
    '<%= config.bin %> server request varz --context sys',
    '<%= config.bin %> server request connz --monitor localhost:8222 --arg subs=1 --arg limit=10',
    '<%= config.bin %> server request jsz --context sys --arg streams=true --server-name n2 --json',
  ]
  static flags = {
    ...monitorFlags,
    arg: Flags.string({description: 'a parameter key=value (repeatable)', multiple: true, multipleNonGreedy: true}),
    'server-name': Flags.string({description: 'ask only this server (name, id or monitoring URL)'}),
  }
  static summary = 'Raw JSON of any monitoring endpoint, over HTTP or the system account.'

  async run(): Promise<ServerRequestResult> {
    const {args, flags} = this
    const raw: Record<string, boolean | number | string> = {}
    for (const [k, v] of Object.entries(parseKeyValues(flags.arg ?? [], 'arg', 'write it as --arg subs=1'))) {
      raw[k] = v === 'true' ? true : v === 'false' ? false : /^-?\d+$/.test(v) ? Number(v) : v
    }

    const endpoint = args.endpoint as Endpoint
    const replies = await requestEndpoint(await this.transport(), endpoint, raw, flags['server-name'])
    requireAnswer(replies)
    if (!this.jsonEnabled()) this.writeLine(JSON.stringify(replies, null, 2))
    return {endpoint, replies}
  }
}

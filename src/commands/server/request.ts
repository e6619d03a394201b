import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {unsupported, usageError} from '../../lib/errors.js'
import {forceFlag} from '../../lib/flags.js'
import {parseKeyValues} from '../../lib/key-values.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {ENDPOINT_SPECS, endpointSupport, isMoreEndpoint, MORE_ENDPOINTS, type MoreEndpoint} from '../../lib/monitoring/endpoints.js'
import {monitorFlags} from '../../lib/monitoring/options.js'
import {type RawReply, requestEndpoint, requireAnswer} from '../../lib/monitoring/servers.js'
import {type Endpoint, ENDPOINTS} from '../../lib/monitoring/types.js'

export interface ServerRequestResult {
  endpoint: Endpoint | MoreEndpoint
  replies: RawReply[]
}

export default class ServerRequest extends MonitorCommand<typeof ServerRequest> {
  static args = {
    endpoint: Args.string({description: 'monitoring endpoint', options: [...ENDPOINTS, ...MORE_ENDPOINTS], required: true}),
  }
  static description = `Prints every server's reply as it came (the "data" of each). --arg passes parameters as they are: HTTP query names over --monitor (subs=1, acc=APP), the Go JSON names over $SYS (subscriptions=true, account=APP).
Values true/false and numbers are sent as JSON booleans and numbers over $SYS.
Endpoints after 2.9, each refused (exit 8, nothing sent) by a server that lacks it: raftz ($SYS 2.10.26, HTTP 2.10.17; --arg acc, group), ipqueuesz ($SYS 2.10.26, HTTP all; --arg all=true, queues), expvarz ($SYS 2.10.16, HTTP /debug/vars 2.11.11, 2.12.2, 2.14), profilez ($SYS 2.10.0; --arg name=goroutine, debug, duration; the profile comes base64 in "profile").
kick (disconnect the client) and ldm (tell the client its server is going into lame duck mode, so it reconnects to another) act on one client (--arg cid=N) of one server (--server-name), over $SYS only (2.10.0), and ask first: --force without a terminal.`
  static examples = [
    '<%= config.bin %> server request varz --context sys',
    '<%= config.bin %> server request connz --monitor localhost:8222 --arg subs=1 --arg limit=10',
    '<%= config.bin %> server request jsz --context sys --arg streams=true --server-name n2 --json',
    '<%= config.bin %> server request raftz --context sys --arg acc=APP',
    '<%= config.bin %> server request kick --context sys --server-name n2 --arg cid=42 --force',
    '<%= config.bin %> server request ldm --context sys --server-name n3 --arg cid=7 --force',
  ]
  static flags = {
    ...monitorFlags,
    arg: Flags.string({description: 'a parameter key=value (repeatable)', multiple: true, multipleNonGreedy: true}),
    force: forceFlag,
    'server-name': Flags.string({description: 'ask only this server (name, id or monitoring URL)'}),
  }
  static summary = 'Raw JSON of any monitoring endpoint, over HTTP or the system account.'

  async run(): Promise<ServerRequestResult> {
    const {args, flags} = this
    const raw: Record<string, boolean | number | string> = {}
    for (const [k, v] of Object.entries(parseKeyValues(flags.arg ?? [], 'arg', 'write it as --arg subs=1'))) {
      raw[k] = v === 'true' ? true : v === 'false' ? false : /^-?\d+$/.test(v) ? Number(v) : v
    }

    const endpoint = args.endpoint as Endpoint | MoreEndpoint
    let ask: Endpoint = endpoint as Endpoint
    if (isMoreEndpoint(endpoint)) ask = await this.admit(endpoint, raw)
    const replies = await requestEndpoint(await this.transport(), ask, raw, flags['server-name'])
    requireAnswer(replies)
    if (!this.jsonEnabled()) this.writeLine(JSON.stringify(replies, null, 2))
    return {endpoint, replies}
  }

  /**
   * An endpoint after 2.9: check the input, that every server asked has it (exit 8 naming the first that does not),
   * and confirm a destructive one; returns what to ask the transport for (the HTTP path where it differs).
   */
  private async admit(endpoint: MoreEndpoint, raw: Record<string, boolean | number | string>): Promise<Endpoint> {
    const spec = ENDPOINT_SPECS[endpoint]
    const kind = this.transportChoice().kind
    const name = this.flags['server-name']
    if (kind === 'http' && !spec.http) throw usageError(`${endpoint} is asked over the system account only, not HTTP monitoring`, 'leave out --monitor and connect as a system-account user')
    if (spec.one && !name) throw usageError(`${endpoint} acts on one server: name it with --server-name`, `add --server-name NAME (see natsx server list)`)
    if (spec.one && !(typeof raw.cid === 'number' && raw.cid > 0)) throw usageError(`${endpoint} needs the client connection id`, 'add --arg cid=N (the cid from natsx server request connz)')
    const t = await this.transport()
    const all = await t.gather('varz')
    const asked = name ? all.filter((r) => r.target === name || r.server?.name === name || r.server?.id === name) : all
    for (const r of asked) {
      const version = r.ok ? r.data.version : r.server?.version
      const {needs, ok} = endpointSupport(endpoint, kind, version)
      if (!ok && version) {
        throw unsupported(`${endpoint} (${spec.what}) over ${kind === 'sys' ? '$SYS' : 'HTTP'} requires nats-server ${needs}; ${r.server?.name ?? r.target} runs ${version}`, kind === 'sys' && spec.http ? 'try --monitor (HTTP), or upgrade the server' : 'upgrade the server')
      }
    }

    if (spec.destructive && asked.length > 0) {
      const who = asked[0].server?.name ?? name
      await this.confirm(endpoint === 'kick' ? `${spec.destructive} ${raw.cid} from ${who}` : `${spec.destructive} ${raw.cid} on ${who} that the server is going into lame duck mode`, this.flags.force)
    }

    return (kind === 'http' ? spec.http!.path : endpoint) as Endpoint
  }
}

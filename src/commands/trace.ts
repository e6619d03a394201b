import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {connectionError, interrupted} from '../lib/errors.js'
import {durationFlag, headerFlag, parseHeaders} from '../lib/flags.js'
import {validatePublishSubject} from '../lib/subjects.js'
import {type Collected, collectTrace, pathGaps} from '../lib/trace/collect.js'
import {buildTree, renderTree, type TraceCounts, traceCounts} from '../lib/trace/tree.js'
import {CONNECTION_KINDS, type TraceMessage} from '../lib/trace/types.js'

/** `natsx trace --json`: every trace message as the servers sent it, with what natsx made of them. */
export interface TraceResult {
  /** the path is whole: the first server's trace and one from every route, gateway and leafnode it was forwarded to */
  complete: boolean
  counts: TraceCounts
  /** the subject the trace messages were sent to */
  dest: string
  /** why collection ended: complete, quiet (nothing new within the quiet window), timeout, interrupted */
  ended: Collected['ended']
  /** hops (`Nats-Trace-Hop`) a server forwarded to that sent no trace (a server before 2.11, or a lost message) */
  missing_hops: string[]
  subject: string
  trace_only: boolean
  /** one per server the message crossed, in arrival order: {server, request, hops, events[{type, ts, …}]} */
  traces: TraceMessage[]
}

export default class Trace extends BaseCommand<typeof Trace> {
  static args = {
    subject: Args.string({description: 'subject to publish the traced message to', required: true}),
    body: Args.string({description: 'message body (empty when omitted)', ignoreStdin: true}),
  }
  static description = `Publishes one message with the Nats-Trace-Dest header (nats-server 2.11+) and collects the trace each server sends back: ingress, subject mappings, stream exports, service imports, JetStream stores and egress to clients, routes, gateways and leafnodes. Collection ends when every hop has reported, after --quiet with nothing new, or at --timeout.
The path is drawn as a tree: each server, then its events with the time since the message entered the first server, and under each route, gateway or leafnode egress the server it reached.
--trace-only (Nats-Trace-Only) traces the path without delivering the message to subscribers or streams.
--json prints {subject, dest, trace_only, complete, ended, missing_hops, counts:{servers, events, jetstream, egress:{client, route, …}}, traces:[{server:{name, id, cluster, ver, …}, request:{header, msgsize}, hops, events:[{type: in|sm|se|si|js|eg, ts, kind, cid, name, acc, subj, sub, queue, hop, stream, error, …}]}]}; kind is the server's connection kind (0 client, 1 route, 2 gateway, 3 system, 4 leafnode, 5 jetstream, 6 account).
Exit 8 before nats-server 2.11 (nothing is published); exit 6 when no trace arrives.`
  static examples = [
    '<%= config.bin %> trace orders.new \'{"id":1}\'',
    '<%= config.bin %> trace orders.new --trace-only --json',
    '<%= config.bin %> trace svc.echo hi --header App:natsx --timeout 2s',
  ]
  static flags = {
    dest: Flags.string({description: 'the subject the servers send their trace messages to (a fresh inbox when omitted)'}),
    header: headerFlag,
    quiet: durationFlag({default: 500, description: 'stop after this long with no new trace message (e.g. 500ms, 1s)'}),
    'trace-only': Flags.boolean({description: 'trace the path without delivering the message (Nats-Trace-Only: true)'}),
  }
  static summary = 'Trace the path of a message through the servers.'

  async run(): Promise<TraceResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    if (flags.dest !== undefined) validatePublishSubject(flags.dest, '--dest')
    const headers = parseHeaders(flags.header)
    const caps = await this.capabilities()
    caps.require('message-trace', 'message tracing (natsx trace)')
    const settings = await this.connectionSettings()
    const nc = await this.nc()
    const {createInbox} = await import('@nats-io/transport-node')
    const dest = flags.dest ?? createInbox(settings.inboxPrefix)
    const collected = await collectTrace(nc, {
      body: Buffer.from(args.body ?? ''),
      dest,
      headers,
      quietMs: flags.quiet,
      signal: this.interrupt.signal,
      subject: args.subject,
      timeoutMs: settings.timeoutMs,
      traceOnly: flags['trace-only'] === true,
    })
    if (collected.ended === 'interrupted' && collected.messages.length === 0) throw interrupted()
    if (collected.messages.length === 0) {
      throw connectionError(`no trace message arrived on ${dest} within ${settings.timeoutMs}ms`, 'check that the servers run nats-server 2.11 or later and that this user may subscribe to --dest; raise --timeout')
    }

    const gaps = pathGaps(collected.messages)
    const counts = traceCounts(collected.messages)
    if (!this.jsonEnabled()) {
      this.say(`Trace of a message to ${args.subject}${flags['trace-only'] ? ' (trace only: not delivered)' : ''}`)
      this.say('')
      for (const line of renderTree(buildTree(collected.messages))) this.say(line)
      this.say('')
      const egress = [...CONNECTION_KINDS, ...Object.keys(counts.egress)].filter((k, i, all) => counts.egress[k] && all.indexOf(k) === i).map((k) => `${counts.egress[k]} ${k}`).join(', ')
      this.say(`${counts.servers} server(s), ${counts.events} event(s); egress: ${egress || 'none'}${counts.jetstream > 0 ? `; JetStream: ${counts.jetstream}` : ''}`)
    }

    for (const m of collected.malformed) this.warnLine(`a trace message that is not JSON was ignored: ${m}`)
    if (!gaps.origin) this.warnLine('the trace of the first server did not arrive: the path is drawn from the servers that answered')
    if (gaps.missingHops.length > 0) this.warnLine(`no trace from hop(s) ${gaps.missingHops.join(', ')}: those servers may run nats-server before 2.11`)
    return {
      complete: gaps.origin && gaps.missingHops.length === 0,
      counts,
      dest,
      ended: collected.ended,
      missing_hops: gaps.missingHops,
      subject: args.subject,
      trace_only: flags['trace-only'] === true,
      traces: collected.messages,
    }
  }
}

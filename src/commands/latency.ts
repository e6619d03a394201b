import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {openConnection, parseServers} from '../lib/connection.js'
import {ExitCode} from '../lib/errors.js'
import {type LatencyRun, linkResponder, runLatency} from '../lib/events/probe.js'
import {intFlag, waitFlag} from '../lib/flags.js'
import {renderColumns} from '../lib/format/table.js'

export interface LatencyResult extends LatencyRun {
  /** the server the requests are sent through, and its own round trip (ms) */
  server_a: {name?: string; rtt_ms: number; url: string}
  /** the server the responder is connected to, and its own round trip (ms) */
  server_b: {name?: string; rtt_ms: number; url: string}
  /** the payload size, bytes */
  size: number
  /** the rate asked for, requests per second */
  target_rate: number
}

export default class Latency extends BaseCommand<typeof Latency> {
  static description = `A responder connects to --server-b; requests sent through the connected server (server A) at --rate per second for
--duration reach it over the route and come back. Each round trip A → B → A is timed and recorded in an HDR histogram;
the result gives the percentiles 10 … 99.99, min, max, mean and standard deviation in microseconds, and the requests
lost (no reply within --timeout). natscli's latency times one-way publish → receive instead; a round trip needs no
shared clock. Exit 6 when server B cannot be reached through A, 130 on Ctrl-C (with the figures so far).`
  static examples = [
    '<%= config.bin %> latency --server nats://n1:4222 --server-b nats://n2:4222',
    '<%= config.bin %> latency --server-b nats://n2:4222 --rate 5000 --duration 10s --size 128 --json',
  ]
  static flags = {
    duration: waitFlag({description: 'how long to send requests, e.g. 5s [default: 5s]'}),
    rate: intFlag({max: 1_000_000, min: 1})({default: 1000, description: 'requests per second to send'}),
    'server-b': Flags.string({description: 'the second server, where the responder connects (the same credentials and TLS are used)', required: true}),
    size: intFlag({max: 64 * 1024 * 1024, min: 8})({default: 8, description: 'payload size in bytes (8 or more)'}),
  }
  static hiddenAliases = ['lat']
  static summary = 'Request/reply latency between two servers (HDR).'

  async run(): Promise<LatencyResult> {
    const {flags} = this
    const serversB = parseServers(flags['server-b'])
    const settings = await this.connectionSettings()
    const a = await this.nc()
    const b = await openConnection({...settings, displayServers: serversB.map((s) => s.server), servers: serversB.map((s) => s.server)})
    try {
      const rttA = await a.rtt()
      const rttB = await b.rtt()
      const link = await linkResponder(a, b, settings.timeoutMs)
      const {signal} = this.interrupt
      const run = await runLatency(a, link.subject, {durationMs: flags.duration ?? 5000, rate: flags.rate, signal, size: flags.size, timeoutMs: settings.timeoutMs})
      link.stop()
      const result: LatencyResult = {
        ...run,
        server_a: {name: a.info?.server_name, rtt_ms: round(rttA), url: settings.displayServers.join(',')},
        server_b: {name: b.info?.server_name, rtt_ms: round(rttB), url: serversB.map((s) => s.server).join(',')},
        size: flags.size,
        target_rate: flags.rate,
      }
      this.say(render(result))
      if (run.stopped) process.exitCode = ExitCode.INTERRUPTED
      return result
    } finally {
      await b.close().catch(() => {})
    }
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000

const us = (n: number | undefined): string => (n === undefined ? '' : n >= 1000 ? `${(n / 1000).toFixed(3)}ms` : `${n.toFixed(2)}µs`)

function render(r: LatencyResult): string {
  const l = r.latency
  return renderColumns([
    ['Server A', `${r.server_a.name ?? r.server_a.url} (rtt ${r.server_a.rtt_ms.toFixed(3)}ms)`],
    ['Server B', `${r.server_b.name ?? r.server_b.url} (rtt ${r.server_b.rtt_ms.toFixed(3)}ms)`],
    ['Payload', `${r.size} B`],
    ['Requests', `${r.requests} at ${r.actual_rate}/s (asked ${r.target_rate}/s) over ${(r.duration_ms / 1000).toFixed(2)}s`],
    ['Replies', `${r.replies}${r.lost > 0 ? `, ${r.lost} lost` : ''}`],
    '',
    'Round trip A → B → A (HDR percentiles):',
    ...(l
      ? ([
          ['min', us(l.min)],
          ['10', us(l.p10)],
          ['25', us(l.p25)],
          ['50', us(l.p50)],
          ['75', us(l.p75)],
          ['90', us(l.p90)],
          ['99', us(l.p99)],
          ['99.9', us(l.p99_9)],
          ['99.99', us(l.p99_99)],
          ['max', us(l.max)],
          ['mean', `${us(l.mean)} ± ${us(l.stddev)}`],
        ] as Array<[string, string]>)
      : ['  no reply came back']),
  ])
}

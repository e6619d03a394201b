import * as Flags from '@oclif/core/flags'

import type {TopSnapshot} from '../lib/monitoring/feed.js'

import {BaseCommand} from '../lib/base-command.js'
import {connectionError, usageError} from '../lib/errors.js'
import {intFlag} from '../lib/flags.js'
import {CSV_HEADER, csvLines, textFrame} from '../lib/monitoring/batch.js'
import {TopFeed} from '../lib/monitoring/feed.js'
import {chooseTransport, intervalFlag, monitorFlags, openTransport} from '../lib/monitoring/options.js'
import {pause} from '../lib/monitoring/source.js'
import {CLOSED_PER_SERVER, filterConnections, SORT_KEYS, sortConnections} from '../lib/monitoring/view.js'

/** Under --json, top prints one snapshot per line (NDJSON) and returns nothing more. */
export type TopResult = TopSnapshot

export default class Top extends BaseCommand<typeof Top> {
  static description = `A live, cluster-wide view: one header line per server, every connection across the servers with per-second rates computed from each server's own clock and its subscription count (SUBS), and panes for JetStream, routes/leafnodes/gateways, health and recently closed connections.
Keys: ? help, q quit; ↑ ↓ select a connection, Enter shows every connz field of it with its subscriptions (subject, queue group, messages), Esc or Enter goes back; c shows the closed connections with the reason each closed (c again: back); d turns reverse-DNS names for client addresses on and off (looked up in the background, cached, never holding a frame); t adds a column with each connection's last minute of messages per second (in + out) as a sparkline (t again: off); 1-5 or Tab switch panes; / filters; < > sort; r reverses; p pauses.
Each server's header line has sparklines of the last minute of its in and out messages per second (▁ is none, each line scaled to its own peak; a blank is a poll with no rate).
Servers come from --monitor URLs (HTTP, default http://127.0.0.1:8222) or, with --sys, from the system account over NATS (every server of the cluster is discovered).
Without a terminal, or with --iterations, --json or --csv, it prints snapshots instead: --json prints one JSON snapshot per line (NDJSON), every snapshot with rates (one extra poll primes them). Each connection has "subscriptions" (the count); --subs adds "subjects" (what it subscribes to), --lookup adds "host" (the reverse-DNS name of "ip", where one is found), and --closed adds "closed": the most recently closed connections of every server, newest first, each with "reason", "stop" and "stopped_ago_ms" (--closed also adds them to the text frames).`
  static examples = [
    '<%= config.bin %> top',
    '<%= config.bin %> top --monitor localhost:8222 --monitor localhost:8223 --monitor localhost:8224',
    '<%= config.bin %> top --sys --context sys --sort out_msgs_rate',
    '<%= config.bin %> top --iterations 3 --interval 0.5 --json',
    '<%= config.bin %> top --iterations 10 --csv > traffic.csv',
    '<%= config.bin %> top --lookup',
    '<%= config.bin %> top --iterations 1 --json --subs --closed --lookup',
  ]
  static flags = {
    ...monitorFlags,
    closed: Flags.boolean({
      description: `batch output: add the most recently closed connections of every server (at most ${CLOSED_PER_SERVER} each) with the reason each closed; live, key c shows them`,
    }),
    csv: Flags.boolean({
      description: 'print snapshots as CSV (servers and connections, a kind column tells them apart)',
      exclusive: ['json'],
    }),
    filter: Flags.string({
      description: 'show only connections whose name, ip (or --lookup host name), account, user or server contains this text',
    }),
    interval: intervalFlag({
      char: 'd',
      default: 1000,
      defaultHelp: async () => '1s',
      description: 'time between polls: seconds (fractions allowed, 0.5) or a duration (500ms)',
    }),
    iterations: intFlag({min: 1})({description: 'print this many snapshots and exit (batch mode, no live view)'}),
    lookup: Flags.boolean({
      description:
        'reverse-DNS names for client addresses (shown in place of the IP; "host" in --json), looked up in the background; live, key d toggles them',
    }),
    'max-conns': intFlag({min: 1})({
      default: 10_000,
      description: 'read at most this many connections per server (paged 1024 at a time)',
    }),
    raw: Flags.boolean({char: 'b', description: 'raw numbers instead of K/M and KiB'}),
    reverse: Flags.boolean({char: 'R', description: 'reverse the sort order'}),
    sort: Flags.string({default: 'cid', description: `sort connections by: ${SORT_KEYS.join(', ')}`}),
    subs: Flags.boolean({
      description: 'batch output: each connection with the subjects it subscribes to ("subjects"); live, Enter on a connection lists them',
    }),
  }
  static summary = 'Live dashboard of servers, connections, JetStream and health.'

  async run(): Promise<TopResult | void> {
    const {flags} = this
    if (!SORT_KEYS.includes(flags.sort))
      throw usageError(`--sort "${flags.sort}" is not a column`, `use one of ${SORT_KEYS.join(', ')}`)
    let choice
    try {
      choice = chooseTransport(flags, 'http')
    } catch (error) {
      throw usageError((error as Error).message)
    }

    const json = this.jsonEnabled()
    const live =
      !json && !flags.csv && flags.iterations === undefined && Boolean(process.stdout.isTTY && process.stdin.isTTY)
    const settings = await this.connectionSettings()
    // over $SYS a silent server must not hold a poll much longer than the interval
    const timeout =
      choice.kind === 'sys'
        ? Math.min(settings.timeoutMs, Math.max(500, flags.interval))
        : Math.min(settings.timeoutMs, Math.max(1000, flags.interval * 2))
    const transport = await openTransport(choice, settings, () => this.nc({reconnect: true}), timeout)
    // live, JetStream/routes/leafnodes/gateways/health are read about every 5 s (servers and connections every interval);
    // batch snapshots are always complete
    const detailsEvery = live ? Math.max(1, Math.round(5000 / flags.interval)) : 1
    const feed = new TopFeed(transport, {
      closed: !live && flags.closed ? CLOSED_PER_SERVER : 0,
      ...(!live && flags.subs ? {connz: {subs: true}} : {}),
      detailsEvery,
      interval_ms: flags.interval,
      lookup: flags.lookup,
      maxConns: flags['max-conns'],
    })
    try {
      if (live) {
        // React's development build costs several times the CPU per frame; the CLI always wants the production one
        process.env.NODE_ENV ??= 'production'
        const {renderTop} = await import('../ui/render-top.js')
        await renderTop(feed, {
          filter: flags.filter ?? '',
          interval: flags.interval,
          lookup: flags.lookup,
          raw: flags.raw,
          reverse: flags.reverse,
          signal: this.interrupt.signal,
          sort: flags.sort,
        })
        return
      }

      await this.batch(feed, flags.iterations ?? 1, json)
    } finally {
      await feed.close()
    }
  }

  private async batch(feed: TopFeed, iterations: number, json: boolean): Promise<void> {
    const {flags} = this
    const first = await feed.poll()
    if (first.servers.length > 0 && first.servers.every((s) => !s.up)) {
      const s = first.servers[0]
      throw connectionError(
        `no server answered: ${s.name}: ${s.error ?? 'no answer'}`,
        'check --monitor (or --sys and the connection)',
      )
    }

    if (flags.csv) this.writeLine(CSV_HEADER.join(','))
    for (let i = 0; i < iterations && !this.interrupt.signal.aborted; i++) {
      await pause(flags.interval, this.interrupt.signal)
      // the names asked for by the previous poll (a batch can wait for them; each lookup is time-limited)
      if (flags.lookup) await feed.settled()
      if (this.interrupt.signal.aborted) break
      const snap = await feed.poll()
      snap.connections = sortConnections(
        filterConnections(snap.connections, flags.filter ?? ''),
        flags.sort,
        flags.reverse,
      )
      if (json) this.writeLine(JSON.stringify(snap))
      else if (flags.csv) for (const l of csvLines(snap)) this.writeLine(l)
      else
        this.writeLine(
          textFrame(snap, snap.connections, {
            raw: flags.raw,
            reverse: flags.reverse,
            sort: flags.sort,
            width: process.stdout.columns || Number(process.env.COLUMNS) || 160,
          }) + '\n',
        )
    }
  }
}

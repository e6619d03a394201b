/**
 * What every `natsx bench …` command shares: the common flags, the spec built from them, and one `runBench` that
 * prepares the server, prints natscli's banner (stderr), runs the clients with a progress bar (stderr, terminals
 * only), writes the CSV and returns the result (the `--json` output).
 */
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import {randomUUID} from 'node:crypto'
import {writeFileSync} from 'node:fs'

import {BaseCommand} from '../base-command.js'
import {usageError} from '../errors.js'
import {intFlag, sizeFlag, timerFlag} from '../flags.js'
import {validateFilterSubject, validateName} from '../subjects.js'
import {clientRateBars, latencyHistogram} from './charts.js'
import {chartJsSource, htmlReport} from './html-report.js'
import {banner, csv, humanSummary, progressLine} from './report.js'
import {progressTarget, runClients} from './runner.js'
import {cleanupConsume, prepareConsume} from './setup.js'
import {summarize} from './stats.js'
import {Timeline} from './timeline.js'
import {type BenchMode, type BenchResult, type BenchSpec} from './types.js'

const BENCH = 'BENCHMARK'

/** Flags of every bench mode. */
export const benchFlags = {
  clients: intFlag({min: 1})({
    default: 1,
    description: 'concurrent clients, each in its own thread with its own connection',
    helpGroup: BENCH,
  }),
  csv: Flags.string({
    description: 'also write the per-client figures to this CSV file (one row per client)',
    helpGroup: BENCH,
  }),
  duration: timerFlag({description: 'run for this long (e.g. 10s) instead of a message count', helpGroup: BENCH}),
  msgs: intFlag({min: 1})({default: 100_000, description: 'messages in total', helpGroup: BENCH}),
  progress: Flags.boolean({
    allowNo: true,
    default: true,
    description: 'show a progress bar on stderr (only when it is a terminal)',
    helpGroup: BENCH,
  }),
  report: Flags.string({
    description: 'also write a self-contained HTML report of the run (charts, parameters, the JSON result) to this file',
    helpGroup: BENCH,
  }),
}

/** `--rate` for the modes that send (publishers, requesters, KV): receivers take what comes. */
export const rateFlags = {
  rate: intFlag({min: 0})({
    aliases: ['throughput'],
    default: 0,
    description: 'target messages per second in total; 0 is as fast as possible',
    helpGroup: BENCH,
  }),
}

/** `--size` for the modes that send messages (receivers count the bytes that arrive). */
export const sizeFlags = {
  size: sizeFlag({default: 128, description: 'message size, e.g. 16B, 1KiB', helpGroup: BENCH}),
}

/** `--multisubject` for the modes that publish or subscribe on subjects. */
export const multisubjectFlags = {
  multisubject: Flags.boolean({
    description: 'publish on SUBJECT.<n> (n cycling), subscribe to SUBJECT.>',
    helpGroup: BENCH,
  }),
  'multisubject-max': intFlag({min: 1})({
    aliases: ['multisubjectmax'],
    default: 100_000,
    description: 'how many distinct subjects --multisubject cycles through',
    helpGroup: BENCH,
  }),
}

export interface CommonFlags {
  clients: number
  duration?: number
  msgs: number
  multisubject?: boolean
  'multisubject-max'?: number
  rate?: number
  size?: number
}

/** The spec from the common flags; exit 2 on values that cannot run. */
export function baseSpec(mode: BenchMode, subject: string, f: CommonFlags, timeoutMs: number): BenchSpec {
  const size = f.size ?? 0
  if (size < 0) throw usageError('--size must be a number of bytes, not unlimited', 'pass a size such as 128B or 1KiB')
  if (size > 64 * 1024 * 1024)
    throw usageError(
      `--size ${size} is larger than any server allows`,
      'pass at most the server max_payload (1MiB by default)',
    )
  if (f.duration !== undefined && f.duration <= 0)
    throw usageError('--duration must be longer than 0', 'pass e.g. --duration 10s')
  return {
    clients: f.clients,
    ...(f.duration ? {durationMs: f.duration} : {}),
    mode,
    msgs: f.msgs,
    multisubject: f.multisubject ? (f['multisubject-max'] ?? 100_000) : 0,
    rate: f.rate ?? 0,
    runId: randomUUID().slice(0, 8),
    size,
    subject,
    timeoutMs,
  }
}

export interface BenchRunOptions {
  cleanup?: () => Promise<void>
  csv?: string
  /** set up the server; may lower the message count (a stream holding fewer) */
  prepare?: () => Promise<string[] | {msgs?: number; warnings: string[]}>
  progress: boolean
}

export abstract class BenchCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async runBench(spec: BenchSpec, o: BenchRunOptions): Promise<BenchResult> {
    const reportFile = (this.flags as {report?: string}).report
    for (const [file, flag] of [[o.csv, '--csv'], [reportFile, '--report']] as const) {
      if (!file) continue
      try {
        writeFileSync(file, '')
      } catch (error) {
        throw usageError(
          `cannot write the ${flag === '--csv' ? 'CSV' : 'report'} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          `pass a writable path to ${flag}`,
        )
      }
    }

    const settings = await this.connectionSettings()
    const nc = await this.nc()
    const maxPayload = nc.info?.max_payload ?? 0
    if (maxPayload > 0 && spec.size > maxPayload) {
      throw usageError(
        `--size ${spec.size} is larger than the server's max_payload ${maxPayload}`,
        `pass at most --size ${maxPayload}B`,
      )
    }

    const warnings: string[] = []
    let run = spec
    let cleanupNeeded = false
    try {
      if (o.prepare) {
        cleanupNeeded = true
        const prepared = await o.prepare()
        if (Array.isArray(prepared)) warnings.push(...prepared)
        else {
          warnings.push(...prepared.warnings)
          if (prepared.msgs !== undefined) run = {...spec, msgs: prepared.msgs}
        }
      }

      const json = this.jsonEnabled()
      const bar = o.progress && !json && Boolean(process.stderr.isTTY)
      const target = progressTarget(run)
      let started = 0
      const timeline = new Timeline()
      const outcome = await runClients(settings, run, {
        onReady() {
          started = performance.now()
          timeline.add(0, 0)
          process.stderr.write(`${banner(run)}\n`)
        },
        onTick(done) {
          const elapsed = performance.now() - started
          timeline.add(elapsed, done)
          if (bar) process.stderr.write(`\r${progressLine(done, target, elapsed, run.durationMs)}`)
        },
        signal: this.interrupt.signal,
      })
      const done = outcome.reports.reduce((a, r) => a + r.msgs, 0)
      const elapsed = performance.now() - started
      timeline.add(elapsed, done, true)
      // the last frame shows where the run ended (100%, or where Ctrl-C stopped it)
      if (bar) process.stderr.write(`\r${progressLine(done, target, elapsed, run.durationMs)}\n`)

      const result = summarize(run, outcome.reports, {
        interrupted: outcome.interrupted,
        serverVersion: nc.info?.version,
        warnings,
      })
      result.timeline = timeline.toJSON()
      if (outcome.lost && this.jsonEnabled()) result.warnings.push(outcome.lost.message)
      if (o.csv) writeFileSync(o.csv, csv(result, run.runId))
      if (reportFile) writeFileSync(reportFile, htmlReport([{label: 'this run', result}], chartJsSource()))
      const width = process.stdout.columns ?? (Number(process.env.COLUMNS) || 80)
      this.say(
        [humanSummary(result, outcome.lost ? 'lost' : 'interrupt'), ...clientRateBars(result, width), ...latencyHistogram(result, width)].join(
          '\n',
        ),
      )
      if (outcome.lost) {
        // the partial result is still the output (as for Ctrl-C), and the run ends as a connection failure: exit 6
        if (this.jsonEnabled()) this.logJson(result)
        throw outcome.lost
      }

      return result
    } finally {
      if (cleanupNeeded && o.cleanup) await o.cleanup().catch(() => {})
    }
  }

  /** `bench js consume|fetch|ordered`: validate, then read the stream (through a shared durable consumer unless ordered). */
  protected async runConsumeBench(mode: 'js consume' | 'js fetch' | 'js ordered', flags: CommonFlags & ConsumeFlagValues): Promise<BenchResult> {
    validateName(flags.stream, 'stream')
    if (flags.filter) validateFilterSubject(flags.filter, 'filter subject')
    const spec = {
      ...baseSpec(mode, flags.filter ?? '', flags, (await this.connectionSettings()).timeoutMs),
      ...(mode === 'js ordered' ? {} : {acks: (flags.acks ?? 'explicit') as 'all' | 'explicit' | 'none', consumer: flags.consumer}),
      batch: flags.batch,
      ...(flags.filter ? {filter: flags.filter} : {}),
      stream: flags.stream,
    }
    if (spec.consumer !== undefined) validateName(spec.consumer, 'consumer')
    const jsm = await this.jsm()
    return this.runBench(spec, {
      cleanup: () => cleanupConsume(jsm, spec),
      csv: flags.csv,
      prepare: () => prepareConsume(jsm, spec),
      progress: flags.progress,
    })
  }
}

/** Flags of the JetStream and KV modes that make or empty a stream. */
export const storeFlags = {
  force: Flags.boolean({
    char: 'f',
    description: 'purge without asking (required with --purge when there is no terminal)',
  }),
  maxbytes: sizeFlag({
    default: -1,
    description: 'size limit of a created stream or bucket, e.g. 1GiB; -1 is unlimited',
    helpGroup: BENCH,
  }),
  purge: Flags.boolean({description: 'delete all messages of the stream or bucket before the run', helpGroup: BENCH}),
  replicas: intFlag({min: 1})({default: 1, description: 'replicas of a created stream or bucket', helpGroup: BENCH}),
  storage: Flags.string({
    default: 'file',
    description: 'storage of a created stream or bucket',
    helpGroup: BENCH,
    options: ['file', 'memory'],
  }),
}

/** Flags of the JetStream consuming modes. */
export const consumeFlags = {
  batch: intFlag({min: 1})({default: 500, description: 'messages per pull request', helpGroup: BENCH}),
  filter: Flags.string({description: 'read only messages on this subject', helpGroup: BENCH}),
  stream: Flags.string({default: 'benchstream', description: 'stream to read', helpGroup: BENCH}),
}

/** Flags of the modes that share one durable consumer (consume, fetch). */
export const sharedConsumerFlags = {
  acks: Flags.string({
    default: 'explicit',
    description: 'ack policy of the bench consumer: ack each message, none, or every --batch messages (all)',
    options: ['explicit', 'none', 'all'],
  }),
  consumer: Flags.string({
    default: 'natsx-bench',
    description: 'name of the durable consumer the clients share (replaced for the run)',
  }),
}

export interface ConsumeFlagValues {
  acks?: string
  batch: number
  consumer?: string
  csv?: string
  filter?: string
  progress: boolean
  stream: string
}

/**
 * The base of every natsx command. It owns the connection flags, the lazily opened NATS connection and the
 * JetStream managers, the error contract (one line or JSON on stderr, exit codes from errors.ts), interrupts,
 * and confirmation of destructive verbs. Nothing heavy is imported here: the client loads on first use.
 */
import type {JetStreamClient, JetStreamManager} from '@nats-io/jetstream'
import type {NatsConnection} from '@nats-io/transport-node'
import type * as Interfaces from '@oclif/core/interfaces'

import {Command} from '@oclif/core/command'

import {untilAborted} from './abort.js'
import {Capabilities} from './capabilities.js'
import {type ConnectionFlags, type ConnectionSettings, describeSettings, openConnection, resolveSettings, traceRequests} from './connection.js'
import {resolveContext} from './context-store.js'
import {ExitCode, interrupted, NatsxError, toNatsxError, usageError} from './errors.js'
import {connectionFlags} from './flags.js'
import {escapeControls} from './format/escape.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** How long a command that took the interrupt signal has to stop by itself after Ctrl-C or SIGTERM. */
const GRACE_MS = 900

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = connectionFlags
  static enableJsonFlag = true
protected args!: BaseArgs<T>
  protected flags!: BaseFlags<T>
  /** all positional arguments (commands with `strict = false` take a variable number) */
  protected rest: string[] = []
  private _caps?: Capabilities
  private _js?: JetStreamClient
  private _jsm?: JetStreamManager
  private _nc?: NatsConnection
  private _settings?: ConnectionSettings
  private readonly interruptController = new AbortController()
  /** set once the command has taken the interrupt signal to stop on it gracefully */
  private interruptTaken = false
  /**
   * Ctrl-C (or SIGTERM). A command that has taken `interrupt.signal` stops gracefully on it (a subscription prints its
   * summary, a publisher flushes); the connection is then closed in `finally`. Any other command, or a second Ctrl-C,
   * ends the process at once with exit 130: nothing is left waiting on a server that does not answer.
   */
  private readonly onSignal = (): void => {
    if (this.interruptController.signal.aborted || !this.interruptTaken) {
      this.report(interrupted())
      process.exit(ExitCode.INTERRUPTED)
    }

    this.interruptController.abort()
    // The command stops by itself on the abort; if it is stuck (a server that stopped answering a flush or a pull),
    // it still ends within a second.
    setTimeout(() => {
      this.report(interrupted())
      process.exit(ExitCode.INTERRUPTED)
    }, GRACE_MS).unref()
  }
  /**
   * The reader of stdout has gone (`natsx sub … | head -1`): a command that has taken `interrupt.signal` stops on it
   * (a pull consumer still acknowledges what it printed); any other ends at once. Nothing more is said, exit 0.
   */
  private readonly onStdoutError = (): void => {
    if (this.stdoutGone) return
    this.stdoutGone = true
    if (!this.interruptTaken) process.exit(0)
    this.interruptController.abort()
    // never wait long on the way out
    setTimeout(() => process.exit(0), 1000).unref()
  }
/** stdout's reader has gone (EPIPE): the command ends at once and quietly, with 0, as `yes | head` does */
  private stdoutGone = false

  /** Aborted on Ctrl-C / SIGTERM. Taking it means the command stops on it by itself (see onSignal). */
  protected get interrupt(): {readonly signal: AbortSignal} {
    this.interruptTaken = true
    return this.interruptController
  }

  /** The server version and JetStream API level of the connected server. */
  protected async capabilities(): Promise<Capabilities> {
    if (this._caps) return this._caps
    const nc = await this.nc()
    const version = nc.info?.version ?? '0.0.0'
    let level = 0
    let jetstream = false
    try {
      const jsm = await this.jsm()
      const info = await jsm.getAccountInfo()
      level = (info as {api?: {level?: number}}).api?.level ?? 0
      jetstream = true
    } catch {
      // no JetStream or no permission: the version alone decides
    }

    this._caps = new Capabilities(version, level, Boolean(nc.info?.cluster), jetstream)
    return this._caps
  }

  override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (this.stdoutGone) {
      process.exitCode = 0
      return
    }

    const err = this.interruptController.signal.aborted && !(error instanceof NatsxError) ? interrupted() : toNatsxError(error, {maxPayload: this._nc?.info?.max_payload, servers: this._settings?.displayServers.join(',')})
    process.exitCode = err.exitCode
    // A parse failure is reported here; oclif must not also warn that the command "did not parse".
    this.parsed = true
    this.report(err)

    if (this.tracing()) process.stderr.write(`${(error as Error).stack ?? error}\n`)
  }

  /**
   * Destructive verbs: `--force` proceeds; without it a terminal is asked, and without a terminal it is an exit-2
   * error that names the flag. Nothing is changed before this returns.
   */
  protected async confirm(question: string, force: boolean | undefined): Promise<void> {
    if (force) return
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw usageError(`${question}: refusing without --force when there is no terminal to confirm`, 'add --force')
    }

    const {createInterface} = await import('node:readline/promises')
    const rl = createInterface({input: process.stdin, output: process.stderr})
    try {
      const answer = await rl.question(`${question}? [y/N] `, {signal: this.interruptController.signal})
      if (!/^y(es)?$/i.test(answer.trim())) throw new NatsxError(ExitCode.USAGE, 'cancelled')
    } finally {
      rl.close()
    }
  }

  /** Settings without connecting (context commands and `--trace` use them). */
  protected async connectionSettings(): Promise<ConnectionSettings> {
    if (this._settings) return this._settings
    const f = this.flags as ConnectionFlags
    const {context, name} = await resolveContext(f.context, Boolean(f['no-context']))
    this._settings = resolveSettings(f, context, name)
    return this._settings
  }

  override async finally(error: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    await this.closeConnection()
    if (this.stdoutGone) process.exitCode = 0
    else if (!error && this.interruptController.signal.aborted && !process.exitCode) process.exitCode = ExitCode.INTERRUPTED
    await super.finally(error)
  }

  override async init(): Promise<void> {
    await super.init()
    // natsx reads stdin itself where a command takes it (binary-safe, untrimmed); oclif must never consume it.
    const argDefs = Object.fromEntries(Object.entries(this.ctor.args ?? {}).map(([k, v]) => [k, {...v, ignoreStdin: true}]))
    const {args, argv, flags} = await this.parse({
      args: argDefs,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.rest = argv as string[]
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
    process.stdout.on('error', this.onStdoutError)
  }

  /** The JetStream client (publish, consume), made on first use. */
  protected async js(): Promise<JetStreamClient> {
    if (this._js) return this._js
    const {jetstream} = await import('./nats/jetstream.js')
    this._js = jetstream(await this.nc(), await this.jsOptions())
    return this._js
  }

  /** The JetStream manager (streams, consumers), made on first use. */
  protected async jsm(): Promise<JetStreamManager> {
    if (this._jsm) return this._jsm
    const {jetstreamManager} = await import('./nats/jetstream.js')
    this._jsm = await jetstreamManager(await this.nc(), {...(await this.jsOptions()), checkAPI: false})
    return this._jsm
  }

  /** The connection, opened on first use and closed in `finally`. */
  protected async nc(options: {noAsyncTraces?: boolean; reconnect?: boolean} = {}): Promise<NatsConnection> {
    if (this._nc) return this._nc
    const settings = await this.connectionSettings()
    if (this.tracing()) process.stderr.write(`--- connecting: ${describeSettings(settings)}\n`)
    this._nc = await untilAborted(openConnection(settings, options), this.interruptController.signal, (nc) => nc.close())
    if (this.tracing()) {
      process.stderr.write(`--- connected to ${this._nc.info?.server_name ?? '?'} (nats-server ${this._nc.info?.version ?? '?'})\n`)
      traceRequests(this._nc, (line) => process.stderr.write(line + '\n'), settings.jsApiPrefix ? `${settings.jsApiPrefix}.` : '$JS.')
    }

    return this._nc
  }

  /** Whether the reader of stdout has gone (EPIPE): say nothing more. */
  protected outputClosed(): boolean {
    return this.stdoutGone
  }

  /** A line for people on stdout (suppressed under --json). */
  protected say(message: string): void {
    this.log(message)
  }

  /** Whether stdout is a terminal (colours, tables sized to it). */
  protected stdoutIsTTY(): boolean {
    return Boolean(process.stdout.isTTY)
  }

  protected tracing(): boolean {
    return Boolean((this.flags as ConnectionFlags | undefined)?.trace) || process.env.NATSX_DEBUG === '1'
  }

  /** A warning on stderr (suppressed under --json). */
  protected warnLine(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`natsx: warning: ${message}\n`)
  }

  /** One line on stdout, also under --json (NDJSON streams). */
  protected writeLine(line: string): void {
    process.stdout.write(line + '\n')
  }

  private async closeConnection(): Promise<void> {
    const nc = this._nc
    this._nc = undefined
    if (!nc || nc.isClosed()) return
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        nc.close(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 2000)
        }),
      ])
    } catch {
      // closing a broken connection: nothing left to do
    } finally {
      if (timer) clearTimeout(timer)
    }
  }

  private async jsOptions(): Promise<{apiPrefix?: string; domain?: string; timeout: number}> {
    const s = await this.connectionSettings()
    return {
      timeout: s.timeoutMs,
      ...(s.jsDomain ? {domain: s.jsDomain} : {}),
      ...(s.jsApiPrefix ? {apiPrefix: s.jsApiPrefix} : {}),
    }
  }

  /** An error on stderr: one line for people, one JSON line under --json. */
  private report(err: NatsxError): void {
    const wantJson = (this.flags ? this.jsonEnabled() : false) || (this.argv.includes('--json') && this.ctor.enableJsonFlag)
    process.stderr.write(wantJson ? JSON.stringify(err.toJSON()) + '\n' : `natsx: ${escapeControls(err.line())}\n`)
  }
}

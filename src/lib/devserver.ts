/**
 * `natsx server run`: a local development nats-server on 127.0.0.1 with JetStream and monitoring, its store in the
 * natsx data directory, in the foreground or in the background with a pid file.
 */
import {execFileSync, spawn} from 'node:child_process'
import {accessSync, constants, existsSync, openSync, readdirSync} from 'node:fs'
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {createConnection} from 'node:net'
import {homedir} from 'node:os'
import {delimiter, join} from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'

import {compareVersions} from './capabilities.js'
import {connectionError, ExitCode, NatsxError} from './errors.js'

export interface DevServerOptions {
  dataDir: string
  monitorPort: number
  name: string
  port: number
  /** natsx's own directory: its set-up's servers are in `.servers/` there */
  root?: string
}

export interface DevServerInfo {
  already_running?: boolean
  /** the nats-server binary started (absent when one was already running) */
  binary?: string
  context?: string
  log?: string
  monitor: string
  pid: number
  store_dir: string
  url: string
  /** its version (absent when one was already running) */
  version?: string
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share')
  return join(base, 'natsx', 'server')
}

export interface NatsServerBinary {
  path: string
  version: string
}

/** The version a nats-server binary prints (`nats-server: v2.15.1`), or undefined when it does not run. */
function binaryVersion(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK)
    const out = execFileSync(path, ['--version'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000})
    return /v?(\d+\.\d+\.\d+\S*)/.exec(out)?.[1]
  } catch {
    return undefined
  }
}

/**
 * The newest nats-server found: on PATH, Debian's /usr/sbin and /usr/local/bin, and the servers natsx's set-up
 * fetched into `<root>/.servers/<suite>/` (trixie's and sid's). NATSX_NATS_SERVER names the binary outright.
 */
export function findNatsServer(root?: string, env: NodeJS.ProcessEnv = process.env): NatsServerBinary {
  const named = env.NATSX_NATS_SERVER
  const candidates = named
    ? [named]
    : [
        ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'nats-server')),
        '/usr/sbin/nats-server',
        '/usr/local/bin/nats-server',
        ...(root ? fetchedServers(root) : []),
      ]
  let best: NatsServerBinary | undefined
  for (const path of new Set(candidates)) {
    const version = binaryVersion(path)
    if (version && (!best || compareVersions(version, best.version) > 0)) best = {path, version}
  }

  if (best) return best
  throw new NatsxError(ExitCode.NOT_FOUND, 'nats-server is not installed', {
    hint: 'run `bash scripts/setup.sh` in the natsx checkout, install it with `sudo apt-get install nats-server`, or put the binary on PATH',
  })
}

function fetchedServers(root: string): string[] {
  const dir = join(root, '.servers')
  try {
    return readdirSync(dir)
      .filter((suite) => suite !== 'apt')
      .map((suite) => join(dir, suite, 'usr', 'sbin', 'nats-server'))
  } catch {
    return []
  }
}

export function serverArgs(o: DevServerOptions): string[] {
  return ['-a', '127.0.0.1', '-p', String(o.port), '-m', String(o.monitorPort), '-n', o.name, '-js', '-sd', join(o.dataDir, 'jetstream')]
}

const pidFile = (dir: string): string => join(dir, 'nats-server.pid')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function runningPid(dir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(pidFile(dir), 'utf8')).trim())
    return pid > 0 && alive(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({host: '127.0.0.1', port})
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** Wait until the server accepts connections, or fail when the process exits or the deadline passes. */
async function waitReady(pid: number, port: number, timeoutMs: number, log: string): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (!alive(pid)) throw connectionError(`nats-server exited during start-up (pid ${pid})`, `see ${log}; is port ${port} already in use?`)
    if (await portOpen(port)) return
    await delay(50)
  }

  throw connectionError(`nats-server did not accept connections on 127.0.0.1:${port} within ${timeoutMs}ms`, `see ${log}`)
}

export async function startBackground(o: DevServerOptions): Promise<DevServerInfo> {
  const info = (pid: number): DevServerInfo => ({
    log: join(o.dataDir, 'nats-server.log'),
    monitor: `http://127.0.0.1:${o.monitorPort}`,
    pid,
    store_dir: join(o.dataDir, 'jetstream'),
    url: `nats://127.0.0.1:${o.port}`,
  })
  await mkdir(o.dataDir, {recursive: true})
  const existing = await runningPid(o.dataDir)
  if (existing) return {...info(existing), already_running: true}
  if (await portOpen(o.port)) {
    throw new NatsxError(ExitCode.CONFLICT, `port ${o.port} on 127.0.0.1 is already in use`, {hint: 'stop what listens there or pass --port'})
  }

  const bin = findNatsServer(o.root)
  const log = join(o.dataDir, 'nats-server.log')
  const out = openSync(log, 'a')
  const child = spawn(bin.path, [...serverArgs(o), '-l', log], {detached: true, stdio: ['ignore', out, out]})
  child.unref()
  if (!child.pid) throw new NatsxError(ExitCode.UNEXPECTED, `could not start ${bin.path}`)
  await writeFile(pidFile(o.dataDir), String(child.pid))
  await waitReady(child.pid, o.port, 10_000, log)
  return {...info(child.pid), binary: bin.path, version: bin.version}
}

/** Run in the foreground until the server exits or the signal aborts; returns the exit code of the server. */
export async function runForeground(o: DevServerOptions, signal: AbortSignal): Promise<number> {
  await mkdir(o.dataDir, {recursive: true})
  const bin = findNatsServer(o.root)
  process.stderr.write(`natsx: running nats-server ${bin.version} (${bin.path}) at nats://127.0.0.1:${o.port} (Ctrl-C stops it)\n`)
  const child = spawn(bin.path, serverArgs(o), {stdio: ['ignore', 'inherit', 'inherit']})
  const onAbort = (): void => {
    child.kill('SIGTERM')
  }

  signal.addEventListener('abort', onAbort, {once: true})
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => {
      signal.removeEventListener('abort', onAbort)
      resolve(code ?? 0)
    })
  })
}

export async function stopBackground(dir: string, timeoutMs = 10_000): Promise<{pid?: number; stopped: boolean}> {
  const pid = await runningPid(dir)
  if (!pid) {
    if (existsSync(pidFile(dir))) await rm(pidFile(dir), {force: true})
    return {stopped: false}
  }

  process.kill(pid, 'SIGTERM')
  const until = Date.now() + timeoutMs
  while (alive(pid) && Date.now() < until) await delay(50)
  if (alive(pid)) process.kill(pid, 'SIGKILL')
  await rm(pidFile(dir), {force: true})
  return {pid, stopped: true}
}

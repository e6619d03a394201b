/**
 * `natsx server run`: a local development nats-server on 127.0.0.1 with JetStream and monitoring, its store in the
 * natsx data directory, in the foreground or in the background with a pid file.
 */
import {spawn} from 'node:child_process'
import {accessSync, constants, existsSync, openSync} from 'node:fs'
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {createConnection} from 'node:net'
import {homedir} from 'node:os'
import {delimiter, join} from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'

import {connectionError, ExitCode, NatsxError} from './errors.js'

export interface DevServerOptions {
  dataDir: string
  monitorPort: number
  name: string
  port: number
}

export interface DevServerInfo {
  already_running?: boolean
  context?: string
  log?: string
  monitor: string
  pid: number
  store_dir: string
  url: string
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share')
  return join(base, 'natsx', 'server')
}

/** nats-server on PATH, else Debian's /usr/sbin/nats-server. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  // NATSX_NATS_SERVER names the binary outright (tests use it to simulate a missing server).
  const candidates = env.NATSX_NATS_SERVER
    ? [env.NATSX_NATS_SERVER]
    : [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'nats-server')), '/usr/sbin/nats-server', '/usr/local/bin/nats-server']
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK)
      return c
    } catch {
      // next
    }
  }

  throw new NatsxError(ExitCode.NOT_FOUND, 'nats-server is not installed', {hint: 'install it with `sudo apt-get install nats-server` (Debian/Ubuntu) or put the binary on PATH'})
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

  const bin = findNatsServer()
  const log = join(o.dataDir, 'nats-server.log')
  const out = openSync(log, 'a')
  const child = spawn(bin, [...serverArgs(o), '-l', log], {detached: true, stdio: ['ignore', out, out]})
  child.unref()
  if (!child.pid) throw new NatsxError(ExitCode.UNEXPECTED, `could not start ${bin}`)
  await writeFile(pidFile(o.dataDir), String(child.pid))
  await waitReady(child.pid, o.port, 10_000, log)
  return info(child.pid)
}

/** Run in the foreground until the server exits or the signal aborts; returns the exit code of the server. */
export async function runForeground(o: DevServerOptions, signal: AbortSignal): Promise<number> {
  await mkdir(o.dataDir, {recursive: true})
  const bin = findNatsServer()
  const child = spawn(bin, serverArgs(o), {stdio: ['ignore', 'inherit', 'inherit']})
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

/**
 * Run the built natsx binary as a child process, the way a script would: stdin closed (no TTY), a private
 * XDG_CONFIG_HOME, no NATS_* variables from the outside, no colour.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: null | number
  json<T = unknown>(): T
  /** stdout split into parsed NDJSON lines */
  ndjson<T = unknown>(): T[]
  signal: NodeJS.Signals | null
  stderr: string
  stdout: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  /** bytes for stdin; stdin is closed when absent */
  input?: Buffer | string
  /** keep stdin open as a pipe (spawnCli): `input`, if any, is written first; the test writes more to `child.stdin` and ends it */
  openStdin?: boolean
  timeoutMs?: number
}

export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('NATS_') && !k.startsWith('NATSX_') && k !== 'XDG_CONFIG_HOME' && k !== 'XDG_DATA_HOME') env[k] = v
  }

  Object.assign(env, {CI: 'true', COLUMNS: '120', NO_COLOR: '1', XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'natsx-cfg-'))})
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }

  return env
}

function result(code: null | number, signal: NodeJS.Signals | null, stdout: string, stderr: string): CliResult {
  return {
    code,
    json<T>() {
      try {
        return JSON.parse(stdout) as T
      } catch {
        throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`)
      }
    },
    ndjson<T>() {
      return stdout
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .map((l) => JSON.parse(l) as T)
    },
    signal,
    stderr,
    stdout,
  }
}

/** Run to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options)
  return child.done
}

export interface RunningCli {
  child: ChildProcess
  done: Promise<CliResult>
  stdout(): string
  /** resolves when stdout (or stderr) has matched */
  waitFor(pattern: RegExp | string, stream?: 'stderr' | 'stdout'): Promise<void>
}

export function spawnCli(args: string[], options: CliOptions = {}): RunningCli {
  const env = options.env && 'XDG_CONFIG_HOME' in options.env ? {...baseEnv(), ...options.env} : baseEnv(options.env)
  const child = spawn(process.execPath, [BIN, ...args], {env, stdio: [options.input === undefined && !options.openStdin ? 'ignore' : 'pipe', 'pipe', 'pipe']})
  let out = ''
  let err = ''
  const waiters: Array<() => void> = []
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString()
    for (const w of waiters) w()
  })
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString()
    for (const w of waiters) w()
  })
  if (options.openStdin && options.input !== undefined) child.stdin!.write(options.input)
  else if (options.input !== undefined) child.stdin!.end(options.input)
  const timeoutMs = options.timeoutMs ?? 30_000
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve(result(code, signal, out, err))
    })
  })
  return {
    child,
    done,
    stdout: () => out,
    waitFor(pattern, stream = 'stdout') {
      const test = (): boolean => {
        const text = stream === 'stdout' ? out : err
        return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)
      }

      return new Promise((resolve, reject) => {
        if (test()) {
          resolve()
          return
        }

        const check = (): void => {
          if (test()) resolve()
        }

        waiters.push(check)
        child.once('close', () => {
          if (!test()) reject(new Error(`process exited before ${stream} matched ${pattern}\nstdout:\n${out}\nstderr:\n${err}`))
        })
      })
    },
  }
}

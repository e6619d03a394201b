/**
 * Running a user's shell command on a message: `/bin/sh -c COMMAND` with the bytes on stdin, stdout and stderr
 * collected. Shared by `reply --command` and `--translate` on `sub` and `request`.
 */
import {spawn} from 'node:child_process'

export interface ShellResult {
  /** the exit status; null when a signal ended the command */
  code: null | number
  signal: NodeJS.Signals | null
  /** all of stderr as text, trimmed */
  stderr: string
  stdout: Buffer
}

/**
 * Run `command` through /bin/sh with `input` on stdin. Resolves with the outcome whatever the exit status; rejects
 * when the shell cannot be started, and with an AbortError when `signal` aborts (the command is then killed).
 */
export function runShell(command: string, input: Uint8Array, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {env, signal, stdio: ['pipe', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code, sig) => resolve({code, signal: sig, stderr: Buffer.concat(err).toString('utf8').trim(), stdout: Buffer.concat(out)}))
    // a command that does not read its stdin closes it early: not an error
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

/**
 * Whether text can be put into a /bin/sh command line as it is, quoted or not, without the shell reading anything
 * into it: letters, digits and `_ - + = @ % : ,` only (no `$`, quotes, `;`, `|`, `&`, globs, `~`, `#`, braces …).
 */
export function shellSafe(text: string): boolean {
  return /^[\p{L}\p{N}_\-+=@%:,]+$/u.test(text)
}

/**
 * Whether a request body can be put into a /bin/sh command line ({{Request}} in `reply --command`) without the shell
 * reading anything into it: `shellSafe`'s characters plus spaces, `.` and `/`. Spaces split words; they run nothing.
 */
export function shellSafeText(text: string): boolean {
  return /^[\p{L}\p{N} _\-+=@%:,./]*$/u.test(text)
}

/** Whether the command succeeded (exit status 0). */
export function succeeded(res: ShellResult): boolean {
  return res.code === 0
}

/** How a command failed, for one line: `exited 3: <first line of its stderr>` or `killed by SIGKILL`. */
export function failureText(res: ShellResult): string {
  const first = res.stderr.split('\n')[0]
  const how = res.code === null ? `killed by ${res.signal ?? 'a signal'}` : `exited ${res.code}`
  return first ? `${how}: ${first}` : how
}

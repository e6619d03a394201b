/**
 * natscli's context store, read and written in its own layout so that a profile made by either tool works in both:
 * `$XDG_CONFIG_HOME/nats/context/NAME.json` (falling back to `~/.config`), the selection in `nats/context.txt`.
 */
import {chmod, mkdir, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {maskUrls} from './connection.js'
import {ExitCode, NatsxError, notFound, usageError} from './errors.js'

/** A context as natscli stores it (its JSON keys). */
export interface NatsContext {
  ca: string
  cert: string
  color_scheme: string
  creds: string
  description: string
  inbox_prefix: string
  jetstream_api_prefix: string
  jetstream_domain: string
  jetstream_event_prefix: string
  key: string
  nkey: string
  nsc: string
  password: string
  socks_proxy: string
  tls_first: boolean
  token: string
  url: string
  user: string
  user_jwt: string
  user_seed: string
}

export const CONTEXT_KEYS: ReadonlyArray<keyof NatsContext> = [
  'description',
  'url',
  'socks_proxy',
  'token',
  'user',
  'password',
  'creds',
  'nkey',
  'cert',
  'key',
  'ca',
  'nsc',
  'jetstream_domain',
  'jetstream_api_prefix',
  'jetstream_event_prefix',
  'inbox_prefix',
  'user_jwt',
  'user_seed',
  'color_scheme',
  'tls_first',
]

export const SECRET_KEYS: ReadonlyArray<keyof NatsContext> = ['password', 'token', 'user_seed', 'user_jwt']

export function emptyContext(): NatsContext {
  return {
    ca: '',
    cert: '',
    color_scheme: '',
    creds: '',
    description: '',
    inbox_prefix: '',
    jetstream_api_prefix: '',
    jetstream_domain: '',
    jetstream_event_prefix: '',
    key: '',
    nkey: '',
    nsc: '',
    password: '',
    socks_proxy: '',
    tls_first: false,
    token: '',
    url: '',
    user: '',
    user_jwt: '',
    user_seed: '',
  }
}

export function configRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME
  return join(xdg && xdg.length > 0 ? xdg : join(env.HOME ?? homedir(), '.config'), 'nats')
}

const contextDir = (env?: NodeJS.ProcessEnv): string => join(configRoot(env), 'context')
const contextFile = (name: string, env?: NodeJS.ProcessEnv): string => join(contextDir(env), `${name}.json`)
const selectionFile = (env?: NodeJS.ProcessEnv): string => join(configRoot(env), 'context.txt')
/** natscli keeps the context selected before the current one here (`nats context previous`) */
const previousFile = (env?: NodeJS.ProcessEnv): string => join(configRoot(env), 'previous-context.txt')

/** natscli refuses names with path separators, dots at the start and blanks; natsx does the same. */
export function validateContextName(name: string): void {
  if (!name || !/^[\w][\w.@-]*$/.test(name) || name.includes('..')) {
    throw usageError(`invalid context name "${name}"`, 'use letters, digits, "_", "-", "." or "@" (no slashes or spaces)')
  }
}

export async function listContexts(env?: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    const files = await readdir(contextDir(env))
    return files
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

export async function contextExists(name: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  return (await listContexts(env)).includes(name)
}

export async function loadContext(name: string, env?: NodeJS.ProcessEnv): Promise<NatsContext> {
  validateContextName(name)
  let text: string
  try {
    text = await readFile(contextFile(name, env), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw notFound(`context "${name}" does not exist`, 'list contexts with `natsx context ls`')
    }

    throw error
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw usageError(`context "${name}" is not valid JSON (${contextFile(name, env)}): ${(error as Error).message}`)
  }

  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw usageError(`context "${name}" is not a JSON object (${contextFile(name, env)})`)
  }

  return {...emptyContext(), ...checkTypes(name, parsed as Record<string, unknown>, contextFile(name, env))}
}

const typeOf = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`)

/**
 * natscli writes every known key as a string (`tls_first` a boolean); anything else is a hand edit gone wrong and
 * would be silently coerced ("12345" as a URL, "[object Object]" as a password). Refuse it, naming the key but never a
 * value (it may be a secret). `null` reads as unset, as Go reads it.
 */
function checkTypes(name: string, obj: Record<string, unknown>, file: string): Partial<NatsContext> {
  const out: Record<string, unknown> = {...obj}
  for (const key of CONTEXT_KEYS) {
    const v = obj[key]
    if (v === undefined) continue
    if (v === null) {
      delete out[key]
      continue
    }

    const want = key === 'tls_first' ? 'boolean' : 'string'
    if (typeof v !== want) {
      throw usageError(`context "${name}" has ${typeOf(v)} for "${key}" where a ${want} belongs (${file})`, `write "${key}" as a ${want} in the file (natscli writes "" for unset)`)
    }
  }

  return out as Partial<NatsContext>
}

/** Write a context in natscli's layout, keeping keys natsx does not know; the file is 0600 (it may hold secrets). */
export async function saveContext(name: string, ctx: NatsContext, env?: NodeJS.ProcessEnv): Promise<string> {
  validateContextName(name)
  const dir = contextDir(env)
  await mkdir(dir, {mode: 0o700, recursive: true})
  const file = contextFile(name, env)
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(ctx, null, 2) + '\n', {mode: 0o600})
  await chmod(tmp, 0o600)
  await rename(tmp, file)
  return file
}

export async function removeContext(name: string, env?: NodeJS.ProcessEnv): Promise<void> {
  validateContextName(name)
  await rm(contextFile(name, env), {force: false}).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw notFound(`context "${name}" does not exist`, 'list contexts with `natsx context ls`')
    throw error
  })
}

async function readName(file: string): Promise<string | undefined> {
  try {
    const name = (await readFile(file, 'utf8')).trim()
    return name.length > 0 ? name : undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Write a small file whole or not at all: a reader never sees half a name. */
async function writeName(file: string, name: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, name)
  await rename(tmp, file)
}

export async function selectedContext(env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  return readName(selectionFile(env))
}

/** The context `context previous` would select; undefined when there is none other than `except`. */
export async function previousContext(env?: NodeJS.ProcessEnv, except?: string): Promise<string | undefined> {
  const name = await readName(previousFile(env))
  return name === except ? undefined : name
}

/** Select `name`; the context selected until now (when another) becomes the previous one, as natscli does. */
export async function selectContext(name: string, env?: NodeJS.ProcessEnv): Promise<void> {
  validateContextName(name)
  if (!(await contextExists(name, env))) {
    throw notFound(`context "${name}" does not exist`, 'create it with `natsx context add`')
  }

  await mkdir(configRoot(env), {recursive: true})
  const current = await selectedContext(env)
  if (current && current !== name) await writeName(previousFile(env), current)
  await writeName(selectionFile(env), name)
}

/** Select nothing (commands then use flags, env and defaults); the context selected until now becomes the previous one. */
export async function unselectContext(env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const current = await selectedContext(env)
  if (current) await writeName(previousFile(env), current)
  await rm(selectionFile(env), {force: true})
  return current
}

/** A copy with secrets replaced by `********` (empty values stay empty), whatever their type, and the URL's credentials masked. */
export function maskContext(ctx: NatsContext): NatsContext {
  const out = {...ctx}
  for (const k of SECRET_KEYS) {
    const v = out[k] as unknown
    if (v !== undefined && v !== null && v !== '' && v !== false) (out as Record<string, unknown>)[k] = '********'
  }

  if (typeof out.url === 'string' && out.url) out.url = maskUrls(out.url)
  return out
}

/**
 * Which context applies: `--context`/NATS_CONTEXT first, then the selection in context.txt.
 * A named context that does not exist is an error; a stale selection is too (natscli does the same).
 */
export async function resolveContext(
  explicit: string | undefined,
  noContext: boolean,
  env?: NodeJS.ProcessEnv,
): Promise<{context?: NatsContext; name?: string}> {
  if (noContext) return {}
  const name = explicit ?? (await selectedContext(env))
  if (!name) return {}
  try {
    return {context: await loadContext(name, env), name}
  } catch (error) {
    if (error instanceof NatsxError && error.exitCode === ExitCode.NOT_FOUND && !explicit) {
      throw notFound(`the selected context "${name}" does not exist`, 'select another with `natsx context select` or pass --no-context')
    }

    throw error
  }
}

/**
 * Context operations behind the `context` commands: building a context from flags, listing, validating.
 */
import {access} from 'node:fs/promises'

import type {ConnectionFlags} from './connection.js'

import {expandPath, maskUrls, openConnection, resolveSettings, splitServers} from './connection.js'
import {listContexts, loadContext, maskContext, type NatsContext, selectedContext} from './context-store.js'
import {toNatsxError} from './errors.js'

/** Apply the connection flags that were given to a context (natscli's `context add/edit` semantics). */
export function applyFlags(ctx: NatsContext, flags: ConnectionFlags & {description?: string}): NatsContext {
  const out = {...ctx}
  const set = (key: keyof NatsContext, value: string | undefined): void => {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value
  }

  set('description', flags.description)
  if (flags.server !== undefined) {
    splitServers(flags.server)
    out.url = flags.server
  }

  set('user', flags.user)
  set('password', flags.password)
  set('token', flags.token)
  set('creds', flags.creds)
  set('nkey', flags.nkey)
  set('cert', flags.tlscert)
  set('key', flags.tlskey)
  set('ca', flags.tlsca)
  set('jetstream_domain', flags['js-domain'])
  set('jetstream_api_prefix', flags['js-api-prefix'])
  set('inbox_prefix', flags['inbox-prefix'])
  if (flags.tlsfirst) out.tls_first = true
  return out
}

export interface ContextSummary {
  description: string
  name: string
  selected: boolean
  url: string
}

export async function summarizeContexts(): Promise<ContextSummary[]> {
  const names = await listContexts()
  const selected = await selectedContext()
  const out: ContextSummary[] = []
  for (const name of names) {
    try {
      const c = await loadContext(name)
      out.push({description: c.description, name, selected: name === selected, url: maskUrls(c.url)})
    } catch {
      out.push({description: '(unreadable)', name, selected: name === selected, url: ''})
    }
  }

  return out
}

export interface ContextInfo {
  context: NatsContext
  name: string
  selected: boolean
}

export async function contextInfo(name: string): Promise<ContextInfo> {
  const ctx = await loadContext(name)
  return {context: maskContext(ctx), name, selected: (await selectedContext()) === name}
}

export interface ValidationResult {
  /** the exit code of the connection failure, when `connect` failed */
  connect_error_code?: number
  connected?: {server: string; version: string}
  name: string
  ok: boolean
  problems: string[]
}

/** Check a context: its URL, that its files exist, and with `connect` that it connects. */
export async function validateContext(name: string, connect: boolean): Promise<ValidationResult> {
  const problems: string[] = []
  let ctx: NatsContext
  try {
    ctx = await loadContext(name)
  } catch (error) {
    return {name, ok: false, problems: [toNatsxError(error).message]}
  }

  try {
    if (ctx.url) splitServers(ctx.url)
  } catch (error) {
    problems.push(toNatsxError(error).message)
  }

  for (const key of ['creds', 'nkey', 'cert', 'key', 'ca'] as const) {
    const path = expandPath(ctx[key])
    if (path) {
      try {
        await access(path)
      } catch {
        problems.push(`${key} file ${path} does not exist or cannot be read`)
      }
    }
  }

  const result: ValidationResult = {name, ok: problems.length === 0, problems}
  if (connect && problems.length === 0) {
    try {
      const nc = await openConnection(resolveSettings({}, ctx, name))
      result.connected = {server: nc.info?.server_name ?? '', version: nc.info?.version ?? ''}
      await nc.close()
    } catch (error) {
      const err = toNatsxError(error)
      result.ok = false
      result.connect_error_code = err.exitCode
      problems.push(err.line())
    }
  }

  return result
}

export {emptyContext as newContext} from './context-store.js'

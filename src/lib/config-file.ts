/**
 * Shared, pure helpers for JetStream configuration documents: reading a JSON or YAML file, comparing two
 * configurations field by field. Used by the stream and consumer config modules (and `natsx apply`).
 */
import {readFile} from 'node:fs/promises'

import {usageError} from './errors.js'

/** One differing field of two configurations; `undefined` means "not set". */
export interface FieldDiff {
  current: unknown
  desired: unknown
  field: string
}

/** Read a JSON or YAML document (JSON is YAML, so one parser reads both); exit 2 when it is not an object. */
export async function readConfigDocument(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as Error).message}`)
  }

  const {parse} = await import('./yaml.js')
  let doc: unknown
  try {
    doc = parse(text)
  } catch (error) {
    throw usageError(`${path} is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`)
  }

  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw usageError(`${path} does not hold a configuration object`)
  return doc as Record<string, unknown>
}

/**
 * Read a stream or consumer configuration file with the checks and units of `natsx apply` (one loader for both):
 * exit 2 naming each unknown field or wrong value with its line. A `stream info --json` / `consumer info --json`
 * document is accepted (its `config`).
 */
export async function loadResourceConfig(path: string, kind: 'consumer' | 'stream'): Promise<Record<string, unknown>> {
  const {readConfigFile} = await import('./apply/spec.js')
  return readConfigFile(path, kind)
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => stable(x)).join(',')}]`
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }

  return JSON.stringify(v)
}

/** Deep equality of JSON values, ignoring key order. */
export const sameValue = (a: unknown, b: unknown): boolean => stable(a) === stable(b)

/** The top-level fields whose values differ between two normalised configurations, sorted by name. */
export function diffFields(
  current: Record<string, unknown>,
  desired: Record<string, unknown>,
  ignore: string[] = [],
): FieldDiff[] {
  const keys = [...new Set([...Object.keys(current), ...Object.keys(desired)])]
    .filter((k) => !ignore.includes(k))
    .sort()
  const out: FieldDiff[] = []
  for (const field of keys) {
    if (!sameValue(current[field], desired[field])) out.push({current: current[field], desired: desired[field], field})
  }

  return out
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v))

/** `field: old → new` lines for people. */
export function renderDiff(diff: FieldDiff[]): string {
  return diff.map((d) => `  ${d.field}: ${show(d.current)} → ${show(d.desired)}`).join('\n')
}

/** Remove keys whose value is undefined (JSON would drop them anyway; comparisons should too). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k]
  return o
}

/** `field old → new; …` on one line, for error messages. */
export function inlineDiff(diff: FieldDiff[]): string {
  return diff.map((d) => `${d.field} ${show(d.current)} → ${show(d.desired)}`).join('; ')
}

/**
 * Message templates as natscli has them: {{Count}}, {{ID}}, {{Time}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}},
 * {{Random min max}} (random text of min..max characters) and, for reply bodies, {{Request}}.
 *
 * `reply` also has subject tokens, as natscli's `reply --command` has them: {{N}} is token N of the request's subject
 * (split on "."), counting from 0, so with SUBJECT `weather.>` a request on `weather.london` has {{0}} = weather and
 * {{1}} = london. A token the subject does not have is empty.
 */
import {randomBytes, randomInt} from 'node:crypto'

import {usageError} from './errors.js'

export interface TemplateContext {
  count: number
  now?: Date
  request?: string
  /** the tokens of the request subject, for {{0}}, {{1}}, … (reply only) */
  tokens?: string[]
}

export interface TemplateOptions {
  /** reply: the subject listened on; allows {{0}}, {{1}}, … for the tokens of the request subject */
  listenSubject?: string
}

const TAG = /\{\{\s*(\w+)((?:\s+-?\d+)*)\s*\}\}/g
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const KNOWN = new Set(['Count', 'ID', 'Random', 'Request', 'Time', 'TimeStamp', 'Unix', 'UnixNano'])
const TOKEN = /^\d+$/

export const hasTemplate = (s: string): boolean => s.includes('{{')

/** The tokens of a subject, as {{0}}, {{1}}, … number them. */
export const subjectTokens = (subject: string): string[] => subject.split('.')

/** The subject-token numbers a template refers to ({{1}} and {{3}} in `a {{1}} b {{3}}`), in order of appearance. */
export function tokenReferences(s: string): number[] {
  if (!hasTemplate(s)) return []
  return [...s.matchAll(TAG)].filter((m) => TOKEN.test(m[1])).map((m) => Number(m[1]))
}

/** Whether a template puts the request body in ({{Request}}). */
export function usesRequest(s: string): boolean {
  return hasTemplate(s) && [...s.matchAll(TAG)].some((m) => m[1] === 'Request')
}

/** Check every tag once, before sending anything: an unknown tag is a usage error. */
export function validateTemplate(s: string, where: string, options: TemplateOptions = {}): void {
  if (!hasTemplate(s)) return
  const listen = options.listenSubject
  for (const m of s.matchAll(TAG)) {
    const fn = m[1]
    const args = m[2].trim() ? m[2].trim().split(/\s+/).map(Number) : []
    if (listen !== undefined && TOKEN.test(fn)) {
      validateTokenTag(fn, args.length, where, listen)
      continue
    }

    if (!KNOWN.has(fn)) {
      const tokens = listen === undefined ? '' : ', or {{0}}, {{1}}, … for the tokens of the request subject'
      throw usageError(`unknown template {{${fn}}} in ${where}`, `use one of ${[...KNOWN].map((k) => `{{${k}}}`).join(', ')}${tokens}`)
    }

    if (fn === 'Random' && (args.length !== 2 || args[0] < 0 || args[1] < args[0])) {
      throw usageError(`{{Random}} in ${where} needs two numbers, min and max, with min <= max`, 'write {{Random 10 20}}')
    }
  }

  if (/\{\{(?![^}]*\}\})/.test(s.replaceAll(TAG, ''))) throw usageError(`unclosed template in ${where}`, 'close it with }}')
}

/** {{N}}: no arguments, and within the tokens SUBJECT can have (any number after a trailing `>`). */
function validateTokenTag(fn: string, argCount: number, where: string, listen: string): void {
  if (argCount > 0) throw usageError(`{{${fn}}} in ${where} takes no arguments`, `write {{${Number(fn)}}}`)
  const tokens = subjectTokens(listen)
  if (tokens.at(-1) !== '>' && Number(fn) >= tokens.length) {
    throw usageError(
      `{{${fn}}} in ${where} is past the last token of "${listen}", which has ${tokens.length} ({{0}} to {{${tokens.length - 1}}})`,
      'subject tokens count from {{0}}, the first token of the subject',
    )
  }
}

function kitchen(d: Date): string {
  const h = d.getHours() % 12 || 12
  return `${h}:${String(d.getMinutes()).padStart(2, '0')}${d.getHours() < 12 ? 'AM' : 'PM'}`
}

export function randomText(min: number, max: number): string {
  const n = min === max ? min : randomInt(min, max + 1)
  const bytes = randomBytes(n)
  let out = ''
  for (let i = 0; i < n; i++) out += ALPHABET[bytes[i] % ALPHABET.length]
  return out
}

let idCounter = 0
function uniqueId(): string {
  idCounter++
  return `${Date.now().toString(36)}${process.pid.toString(36)}${idCounter.toString(36)}${randomText(6, 6)}`.toUpperCase()
}

export function expandTemplate(s: string, ctx: TemplateContext): string {
  if (!hasTemplate(s)) return s
  const now = ctx.now ?? new Date()
  return s.replaceAll(TAG, (_all, fn: string, rawArgs: string) => {
    switch (fn) {
      case 'Count': {
        return String(ctx.count)
      }

      case 'ID': {
        return uniqueId()
      }

      case 'Random': {
        const [min, max] = rawArgs.trim().split(/\s+/).map(Number)
        return randomText(min, max)
      }

      case 'Request': {
        return ctx.request ?? ''
      }

      case 'Time': {
        return kitchen(now)
      }

      case 'TimeStamp': {
        return now.toISOString()
      }

      case 'Unix': {
        return String(Math.floor(now.getTime() / 1000))
      }

      case 'UnixNano': {
        return (BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor((performance.now() % 1) * 1e6))).toString()
      }

      default: {
        if (ctx.tokens && TOKEN.test(fn)) return ctx.tokens[Number(fn)] ?? ''
        return _all
      }
    }
  })
}

/**
 * Message templates as natscli has them: {{Count}}, {{ID}}, {{Time}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}},
 * {{Random min max}} (random text of min..max characters) and, for reply bodies, {{Request}}.
 */
import {randomBytes, randomInt} from 'node:crypto'

import {usageError} from './errors.js'

export interface TemplateContext {
  count: number
  now?: Date
  request?: string
}

const TAG = /\{\{\s*(\w+)((?:\s+-?\d+)*)\s*\}\}/g
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const KNOWN = new Set(['Count', 'ID', 'Random', 'Request', 'Time', 'TimeStamp', 'Unix', 'UnixNano'])

export const hasTemplate = (s: string): boolean => s.includes('{{')

/** Check every tag once, before sending anything: an unknown tag is a usage error. */
export function validateTemplate(s: string, where: string): void {
  if (!hasTemplate(s)) return
  for (const m of s.matchAll(TAG)) {
    const fn = m[1]
    const args = m[2].trim() ? m[2].trim().split(/\s+/).map(Number) : []
    if (!KNOWN.has(fn)) throw usageError(`unknown template {{${fn}}} in ${where}`, `use one of ${[...KNOWN].map((k) => `{{${k}}}`).join(', ')}`)
    if (fn === 'Random' && (args.length !== 2 || args[0] < 0 || args[1] < args[0])) {
      throw usageError(`{{Random}} in ${where} needs two numbers, min and max, with min <= max`, 'write {{Random 10 20}}')
    }
  }

  if (/\{\{(?![^}]*\}\})/.test(s.replaceAll(TAG, ''))) throw usageError(`unclosed template in ${where}`, 'close it with }}')
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
        return _all
      }
    }
  })
}

/**
 * Semantic colour roles. Colour is used only on a TTY and never when NO_COLOR is set (chalk honours
 * NO_COLOR and FORCE_COLOR itself); callers pass `enabled` from the command's output stream.
 */
import {Chalk, type ChalkInstance} from 'chalk'

export interface Palette {
  accent: (s: string) => string
  error: (s: string) => string
  muted: (s: string) => string
  ok: (s: string) => string
  warn: (s: string) => string
}

const plain = (s: string): string => s

export function palette(enabled: boolean): Palette {
  if (!enabled || process.env.NO_COLOR) return {accent: plain, error: plain, muted: plain, ok: plain, warn: plain}
  const c: ChalkInstance = new Chalk({level: 1})
  return {accent: c.cyan, error: c.red, muted: c.gray, ok: c.green, warn: c.yellow}
}

export const colorEnabled = (stream: NodeJS.WriteStream = process.stdout): boolean =>
  Boolean(stream.isTTY) && !process.env.NO_COLOR

/**
 * `key=value` items of a repeatable flag (`--metadata`, `--arg`) to a record (`key:value` with `separator: ':'`, as
 * the bucket commands take metadata); a bad item is exit 2 naming the flag.
 */
import {usageError} from './errors.js'

export function parseKeyValues(items: readonly string[], flag: string, hint?: string, options: {separator?: ':' | '='; trim?: boolean} = {}): Record<string, string> {
  const sep = options.separator ?? '='
  const tidy = (t: string): string => (options.trim ? t.trim() : t)
  const out: Record<string, string> = {}
  for (const item of items) {
    const i = item.indexOf(sep)
    if (i <= 0) throw usageError(`--${flag} "${item}" is not key${sep}value`, hint)
    out[tidy(item.slice(0, i))] = tidy(item.slice(i + 1))
  }

  return out
}

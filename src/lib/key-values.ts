/** `key=value` items of a repeatable flag (`--metadata`, `--arg`) to a record; a bad item is exit 2 naming the flag. */
import {usageError} from './errors.js'

export function parseKeyValues(items: readonly string[], flag: string, hint?: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of items) {
    const i = item.indexOf('=')
    if (i <= 0) throw usageError(`--${flag} "${item}" is not key=value`, hint)
    out[item.slice(0, i)] = item.slice(i + 1)
  }

  return out
}

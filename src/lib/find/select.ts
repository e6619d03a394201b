/**
 * What `stream find` and `consumer find` share: selectors that each either hold or not for an item, `--invert`
 * that turns each selector into its exact complement, and the expression applied after them.
 */
import {usageError} from '../errors.js'
import {type ExpressionInput, type Predicate} from './expression.js'

/** One selector: the flag it came from and its test. */
export interface Selector<T> {
  flag: string
  test(item: T, now: number): boolean
}

/**
 * The items every selector holds for (with `invert`, every selector fails for), then those the expression gives
 * true for. The expression is not inverted: write `not(…)` in it.
 */
export async function select<T>(
  items: T[],
  selectors: Array<Selector<T>>,
  options: {describe: (item: T) => string; expression?: Predicate; input: (item: T) => ExpressionInput; invert?: boolean; now?: number},
): Promise<T[]> {
  const now = options.now ?? Date.now()
  const out: T[] = []
  for (const item of items) {
    if (!selectors.every((s) => s.test(item, now) !== Boolean(options.invert))) continue
    if (options.expression && !(await options.expression(options.input(item), options.describe(item)))) continue
    out.push(item)
  }

  return out
}

/** `--invert` flips selectors; without one it has nothing to flip. */
export function checkInvert(selectors: Array<Selector<unknown>>, invert: boolean | undefined): void {
  if (invert && selectors.length === 0) {
    throw usageError('--invert needs a selector to invert', 'add one, e.g. --empty --invert; to negate --expression write not(…) in it')
  }
}

/** A regular expression from a flag; a bad one is exit 2 naming the flag. */
export function parseRegex(source: string, flag: string): RegExp {
  try {
    return new RegExp(source)
  } catch (error) {
    throw usageError(`--${flag} "${source}" is not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`, `fix the pattern, e.g. --${flag} "^n[12]$"`)
  }
}

/** Milliseconds since an RFC 3339 time; Infinity for a missing time or Go's zero time ("never"). */
export function msSince(time: Date | string | undefined, now: number): number {
  if (!time) return Number.POSITIVE_INFINITY
  if (typeof time === 'string' && time.startsWith('0001-')) return Number.POSITIVE_INFINITY
  const t = typeof time === 'string' ? Date.parse(time) : time.getTime()
  return Number.isNaN(t) || t <= 0 ? Number.POSITIVE_INFINITY : now - t
}

/** The JetStream API level a stream or consumer needs (2.11+ servers store it as `_nats.req.level`); 0 when unset. */
export function requiredApiLevel(config: {metadata?: Record<string, string>}): number {
  const n = Number(config.metadata?.['_nats.req.level'] ?? 0)
  return Number.isFinite(n) ? n : 0
}

/** Plain JSON of a server answer (what the expression sees): times as strings, no undefined fields, no classes. */
// eslint-disable-next-line unicorn/prefer-structured-clone -- a JSON round trip is the point: the server's JSON, not a copy of the objects
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/**
 * `--expression` of `stream find` and `consumer find`: a JSONata expression over a stream's or consumer's
 * `config`, `state` and `info`. JSONata is loaded here, on first use, so no other command pays for it.
 */
import {usageError} from '../errors.js'

/** What an expression sees: the server's own JSON (durations in nanoseconds, times as RFC 3339 strings). */
export interface ExpressionInput {
  config: unknown
  info: unknown
  state: unknown
}

/** A compiled expression: true or false for one stream or consumer; anything else is exit 2. */
export type Predicate = (input: ExpressionInput, what: string) => Promise<boolean>

interface JsonataError {
  code?: string
  message?: string
  position?: number
  token?: string
}

const HINT = 'write a JSONata expression that gives true or false, e.g. "state.messages > 1000"; see --help for more'

function describeError(error: unknown): string {
  const e = error as JsonataError
  const where = typeof e.position === 'number' ? ` at position ${e.position}` : ''
  const code = e.code ? ` (${e.code})` : ''
  return `${where}: ${(e.message ?? String(error)).split('\n')[0]}${code}`
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

/**
 * Compile an expression; a syntax error is exit 2 naming the position and the problem. The predicate gives true or
 * false; an expression that finds nothing (a field the stream does not have) is false; an error while evaluating
 * or a value that is not a boolean is exit 2.
 */
export async function compileExpression(source: string): Promise<Predicate> {
  if (source.trim() === '') throw usageError('--expression is empty', HINT)
  const {default: jsonata} = await import('jsonata')
  let expr: ReturnType<typeof jsonata>
  try {
    expr = jsonata(source)
  } catch (error) {
    throw usageError(`invalid --expression${describeError(error)}`, HINT)
  }

  return async (input, what) => {
    let value: unknown
    try {
      value = await expr.evaluate(input)
    } catch (error) {
      throw usageError(`--expression failed on ${what}${describeError(error)}`, HINT)
    }

    if (value === undefined) return false
    if (typeof value !== 'boolean') {
      throw usageError(`--expression gave ${kindOf(value)} for ${what}, not true or false`, 'compare the value, e.g. "state.messages > 0" rather than "state.messages"')
    }

    return value
  }
}

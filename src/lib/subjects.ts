/** Subject and name validation, done before any connection or request. */
import {usageError} from './errors.js'

const BAD_CHARS = /[\s\u0000]/

/** A subject to publish to: dot-separated non-empty tokens, no wildcards, no whitespace. */
export function validatePublishSubject(subject: string, what = 'subject'): void {
  validateSubject(subject, {what, wildcards: false})
}

/** A subject to subscribe to or filter on: `*` as a whole token, `>` only as the last token. */
export function validateFilterSubject(subject: string, what = 'subject'): void {
  validateSubject(subject, {what, wildcards: true})
}

function validateSubject(subject: string, {what, wildcards}: {what: string; wildcards: boolean}): void {
  if (subject.length === 0) throw usageError(`${what} is empty`, 'pass a subject such as orders.new')
  if (BAD_CHARS.test(subject)) throw usageError(`invalid ${what} "${subject}": it contains whitespace`, 'subjects are dot-separated tokens without spaces')
  const tokens = subject.split('.')
  for (const [i, t] of tokens.entries()) {
    if (t.length === 0) throw usageError(`invalid ${what} "${subject}": it has an empty token`, 'remove the leading, trailing or doubled dot')
    if (t === '*' || t === '>') {
      if (!wildcards) throw usageError(`invalid ${what} "${subject}": wildcards cannot be published to`, 'publish to a concrete subject')
      if (t === '>' && i !== tokens.length - 1) throw usageError(`invalid ${what} "${subject}": ">" must be the last token`, 'move ">" to the end')
    } else if (t.includes('*') || t.includes('>')) {
      if (wildcards) throw usageError(`invalid ${what} "${subject}": a wildcard must be a whole token`, 'write it as a.*.c or a.>')
    }
  }
}

/**
 * A list of filter subjects from a repeatable, comma-separated flag (`--subjects a.*,b.>`): each one checked, and none
 * empty. An empty entry is refused rather than dropped: `--subjects ''` must not quietly mean "no subjects given".
 */
export function subjectList(values: readonly string[], flag: string): string[] {
  const out: string[] = []
  for (const value of values) {
    for (const part of value.split(',')) {
      const subject = part.trim()
      if (subject.length === 0) throw usageError(`${flag} has an empty subject${values.length === 1 && value.trim() === '' ? '' : ` in "${value}"`}`, `pass subjects such as orders.> (comma separated), or leave out ${flag}`)
      validateFilterSubject(subject, `${flag.replace(/^--/, '')} subject`)
      out.push(subject)
    }
  }

  return out
}

/** Stream, consumer and bucket names: no whitespace, dots, wildcards or path separators (server rules). */
export function validateName(name: string, what: string, extra: RegExp = /$^/): void {
  if (!name) throw usageError(`${what} name is empty`)
  if (/[\s.*>/\\\u0000]/.test(name) || extra.test(name)) {
    throw usageError(`invalid ${what} name "${name}": it may not contain spaces, ".", "*", ">", "/" or "\\"`, 'use letters, digits, "-" and "_"')
  }

  if (name.length > 255) throw usageError(`invalid ${what} name "${name.slice(0, 20)}…": longer than 255 characters`)
}

/**
 * Whether a filter subject (with `*` for exactly one token and `>` for one or more trailing tokens) matches a concrete
 * subject, as the server matches subscriptions: `a.*` matches `a.b` but not `a.b.c` or `a`; `a.>` matches `a.b` and
 * `a.b.c` but not `a`. Tokens compare exactly (case-sensitive).
 */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.')
  const t = subject.split('.')
  for (const [i, token] of f.entries()) {
    if (token === '>') return t.length > i
    if (i >= t.length || (token !== '*' && token !== t[i])) return false
  }

  return f.length === t.length
}

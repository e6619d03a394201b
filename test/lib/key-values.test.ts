import {describe, expect, it} from 'vitest'

import {ExitCode, NatsxError} from '../../src/lib/errors.js'
import {parseKeyValues} from '../../src/lib/key-values.js'

describe('key=value flags', () => {
  it('splits at the first "=", keeps empty values and the later "="s', () => {
    expect(parseKeyValues(['team=ops', 'empty=', 'expr=a=b'], 'metadata')).toEqual({empty: '', expr: 'a=b', team: 'ops'})
  })

  it('refuses an item without a key with exit 2 naming the flag', () => {
    for (const bad of ['novalue', '=x']) {
      const err = (() => {
        try {
          parseKeyValues([bad], 'arg', 'write it as --arg subs=1')
        } catch (error) {
          return error as NatsxError
        }
      })()
      expect(err).toBeInstanceOf(NatsxError)
      expect(err!.exitCode).toBe(ExitCode.USAGE)
      expect(err!.line()).toBe(`--arg "${bad}" is not key=value; write it as --arg subs=1`)
    }
  })
})

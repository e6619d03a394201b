import {describe, expect, it} from 'vitest'

import {ExitCode, NatsxError, toNatsxError} from '../../src/lib/errors.js'

const named = (name: string, message: string, extra: Record<string, unknown> = {}): Error => Object.assign(Object.assign(new Error(message), {name}), extra)

describe('the error table', () => {
  it('maps nats.js errors to exit codes', () => {
    expect(toNatsxError(named('AuthorizationError', "'Authorization Violation'")).exitCode).toBe(ExitCode.AUTH)
    expect(toNatsxError(named('PermissionViolationError', "Permissions Violation for Publish to 'x'")).exitCode).toBe(ExitCode.AUTH)
    expect(toNatsxError(named('NoRespondersError', 'no responders', {subject: 's'})).line()).toMatch(/no responders on "s"/)
    expect(toNatsxError(named('TimeoutError', 'timeout')).exitCode).toBe(ExitCode.CONNECTION)
    expect(toNatsxError(named('ConnectionError', 'connection refused'), {servers: 'nats://h:1'}).message).toBe('cannot reach nats://h:1: connection refused')
    expect(toNatsxError(Object.assign(new Error('x'), {code: 'ECONNREFUSED'})).exitCode).toBe(ExitCode.CONNECTION)
  })

  it('maps JetStream API codes', () => {
    const api = (err_code: number, code: number) => named('JetStreamApiError', 'api said no', {apiError: () => ({code, description: 'api said no', err_code})})
    expect(toNatsxError(api(10_059, 404)).exitCode).toBe(ExitCode.NOT_FOUND)
    expect(toNatsxError(api(10_014, 404)).exitCode).toBe(ExitCode.NOT_FOUND)
    expect(toNatsxError(api(10_058, 400)).exitCode).toBe(ExitCode.CONFLICT)
    expect(toNatsxError(api(10_071, 400)).exitCode).toBe(ExitCode.CONFLICT)
    expect(toNatsxError(api(99_999, 400)).exitCode).toBe(ExitCode.USAGE)
    expect(toNatsxError(api(99_999, 500)).exitCode).toBe(ExitCode.UNEXPECTED)
  })

  it('turns oclif parse errors into one usage line', () => {
    const e = toNatsxError(new TypeError('Parsing --size \n\t"x" is not a size\nSee more help with --help'))
    expect(e.exitCode).toBe(ExitCode.USAGE)
    expect(e.message).toBe('--size: "x" is not a size')
  })

  it('keeps NatsxErrors and serialises them', () => {
    const e = new NatsxError(ExitCode.CONFLICT, 'differs', {details: {a: 1}, hint: 'use edit'})
    expect(toNatsxError(e)).toBe(e)
    expect(e.toJSON()).toEqual({error: {code: 4, details: {a: 1}, hint: 'use edit', kind: 'conflict', message: 'differs'}})
    expect(e.line()).toBe('differs; use edit')
    expect(toNatsxError(new Error('boom')).exitCode).toBe(ExitCode.UNEXPECTED)
  })
})

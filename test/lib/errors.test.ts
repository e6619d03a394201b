import {describe, expect, it} from 'vitest'

import {ExitCode, NatsxError, toNatsxError} from '../../src/lib/errors.js'

const named = (name: string, message: string, extra: Record<string, unknown> = {}): Error => Object.assign(Object.assign(new Error(message), {name}), extra)

describe('the error table', () => {
  it('keeps every message on one line, and OpenSSL errors down to their reason', () => {
    expect(new NatsxError(ExitCode.UNEXPECTED, 'first\n  second\n').message).toBe('first second')
    const alert = '808C023F097F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n'
    const refused = toNatsxError(Object.assign(new Error(alert), {code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'}), {servers: 'tls://h:1'})
    expect(refused.exitCode).toBe(ExitCode.AUTH)
    expect(refused.message).toBe('tls://h:1 refused the TLS client certificate (sslv3 alert bad certificate)')
    const other = toNatsxError(Object.assign(new Error('unable to verify the first certificate'), {code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'}))
    expect(other.exitCode).toBe(ExitCode.CONNECTION)
  })

  it('maps nats.js errors to exit codes', () => {
    expect(toNatsxError(named('AuthorizationError', "'Authorization Violation'")).exitCode).toBe(ExitCode.AUTH)
    expect(toNatsxError(named('PermissionViolationError', "Permissions Violation for Publish to 'x'")).exitCode).toBe(ExitCode.AUTH)
    expect(toNatsxError(named('NoRespondersError', 'no responders', {subject: 's'})).line()).toMatch(/no responders on "s"/)
    expect(toNatsxError(named('TimeoutError', 'timeout')).exitCode).toBe(ExitCode.CONNECTION)
    expect(toNatsxError(named('ConnectionError', 'connection refused'), {servers: 'nats://h:1'}).message).toBe('cannot reach nats://h:1: connection refused')
    expect(toNatsxError(Object.assign(new Error('x'), {code: 'ECONNREFUSED'})).exitCode).toBe(ExitCode.CONNECTION)
    const full = toNatsxError(named('Error', "'maximum connections exceeded'"), {servers: 'nats://h:1'})
    expect(full.line()).toBe('nats://h:1 refused the connection: maximum connections exceeded; the server or account is at its connection limit; close connections or raise the limit')
  })

  it('maps a payload over max_payload to exit 2 naming the limit, and a lost connection to exit 6', () => {
    const big = toNatsxError(named('InvalidArgumentError', "'payload' max_payload size exceeded"), {maxPayload: 1_048_576})
    expect([big.exitCode, big.message]).toEqual([ExitCode.USAGE, "the message is larger than the server's max_payload (1048576 bytes)"])
    expect(toNatsxError(named('DrainingConnectionError', 'connection draining')).exitCode).toBe(ExitCode.CONNECTION)
    expect(toNatsxError(named('JetStreamError', 'heartbeats missed')).exitCode).toBe(ExitCode.CONNECTION)
    expect(toNatsxError(named('RequestError', 'disconnected', {cause: named('Error', 'x')})).exitCode).toBe(ExitCode.CONNECTION)
    // what nats.js raises for a request in flight when the server is killed
    const lost = toNatsxError(named('RequestError', 'connection closed', {cause: named('RequestError', 'connection closed')}), {servers: 'nats://h:1'})
    expect([lost.exitCode, lost.message]).toEqual([ExitCode.CONNECTION, 'lost the connection to nats://h:1: connection closed'])
    expect(toNatsxError(named('NoResponders', '503')).exitCode).toBe(ExitCode.CONNECTION)
  })

  it('maps JetStream API codes', () => {
    const api = (err_code: number, code: number) => named('JetStreamApiError', 'api said no', {apiError: () => ({code, description: 'api said no', err_code})})
    expect(toNatsxError(api(10_059, 404)).exitCode).toBe(ExitCode.NOT_FOUND)
    expect(toNatsxError(api(10_014, 404)).exitCode).toBe(ExitCode.NOT_FOUND)
    expect(toNatsxError(api(10_058, 400)).exitCode).toBe(ExitCode.CONFLICT)
    expect(toNatsxError(api(10_071, 400)).exitCode).toBe(ExitCode.CONFLICT)
    expect(toNatsxError(api(10_074, 500)).exitCode).toBe(ExitCode.UNSUPPORTED)
    expect(toNatsxError(api(10_028, 500)).line()).toMatch(/api said no; ask for less/)
    expect(toNatsxError(api(99_999, 400)).exitCode).toBe(ExitCode.USAGE)
    expect(toNatsxError(api(99_999, 500)).exitCode).toBe(ExitCode.UNEXPECTED)
    // the server's 500s that are the caller's doing: a config it refused, a delete the stream denies
    const mirrorDirect = toNatsxError(named('JetStreamApiError', 'stream has no mirror but does have mirror direct', {apiError: () => ({code: 500, err_code: 10_052})}))
    expect([mirrorDirect.exitCode, mirrorDirect.hint]).toEqual([ExitCode.USAGE, expect.stringMatching(/for a mirror only/)])
    const atomic = toNatsxError(named('JetStreamApiError', 'async persist mode is not supported with atomic batch publish', {apiError: () => ({code: 500, err_code: 10_052})}))
    expect([atomic.exitCode, atomic.hint]).toEqual([ExitCode.USAGE, expect.stringMatching(/drop allow_atomic or use persist_mode default/)])
    const denied = toNatsxError(named('JetStreamApiError', 'message delete not permitted', {apiError: () => ({code: 500, err_code: 10_057})}))
    expect([denied.exitCode, denied.hint]).toEqual([ExitCode.CONFLICT, expect.stringMatching(/deny_delete/)])
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

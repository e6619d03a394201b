/**
 * JetStream publish refusals, as a person needs them: which stream option is missing and how to turn it on.
 */
import {ExitCode, NatsxError, toNatsxError, unsupported, usageError} from '../errors.js'

/** A JetStream API error as the server sends it in a PubAck. */
export interface ApiErrorBody {
  code?: number
  description?: string
  err_code?: number
}

/** An error shaped like nats.js's JetStreamApiError, so the shared table maps it. */
export function apiErrorOf(body: ApiErrorBody): Error {
  return Object.assign(new Error(body.description ?? 'JetStream API error'), {
    apiError: () => body,
    code: body.err_code,
    name: 'JetStreamApiError',
    status: body.code,
  })
}

/** The stream options a publish header needs, by the words of the server's refusal. */
const DISABLED: Array<{flag: string; what: string; words: RegExp}> = [
  {flag: 'allow_msg_ttl (natsx stream edit STREAM --allow-msg-ttl)', what: 'per-message TTL', words: /ttl (is )?disabled|message ttl/i},
  {flag: 'allow_atomic (natsx stream edit STREAM --allow-batch)', what: 'atomic batches', words: /atomic publish (is )?disabled|atomic.*not enabled/i},
  {flag: 'allow_msg_schedules (natsx stream edit STREAM --allow-schedules)', what: 'message schedules', words: /schedules? (is |are )?disabled/i},
]

export function jsPublishError(error: unknown, subject: string): NatsxError {
  const name = (error as {name?: string}).name ?? ''
  // nats.js reports a 503 (no stream listens on the subject) as "jetstream is not enabled".
  if (name === 'JetStreamNotEnabled' || name === 'NoRespondersError') {
    return new NatsxError(ExitCode.CONNECTION, `no responders: no stream stores subject "${subject}" (or JetStream is off)`, {hint: 'create a stream for the subject or check the subject'})
  }

  const mapped = toNatsxError(error, {subject})
  const message = (error as {message?: string}).message ?? ''
  const need = DISABLED.find((d) => d.words.test(message))
  if (need && name === 'JetStreamApiError') return usageError(`the stream that stores "${subject}" does not allow ${need.what}: ${message}`, `enable ${need.flag}`)
  if (/not supported|unknown header/i.test(message) && name === 'JetStreamApiError') return unsupported(message, 'leave the option out or upgrade the server')
  return mapped
}

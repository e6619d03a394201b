/**
 * `--translate CMD` on `sub` and `request`: each message body goes through `/bin/sh -c CMD` (body on stdin,
 * NATS_SUBJECT set to the message's subject) and the command's stdout takes the body's place. A command that fails
 * leaves the body as it was and says why in `translate_error`.
 */
import {encodeData, type MessageRecord} from './messages.js'
import {failureText, runShell, succeeded} from './shell.js'

/**
 * The record with `data`, `encoding` and `size` describing the command's stdout; when the command exits non-zero, is
 * killed or cannot start, the record unchanged but for `translate_error`. Rejects only when `signal` aborts.
 */
export async function translateRecord<R extends MessageRecord>(rec: R, body: Uint8Array, command: string, signal?: AbortSignal): Promise<R> {
  let reason: string
  try {
    const res = await runShell(command, body, {...process.env, NATS_SUBJECT: rec.subject}, signal)
    if (succeeded(res)) return {...rec, ...encodeData(res.stdout), size: res.stdout.length}
    reason = failureText(res)
  } catch (error) {
    if (signal?.aborted) throw error
    reason = `could not start: ${(error as Error).message}`
  }

  return {...rec, translate_error: `--translate command ${reason}`}
}

/** The one warning line for a record whose translation failed (without the `natsx: warning: ` prefix). */
export function translateWarning(rec: MessageRecord): string {
  return `message on "${rec.subject}" shown untranslated: ${rec.translate_error ?? ''}`
}

/** A translated body for people: without the one trailing newline most commands end their output with. */
export function displayData<R extends MessageRecord>(rec: R): R {
  if (rec.translate_error !== undefined || rec.encoding !== 'utf8' || !rec.data.endsWith('\n')) return rec
  return {...rec, data: rec.data.slice(0, -1)}
}

/**
 * Answering requests (`reply`): a fixed or templated body, an echo, or a shell command's output per request. Takes an
 * open connection and plain options and reports through a callback; it never prints.
 */
import type {Msg, NatsConnection} from '@nats-io/transport-node'

import {pause} from '../abort.js'
import {messageRecord, type MessageRecord} from '../messages.js'
import {buildHeaders} from '../publish/headers.js'
import {failureText, runShell, shellSafe, shellSafeText, succeeded} from '../shell.js'
import {expandTemplate, subjectTokens, tokenReferences, usesRequest} from '../templates.js'

const enc = new TextEncoder()

export interface ReplyOptions {
  /** a fixed (template) body; {{0}}, {{1}}, … are the tokens of the request subject */
  body?: string
  /**
   * run this shell command per request: request body on stdin, stdout is the reply. Subject tokens ({{1}}) are put in
   * as they are, so a request whose referenced token is not shellSafe gets no reply.
   */
  command?: string
  count?: number
  echo?: boolean
  headers: Array<[string, string]>
  /** called once the subscription is in place on the server */
  onReady?: () => void
  queue?: string
  signal: AbortSignal
  /** wait a random time from 0 up to this many milliseconds before each reply */
  sleepMs?: number
  subject: string
}

export interface HandledRequest extends MessageRecord {
  /** why no reply was sent (command failed) */
  error?: string
  responded: boolean
  /** something the command did not get as usual, e.g. NATS_REQUEST_BODY left unset (the body is still on stdin) */
  warning?: string
}

export interface ReplySummary {
  ended: 'count' | 'interrupted'
  requests: number
}

/**
 * Why the request's subject tokens or body may not go into `command` as they are (the shell would read them), if
 * they may not. Subject tokens and {{Request}} are put in unquoted.
 */
function unsafeForShell(command: string, tokens: string[], body: string): string | undefined {
  const token = tokenReferences(command).find((t) => tokens[t] !== undefined && !shellSafe(tokens[t]))
  if (token !== undefined) {
    return `subject token {{${token}}} "${tokens[token]}" is not safe in a shell command (letters, digits and _-+=@%:, only); read $NATS_REQUEST_SUBJECT instead`
  }

  if (usesRequest(command) && !shellSafeText(body)) {
    return 'the request body is not safe in a shell command as {{Request}} (letters, digits, spaces and _-+=@%:,./ only); read it from stdin or $NATS_REQUEST_BODY instead'
  }

  return undefined
}

export async function serveReplies(nc: NatsConnection, o: ReplyOptions, onRequest: (rec: HandledRequest, n: number) => void): Promise<ReplySummary> {
  let n = 0
  let ended: ReplySummary['ended'] = 'interrupted'
  let finish!: () => void
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const onAbort = (): void => finish()
  o.signal.addEventListener('abort', onAbort, {once: true})
  // Requests are answered one at a time, in order, so --count and command output stay predictable.
  let chain = Promise.resolve()
  const handle = async (m: Msg, i: number): Promise<void> => {
    // Interrupted while waiting: no reply and no record.
    if (o.sleepMs && !(await pause(Math.random() * o.sleepMs, o.signal))) return
    const rec: HandledRequest = {...messageRecord(m), responded: false}
    const tokens = subjectTokens(m.subject)
    let data: Uint8Array
    let headers = await buildHeaders(o.headers, i, tokens)
    if (o.command) {
      const text = new TextDecoder().decode(m.data)
      const env: NodeJS.ProcessEnv = {...process.env, NATS_REQUEST_SUBJECT: m.subject}
      // An environment value cannot hold a NUL byte: the body then reaches the command on stdin only.
      if (text.includes('\0')) rec.warning = 'NATS_REQUEST_BODY not set: the request body has a NUL byte, which an environment value cannot hold; the command has it on stdin'
      else env.NATS_REQUEST_BODY = text
      const unsafe = unsafeForShell(o.command, tokens, text)
      if (unsafe) {
        rec.error = unsafe
        onRequest(rec, i)
        return
      }

      let res
      try {
        res = await runShell(expandTemplate(o.command, {count: i, request: text, tokens}), m.data, env, o.signal)
      } catch (error) {
        if (o.signal.aborted) return
        // the command could not be started for this request (say, too large an environment): the service goes on
        rec.error = `command could not start: ${(error as Error).message}`
        onRequest(rec, i)
        return
      }

      if (!succeeded(res)) {
        rec.error = `command ${failureText(res)}`
        onRequest(rec, i)
        return
      }

      data = res.stdout
    } else if (o.echo || o.body === undefined) {
      data = m.data
      if (m.headers) headers = m.headers
    } else {
      data = enc.encode(expandTemplate(o.body, {count: i, request: new TextDecoder().decode(m.data), tokens}))
    }

    if (m.reply) {
      m.respond(data, {headers})
      rec.responded = true
    } else {
      rec.error = 'the request has no reply subject'
    }

    onRequest(rec, i)
  }

  const sub = nc.subscribe(o.subject, {
    callback(_err, m) {
      if (o.count !== undefined && n >= o.count) return
      n++
      const i = n
      chain = chain.then(async () => {
        try {
          await handle(m, i)
        } catch (error) {
          // one request that fails must not stop the service
          if (!o.signal.aborted) onRequest({...messageRecord(m), error: `not answered: ${(error as Error).message}`, responded: false}, i)
        }

        if (o.count !== undefined && i >= o.count) {
          ended = 'count'
          finish()
        }
      })
    },
    queue: o.queue,
  })
  await nc.flush()
  o.onReady?.()
  try {
    await done
    await chain
    await nc.flush()
  } finally {
    o.signal.removeEventListener('abort', onAbort)
    sub.unsubscribe()
  }

  return {ended, requests: n}
}

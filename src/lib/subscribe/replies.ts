/**
 * `sub --match-replies`: a request (a message with a reply subject) is held until a message arrives on its reply
 * subject, then both are shown together; requests still waiting when the run ends are shown as unanswered.
 */
import type {MessageRecord} from '../messages.js'

export interface HeldRequest {
  n: number
  request: MessageRecord
}

/** The subject that catches the replies: everything under the inbox prefix (`_INBOX` unless the connection sets one). */
export const repliesSubject = (inboxPrefix?: string): string => `${inboxPrefix || '_INBOX'}.>`

export class ReplyMatcher {
  private readonly held = new Map<string, HeldRequest>()

  get pending(): number {
    return this.held.size
  }

  /** Hold a request until its reply comes; false (not held) for a message without a reply subject. */
  hold(request: MessageRecord, n: number): boolean {
    if (!request.reply) return false
    this.held.set(request.reply, {n, request})
    return true
  }

  /** The request this message answers, if one is held for its subject (it is then no longer held). */
  match(reply: MessageRecord): HeldRequest | undefined {
    const h = this.held.get(reply.subject)
    if (h) this.held.delete(reply.subject)
    return h
  }

  /** The requests never answered, in the order they came; none is held afterwards. */
  unanswered(): HeldRequest[] {
    const out = [...this.held.values()].sort((a, b) => a.n - b.n)
    this.held.clear()
    return out
  }
}

/**
 * `sub --durable`: the stream a subject is in, and the durable pull consumer `sub` reads through (made when missing,
 * resumed when it exists). Everything that does not fit is refused before anything is made on the server.
 */
import type {ConsumerConfig, ConsumerInfo, JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'
import type {StartPolicy} from './subscribe.js'

import {findConsumer} from '../consumers/ops.js'
import {conflict, notFound, usageError} from '../errors.js'
import {requireStream} from '../streams/ops.js'

/**
 * The one stream that holds the subjects (the server's own answer to "which streams hold this subject": any overlap
 * counts). None: exit 3 naming the subjects; several: exit 2 naming them and `--stream`.
 */
export async function streamForSubjects(jsm: JetStreamManager, subjects: string[]): Promise<string> {
  const names = new Set<string>()
  for (const subject of subjects) {
    for await (const name of jsm.streams.names(subject)) names.add(name)
  }

  const quoted = subjects.map((s) => `"${s}"`).join(', ')
  if (names.size === 0) throw notFound(`no stream holds subject ${quoted}`, 'check the subject, or name the stream with --stream (`natsx stream ls` lists them)')
  if (names.size > 1) {
    const list = [...names].sort()
    throw usageError(`subject ${quoted} is in ${list.length} streams (${list.join(', ')})`, `choose one with --stream, e.g. --stream ${list[0]}`)
  }

  return [...names][0]
}

export interface DurableRequest {
  /** `--ack`: acknowledge each message as it is printed (a new durable is made with ack policy explicit) */
  ack: boolean
  caps: Capabilities
  headersOnly?: boolean
  name: string
  /** the start of a new durable (`all` when not given, as natscli); on an existing one it must be the one it has */
  policy?: StartPolicy
  /** `--report-subjects`/`--report-subscriptions`: nothing is printed, so nothing may be acknowledged */
  report: boolean
  sinceMs?: number
  startSequence?: number
  stream: string
  subjects: string[]
}

export interface DurableConsumer {
  /** each message is acknowledged once printed: `--ack`, or a resumed consumer that takes acknowledgements */
  acks: boolean
  created: boolean
  info: ConsumerInfo
}

const WIRE_POLICY: Record<StartPolicy, string> = {
  all: 'all',
  last: 'last',
  'last-per-subject': 'last_per_subject',
  new: 'new',
  since: 'by_start_time',
  'start-sequence': 'by_start_sequence',
}

/** The consumer's filter subjects, as a list (none: empty). */
function filtersOf(ci: ConsumerInfo): string[] {
  const c = ci.config as ConsumerConfig & {filter_subjects?: string[]}
  if (c.filter_subjects && c.filter_subjects.length > 0) return [...c.filter_subjects]
  return c.filter_subject ? [c.filter_subject] : []
}

/**
 * The durable `sub --durable NAME` reads: resumed when it exists (and fits what was asked), made otherwise. A pull
 * consumer only; its filter, start and ack policy must be those asked for (exit 4 naming the difference, nothing changed).
 */
export async function openDurable(jsm: JetStreamManager, r: DurableRequest): Promise<DurableConsumer> {
  await requireStream(jsm, r.stream)
  const existing = await findConsumer(jsm, r.stream, r.name)
  if (existing) return resumeDurable(existing, r)
  if (r.subjects.length > 1) r.caps.require('multi-filter', 'a durable with several filter subjects')
  if (r.ack && r.report) throw reportWithAcks(r.name)
  const config: Record<string, unknown> = {
    ack_policy: r.ack ? 'explicit' : 'none',
    deliver_policy: WIRE_POLICY[r.policy ?? 'all'],
    durable_name: r.name,
  }
  if (r.policy === 'since') config.opt_start_time = new Date(Date.now() - (r.sinceMs ?? 0)).toISOString()
  if (r.policy === 'start-sequence') config.opt_start_seq = r.startSequence
  // A 2.9 server takes a single filter as `filter_subject` only.
  if (r.subjects.length === 1) config.filter_subject = r.subjects[0]
  else if (r.subjects.length > 1) config.filter_subjects = r.subjects
  if (r.headersOnly) config.headers_only = true
  const info = await jsm.consumers.add(r.stream, config as Partial<ConsumerConfig>)
  return {acks: r.ack, created: true, info}
}

function resumeDurable(ci: ConsumerInfo, r: DurableRequest): DurableConsumer {
  const name = `consumer "${r.name}" of stream "${r.stream}"`
  if (ci.config.deliver_subject) throw usageError(`${name} is a push consumer`, 'sub --durable reads pull consumers; give another --durable name')
  const filters = filtersOf(ci)
  if (r.subjects.length > 0 && [...r.subjects].sort().join(' ') !== [...filters].sort().join(' ')) {
    const has = filters.length === 0 ? 'no filter subject' : `filter ${filters.map((s) => `"${s}"`).join(', ')}`
    throw conflict(`${name} has ${has}, not ${r.subjects.map((s) => `"${s}"`).join(', ')}`, `give its subject${filters.length === 1 ? '' : 's'} or none, or another --durable name`)
  }

  if (r.policy !== undefined) {
    const wanted = WIRE_POLICY[r.policy]
    const startDiffers = r.policy === 'start-sequence' && ci.config.opt_start_seq !== r.startSequence
    if (ci.config.deliver_policy !== wanted || startDiffers) {
      throw conflict(`${name} already starts at deliver policy ${ci.config.deliver_policy}${ci.config.opt_start_seq ? ` ${ci.config.opt_start_seq}` : ''}; --${r.policy} cannot change where it is`, `drop --${r.policy} to resume it, or give another --durable name`)
    }
  }

  const takesAcks = ci.config.ack_policy !== 'none'
  if (r.ack && !takesAcks) {
    throw conflict(`${name} takes no acknowledgements (ack policy none): --ack cannot apply`, 'drop --ack (every delivered message is final on it), or give another --durable name')
  }

  // natscli acknowledges the messages of a durable that takes acknowledgements, --ack or not.
  if (takesAcks && r.report) throw reportWithAcks(r.name)
  return {acks: takesAcks, created: false, info: ci}
}

const reportWithAcks = (name: string): Error =>
  usageError(
    `--report-subjects and --report-subscriptions print no messages, so consumer "${name}" could acknowledge none as printed`,
    'drop the report flag, or read through a durable that takes no acknowledgements (made without --ack)',
  )

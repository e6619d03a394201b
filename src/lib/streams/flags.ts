/** The oclif flags of `stream add` and `stream edit` (natscli names), shared so both read the same. */
import * as Flags from '@oclif/core/flags'

import {durationFlag, intFlag, sizeFlag} from '../flags.js'

const LIMITS = 'LIMITS'
const NEWER = 'NEEDS A NEWER SERVER'

export const streamConfigFlags = {
  subjects: Flags.string({description: 'subjects the stream listens on (comma separated or repeated)', multiple: true}),
  storage: Flags.string({description: 'storage backend: file or memory', options: ['file', 'memory', 'disk']}),
  replicas: intFlag({min: 1})({description: 'number of replicas (1 to 5)'}),
  retention: Flags.string({
    description: 'retention policy: limits, interest or work',
    options: ['limits', 'interest', 'work', 'workq', 'workqueue'],
  }),
  discard: Flags.string({description: 'what to discard when a limit is reached: old or new', options: ['old', 'new']}),
  'discard-per-subject': Flags.boolean({
    allowNo: true,
    description: 'apply discard new per subject (needs --discard new and --max-msgs-per-subject)',
  }),
  'max-msgs': intFlag({allowNegative: true, min: -1})({
    description: 'maximum number of messages (-1 unlimited)',
    helpGroup: LIMITS,
  }),
  'max-bytes': sizeFlag({description: 'maximum size of the stream, e.g. 1GiB (-1 unlimited)', helpGroup: LIMITS}),
  'max-age': durationFlag({description: 'maximum age of a message, e.g. 1h30m (0 unlimited)', helpGroup: LIMITS}),
  'max-msg-size': sizeFlag({description: 'maximum size of one message (-1 unlimited)', helpGroup: LIMITS}),
  'max-msgs-per-subject': intFlag({allowNegative: true, min: -1})({
    description: 'messages kept per subject (-1 unlimited)',
    helpGroup: LIMITS,
  }),
  'max-consumers': intFlag({allowNegative: true, min: -1})({
    description: 'maximum number of consumers (-1 unlimited)',
    helpGroup: LIMITS,
  }),
  'dupe-window': durationFlag({description: 'window for Nats-Msg-Id de-duplication, e.g. 2m', helpGroup: LIMITS}),
  'allow-rollup': Flags.boolean({
    allowNo: true,
    description: 'allow Nats-Rollup headers to purge subjects or the stream',
  }),
  'allow-direct': Flags.boolean({allowNo: true, description: 'allow direct get of messages from any replica (stream add: on unless --no-allow-direct)'}),
  'allow-mirror-direct': Flags.boolean({allowNo: true, description: 'let a mirror answer direct gets for its origin'}),
  'deny-delete': Flags.boolean({allowNo: true, description: 'forbid deleting messages through the API'}),
  'deny-purge': Flags.boolean({allowNo: true, description: 'forbid purging through the API'}),
  'no-ack': Flags.boolean({allowNo: true, description: 'do not acknowledge publishes (no publish acks)'}),
  mirror: Flags.string({description: 'mirror this stream (no subjects)'}),
  source: Flags.string({description: 'source messages from this stream (repeatable)', multiple: true}),
  'republish-source': Flags.string({description: 'republish messages matching this subject'}),
  'republish-destination': Flags.string({description: 'subject to republish to'}),
  'republish-headers': Flags.boolean({description: 'republish headers only, without bodies'}),
  cluster: Flags.string({description: 'place the stream in this cluster'}),
  tag: Flags.string({description: 'place the stream on servers with this tag (repeatable)', multiple: true}),
  description: Flags.string({description: 'a description of the stream'}),
  compression: Flags.string({description: 'message compression: none or s2 (nats-server 2.10+)', helpGroup: NEWER}),
  metadata: Flags.string({
    description: 'metadata as key=value, repeatable (nats-server 2.10+)',
    helpGroup: NEWER,
    multiple: true,
  }),
  'transform-source': Flags.string({description: 'subject transform source (nats-server 2.10+)', helpGroup: NEWER}),
  'transform-destination': Flags.string({
    description: 'subject transform destination (nats-server 2.10+)',
    helpGroup: NEWER,
  }),
  'first-sequence': intFlag({min: 1})({
    description: 'first sequence of the stream (nats-server 2.10+)',
    helpGroup: NEWER,
  }),
  'allow-msg-ttl': Flags.boolean({
    description: 'allow per-message TTL headers (Nats-TTL); cannot be turned off again (nats-server 2.11+)',
    helpGroup: NEWER,
  }),
  'subject-del-markers-ttl': durationFlag({
    description:
      'when max age removes the last message of a subject, leave a delete marker that lives this long, e.g. 1m (at least 1s; turns on per-message TTL and roll-ups; nats-server 2.11+)',
    helpGroup: NEWER,
  }),
  'allow-batch': Flags.boolean({allowNo: true, description: 'allow atomic batch publish (nats-server 2.12+)', helpGroup: NEWER}),
  'allow-counter': Flags.boolean({
    description: 'make a counter stream (Nats-Incr); set only when the stream is created (nats-server 2.12+)',
    helpGroup: NEWER,
  }),
  'allow-schedules': Flags.boolean({
    description: 'allow message schedules (Nats-Schedule); turns on roll-ups; cannot be turned off again (nats-server 2.12+)',
    helpGroup: NEWER,
  }),
  'persist-mode': Flags.string({
    description: 'default (flush each write) or async (file storage, 1 replica, no atomic batches); set only when the stream is created (nats-server 2.12+)',
    helpGroup: NEWER,
    options: ['default', 'async'],
  }),
  'allow-fast': Flags.boolean({allowNo: true, description: 'allow fast batch publish (nats-server 2.14+)', helpGroup: NEWER}),
  'limit-consumer-inactive': durationFlag({
    description: 'inactive threshold given to new consumers, and the most they may ask for, e.g. 1h (0 none; nats-server 2.10+)',
    helpGroup: LIMITS,
  }),
  'limit-consumer-max-pending': intFlag({min: 0})({
    description: 'max ack pending given to new consumers, and the most they may ask for (0 none; nats-server 2.10+)',
    helpGroup: LIMITS,
  }),
  ...originFlags('mirror', 'the --mirror stream'),
  ...originFlags('source', 'each --source stream'),
}

/** Where a mirror or the sources read from and what they take: `--mirror-*` / `--source-*`. */
function originFlags<K extends 'mirror' | 'source'>(kind: K, what: string) {
  const helpGroup = 'MIRROR AND SOURCES'
  return {
    [`${kind}-filter`]: Flags.string({description: `copy only messages of ${what} on this subject`, helpGroup}),
    [`${kind}-start-seq`]: intFlag({min: 1})({description: `start copying ${what} at this sequence`, helpGroup}),
    [`${kind}-start-time`]: Flags.string({description: `start copying ${what} at this time (RFC 3339)`, helpGroup}),
    [`${kind}-transform`]: Flags.string({
      description: `copy messages of ${what} matching SOURCE to subject DESTINATION, as SOURCE=DESTINATION, repeatable (nats-server 2.10+)`,
      helpGroup,
      multiple: true,
      multipleNonGreedy: true,
    }),
    [`${kind}-api-prefix`]: Flags.string({description: `the JetStream API prefix of ${what} in another account`, helpGroup}),
    [`${kind}-domain`]: Flags.string({description: `the JetStream domain of ${what}`, helpGroup}),
  } as Record<`${K}-${'api-prefix' | 'domain' | 'filter' | 'start-time'}`, ReturnType<typeof Flags.string>> &
    Record<`${K}-start-seq`, ReturnType<ReturnType<typeof intFlag>>> &
    Record<`${K}-transform`, ReturnType<typeof Flags.string>>
}

/** `stream edit` only: remove a setting in place where the connected server can. */
export const streamRemoverFlags = {
  'no-mirror': Flags.boolean({
    description: 'stop mirroring: promote the mirror to a stream of its own (nats-server 2.12+)',
    helpGroup: 'REMOVE',
  }),
  'no-republish': Flags.boolean({description: 'stop republishing (nats-server 2.10+)', helpGroup: 'REMOVE'}),
  'no-transform': Flags.boolean({description: 'remove the subject transform (nats-server 2.10+)', helpGroup: 'REMOVE'}),
}

/** The oclif flags of `consumer add` and `consumer edit` (natscli names), shared so both read the same. */
import * as Flags from '@oclif/core/flags'

import {durationFlag, intFlag, sizeFlag} from '../flags.js'

const PUSH = 'PUSH CONSUMERS'
const PULL = 'PULL CONSUMERS'
const NEWER = 'NEEDS A NEWER SERVER'

export const consumerConfigFlags = {
  ack: Flags.string({
    description: 'acknowledgement policy: explicit, all or none',
    options: ['explicit', 'all', 'none'],
  }),
  wait: durationFlag({description: 'how long the server waits for an ack before redelivering, e.g. 30s'}),
  'max-deliver': intFlag({allowNegative: true, min: -1})({
    description: 'maximum deliveries of one message (-1 unlimited)',
  }),
  backoff: Flags.string({description: 'redelivery delays, comma separated, e.g. 1s,5s,30s'}),
  filter: Flags.string({
    description: 'only messages on this subject (more than one needs nats-server 2.10)',
    multiple: true,
  }),
  deliver: Flags.string({
    description: 'where to start: all, last, new or last-per-subject',
    options: ['all', 'last', 'new', 'last-per-subject'],
  }),
  'start-sequence': intFlag({min: 1})({description: 'start at this stream sequence'}),
  'start-time': Flags.string({description: 'start at this time (RFC 3339)'}),
  replay: Flags.string({description: 'replay policy: instant or original', options: ['instant', 'original']}),
  'max-pending': intFlag({min: 1})({description: 'maximum messages delivered but not acknowledged'}),
  'headers-only': Flags.boolean({allowNo: true, description: 'deliver headers only, without bodies'}),
  'inactive-threshold': durationFlag({description: 'remove the consumer after it is inactive this long'}),
  replicas: intFlag({min: 0})({description: 'number of replicas (0 = as the stream)'}),
  memory: Flags.boolean({allowNo: true, description: 'keep the consumer state in memory'}),
  description: Flags.string({description: 'a description of the consumer'}),
  target: Flags.string({description: 'deliver subject: makes a push consumer', helpGroup: PUSH}),
  'deliver-group': Flags.string({description: 'queue group for a push consumer', helpGroup: PUSH}),
  'flow-control': Flags.boolean({
    allowNo: true,
    description: 'enable flow control (needs --heartbeat)',
    helpGroup: PUSH,
  }),
  heartbeat: durationFlag({description: 'idle heartbeat interval, e.g. 5s', helpGroup: PUSH}),
  'rate-limit': intFlag({min: 1})({description: 'delivery rate limit in bits per second', helpGroup: PUSH}),
  'max-waiting': intFlag({min: 1})({description: 'maximum outstanding pull requests', helpGroup: PULL}),
  'max-pull-batch': intFlag({min: 1})({description: 'largest batch one pull may ask for', helpGroup: PULL}),
  'max-pull-expire': durationFlag({description: 'longest expiry one pull may ask for', helpGroup: PULL}),
  'max-pull-bytes': sizeFlag({description: 'largest byte size one pull may ask for', helpGroup: PULL}),
  metadata: Flags.string({
    description: 'metadata as key=value, repeatable (nats-server 2.10+)',
    helpGroup: NEWER,
    multiple: true,
  }),
  'pause-until': Flags.string({
    description: 'paused until this time (RFC 3339; nats-server 2.11+); on edit through the pause API',
    helpGroup: NEWER,
  }),
  'priority-group': Flags.string({
    description: 'priority group name, repeatable (nats-server 2.11+); its policy is --priority-policy',
    helpGroup: NEWER,
    multiple: true,
  }),
  'priority-policy': Flags.string({
    description: 'policy of the priority groups: pinned (default), overflow, or prioritized (nats-server 2.12+)',
    helpGroup: NEWER,
    options: ['pinned', 'overflow', 'prioritized'],
  }),
  'pinned-groups': Flags.string({
    description: 'pinned-client priority groups, repeatable (natscli name; nats-server 2.11+)',
    helpGroup: NEWER,
    multiple: true,
  }),
  'overflow-groups': Flags.string({
    description: 'overflow priority groups, repeatable (natscli name; nats-server 2.11+)',
    helpGroup: NEWER,
    multiple: true,
  }),
  'prioritized-groups': Flags.string({
    description: 'prioritized priority groups, repeatable (natscli name; nats-server 2.12+)',
    helpGroup: NEWER,
    multiple: true,
  }),
  'pinned-ttl': durationFlag({
    description: 'how long a pinned client keeps its pin without pulling, e.g. 2m (nats-server 2.11+)',
    helpGroup: NEWER,
  }),
}

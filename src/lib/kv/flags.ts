/** The bucket configuration flags of `kv add` and `kv edit` (natscli's names). */
import {Flags} from '@oclif/core'

import {durationFlag, intFlag, sizeFlag} from '../flags.js'

export const kvConfigFlags = {
  compress: Flags.boolean({allowNo: true, description: 'compress the bucket with s2 (nats-server 2.10+)'}),
  description: Flags.string({description: 'a description of the bucket'}),
  history: intFlag({min: 1})({description: 'how many values to keep per key, 1..64 [default: 1]'}),
  'marker-ttl': durationFlag({description: 'keep limit markers this long, enabling per-key TTLs (nats-server 2.11+)'}),
  'max-bucket-size': sizeFlag({description: 'the most bytes the bucket may hold, e.g. 1GiB; -1 unlimited'}),
  'max-value-size': sizeFlag({description: 'the largest value allowed, e.g. 64KiB; -1 unlimited'}),
  metadata: Flags.string({description: 'bucket metadata as key:value, repeatable (nats-server 2.10+)', multiple: true}),
  replicas: intFlag({min: 1})({description: 'how many replicas of the data to keep in a cluster [default: 1]'}),
  ttl: durationFlag({description: 'how long a value is kept, e.g. 1h or 7d; 0 forever'}),
}

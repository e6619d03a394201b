/** The bucket configuration flags of `object add` (natscli's names). */
import * as Flags from '@oclif/core/flags'

import {durationFlag, intFlag, sizeFlag} from '../flags.js'

export const objConfigFlags = {
  compress: Flags.boolean({description: 'compress the bucket with s2 (nats-server 2.10+)'}),
  description: Flags.string({description: 'a description of the bucket'}),
  'max-bucket-size': sizeFlag({description: 'the most bytes the bucket may hold, e.g. 10GiB; -1 unlimited'}),
  metadata: Flags.string({description: 'bucket metadata as key:value, repeatable (nats-server 2.10+)', multiple: true}),
  replicas: intFlag({min: 1})({description: 'how many replicas of the data to keep in a cluster [default: 1]'}),
  storage: Flags.string({description: 'where the data is kept', options: ['file', 'memory']}),
  ttl: durationFlag({description: 'how long an object is kept, e.g. 30d; 0 forever'}),
}

/** What `object edit` may change: everything but the storage (compression and metadata need nats-server 2.10). */
export const objEditFlags = {
  compress: Flags.boolean({allowNo: true, description: 'compress the bucket with s2, or stop compressing new data (nats-server 2.10+)'}),
  description: objConfigFlags.description,
  'max-bucket-size': objConfigFlags['max-bucket-size'],
  metadata: objConfigFlags.metadata,
  replicas: intFlag({min: 1})({description: 'how many replicas of the data to keep in a cluster'}),
  ttl: objConfigFlags.ttl,
}

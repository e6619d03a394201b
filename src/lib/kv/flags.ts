/** The bucket configuration flags of `kv add` and `kv edit` (natscli's names). */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {durationFlag, intFlag, sizeFlag} from '../flags.js'
import {readStdin} from '../io.js'
import {validateBucketName, validateKey} from './config.js'

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

const TOPOLOGY = 'MIRROR, SOURCES, REPUBLISH, PLACEMENT'

/** Sources, republishing and placement: `kv add` and `kv edit`. */
export const kvTopologyFlags = {
  cluster: Flags.string({description: 'place the bucket in this cluster', helpGroup: TOPOLOGY}),
  'republish-destination': Flags.string({description: 'republish stored values to this subject', helpGroup: TOPOLOGY}),
  'republish-headers': Flags.boolean({description: 'republish headers only, without values', helpGroup: TOPOLOGY}),
  'republish-source': Flags.string({description: 'republish only keys matching this $KV.<bucket>.> subject', helpGroup: TOPOLOGY}),
  source: Flags.string({description: 'copy the keys of this bucket, repeatable (nats-server 2.10+)', helpGroup: TOPOLOGY, multiple: true}),
  tags: Flags.string({description: 'place the bucket on servers with this tag, repeatable', helpGroup: TOPOLOGY, multiple: true}),
}

/** A mirror is chosen when the bucket is made: `kv add` only. */
export const kvMirrorFlags = {
  mirror: Flags.string({description: 'make a read-only copy of this bucket', helpGroup: TOPOLOGY}),
  'mirror-domain': Flags.string({description: 'the JetStream domain of the --mirror bucket', helpGroup: TOPOLOGY}),
}

/** Arguments and flags of the verbs that write one value (`put`, `create`). */
export const valueArgs = {
  bucket: Args.string({description: 'name of the bucket', ignoreStdin: true, required: true}),
  key: Args.string({description: 'the key', ignoreStdin: true, required: true}),
  value: Args.string({description: 'the value; read from stdin when omitted', ignoreStdin: true}),
}
export const valueFlags = {
  ttl: durationFlag({description: 'expire this value after the duration (per-key TTL, nats-server 2.11+)'}),
}

/** The value to write (the argument, else stdin) after checking names, and the TTL the server is asked for. */
export async function valueInput(args: {bucket: string; key: string; value?: string}, ttlMs: number | undefined): Promise<{data: Buffer; ttl?: string}> {
  validateBucketName(args.bucket)
  validateKey(args.key)
  const data = args.value === undefined ? await readStdin() : Buffer.from(args.value)
  return {data, ...(ttlMs === undefined ? {} : {ttl: `${Math.round(ttlMs / 1000)}s`})}
}

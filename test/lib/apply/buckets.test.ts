import {describe, expect, it} from 'vitest'

import {immutableBucketChanges} from '../../../src/lib/apply/buckets.js'
import {Capabilities} from '../../../src/lib/capabilities.js'

describe('immutableBucketChanges: what the connected server refuses to change on a bucket', () => {
  const storage = {current: 'file', desired: 'memory', field: 'storage'}
  const removeMirror = {current: {name: 'KV_origin'}, desired: undefined, field: 'mirror'}
  const changeMirror = {current: {name: 'KV_a'}, desired: {name: 'KV_b'}, field: 'mirror'}
  const markersOff = {current: 600_000, desired: undefined, field: 'marker_ttl_ms'}
  const markersOn = {current: undefined, desired: 600_000, field: 'marker_ttl_ms'}
  const history = {current: 1, desired: 5, field: 'history'}
  const fields = (caps?: Capabilities): string[] =>
    immutableBucketChanges([storage, removeMirror, changeMirror, markersOff, markersOn, history], caps).map((d) => `${d.field} ${d.reason}`)

  it('storage never changes; a mirror is removed in place from 2.12 on, never changed; markers are never turned off', () => {
    expect(fields(new Capabilities('2.10.27', 0))).toEqual([
      'storage storage cannot be changed after the bucket is created',
      'mirror mirror cannot be removed on this server',
      'mirror mirror cannot be changed after the bucket is created',
      'marker_ttl_ms limit markers cannot be turned off once they are on',
    ])
    expect(fields(new Capabilities('2.12.1', 2))).toEqual([
      'storage storage cannot be changed after the bucket is created',
      'mirror mirror cannot be changed after the bucket is created',
      'marker_ttl_ms limit markers cannot be turned off once they are on',
    ])
    // without the server's capabilities, the oldest rules
    expect(fields()).toEqual(fields(new Capabilities('2.9.10', 0)))
  })
})

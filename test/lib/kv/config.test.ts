import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {applyKvChanges, checkKvCapabilities, diffConfigs, kvChangesFromFlags, kvConfigFromFlags, kvCreateOptions, normalizeKvConfig} from '../../../src/lib/kv/config.js'
import {normalizeObjConfig, objConfigFromFlags} from '../../../src/lib/objects/config.js'

describe('kv config', () => {
  it('fills server defaults for flags not given', () => {
    expect(kvConfigFromFlags('B', {history: 3, ttl: 60_000})).toEqual({
      bucket: 'B',
      compression: false,
      description: '',
      history: 3,
      marker_ttl_ms: 0,
      max_bucket_size: -1,
      max_value_size: -1,
      metadata: {},
      replicas: 1,
      storage: 'file',
      ttl_ms: 60_000,
    })
  })

  it('rejects out-of-range values with exit 2', () => {
    for (const f of [{history: 0}, {history: 65}, {replicas: 6}, {storage: 'disk'}, {metadata: ['novalue']}, {'marker-ttl': 10}]) {
      expect(() => kvChangesFromFlags(f)).toThrow(expect.objectContaining({exitCode: 2}))
    }

    expect(() => kvConfigFromFlags('a.b', {})).toThrow(expect.objectContaining({exitCode: 2}))
  })

  it('normalises a server stream config and round-trips changes through it', () => {
    const sc = {max_age: 0, max_bytes: -1, max_msg_size: -1, max_msgs_per_subject: 5, name: 'KV_B', num_replicas: 1, storage: 'file'}
    const norm = normalizeKvConfig(sc)
    expect(norm).toEqual(kvConfigFromFlags('B', {history: 5}))
    const next = applyKvChanges(sc, kvChangesFromFlags({'max-value-size': 1024, ttl: 1000}))
    expect(next).toMatchObject({max_age: 1_000_000_000, max_msg_size: 1024})
    expect(diffConfigs(norm, normalizeKvConfig(next))).toEqual([
      {field: 'max_value_size', from: -1, to: 1024},
      {field: 'ttl_ms', from: 0, to: 1000},
    ])
  })

  it('refuses 2.10 and 2.11 options on a 2.9 server with exit 8, allows them on 2.11', () => {
    const old = new Capabilities('2.9.10')
    expect(() => checkKvCapabilities({compression: true}, old)).toThrow(/requires nats-server 2\.10\.0; connected server is 2\.9\.10/)
    expect(() => checkKvCapabilities({marker_ttl_ms: 5000}, old)).toThrow(expect.objectContaining({exitCode: 8}))
    expect(() => checkKvCapabilities({metadata: {a: 'b'}}, old)).toThrow(expect.objectContaining({exitCode: 8}))
    expect(() => checkKvCapabilities({history: 5, metadata: {}}, old)).not.toThrow()
    expect(() => checkKvCapabilities({compression: true, marker_ttl_ms: 5000}, new Capabilities('2.11.0'))).not.toThrow()
  })
})

describe('kv mirror, sources, republish and placement', () => {
  it('builds the nats.js options and reads the server view back to the same shape', () => {
    const mirror = kvConfigFromFlags('COPY', {mirror: 'ORIGIN', 'mirror-domain': 'hub'})
    expect(mirror.mirror).toEqual({bucket: 'ORIGIN', domain: 'hub'})
    expect(kvCreateOptions(mirror).mirror).toEqual({domain: 'hub', name: 'ORIGIN'})
    const server = {max_msgs_per_subject: 1, mirror: {external: {api: '$JS.hub.API', deliver: ''}, name: 'KV_ORIGIN'}, name: 'KV_COPY'}
    expect(normalizeKvConfig(server)).toEqual(mirror)

    const agg = kvConfigFromFlags('ALL', {cluster: 'east', 'republish-destination': 'out.>', source: ['A', 'B'], tags: ['ssd']})
    expect(agg).toMatchObject({placement: {cluster: 'east', tags: ['ssd']}, republish: {dest: 'out.>', src: '$KV.ALL.>'}, sources: [{bucket: 'A'}, {bucket: 'B'}]})
    expect(kvCreateOptions(agg)).toMatchObject({placement: {cluster: 'east', tags: ['ssd']}, republish: {dest: 'out.>', src: '$KV.ALL.>'}, sources: [{name: 'A'}, {name: 'B'}]})
  })

  it('sources map the source bucket subjects onto the bucket with a subject transform, which a 2.9 server lacks', () => {
    const changes = kvChangesFromFlags({source: ['A', 'B']}, 'ALL')
    const sc = applyKvChanges({name: 'KV_ALL', subjects: ['$KV.ALL.>']}, changes) as unknown as {sources: unknown}
    expect(sc.sources).toEqual([
      {name: 'A', subject_transforms: [{dest: '$KV.ALL.>', src: '$KV.A.>'}]},
      {name: 'B', subject_transforms: [{dest: '$KV.ALL.>', src: '$KV.B.>'}]},
    ])
    expect(() => checkKvCapabilities(changes, new Capabilities('2.9.10'))).toThrow(expect.objectContaining({exitCode: 8, message: expect.stringContaining('--source')}))
    expect(() => checkKvCapabilities(changes, new Capabilities('2.10.0'))).not.toThrow()
    // a source of the same bucket in another domain needs no transform
    expect(() => checkKvCapabilities({bucket: 'ALL', sources: [{bucket: 'ALL', domain: 'leaf'}]}, new Capabilities('2.9.10'))).not.toThrow()
  })

  it('placement and more than one replica need a cluster (exit 8 on a lone server)', () => {
    const lone = new Capabilities('2.9.10', 0, false)
    expect(() => checkKvCapabilities(kvChangesFromFlags({cluster: 'east'}, 'B'), lone)).toThrow(expect.objectContaining({exitCode: 8, message: expect.stringContaining('--cluster')}))
    expect(() => checkKvCapabilities({replicas: 3}, lone)).toThrow(expect.objectContaining({exitCode: 8}))
    expect(() => checkKvCapabilities({replicas: 1}, lone)).not.toThrow()
    expect(() => checkKvCapabilities({placement: {tags: ['ssd']}, replicas: 3}, new Capabilities('2.9.10', 0, true))).not.toThrow()
  })

  it('a republish source defaults to the whole bucket; removing placement or republish clears them', () => {
    const sc = {name: 'KV_B', placement: {cluster: 'east', tags: []}, republish: {dest: 'x.>', src: '$KV.B.>'}}
    expect(normalizeKvConfig(sc)).toMatchObject({placement: {cluster: 'east'}, republish: {dest: 'x.>', src: '$KV.B.>'}})
    const cleared = applyKvChanges(sc, {placement: undefined, republish: undefined})
    expect(cleared.republish).toBeUndefined()
    expect(normalizeKvConfig(cleared).placement).toBeUndefined()
  })
})

describe('object store config', () => {
  it('builds from flags and normalises the server view to the same shape', () => {
    const c = objConfigFromFlags('O', {description: 'd', ttl: 1000})
    expect(normalizeObjConfig({description: 'd', max_age: 1_000_000_000, max_bytes: -1, name: 'OBJ_O', num_replicas: 1, storage: 'file'})).toEqual(c)
  })
})

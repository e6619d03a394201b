import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {applyKvChanges, bucketEditRefusals, checkKvCapabilities, diffConfigs, kvChangesFromFlags, kvConfigFromFlags, kvCreateOptions, kvStreamConfig, normalizeKvConfig} from '../../../src/lib/kv/config.js'
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

describe('kv stream config and update rules', () => {
  it('a new bucket stream has deny_delete, rollups and direct gets, and only the fields that are set', () => {
    const sc = kvStreamConfig(kvConfigFromFlags('B', {}))
    expect(sc).toEqual({
      allow_direct: true,
      allow_rollup_hdrs: true,
      deny_delete: true,
      discard: 'new',
      max_msgs_per_subject: 1,
      name: 'KV_B',
      num_replicas: 1,
      retention: 'limits',
      storage: 'file',
      subjects: ['$KV.B.>'],
    })
    const full = kvStreamConfig(kvConfigFromFlags('C', {compress: true, 'marker-ttl': 5000, metadata: ['a:b'], source: ['A'], ttl: 60_000}))
    expect(full).toMatchObject({allow_msg_ttl: true, compression: 's2', max_age: 60_000_000_000, metadata: {a: 'b'}, subject_delete_marker_ttl: 5_000_000_000})
    expect(full.sources).toEqual([{name: 'KV_A', subject_transforms: [{dest: '$KV.C.>', src: '$KV.A.>'}]}])
    const mirror = kvStreamConfig(kvConfigFromFlags('M', {mirror: 'O', 'mirror-domain': 'hub'}))
    expect(mirror).toMatchObject({mirror: {domain: 'hub', name: 'KV_O'}, mirror_direct: true})
    expect(mirror.subjects).toBeUndefined()
  })

  it('lists the changes edit cannot make, per server version', () => {
    const v29 = new Capabilities('2.9.10', 0)
    const v210 = new Capabilities('2.10.27', 0)
    const v215 = new Capabilities('2.15.1', 5)
    const change = (field: string, from: unknown, to: unknown) => [{field, from, to}]
    const repub = change('republish', {dest: 'a.>', src: '$KV.B.>'}, {dest: 'b.>', src: '$KV.B.>'})
    expect(bucketEditRefusals(repub, v29)).toMatchObject([{feature: 'republish-update', rule: 'recreate'}])
    expect(bucketEditRefusals(repub, v210)).toEqual([])
    expect(bucketEditRefusals(repub)).toEqual([])
    for (const caps of [undefined, v29, v215]) {
      expect(bucketEditRefusals(change('storage', 'file', 'memory'), caps)).toMatchObject([{rule: 'recreate'}])
      expect(bucketEditRefusals(change('deny_delete', true, false), caps)).toMatchObject([{rule: 'enable-only'}])
      expect(bucketEditRefusals(change('deny_delete', false, true), caps)).toEqual([])
      expect(bucketEditRefusals(change('history', 1, 5), caps)).toEqual([])
    }

    expect(bucketEditRefusals(change('marker_ttl_ms', 0, 5000), v215)).toEqual([])
    expect(bucketEditRefusals(change('marker_ttl_ms', 5000, 2000), v215)).toEqual([])
    expect(bucketEditRefusals(change('marker_ttl_ms', 5000, 0), v215)).toMatchObject([{rule: 'enable-only'}])
    expect(bucketEditRefusals(change('marker_ttl_ms', 0, 5000), v210)).toMatchObject([{feature: 'kv-marker-ttl'}])
    expect(bucketEditRefusals(change('compression', false, true), v29)).toMatchObject([{feature: 'stream-compression', rule: 'in-place'}])
    expect(bucketEditRefusals(change('compression', false, true), v210)).toEqual([])
  })
})

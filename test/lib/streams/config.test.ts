import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {Capabilities} from '../../../src/lib/capabilities.js'
import {
  buildStreamConfig,
  checkStreamCapabilities,
  diffStreamConfig,
  immutableStreamChanges,
  normalizeStreamConfig,
  streamCapabilityNeeds,
  streamConfigFromFile,
  streamConfigFromFlags,
  type StreamConfigInput,
} from '../../../src/lib/streams/config.js'

// what nats-server 2.9.10 returns for `{name: "P", subjects: ["p.>"]}`
const SERVER_DEFAULTS: StreamConfigInput = {
  allow_direct: false,
  allow_rollup_hdrs: false,
  deny_delete: false,
  deny_purge: false,
  discard: 'old',
  duplicate_window: 120_000_000_000,
  max_age: 0,
  max_bytes: -1,
  max_consumers: -1,
  max_msg_size: -1,
  max_msgs: -1,
  max_msgs_per_subject: -1,
  mirror_direct: false,
  name: 'P',
  num_replicas: 1,
  retention: 'limits',
  sealed: false,
  storage: 'file',
  subjects: ['p.>'],
} as StreamConfigInput

describe('normalizeStreamConfig', () => {
  it('fills in what the server fills in', () => {
    expect(normalizeStreamConfig({name: 'P', subjects: ['p.>']})).toEqual(SERVER_DEFAULTS)
    expect(normalizeStreamConfig(SERVER_DEFAULTS)).toEqual(SERVER_DEFAULTS)
  })

  it('uses the max age as duplicate window when it is shorter than 2 minutes, and the name as subject', () => {
    expect(normalizeStreamConfig({max_age: 30e9, name: 'P'})).toMatchObject({duplicate_window: 30e9, subjects: ['P']})
    expect(normalizeStreamConfig({mirror: {name: 'O'}, name: 'M'}).subjects).toBeUndefined()
  })

  it('drops empty optional fields', () => {
    const n = normalizeStreamConfig({
      ...SERVER_DEFAULTS,
      compression: 'none',
      description: '',
      metadata: {},
      placement: {cluster: '', tags: []},
      sources: [],
    } as never)
    expect(n).toEqual(SERVER_DEFAULTS)
    // what a 2.11 server adds by itself
    expect(normalizeStreamConfig({...SERVER_DEFAULTS, metadata: {'_nats.level': '1', '_nats.req.level': '0'}})).toEqual(SERVER_DEFAULTS)
  })
})

describe('diffStreamConfig and immutable changes', () => {
  it('lists differing fields only', () => {
    const diff = diffStreamConfig(SERVER_DEFAULTS, {max_age: 3600e9, name: 'P', subjects: ['p.>']})
    expect(diff).toEqual([{current: 0, desired: 3600e9, field: 'max_age'}])
    expect(diffStreamConfig(SERVER_DEFAULTS, {name: 'P', subjects: ['p.>']})).toEqual([])
  })

  it('flags immutable fields and one-way switches', () => {
    const diff = diffStreamConfig({...SERVER_DEFAULTS, deny_delete: true}, {...SERVER_DEFAULTS, storage: 'memory'})
    expect(immutableStreamChanges(diff).map((d) => d.field)).toEqual(['deny_delete', 'storage'])
  })

  it('relaxes the rules per connected version, and says which version would change a field in place', () => {
    const v29 = new Capabilities('2.9.10', 0)
    const v210 = new Capabilities('2.10.27', 0)
    const v212 = new Capabilities('2.12.5', 3)
    const v215 = new Capabilities('2.15.1', 5)
    const change = (field: string, current: unknown, desired: unknown) => [{current, desired, field}]
    const fields = (diff: Array<{current: unknown; desired: unknown; field: string}>, caps?: Capabilities) => immutableStreamChanges(diff, caps).map((d) => [d.field, d.needs ?? null])
    // retention limits ↔ interest from 2.10; workqueue never
    expect(fields(change('retention', 'limits', 'interest'), v29)).toEqual([['retention', 'retention-limits-interest']])
    expect(fields(change('retention', 'limits', 'interest'), v210)).toEqual([])
    expect(fields(change('retention', 'limits', 'workqueue'), v215)).toEqual([['retention', null]])
    // removing a mirror from 2.12; changing it never
    expect(fields(change('mirror', {name: 'O'}, undefined), v210)).toEqual([['mirror', 'mirror-removal']])
    expect(fields(change('mirror', {name: 'O'}, undefined), v212)).toEqual([])
    expect(fields(change('mirror', {name: 'O'}, {name: 'P'}), v215)).toEqual([['mirror', null]])
    // max_consumers from 2.15, republish from 2.10
    expect(fields(change('max_consumers', 5, 10), v212)).toEqual([['max_consumers', 'update-max-consumers']])
    expect(fields(change('max_consumers', 5, 10), v215)).toEqual([])
    expect(fields(change('republish', undefined, {dest: 'b', src: 'a'}), v29)).toEqual([['republish', 'republish-update']])
    expect(fields(change('republish', undefined, {dest: 'b', src: 'a'}), v210)).toEqual([])
    // enable-only and create-only on every version
    expect(fields(change('allow_msg_ttl', undefined, true), v215)).toEqual([])
    expect(fields(change('allow_msg_ttl', true, undefined), v215)).toEqual([['allow_msg_ttl', null]])
    expect(fields(change('allow_msg_schedules', true, false), v215)).toEqual([['allow_msg_schedules', null]])
    expect(fields(change('allow_msg_counter', undefined, true), v215)).toEqual([['allow_msg_counter', null]])
    expect(fields(change('persist_mode', 'async', undefined), v215)).toEqual([['persist_mode', null]])
    // without caps (old call sites): 2.9's rules
    expect(fields(change('max_consumers', 5, 10))).toEqual([['max_consumers', 'update-max-consumers']])
    expect(fields(change('first_seq', 1, 5))).toEqual([['first_seq', null]])
    expect(immutableStreamChanges(change('max_consumers', 5, 10), v212)[0].reason).toBe('max_consumers cannot be changed in place; nats-server 2.15.0 changes it in place, the connected server is 2.12.5')
  })

  it('ignores mirror_direct on mirrors (the server decides it)', () => {
    expect(diffStreamConfig({mirror: {name: 'O'}, mirror_direct: true, name: 'M'}, {mirror: {name: 'O'}, name: 'M'})).toEqual([])
  })
})

describe('flags, files and capabilities', () => {
  it('turns flags into a partial config', () => {
    expect(streamConfigFromFlags({'max-age': 5_400_000, 'max-bytes': 1024, retention: 'work', storage: 'memory', subjects: ['a,b', 'c']})).toEqual({
      max_age: 5400e9,
      max_bytes: 1024,
      retention: 'workqueue',
      storage: 'memory',
      subjects: ['a', 'b', 'c'],
    })
  })

  it('reads YAML and stream info documents (config inside)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natsx-cfg-'))
    writeFileSync(join(dir, 's.yaml'), 'name: Y\nsubjects: [y.>]\nmax_msgs: 10\n')
    expect(await streamConfigFromFile(join(dir, 's.yaml'))).toEqual({max_msgs: 10, name: 'Y', subjects: ['y.>']})
    writeFileSync(join(dir, 'info.json'), JSON.stringify({config: SERVER_DEFAULTS, state: {messages: 3}}))
    expect(await streamConfigFromFile(join(dir, 'info.json'))).toEqual(SERVER_DEFAULTS)
  })

  it('flags override the file and the name argument overrides both', () => {
    expect(buildStreamConfig('N', {max_msgs: 1, name: 'F', subjects: ['f']}, {max_msgs: 2})).toEqual({max_msgs: 2, name: 'N', subjects: ['f']})
  })

  it('names the feature and version each newer option needs', () => {
    expect(streamCapabilityNeeds({allow_msg_ttl: true, compression: 's2', first_seq: 5, metadata: {a: 'b'}, name: 'X'}).map((n) => n.feature)).toEqual([
      'stream-compression',
      'stream-metadata',
      'first-sequence',
      'msg-ttl',
    ])
    expect(() => checkStreamCapabilities({allow_msg_ttl: true, name: 'X'}, new Capabilities('2.9.10'))).toThrow(/per-message TTL \(allow_msg_ttl\) requires nats-server 2\.11\.0/)
    expect(() => checkStreamCapabilities({allow_msg_ttl: true, name: 'X'}, new Capabilities('2.11.1'))).not.toThrow()
    // what 2.9 and 2.10 would drop silently
    expect(streamCapabilityNeeds({allow_batched: true, name: 'X', persist_mode: 'async', placement: {preferred: 'n2'} as never}).map((n) => n.feature)).toEqual(['persist-mode', 'fast-batch', 'placement-preferred'])
    expect(streamCapabilityNeeds({mirror: {consumer: {name: 'c'}, name: 'O'} as never, name: 'X'}).map((n) => n.feature)).toEqual(['durable-sourcing'])
    expect(() => checkStreamCapabilities({allow_batched: true, name: 'X'}, new Capabilities('2.10.27'))).toThrow('fast batch publish (allow_batched) requires nats-server 2.14.0; connected server is 2.10.27')
    expect(() => checkStreamCapabilities({name: 'X', persist_mode: 'async'}, new Capabilities('2.9.10'))).toThrow(/persist mode \(persist_mode\) requires nats-server 2\.12\.0/)
    expect(() => checkStreamCapabilities({allow_batched: true, name: 'X', persist_mode: 'async'}, new Capabilities('2.15.1', 5))).not.toThrow()
  })
})

describe('the flags of current servers', () => {
  it('become the server fields, only those given', () => {
    expect(
      streamConfigFromFlags({
        'allow-batch': true,
        'allow-counter': true,
        'allow-fast': false,
        'allow-schedules': true,
        'limit-consumer-max-pending': 20,
        'persist-mode': 'async',
        'subject-del-markers-ttl': 90_000,
      }),
    ).toEqual({
      allow_atomic: true,
      allow_batched: false,
      allow_msg_counter: true,
      allow_msg_schedules: true,
      allow_msg_ttl: true,
      allow_rollup_hdrs: true,
      consumer_limits: {max_ack_pending: 20},
      persist_mode: 'async',
      subject_delete_marker_ttl: 90_000_000_000,
    })
    expect(streamConfigFromFlags({})).toEqual({})
  })

  it('mirror and source details, one set for each --source', () => {
    expect(streamConfigFromFlags({mirror: 'O', 'mirror-domain': 'hub', 'mirror-filter': 'o.a', 'mirror-start-seq': 5}).mirror).toEqual({
      external: {api: '$JS.hub.API'},
      filter_subject: 'o.a',
      name: 'O',
      opt_start_seq: 5,
    })
    expect(streamConfigFromFlags({source: ['A', 'B'], 'source-api-prefix': '$JS.acc.API', 'source-start-time': '2026-01-02T04:04:05+01:00', 'source-transform': ['a.>=b.>', 'c=d']}).sources).toEqual(
      ['A', 'B'].map((name) => ({
        external: {api: '$JS.acc.API'},
        name,
        opt_start_time: '2026-01-02T03:04:05Z',
        subject_transforms: [
          {dest: 'b.>', src: 'a.>'},
          {dest: 'd', src: 'c'},
        ],
      })),
    )
  })

  it('removers unset the field, so an edit sends it without', () => {
    const base = {...SERVER_DEFAULTS, republish: {dest: 'x.>', src: 'p.>'}, subject_transform: {dest: 'q.>', src: 'p.>'}}
    const desired = {...base, ...streamConfigFromFlags({'no-republish': true, 'no-transform': true})}
    expect(diffStreamConfig(base, desired).map((d) => [d.field, d.desired])).toEqual([
      ['republish', undefined],
      ['subject_transform', undefined],
    ])
    expect(() => streamConfigFromFlags({mirror: 'X', 'no-mirror': true})).toThrow(/exclude each other/)
  })

  it('flags ask for what the server turns on by itself: markers → TTL and roll-ups, schedules → roll-ups', () => {
    expect(streamConfigFromFlags({'subject-del-markers-ttl': 5000})).toEqual({allow_msg_ttl: true, allow_rollup_hdrs: true, subject_delete_marker_ttl: 5e9})
    expect(streamConfigFromFlags({'allow-schedules': true})).toEqual({allow_msg_schedules: true, allow_rollup_hdrs: true})
    // the server writes an empty delivery prefix and its own spelling of a start time
    const mirror = {external: {api: '$JS.hub.API'}, name: 'O', opt_start_time: '2026-01-02T04:04:05+01:00'}
    const back = {external: {api: '$JS.hub.API', deliver: ''}, name: 'O', opt_start_time: '2026-01-02T03:04:05Z'}
    expect(diffStreamConfig({...SERVER_DEFAULTS, mirror: back, subjects: []} as StreamConfigInput, {...SERVER_DEFAULTS, mirror, subjects: []} as StreamConfigInput)).toEqual([])
    expect(diffStreamConfig({...SERVER_DEFAULTS, consumer_limits: {max_ack_pending: 5}}, {...SERVER_DEFAULTS, consumer_limits: {inactive_threshold: 0, max_ack_pending: 5}})).toEqual([])
  })

  it('each needs its server version (exit 8 on older ones)', () => {
    const old = new Capabilities('2.10.27', 0)
    for (const flags of [{'allow-batch': true}, {'allow-fast': true}, {'allow-counter': true}, {'allow-schedules': true}, {'persist-mode': 'async'}, {'subject-del-markers-ttl': 5000}])
      expect(() => checkStreamCapabilities({name: 'P', ...streamConfigFromFlags(flags)}, old), JSON.stringify(flags)).toThrow(/requires nats-server 2\.1[1-4]\.0; connected server is 2\.10\.27/)
    expect(() => checkStreamCapabilities({name: 'P', ...streamConfigFromFlags({'limit-consumer-inactive': 1000})}, new Capabilities('2.9.10', 0))).toThrow(/requires nats-server 2\.10\.0/)
    expect(() => checkStreamCapabilities({name: 'P', ...streamConfigFromFlags({'allow-fast': true})}, new Capabilities('2.12.0', 2))).toThrow(/fast batch publish \(allow_batched\) requires nats-server 2\.14\.0/)
  })
})

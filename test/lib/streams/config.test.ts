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
  })
})

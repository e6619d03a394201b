import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {readConfigFile} from '../../../src/lib/apply/spec.js'
import {NatsxError} from '../../../src/lib/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'natsx-config-file-'))
const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

const refusal = async (p: string, kind: 'consumer' | 'stream'): Promise<NatsxError> => {
  try {
    await readConfigFile(p, kind, {})
  } catch (error) {
    return error as NatsxError
  }

  throw new Error(`${p} was accepted`)
}

describe('readConfigFile: one loader for --config and apply', () => {
  it('takes units and the API numbers alike', async () => {
    const p = file('s.yaml', 'name: UNITS\nsubjects: [units.>]\nmax_age: 24h\nduplicate_window: 120000000000\nmax_bytes: 1GiB\n')
    expect(await readConfigFile(p, 'stream', {})).toEqual({
      duplicate_window: 120_000_000_000,
      max_age: 86_400_000_000_000,
      max_bytes: 1024 ** 3,
      name: 'UNITS',
      subjects: ['units.>'],
    })
    const c = file('c.yaml', 'durable_name: w\nack_wait: 30s\nbackoff: [1s, 5000000000]\nmax_expires: 1m\n')
    expect(await readConfigFile(c, 'consumer', {})).toEqual({
      ack_wait: 30_000_000_000,
      backoff: [1_000_000_000, 5_000_000_000],
      durable_name: 'w',
      max_expires: 60_000_000_000,
    })
  })

  it('an unknown field is exit 2 naming it and its line, with the likely fix', async () => {
    const e = await refusal(file('typo.yaml', 'name: TYPO\nsubjects: [typo.>]\nmax_agee: 1h\n'), 'stream')
    expect(e.exitCode).toBe(2)
    expect(e.message).toContain('typo.yaml:3: max_agee: unknown field "max_agee"; did you mean "max_age"?')
  })

  it('a wrong type is exit 2 at its line; every problem is counted', async () => {
    const e = await refusal(file('types.json', '{\n  "durable_name": "x",\n  "max_deliver": "lots",\n  "ack_wait": "soon"\n}\n'), 'consumer')
    expect(e.exitCode).toBe(2)
    expect(e.message).toMatch(/types\.json:3: max_deliver: max_deliver "lots" is not a whole number \(and 1 more problem\)$/)
  })

  it('reads what `stream info --json` and `consumer info --json` print: the config, without the state or the server metadata', async () => {
    const info = {
      cluster: {leader: 'N1'},
      config: {
        allow_direct: false,
        consumer_limits: {},
        duplicate_window: 120_000_000_000,
        max_age: 0,
        metadata: {'_nats.level': '5', '_nats.ver': '2.15.1', team: 'ops'},
        name: 'PRINTED',
        subjects: ['printed.>'],
      },
      created: '2026-01-01T00:00:00Z',
      state: {messages: 3},
    }
    const s = await readConfigFile(file('info.json', JSON.stringify(info, null, 2)), 'stream', {})
    expect(s).toEqual({...info.config, metadata: {team: 'ops'}})
    const onlyServers = {config: {metadata: {'_nats.level': '5'}, name: 'BARE'}}
    expect(await readConfigFile(file('bare.json', JSON.stringify(onlyServers)), 'stream', {})).toEqual({name: 'BARE'})

    const consumer = {
      config: {ack_policy: 'explicit', ack_wait: 30_000_000_000, deliver_policy: 'all', inactive_threshold: 5_000_000_000, name: 'eph'},
      delivered: {consumer_seq: 0},
      name: 'eph',
      stream_name: 'PRINTED',
    }
    expect(await readConfigFile(file('cinfo.json', JSON.stringify(consumer)), 'consumer', {})).toEqual(consumer.config)

    // a field inside config is still checked, at its line under config
    const bad = await refusal(file('bad-info.json', '{\n  "config": {\n    "name": "X",\n    "retention": "forever"\n  }\n}\n'), 'stream')
    expect(bad.message).toContain('bad-info.json:4: config.retention: retention "forever" is not one of limits, interest, workqueue')
  })

  it('refuses a stream file with consumers, an empty file and a list', async () => {
    expect((await refusal(file('nested.yaml', 'name: N\nconsumers: [{name: c}]\n'), 'stream')).message).toContain('unknown field "consumers"')
    expect((await refusal(file('empty.yaml', ''), 'stream')).exitCode).toBe(2)
    expect((await refusal(file('list.yaml', '- name: A\n'), 'stream')).message).toContain('one mapping of fields')
    expect((await refusal(join(dir, 'missing.yaml'), 'consumer')).message).toContain('cannot read')
  })
})

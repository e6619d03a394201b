import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {capabilityProblems, loadSpec, subjectsOverlap} from '../../../src/lib/apply/spec.js'
import {Capabilities} from '../../../src/lib/capabilities.js'

const dir = mkdtempSync(join(tmpdir(), 'natsx-spec-'))
const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('subjectsOverlap', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.*', 'a.b', true],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['a.*', 'a.b.c', false],
    ['*.b', 'a.*', true],
    ['a.b', 'a.c', false],
    ['>', 'x', true],
  ])('%s / %s → %s', (a, b, want) => {
    expect(subjectsOverlap(a, b)).toBe(want)
    expect(subjectsOverlap(b, a)).toBe(want)
  })
})

describe('loadSpec', () => {
  it('converts units, substitutes the environment and reads several documents', async () => {
    const p = file(
      'multi.yaml',
      // eslint-disable-next-line no-template-curly-in-string -- the spec's own ${VAR} syntax
      'streams:\n  - name: A\n    max_age: 90s\n    max_bytes: 1MiB\n    num_replicas: ${R}\n    description: "cost $$5 in ${REGION:-eu}"\n---\nkv:\n  - bucket: b\n    ttl_ms: 1h\n    max_bucket_size: 2KiB\n',
    )
    const {problems, spec} = await loadSpec([p], {R: '1'})
    expect(problems).toEqual([])
    expect(spec.streams[0].config).toEqual({
      description: 'cost $5 in eu',
      max_age: 90_000_000_000,
      max_bytes: 1_048_576,
      name: 'A',
      num_replicas: 1,
    })
    expect(spec.kv[0]).toMatchObject({config: {bucket: 'b', max_bucket_size: 2048, ttl_ms: 3_600_000}, kind: 'kv', name: 'b'})
    expect(spec.kv[0].at).toEqual({file: p, line: 9, path: 'kv[0]'})
  })

  it('collects every problem with its line, not only the first', async () => {
    const p = file('many.yaml', 'streams:\n  - name: A\n    max_age: soon\n    storage: disk\n  - name: A\n')
    const {problems} = await loadSpec([p], {})
    expect(problems.map((x) => `${x.line} ${x.path}`)).toEqual(['3 streams[0].max_age', '4 streams[0].storage', '5 streams[1]'])
  })

  it('reads JSON with lines too', async () => {
    const p = file('s.json', '{\n  "streams": [\n    {"name": "J", "max_msgs": "many"}\n  ]\n}\n')
    const {problems} = await loadSpec([p], {})
    expect(problems).toMatchObject([{line: 3, path: 'streams[0].max_msgs'}])
  })
})

describe('capabilityProblems', () => {
  it('a lone server: bucket placement and replicas > 1 are exit 8 at their own lines, as for streams', async () => {
    const p = file(
      'lone.yaml',
      'kv:\n  - bucket: placed\n    placement: {cluster: east}\n  - bucket: fine\n    replicas: 1\nobjects:\n  - bucket: copies\n    replicas: 3\n',
    )
    const {problems, spec} = await loadSpec([p], {})
    expect(problems).toEqual([])
    const lone = capabilityProblems(spec, new Capabilities('2.9.10', 0, false))
    expect(lone.map((x) => [x.code, x.path, x.line])).toEqual([
      [8, 'kv[0].placement', 3],
      [8, 'objects[0].replicas', 8],
    ])
    expect(lone[0].message).toContain('needs a clustered JetStream')
    expect(capabilityProblems(spec, new Capabilities('2.9.10', 0, true))).toEqual([])
  })

  it('every field a newer server added is refused where the server lacks it, at its own line, and only then', async () => {
    const p = file(
      'newer.yaml',
      [
        'streams:',
        '  - name: NEW',
        '    subjects: [new.>]',
        '    compression: s2', // 4
        '    metadata: {team: ops}', // 5
        '    first_seq: 10', // 6
        '    consumer_limits: {max_ack_pending: 10}', // 7
        '    subject_transform: {src: new.>, dest: renamed.>}', // 8
        '    allow_msg_ttl: true', // 9
        '    subject_delete_marker_ttl: 5s', // 10
        '    persist_mode: async', // 11
        '    allow_batched: true', // 12
        '    consumers:',
        '      - name: c',
        '        filter_subjects: [new.a, new.b]', // 15
        '        pause_until: "2099-01-01T00:00:00Z"', // 16
        '        priority_groups: [jobs]', // 17
        '        priority_policy: prioritized', // 18
        '        priority_timeout: 10s', // 19
        '  - name: SRC',
        '    sources:',
        '      - name: NEW',
        '        subject_transforms: [{src: new.>, dest: src.>}]', // 23
        '    compression: none', // 24: the zero value, which every server honours
        '    allow_atomic: false', // 25
      ].join('\n') + '\n',
    )
    const {problems, spec} = await loadSpec([p], {})
    expect(problems).toEqual([])
    const refused = (version: string): string[] =>
      capabilityProblems(spec, new Capabilities(version, 0, true)).map((x) => `${x.line} ${x.path}`)

    const on29 = refused('2.9.10')
    for (const want of [
      '4 streams[0].compression',
      '5 streams[0].metadata',
      '6 streams[0].first_seq',
      '7 streams[0].consumer_limits',
      '8 streams[0].subject_transform',
      '9 streams[0].allow_msg_ttl',
      '10 streams[0].subject_delete_marker_ttl',
      '11 streams[0].persist_mode',
      '12 streams[0].allow_batched',
      '15 streams[0].consumers[0].filter_subjects',
      '16 streams[0].consumers[0].pause_until',
      '17 streams[0].consumers[0].priority_groups',
      '18 streams[0].consumers[0].priority_policy',
      '19 streams[0].consumers[0].priority_timeout',
      '23 streams[1].sources[0].subject_transforms',
    ])
      expect(on29).toContain(want)
    expect(on29.some((x) => x.startsWith('24 ') || x.startsWith('25 '))).toBe(false)

    expect(refused('2.10.27').sort()).toEqual(
      [
        '9 streams[0].allow_msg_ttl',
        '10 streams[0].subject_delete_marker_ttl',
        '11 streams[0].persist_mode',
        '12 streams[0].allow_batched',
        '16 streams[0].consumers[0].pause_until',
        '17 streams[0].consumers[0].priority_groups',
        '18 streams[0].consumers[0].priority_policy',
        '19 streams[0].consumers[0].priority_timeout',
      ].sort(),
    )
    expect(refused('2.11.4')).toEqual(['11 streams[0].persist_mode', '12 streams[0].allow_batched', '18 streams[0].consumers[0].priority_policy'])
    expect(refused('2.12.1')).toEqual(['12 streams[0].allow_batched'])
    expect(refused('2.15.1')).toEqual([])
    const one = capabilityProblems(spec, new Capabilities('2.12.1', 0, true))[0]
    expect(one).toMatchObject({code: 8, file: p})
    expect(one.message).toMatch(/^allow_batched requires nats-server 2\.14\.0/)
  })
})

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
})

import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {Capabilities, compareVersions, type Feature, FEATURES, type FeatureSpec, featureTableMarkdown, parseVersion} from '../../src/lib/capabilities.js'
import {ExitCode, NatsxError} from '../../src/lib/errors.js'

describe('capabilities', () => {
  it('compares versions', () => {
    expect(compareVersions('2.9.10', '2.10.0')).toBeLessThan(0)
    expect(compareVersions('2.10.0', '2.10.0')).toBe(0)
    expect(compareVersions('v2.11.1', '2.10.9')).toBeGreaterThan(0)
  })

  it('refuses a feature with exit 8 naming both versions', () => {
    const caps = new Capabilities('2.9.10')
    expect(caps.has('stream-compression')).toBe(false)
    try {
      caps.require('stream-compression')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(NatsxError)
      expect((error as NatsxError).exitCode).toBe(ExitCode.UNSUPPORTED)
      expect((error as NatsxError).message).toBe('compression requires nats-server 2.10.0; connected server is 2.9.10')
    }
  })

  it('refuses placement and replicas on a lone server, not in a cluster', () => {
    expect(() => new Capabilities('2.9.10', 0, false).requireCluster('placement')).toThrow(/placement needs a clustered JetStream; the connected server \(2\.9\.10\) is not in a cluster/)
    expect(() => new Capabilities('2.9.10', 0, true).requireCluster('placement')).not.toThrow()
  })

  it('lets a new enough server through', () => {
    const caps = new Capabilities('2.15.1', 5)
    for (const f of Object.keys(FEATURES) as Feature[]) expect(() => caps.require(f)).not.toThrow()
    expect(caps.toJSON()).toEqual({api_level: 5, clustered: true, server_version: '2.15.1'})
  })

  it('decides from the API level where the server reports one, from the version otherwise', () => {
    // 2.12.0-2.12.4 report level 2, 2.12.5+ level 3 (snapshot window size)
    expect(new Capabilities('2.12.1', 2).has('snapshot-window-size')).toBe(false)
    expect(new Capabilities('2.12.5', 3).has('snapshot-window-size')).toBe(true)
    // a server whose level is lower than its version suggests is taken at its word
    expect(new Capabilities('2.14.0', 3).has('fast-batch')).toBe(false)
    expect(new Capabilities('2.14.0', 4).has('fast-batch')).toBe(true)
    // no level reported (before 2.11, or JetStream not answering): the version decides
    expect(new Capabilities('2.10.27', 0).has('msg-ttl')).toBe(false)
    expect(new Capabilities('2.11.3', 0).has('msg-ttl')).toBe(true)
    expect(new Capabilities('2.10.27', 0).has('stream-compression')).toBe(true)
    expect(new Capabilities('2.11.1', 1).has('stream-counters')).toBe(false)
    expect(new Capabilities('2.11.1', 1).has('placement-preferred')).toBe(true)
  })

  it('a refusal of an API-level feature names the version, the level and what is connected', () => {
    expect(() => new Capabilities('2.12.1', 2).require('fast-batch', 'fast batch publish (allow_batched)')).toThrow(
      'fast batch publish (allow_batched) requires nats-server 2.14.0; connected server is 2.12.1 at JetStream API level 2, level 4 needed',
    )
  })

  it('every feature in the table has a label, a name, a version, and an API level only from 2.11 on', () => {
    for (const [key, f] of Object.entries(FEATURES) as Array<[Feature, FeatureSpec]>) {
      expect(f.label, key).not.toBe('')
      expect(f.name, key).not.toBe('')
      expect(parseVersion(f.version).major, key).toBe(2)
      if (f.apiLevel !== undefined) expect(compareVersions(f.version, '2.11.0'), key).toBeGreaterThanOrEqual(0)
    }
  })
})

describe('the README table "What each server version supports"', () => {
  it('is the capability table, regenerated', () => {
    const path = fileURLToPath(new URL('../../README.md', import.meta.url))
    const readme = readFileSync(path, 'utf8')
    const marked = /<!-- capabilities -->\n([\s\S]*?)\n?<!-- capabilitiesstop -->/
    expect(readme).toMatch(marked)
    const generated = featureTableMarkdown()
    if (process.env.NATSX_WRITE_README === '1') writeFileSync(path, readme.replace(marked, `<!-- capabilities -->\n${generated}\n<!-- capabilitiesstop -->`))
    else expect(marked.exec(readme)?.[1]).toBe(generated)
    // one row per feature, each naming its version
    const rows = generated.split('\n').slice(2)
    expect(rows).toHaveLength(Object.keys(FEATURES).length)
    for (const f of Object.values(FEATURES) as FeatureSpec[]) expect(rows.some((r) => r.startsWith(`| ${f.label} |`) && r.includes(`| ${f.version} |`)), f.label).toBe(true)
  })
})

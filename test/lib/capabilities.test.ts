import {describe, expect, it} from 'vitest'

import {Capabilities, compareVersions, FEATURES} from '../../src/lib/capabilities.js'
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
    const caps = new Capabilities('2.12.1', 2)
    for (const f of Object.keys(FEATURES) as Array<keyof typeof FEATURES>) expect(() => caps.require(f)).not.toThrow()
    expect(caps.toJSON()).toEqual({api_level: 2, clustered: true, server_version: '2.12.1'})
  })
})

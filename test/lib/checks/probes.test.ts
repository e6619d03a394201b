import {describe, expect, it} from 'vitest'

import {jwtClaims} from '../../../src/lib/checks/credential.js'
import {assess, credentialObservations, jetstreamObservations, serverObservations} from '../../../src/lib/checks/probes.js'
import {nagiosLine, prometheusLines, resourceResult} from '../../../src/lib/checks/report.js'

describe('check thresholds', () => {
  it('more is worse, unless critical is below warning (too few), or the metric is one where less is worse', () => {
    expect(assess(5, {warn: 5})).toBe('warning')
    expect(assess(4, {crit: 5, warn: 3})).toBe('warning')
    expect(assess(9, {crit: 5, warn: 3})).toBe('critical')
    expect(assess(9, {})).toBe('ok')
    // auto: critical 10 below warning 20 means "too few"
    expect(assess(5, {crit: 10, warn: 20}, 'auto')).toBe('critical')
    expect(assess(15, {crit: 10, warn: 20}, 'auto')).toBe('warning')
    expect(assess(25, {crit: 10, warn: 20}, 'auto')).toBe('ok')
    // auto with one threshold: more is worse
    expect(assess(25, {warn: 20}, 'auto')).toBe('warning')
    expect(assess(30, {crit: 60, warn: 3600}, 'below')).toBe('critical')
  })

  it('an unlimited account resource is reported, never failed; a limited one is a percentage', () => {
    const obs = jetstreamObservations(
      {consumers: 9, limits: {max_consumers: 10, max_memory: -1, max_storage: 0, max_streams: 4}, memory: 5, storage: 7, streams: 1},
      {consumers: {crit: 90, warn: 75}, memory: {crit: 1, warn: 1}, storage: {crit: 1}, streams: {}},
    )
    expect(obs.map((o) => [o.name, o.status, o.value])).toEqual([
      ['memory', 'ok', 5],
      ['storage', 'ok', 7],
      ['streams_pct', 'ok', 25],
      ['consumers_pct', 'critical', 90],
    ])
  })

  it('a certificate expiry threshold on a server that does not report it is unknown, never a false OK', () => {
    const obs = serverObservations({server_id: 'X', start: new Date().toISOString()}, {certExpire: {warn: 86_400_000}, connections: {}, cpu: {}, memory: {}, slowConsumers: {}, subscriptions: {}, uptime: {}}, Date.now())
    expect(obs.find((o) => o.name === 'cert_expiry')?.status).toBe('unknown')
  })

  it('credential expiry: less validity left is worse', () => {
    const now = Date.now()
    const exp = Math.floor(now / 1000) + 3600
    expect(credentialObservations({exp}, {validity: {warn: 2 * 3_600_000}}, now)[0].status).toBe('warning')
    expect(credentialObservations({exp}, {validity: {crit: 30 * 60_000}}, now)[0].status).toBe('ok')
    expect(credentialObservations({}, {requireExpiry: true, validity: {}}, now)[0].status).toBe('critical')
  })

  it('reads the user JWT of a creds file or a bare JWT, and nothing else', () => {
    const jwt = `e30.${Buffer.from('{"sub":"UX","exp":5}').toString('base64url')}.c2ln`
    expect(jwtClaims(`-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n`)).toMatchObject({exp: 5, sub: 'UX'})
    expect(jwtClaims(`${jwt}\n`)).toMatchObject({sub: 'UX'})
    expect(jwtClaims('hello')).toBeUndefined()
    expect(jwtClaims('a.bm90IGpzb24.c')).toBeUndefined()
  })
})

describe('check output', () => {
  const r = resourceResult('stream', 'OR|DERS', [
    {crit: 10, message: '5 messages\n(critical)', name: 'messages', status: 'critical', value: 5, warn: 20},
    {message: '1 KiB', name: 'bytes', status: 'ok', unit: 'B', value: 1024},
    {message: 'leader n1', name: 'leader', status: 'ok'},
  ])

  it('Nagios: one line, the failing observations, perfdata for every value', () => {
    expect(nagiosLine(r)).toBe('NATS CRITICAL: stream OR DERS: 5 messages (critical) | messages=5;20;10 bytes=1024B;;')
    expect(r.nagios_code).toBe(2)
  })

  it('Prometheus: a status gauge per check and observation, a value gauge per measured value', () => {
    const text = prometheusLines(r)
    expect(text).toContain('natsx_check_status{check="stream",target="OR|DERS"} 2')
    expect(text).toContain('natsx_check_status{check="stream",target="OR|DERS",name="leader"} 0')
    expect(text).toContain('natsx_check_value{check="stream",target="OR|DERS",name="bytes",unit="B"} 1024')
  })

  it('no observation at all is unknown', () => {
    expect(resourceResult('kv', 'B', []).status).toBe('unknown')
  })
})

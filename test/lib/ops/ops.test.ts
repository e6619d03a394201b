// Pure parts of events, services and account reports.
import {describe, expect, it} from 'vitest'

import {type ConnectionRow, sortConnections} from '../../../src/lib/accounts/accounts.js'
import {cloudEvent, eventLine, eventRecord, eventSubjects} from '../../../src/lib/events/events.js'
import {discoverySubject, listRows, statsSummary, validateServiceToken} from '../../../src/lib/services/micro.js'

describe('events', () => {
  it('subjects per filter, as natscli listens', () => {
    expect(eventSubjects({srvAdvisory: true}).map((s) => s.subject)).toEqual(['$SYS.ACCOUNT.*.CONNECT', '$SYS.ACCOUNT.*.DISCONNECT', '$SYS.SERVER.*.CLIENT.AUTH.ERR'])
    expect(eventSubjects({jsAdvisory: true, jsMetric: true, subjects: ['a.>', '$JS.EVENT.METRIC.>']}).map((s) => s.subject)).toEqual(['$JS.EVENT.ADVISORY.>', '$JS.EVENT.METRIC.>', 'a.>'])
    expect(eventSubjects({all: true})).toHaveLength(5)
    expect(eventSubjects({})).toEqual([])
  })

  it('one line per event, and a CloudEvents envelope', () => {
    const body = JSON.stringify({action: 'create', id: 'X1', stream: 'ORDERS', timestamp: '2026-01-02T03:04:05.123456789Z', type: 'io.nats.jetstream.advisory.v1.stream_action'})
    const rec = eventRecord('$JS.EVENT.ADVISORY.STREAM.CREATED.ORDERS', body, new Date('2026-01-02T03:04:06Z'))
    expect(rec).toMatchObject({id: 'X1', time: '2026-01-02T03:04:05.123456789Z', type: 'io.nats.jetstream.advisory.v1.stream_action'})
    expect(eventLine(rec)).toBe('03:04:05.123 stream_action stream=ORDERS action=create')
    expect(cloudEvent(rec)).toEqual({
      data: JSON.parse(body),
      dataschema: 'https://raw.githubusercontent.com/nats-io/jsm.go/master/schemas/jetstream/advisory/v1/stream_action.json',
      id: 'X1',
      source: 'urn:nats:jetstream',
      specversion: '1.0',
      subject: 'advisory',
      time: '2026-01-02T03:04:05.123456789Z',
      type: 'io.nats.jetstream.advisory.v1.stream_action',
    })
    const plain = eventRecord('x.y', 'not json', new Date('2026-01-02T03:04:06Z'))
    expect(eventLine(plain)).toBe('03:04:06.000 event on=x.y "not json"')
    const client = eventRecord('$SYS.ACCOUNT.APP.CONNECT', JSON.stringify({client: {acc: 'APP', host: '127.0.0.1', name: 'my app', user: 'u'}, server: {name: 'n1'}, timestamp: '2026-01-02T03:04:05Z', type: 'io.nats.server.advisory.v1.client_connect'}))
    expect(eventLine(client)).toBe('03:04:05 client_connect account=APP user=u client="my app" host=127.0.0.1 server=n1')
  })
})

describe('services', () => {
  it('names and subjects', () => {
    expect(discoverySubject('STATS')).toBe('$SRV.STATS')
    expect(discoverySubject('INFO', 'orders', 'ID1')).toBe('$SRV.INFO.orders.ID1')
    expect(() => validateServiceToken('a.b', 'name')).toThrow(/only letters, digits/)
    expect(() => validateServiceToken('ok-name_1', 'name')).not.toThrow()
  })

  it('stats summed per endpoint over instances, average weighted by requests', () => {
    const s = statsSummary('orders', [
      {endpoints: [{name: 'get', num_errors: 0, num_requests: 3, processing_time: 3_000_000, subject: 'o.get'}, {last_error: 'x', name: 'fail', num_errors: 2, num_requests: 2, processing_time: 0, subject: 'o.fail'}], id: 'A', name: 'orders', version: '1'},
      {endpoints: [{name: 'get', num_errors: 0, num_requests: 1, processing_time: 5_000_000, subject: 'o.get'}, {last_error: 'y', name: 'fail', num_errors: 1, num_requests: 1, processing_time: 0, subject: 'o.fail'}], id: 'B', name: 'orders', version: '1'},
    ])
    expect(s.endpoints).toEqual([
      {average_processing_ms: 2, errors: 0, name: 'get', processing_ms: 8, requests: 4, subject: 'o.get'},
      {average_processing_ms: 0, errors: 3, last_error: 'y', name: 'fail', processing_ms: 0, requests: 3, subject: 'o.fail'},
    ])
    expect(s.totals).toEqual({errors: 3, requests: 7})
    expect(listRows([{id: 'A', name: 'b', version: '1'}, {id: 'B', name: 'a', version: '2'}, {id: 'C', name: 'b', version: '2'}])).toEqual([
      {endpoints: 0, ids: ['B'], instances: 1, name: 'a', versions: ['2']},
      {endpoints: 0, ids: ['A', 'C'], instances: 2, name: 'b', versions: ['1', '2']},
    ])
  })
})

describe('account connections', () => {
  it('sorts largest first, the longest running first for uptime', () => {
    const row = (cid: number, subs: number, start: string): ConnectionRow => ({cid, in_bytes: 0, in_msgs: cid, out_bytes: 0, out_msgs: 0, server: 'n1', start, subscriptions: subs})
    const rows = [row(1, 5, '2026-01-01T00:00:02Z'), row(2, 9, '2026-01-01T00:00:01Z'), row(3, 1, '2026-01-01T00:00:03Z')]
    expect(sortConnections(rows, 'subs').map((r) => r.cid)).toEqual([2, 1, 3])
    expect(sortConnections(rows, 'in-msgs').map((r) => r.cid)).toEqual([3, 2, 1])
    expect(sortConnections(rows, 'uptime').map((r) => r.cid)).toEqual([2, 1, 3])
    expect(sortConnections(rows, 'cid').map((r) => r.cid)).toEqual([1, 2, 3])
  })
})

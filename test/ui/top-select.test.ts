// The top view's selection, detail, closed pane and controls on a fake feed (140 columns): ↑ ↓ move the selection,
// Enter shows the selected connection from the injected controls (or the row as polled without them), c toggles the
// closed pane (and asks the controls to poll closed connections), d asks for names, keys typed at once all land.
import {render} from 'ink-testing-library'
import {createElement} from 'react'
import {afterEach, describe, expect, it} from 'vitest'

import type {ConnDetail, ConnRow, ServerRow} from '../../src/lib/monitoring/feed.js'
import type {TopControls} from '../../src/lib/monitoring/source.js'

import {TopApp} from '../../src/ui/top/TopApp.js'
import {conn, FakeSource, snapshot, until} from './top-fixtures.js'

let app: ReturnType<typeof render> | undefined
afterEach(() => app?.unmount())

function start(conns: ConnRow[], opts: {columns?: number; controls?: TopControls; rows?: number; servers?: ServerRow[]} = {}) {
  const src = new FakeSource()
  app = render(createElement(TopApp, {columns: opts.columns ?? 140, controls: opts.controls, initial: {filter: '', raw: false, reverse: false, sort: 'cid'}, rows: opts.rows ?? 30, source: src}))
  src.emit(snapshot(conns, opts.servers))
  return {app, src}
}

class FakeControls implements TopControls {
  asked: Array<[string, number]> = []
  closed: number[] = []
  lookup: boolean[] = []

  async connection(serverId: string, cid: number): Promise<ConnDetail> {
    this.asked.push([serverId, cid])
    return {
      cid, closed: false, server: 'n1', server_id: serverId,
      info: {cid, ip: '10.1.2.3', kind: 'Client', name: `conn-${cid}`, port: 4000, subscriptions: 2, subscriptions_list_detail: [{msgs: 7, qgroup: 'grp', sid: '1', subject: 'orders.>'}, {msgs: 0, sid: '2', subject: 'audit'}], tls_version: '1.3'} as unknown as ConnDetail['info'],
    }
  }

  setClosed(max: number): void {
    this.closed.push(max)
  }

  setLookup(on: boolean): void {
    this.lookup.push(on)
  }
}

describe('top view: selection, detail, closed pane', () => {
  const rows = [conn('n1', 1, 'conn-a', 5), conn('n1', 2, 'conn-b', 500), conn('n2', 1, 'conn-c', 50)]

  it('moves the selection with the arrows and shows the selected connection from the controls; Esc goes back', async () => {
    const controls = new FakeControls()
    const {app} = start(rows, {controls})
    await until(app.lastFrame, (x) => x.includes('selected: n1 cid 1 '))
    app.stdin.write('\u001B[B') // ↓
    await until(app.lastFrame, (x) => x.includes('selected: n2 cid 1 '))
    app.stdin.write('\u001B[B')
    app.stdin.write('\u001B[B') // past the last row: stays on it
    await until(app.lastFrame, (x) => x.includes('selected: n1 cid 2 '))
    app.stdin.write('\u001B[A') // ↑
    await until(app.lastFrame, (x) => x.includes('selected: n2 cid 1 '))
    app.stdin.write('\r')
    const f = await until(app.lastFrame, (x) => x.includes('Subscriptions (2)'))
    expect(controls.asked.at(-1)).toEqual(['IDn2', 1])
    expect(f).toMatch(/tls_version +1\.3/)
    expect(f).toMatch(/orders\.> +grp +1 +7/)
    expect(f).toContain('Connection n1 cid 1 conn-1')
    app.stdin.write('\u001B')
    await until(app.lastFrame, (x) => x.includes('selected: n2 cid 1 ') && !x.includes('Subscriptions ('))
  })

  it('without controls the detail is the row as polled', async () => {
    const {app} = start(rows)
    await until(app.lastFrame, (x) => x.includes('selected: n1 cid 1 '))
    app.stdin.write('\r')
    const f = await until(app.lastFrame, (x) => x.includes('Connection n1 cid 1 conn-a'))
    expect(f).toMatch(/pending_bytes +0/)
    app.stdin.write('\r')
    await until(app.lastFrame, (x) => x.includes('sort: cid'))
  })

  it('c shows the closed connections with the reason and asks the controls to poll them; d asks for names; keys sent at once all land', async () => {
    const controls = new FakeControls()
    const {app, src} = start(rows, {controls})
    await until(app.lastFrame, (x) => x.includes('conn-c'))
    app.stdin.write('c')
    await until(app.lastFrame, (x) => x.includes('waiting for the first poll of closed connections'))
    await until(() => String(controls.closed.at(-1)), (x) => Number(x) > 0)
    const gone = conn('n2', 9, 'conn-gone', 0, {host: 'db-1.example', rates: null, reason: 'Slow Consumer (Pending Bytes)', stopped_ago_ms: 12_000})
    src.emit({...snapshot(rows), closed: [gone]})
    let f = await until(app.lastFrame, (x) => x.includes('conn-gone'))
    expect(f).toMatch(/n2 +9 conn-gone +db-1\.example:40009 +APP +12s ago .*Slow Consumer \(Pending Bytes\)/)
    // d and c in one read: names on, back to the open connections
    app.stdin.write('dc')
    f = await until(app.lastFrame, (x) => x.includes(' — names') && x.includes('sort: cid'))
    await until(() => `${controls.lookup.at(-1)} ${controls.closed.at(-1)}`, (x) => x === 'true 0')
  })
})

// `natsx top` in batch mode (no Ink): NDJSON snapshots whose rates match the traffic, CSV, text, and usage errors.
import {connect} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {TopSnapshot} from '../../src/lib/monitoring/feed.js'

import {displayWidth} from '../../src/lib/format/width.js'
import {runCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'
import {startTraffic, type Traffic} from '../helpers/traffic.js'

const RATE = 500

describe('top --iterations (batch mode)', () => {
  let server: NatsServer
  let traffic: Traffic
  beforeAll(async () => {
    server = await startServer()
    traffic = await startTraffic({rate: RATE, servers: [server.url], size: 100})
  })
  afterAll(async () => {
    await traffic?.stop()
    await server?.destroy()
  })

  it('--iterations 3 --json prints three NDJSON snapshots whose rates match the traffic within 10%', async () => {
    const r = await runCli(['top', '--monitor', `127.0.0.1:${server.monitorPort}`, '--iterations', '3', '--interval', '1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const snaps = r.ndjson<TopSnapshot>()
    expect(snaps).toHaveLength(3)
    for (const s of snaps) {
      const pub = s.connections.find((c) => c.name === 'pub-0')!
      const sub = s.connections.find((c) => c.name === 'sub-0')!
      expect(pub.rates!.in_msgs).toBeGreaterThan(RATE * 0.9)
      expect(pub.rates!.in_msgs).toBeLessThan(RATE * 1.1)
      expect(pub.rates!.in_bytes / pub.rates!.in_msgs).toBeCloseTo(100, 0) // payload bytes
      expect(sub.rates!.out_msgs).toBeGreaterThan(RATE * 0.9)
      expect(sub.rates!.out_msgs).toBeLessThan(RATE * 1.1)
      const srv = s.servers[0]
      // the server also counts our own monitoring, so only the lower bound is tight
      expect(srv.rates!.in_msgs).toBeGreaterThan(RATE * 0.9)
      expect(srv.rates!.in_msgs).toBeLessThan(RATE * 1.1 + 5)
    }

    expect(snaps.map((s) => s.seq)).toEqual([2, 3, 4])
  })

  it('--interval takes fractions of a second; --csv prints a header and server and connection rows', async () => {
    const r = await runCli(['top', '--monitor', server.monitorUrl, '--iterations', '2', '--interval', '0.25', '--csv', '--sort', 'name'])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^time,kind,server,cid,name,/)
    expect(lines.filter((l) => l.split(',')[1] === 'server')).toHaveLength(2)
    const pubs = lines.filter((l) => l.includes(',pub-0,'))
    expect(pubs).toHaveLength(2)
    const cols = lines[0].split(',')
    const rate = Number(pubs[1].split(',')[cols.indexOf('in_msgs_per_sec')])
    expect(rate).toBeGreaterThan(RATE * 0.8)
  })

  it('without a terminal prints a plain-text frame', async () => {
    const r = await runCli(['top', '--monitor', server.monitorUrl, '--interval', '200ms', '--filter', 'pub-'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`${server.name}`)
    expect(r.stdout).toContain('rows 1–1 of 1')
    expect(r.stdout).toMatch(/pub-0/)
    expect(r.stdout).not.toMatch(/sub-0/)
  })

  it('keeps the columns straight when a connection name has wide (CJK) characters', async () => {
    const wide = await connect({name: '注文処理サービス', servers: server.url})
    try {
      await wide.flush()
      const r = await runCli(['top', '--monitor', server.monitorUrl, '--interval', '200ms', '--sort', 'cid'])
      expect(r.code, r.stderr).toBe(0)
      const rows = r.stdout.split('\n').filter((l) => / 127\.0\.0\.1:\d+/.test(l))
      const wideRow = rows.find((l) => l.includes('注文'))
      expect(wideRow, r.stdout).toBeDefined()
      expect(rows.length).toBeGreaterThan(1)
      // the IP column starts at the same terminal column on every row, and the wide name is cut to its 13 columns
      const ipColumn = (line: string): number => displayWidth(line.slice(0, line.search(/ 127\.0\.0\.1:/)))
      expect(new Set(rows.map((l) => ipColumn(l))).size, rows.join('\n')).toBe(1)
      expect(wideRow).toContain('注文処理サー~ ')
      expect(rows.every((l) => displayWidth(l) === displayWidth(rows[0])), rows.join('\n')).toBe(true)
    } finally {
      await wide.close()
    }
  })

  it('refuses bad input with exit 2 before any request, and an unreachable server with exit 6', async () => {
    for (const args of [
      ['--sort', 'nope'],
      ['--interval', '0.01'],
      ['--monitor', 'nats://x:4222'],
      ['--sys', '--monitor', 'localhost:1'],
      ['--csv', '--json'],
      ['--iterations', '0'],
    ]) {
      const r = await runCli(['top', ...args, ...(args.includes('--iterations') ? [] : ['--iterations', '1'])])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      // (vitest runs the child with NODE_ENV=test, where oclif adds a Node warning when a flag fails to parse)
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('(node:') && !l.startsWith('(Use `node'))
      expect(lines, r.stderr).toHaveLength(1)
    }

    const down = await runCli(['top', '--monitor', '127.0.0.1:1', '--iterations', '1', '--interval', '0.1'])
    expect(down.code).toBe(6)
    expect(down.stderr).toMatch(/no server answered.*refused/)
  })
})

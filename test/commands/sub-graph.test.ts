// sub --graph in its batch form (NDJSON samples of messages per second by subject) and its refusals; the live view
// is exercised in a real terminal by graph-tmux.test.ts.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {SubjectGraphSample} from '../../src/lib/graph/subjects.js'

import {runCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'
import {startTraffic, type Traffic} from '../helpers/traffic.js'

let server: NatsServer
const traffic: Traffic[] = []
beforeAll(async () => {
  server = await startServer({jetstream: false})
  // g.busy at 200 messages a second, g.quiet at 25
  traffic.push(
    await startTraffic({rate: 200, servers: [server.url], size: 16, subject: 'g.busy'}),
    await startTraffic({rate: 25, servers: [server.url], size: 16, subject: 'g.quiet'}),
  )
})
afterAll(async () => {
  for (const t of traffic) await t.stop()
  await server?.destroy()
})

describe('sub --graph --iterations N', () => {
  it('prints N samples as NDJSON: the busiest subject first, the total the sum of the subjects', async () => {
    const res = await runCli(['sub', 'g.>', '--graph', '--iterations', '3', '--interval', '0.5', '--json', '-s', server.url])
    expect(res.code, res.stderr).toBe(0)
    const samples = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as SubjectGraphSample)
    expect(samples).toHaveLength(3)
    for (const s of samples) {
      expect(Object.keys(s).sort()).toEqual(['subjects', 'time', 'total', 'total_per_sec'])
      expect(s.subjects.map((x) => x.subject)).toEqual(['g.busy', 'g.quiet'])
      expect(s.subjects[0].messages_per_sec).toBeGreaterThan(s.subjects[1].messages_per_sec)
      expect(s.total_per_sec).toBeCloseTo(s.subjects[0].messages_per_sec + s.subjects[1].messages_per_sec, 0)
    }

    // the total only grows, by the messages of each sample
    expect(samples[2].total).toBe(samples[1].total + samples[2].subjects.reduce((a, x) => a + x.messages, 0))
  })

  it('refuses what it cannot draw, in one line, exit 2, before subscribing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['sub', 'g.>', '--graph'], /needs a terminal.*--iterations N --json/],
      [['sub', 'g.>', '--graph', '--json'], /--json cannot carry.*--iterations N --json/],
      [['sub', 'g.>', '--graph', '--raw', '--iterations', '1'], /--graph cannot be used with --raw/],
      [['sub', 'g.>', '--graph', '--stream', 'S', '--iterations', '1'], /--graph draws core subscriptions/],
      [['sub', 'g.>', '--iterations', '2'], /--iterations needs --graph/],
    ]
    for (const [args, message] of cases) {
      const res = await runCli([...args, '-s', server.url])
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stderr).toMatch(message)
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})

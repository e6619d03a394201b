import type {StreamInfo} from '@nats-io/jetstream'

import {jetstreamManager} from '@nats-io/jetstream'
import {connect} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamReportRow} from '../../../src/lib/streams/ops.js'

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, startServer} from '../../helpers/servers.js'

const COUNT = 1000
let server: NatsServer

beforeAll(async () => {
  server = await startServer()
  const nc = await connect({servers: server.url})
  const jsm = await jetstreamManager(nc)
  for (let i = 0; i < COUNT; i += 50) {
    await Promise.all(
      Array.from({length: Math.min(50, COUNT - i)}, (_, j) => jsm.streams.add({name: `S${String(i + j).padStart(4, '0')}`, storage: 'memory', subjects: [`many.${i + j}.>`]})),
    )
  }

  await nc.close()
}, 120_000)
afterAll(async () => {
  await server?.destroy()
})

describe('1,000 streams', () => {
  it('stream ls --json pages through the API (the server sends 256 a page) and returns all of them', async () => {
    const t0 = Date.now()
    const res = await runCli(['stream', 'ls', '--json', '-s', server.url], {timeoutMs: 120_000})
    const ms = Date.now() - t0
    expect(res.code, res.stderr).toBe(0)
    const list = res.json<StreamInfo[]>()
    expect(list).toHaveLength(COUNT)
    expect(new Set(list.map((s) => s.config.name)).size).toBe(COUNT)
    expect(list[0].config.name).toBe('S0000')
    expect(list.at(-1)!.config.name).toBe('S0999')
    process.stdout.write(`stream ls --json with ${COUNT} streams: ${ms} ms\n`)
    expect(ms).toBeLessThan(60_000)
  })

  it('stream report finishes with a row per stream', async () => {
    const t0 = Date.now()
    const res = await runCli(['stream', 'report', '--json', '-s', server.url], {timeoutMs: 120_000})
    const ms = Date.now() - t0
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<StreamReportRow[]>()).toHaveLength(COUNT)
    const human = await runCli(['stream', 'report', '-s', server.url], {timeoutMs: 120_000})
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('S0999')
    process.stdout.write(`stream report --json with ${COUNT} streams: ${ms} ms\n`)
    expect(ms).toBeLessThan(60_000)
  })
})

import {jetstream, jetstreamManager} from '@nats-io/jetstream'
import {connect, headers, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

// A message whose subject, header and body carry control characters: an escape sequence that would clear the screen
// or recolour it, a carriage return that would overwrite the line, a bell. Text output for people shows them escaped;
// --json and --raw carry them unchanged.
const SUBJECT = 'esc.\u001B[2J'
const BODY = 'red\u001B[31mX\rY\nline2\u0007'
const HEADER = 'v\u001B[1m'
const SHOWN_SUBJECT = String.raw`esc.\x1b[2J`
const SHOWN_BODY = String.raw`red\x1b[31mX\x0dY` + '\n' + String.raw`line2\x07`
const SHOWN_HEADER = String.raw`K: v\x1b[1m`
// no C0 control but the line feed, no DEL, no C1 control
 
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

let server: NatsServer
let nc: NatsConnection
const s = (): string[] => ['-s', server.url]

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  await (await jetstreamManager(nc)).streams.add({name: 'ESC', subjects: ['esc.>']})
  const h = headers()
  h.set('K', HEADER)
  await jetstream(nc).publish(SUBJECT, BODY, {headers: h})
})

afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('control characters from the server in message output', () => {
  it('stream view shows them escaped as text and unchanged under --json', async () => {
    const text = await runCli(['stream', 'view', 'ESC', ...s()])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`subject: ${SHOWN_SUBJECT} / time:`)
    expect(text.stdout).toContain(`${SHOWN_HEADER}\n\n${SHOWN_BODY}\n`)
    expect(text.stdout).not.toMatch(RAW_CONTROL)

    const json = await runCli(['stream', 'view', 'ESC', '--json', ...s()])
    expect(json.code, json.stderr).toBe(0)
    const [rec] = json.ndjson<MessageRecord>()
    expect(rec).toMatchObject({data: BODY, encoding: 'utf8', headers: {K: [HEADER]}, subject: SUBJECT})
  })

  it('consumer next shows them escaped as text and unchanged under --json', async () => {
    const jsm = await jetstreamManager(nc)
    await jsm.consumers.add('ESC', {ack_policy: 'explicit', durable_name: 'TEXT'})
    await jsm.consumers.add('ESC', {ack_policy: 'explicit', durable_name: 'JSON'})
    const text = await runCli(['consumer', 'next', 'ESC', 'TEXT', ...s()])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`subject: ${SHOWN_SUBJECT} / time:`)
    expect(text.stdout).toContain(`${SHOWN_HEADER}\n\n${SHOWN_BODY}`)
    expect(text.stdout).not.toMatch(RAW_CONTROL)

    const json = await runCli(['consumer', 'next', 'ESC', 'JSON', '--json', ...s()])
    expect(json.code, json.stderr).toBe(0)
    expect(json.stdout).toContain(JSON.stringify(BODY))
    expect(json.stdout).toContain(JSON.stringify(SUBJECT))
  })

  it('sub shows them escaped as text and writes the body unchanged under --raw', async () => {
    const text = spawnCli(['sub', 'esc.>', '--count', '1', ...s()])
    const raw = spawnCli(['sub', 'esc.>', '--count', '1', '--raw', ...s()])
    await text.waitFor('listening', 'stderr')
    await raw.waitFor('listening', 'stderr')
    nc.publish(SUBJECT, BODY)
    await nc.flush()
    const shown = await text.done
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toBe(`[#1] Received on "${SHOWN_SUBJECT}"\n${SHOWN_BODY}\n\n`)
    const bytes = await raw.done
    expect(bytes.code, bytes.stderr).toBe(0)
    expect(bytes.stdout.startsWith(BODY)).toBe(true)
  })
})

describe('control characters in a KV value', () => {
  it('kv watch shows them escaped on its line and unchanged under --json', async () => {
    expect((await runCli(['kv', 'add', 'ESCKV', ...s()])).code).toBe(0)
    expect((await runCli(['kv', 'put', 'ESCKV', 'k', ...s()], {input: BODY})).code).toBe(0)
    const text = await runCli(['kv', 'watch', 'ESCKV', '--count', '1', ...s()])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`PUT ESCKV > k: ${String.raw`red\x1b[31mX\x0dY\x0aline2\x07`}\n`)
    expect(text.stdout).not.toMatch(RAW_CONTROL)
    const json = await runCli(['kv', 'watch', 'ESCKV', '--count', '1', '--json', ...s()])
    expect(json.code, json.stderr).toBe(0)
    expect(json.ndjson<{value: string}>()[0].value).toBe(BODY)
  })
})

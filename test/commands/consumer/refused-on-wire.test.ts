// The consumer verbs of current servers, watched on the wire: a subscriber on $JS.API.> records every JetStream API
// request a natsx run makes. Where the server has the verb, its API subject is requested (so the watch sees what it
// should); where it does not, the refusal (exit 8) comes before that subject is ever sent.
import {jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let facts: ServerFacts
let nc: NatsConnection

beforeAll(async () => {
  server = await startServer()
  facts = await serverFacts(server)
  nc = await connect({servers: server.url})
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({name: 'WIRE', subjects: ['wire.>']})
  type Config = Parameters<typeof jsm.consumers.add>[1]
  await jsm.consumers.add('WIRE', {ack_policy: 'explicit', durable_name: 'w'} as Config)
  // unpin needs a consumer with a pinned-client group where the server has them (natsx checks the group first)
  const groups = facts.caps.has('consumer-unpin') ? {priority_groups: ['g'], priority_policy: 'pinned_client'} : {}
  await jsm.consumers.add('WIRE', {ack_policy: 'explicit', durable_name: 'p', ...groups} as Config)
})

afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

/** The API subjects requested while `args` ran, and how it ended. The watch is confirmed live before the run. */
async function watched(args: string[]): Promise<{code: null | number; stderr: string; subjects: string[]}> {
  const subjects: string[] = []
  const sub = nc.subscribe('$JS.API.>', {
    callback(_e, m) {
      subjects.push(m.subject)
    },
  })
  try {
    // a request of our own proves the subscription is in place on the server before natsx starts
    await nc.request('$JS.API.INFO', undefined, {timeout: 5000})
    await waitFor(() => (subjects.includes('$JS.API.INFO') ? true : undefined), 5000, 'the watch to see its own request')
    subjects.length = 0
    const res = await runCli([...args, '-s', server.url])
    // anything natsx sent has reached the server before the process ended; one round trip lets the copies arrive
    await nc.flush()
    return {code: res.code, stderr: res.stderr, subjects: [...subjects]}
  } finally {
    sub.unsubscribe()
  }
}

describe('consumer verbs on the wire', () => {
  it.each([
    {args: ['consumer', 'pause', 'WIRE', 'w', '--until', '5m', '--force'], cap: 'consumer-pause-verb', subject: '$JS.API.CONSUMER.PAUSE.WIRE.w'},
    {args: ['consumer', 'resume', 'WIRE', 'w', '--force'], cap: 'consumer-pause-verb', subject: '$JS.API.CONSUMER.PAUSE.WIRE.w'},
    {args: ['consumer', 'unpin', 'WIRE', 'p', '--group', 'g', '--force'], cap: 'consumer-unpin', subject: '$JS.API.CONSUMER.UNPIN.WIRE.p'},
    {args: ['consumer', 'reset', 'WIRE', 'w', '--force'], cap: 'consumer-reset', subject: '$JS.API.CONSUMER.RESET.WIRE.w'},
  ])('$args.1: the API request where the server has it; exit 8 before it where not', async ({args, cap, subject}) => {
    const r = await watched(args)
    if (facts.caps.has(cap as Parameters<ServerFacts['caps']['has']>[0])) {
      expect(r.code, r.stderr).toBe(0)
      expect(r.subjects).toContain(subject)
      return
    }

    expect(r.code, r.stderr).toBe(8)
    expect(r.subjects).not.toContain(subject)
    // whatever natsx asked before refusing only reads: no create, update, delete, pause, unpin or reset
    expect(r.subjects.filter((s) => !/^\$JS\.API\.(INFO|STREAM\.INFO|CONSUMER\.INFO)\b/.test(s))).toEqual([])
  })
})

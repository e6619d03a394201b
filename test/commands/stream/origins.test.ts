/**
 * The `--mirror-*` / `--source-*` details against a real server, shown by the messages that arrive (not only by the
 * configuration read back): filter, start sequence, start time, subject transforms, and another domain's API prefix.
 */
import {jetstream, jetstreamManager, type JetStreamManager, type StoredMsg} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamAddResult} from '../../../src/commands/stream/add.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startLeaf, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts

const cli = (args: string[], url = server.url) => runCli([...args, '-s', url])

/** Every message a stream holds, in order (sequence, subject, body). */
async function contents(m: JetStreamManager, stream: string): Promise<Array<[number, string, string]>> {
  const info = await m.streams.info(stream)
  const out: Array<[number, string, string]> = []
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = (await m.streams.getMessage(stream, {seq}).catch(() => null)) as null | StoredMsg
    if (msg) out.push([msg.seq, msg.subject, msg.string()])
  }

  return out
}

/** Resolves once the stream holds `n` messages (never more is checked by the caller). */
async function holds(m: JetStreamManager, stream: string, n: number): Promise<void> {
  await waitFor(async () => ((await m.streams.info(stream)).state.messages >= n ? true : undefined), 15_000, `${stream} to hold ${n} messages`)
}

async function exists(name: string): Promise<boolean> {
  return jsm.streams.info(name).then(
    () => true,
    () => false,
  )
}

/** exit 8 under --json: one JSON error naming the version transforms need and the connected one; no stream made */
async function expectRefused(res: Awaited<ReturnType<typeof runCli>>, stream: string): Promise<void> {
  expect(res.code, res.stderr).toBe(8)
  const err = JSON.parse(res.stderr).error as {kind: string; message: string}
  expect(err.kind).toBe('unsupported')
  expect(err.message).toContain(`requires nats-server ${FEATURES['subject-transform'].version}; connected server is ${facts.version}`)
  expect(await exists(stream)).toBe(false)
}

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
  // ORIGIN: 1 origin.a m1, 2 origin.b m2, 3 origin.a m3, 4 origin.b m4, 5 origin.a m5 (the last one matches the filter)
  expect((await cli(['stream', 'add', 'ORIGIN', '--subjects', 'origin.>'])).code).toBe(0)
  const js = jetstream(nc)
  for (const [i, s] of ['origin.a', 'origin.b', 'origin.a', 'origin.b', 'origin.a'].entries()) await js.publish(s, `m${i + 1}`)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

describe('stream add: what a source or mirror copies', () => {
  it('--source-filter copies only the matching subject', async () => {
    const res = await cli(['stream', 'add', 'ONLYA', '--source', 'ORIGIN', '--source-filter', 'origin.a', '--json'])
    expect(res.code, res.stderr).toBe(0)
    await holds(jsm, 'ONLYA', 3)
    // sources copy in order: once m5 (the last origin message) is in, every origin.b has been passed over
    expect((await contents(jsm, 'ONLYA')).map(([, s, b]) => [s, b])).toEqual([
      ['origin.a', 'm1'],
      ['origin.a', 'm3'],
      ['origin.a', 'm5'],
    ])
  })

  it('--source-start-seq N starts copying at the origin\'s sequence N', async () => {
    const res = await cli(['stream', 'add', 'FROM3', '--source', 'ORIGIN', '--source-start-seq', '3', '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<StreamAddResult>().stream.config.sources?.[0]).toMatchObject({name: 'ORIGIN', opt_start_seq: 3})
    await holds(jsm, 'FROM3', 3)
    expect((await contents(jsm, 'FROM3')).map(([, s, b]) => [s, b])).toEqual([
      ['origin.a', 'm3'],
      ['origin.b', 'm4'],
      ['origin.a', 'm5'],
    ])
  })

  it('--mirror-start-time T copies only the messages stored at or after T (T is a stored message\'s own timestamp)', async () => {
    const third = await jsm.streams.getMessage('ORIGIN', {seq: 3})
    const t = third!.timestamp
    const second = await jsm.streams.getMessage('ORIGIN', {seq: 2})
    // the test only means something if message 2 was stored strictly before T
    expect(Date.parse(second!.timestamp) <= Date.parse(t)).toBe(true)
    expect(second!.timestamp).not.toBe(t)
    const res = await cli(['stream', 'add', 'SINCE', '--mirror', 'ORIGIN', '--mirror-start-time', t, '--json'])
    expect(res.code, res.stderr).toBe(0)
    await holds(jsm, 'SINCE', 3)
    // a mirror keeps the origin's sequences: it starts at 3
    expect(await contents(jsm, 'SINCE')).toEqual([
      [3, 'origin.a', 'm3'],
      [4, 'origin.b', 'm4'],
      [5, 'origin.a', 'm5'],
    ])
  })

  it('--mirror-transform rewrites the subjects a mirror stores; exit 8 and nothing made where the server lacks transforms', async () => {
    const res = await cli(['stream', 'add', 'COPIED', '--mirror', 'ORIGIN', '--mirror-transform', 'origin.>=copy.>', '--json'])
    if (!facts.caps.has('subject-transform')) {
      await expectRefused(res, 'COPIED')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    expect(res.json<StreamAddResult>().stream.config.mirror?.subject_transforms).toEqual([{dest: 'copy.>', src: 'origin.>'}])
    await holds(jsm, 'COPIED', 5)
    expect(await contents(jsm, 'COPIED')).toEqual([
      [1, 'copy.a', 'm1'],
      [2, 'copy.b', 'm2'],
      [3, 'copy.a', 'm3'],
      [4, 'copy.b', 'm4'],
      [5, 'copy.a', 'm5'],
    ])
  })

  it('--source-transform with two transforms: each rewrites its own subjects, and only those are copied', async () => {
    const res = await cli(['stream', 'add', 'SPLIT', '--source', 'ORIGIN', '--source-transform', 'origin.a=left.a', '--source-transform', 'origin.b=right.b', '--json'])
    if (!facts.caps.has('subject-transform')) {
      await expectRefused(res, 'SPLIT')
      return
    }

    expect(res.code, res.stderr).toBe(0)
    await holds(jsm, 'SPLIT', 5)
    expect((await contents(jsm, 'SPLIT')).map(([, s, b]) => [s, b])).toEqual([
      ['left.a', 'm1'],
      ['right.b', 'm2'],
      ['left.a', 'm3'],
      ['right.b', 'm4'],
      ['left.a', 'm5'],
    ])
  })

  it('stream edit --source-filter narrows what a source copies from then on', async () => {
    expect((await cli(['stream', 'add', 'NARROW', '--source', 'ORIGIN'])).code).toBe(0)
    await holds(jsm, 'NARROW', 5)
    const res = await cli(['stream', 'edit', 'NARROW', '--source', 'ORIGIN', '--source-filter', 'origin.b', '--force', '--json'])
    expect(res.code, res.stderr).toBe(0)
    expect((await jsm.streams.info('NARROW')).config.sources?.[0]).toMatchObject({filter_subject: 'origin.b', name: 'ORIGIN'})
    const js = jetstream(nc)
    await js.publish('origin.a', 'm6')
    await js.publish('origin.b', 'm7')
    await js.publish('origin.a', 'm8')
    await js.publish('origin.b', 'm9')
    // (a source whose filter changed is a new source to the server, which may copy the older origin.b again)
    const copied = await waitFor(async () => {
      const c = await contents(jsm, 'NARROW')
      return c.some((m) => m[2] === 'm9') ? c.slice(5) : undefined
    }, 15_000, 'm9 in NARROW')
    // m9 is the last origin message, so everything before it has been passed: no origin.a since the edit
    expect(copied.map(([, s]) => s).every((s) => s === 'origin.b'), JSON.stringify(copied)).toBe(true)
    expect(copied.map((m) => m[2])).toEqual(expect.arrayContaining(['m7', 'm9']))
    expect(copied.map((m) => m[2])).not.toContain('m6')
    expect(copied.map((m) => m[2])).not.toContain('m8')
  })
})

describe('a source and a mirror in another JetStream domain (a leaf node with its own domain)', () => {
  let hub: NatsServer
  let leaf: NatsServer
  let hubNc: NatsConnection
  let leafNc: NatsConnection
  let hubJsm: JetStreamManager

  beforeAll(async () => {
    hub = await startServer({config: 'jetstream { domain: hub }\nleafnodes { listen: "127.0.0.1:-1" }\n'})
    leaf = await startLeaf(hub, {config: 'jetstream { domain: edge }\n', jetstream: true})
    hubNc = await connect({servers: hub.url})
    leafNc = await connect({servers: leaf.url})
    hubJsm = await jetstreamManager(hubNc)
    expect((await cli(['stream', 'add', 'EDGE', '--subjects', 'edge.>'], leaf.url)).code).toBe(0)
    const js = jetstream(leafNc)
    for (const [i, s] of ['edge.a', 'edge.b', 'edge.a'].entries()) await js.publish(s, `e${i + 1}`)
  })
  afterAll(async () => {
    await hubNc?.close()
    await leafNc?.close()
    await leaf?.destroy()
    await hub?.destroy()
  })

  it('--source-domain and --mirror-domain store $JS.<domain>.API and copy the leaf\'s messages to the hub', async () => {
    const src = await cli(['stream', 'add', 'FROMEDGE', '--source', 'EDGE', '--source-domain', 'edge', '--json'], hub.url)
    expect(src.code, src.stderr).toBe(0)
    expect((await hubJsm.streams.info('FROMEDGE')).config.sources?.[0]).toMatchObject({external: {api: '$JS.edge.API'}, name: 'EDGE'})
    const mir = await cli(['stream', 'add', 'EDGEMIRROR', '--mirror', 'EDGE', '--mirror-domain', 'edge', '--json'], hub.url)
    expect(mir.code, mir.stderr).toBe(0)
    expect((await hubJsm.streams.info('EDGEMIRROR')).config.mirror).toMatchObject({external: {api: '$JS.edge.API'}, name: 'EDGE'})
    await holds(hubJsm, 'FROMEDGE', 3)
    await holds(hubJsm, 'EDGEMIRROR', 3)
    const want = [
      [1, 'edge.a', 'e1'],
      [2, 'edge.b', 'e2'],
      [3, 'edge.a', 'e3'],
    ]
    expect(await contents(hubJsm, 'FROMEDGE')).toEqual(want)
    expect(await contents(hubJsm, 'EDGEMIRROR')).toEqual(want)
  })

  it('--source-api-prefix names the other domain\'s API by hand, and with a filter copies only its subject', async () => {
    const res = await cli(['stream', 'add', 'EDGEB', '--source', 'EDGE', '--source-api-prefix', '$JS.edge.API', '--source-filter', 'edge.b', '--json'], hub.url)
    expect(res.code, res.stderr).toBe(0)
    expect((await hubJsm.streams.info('EDGEB')).config.sources?.[0]).toMatchObject({external: {api: '$JS.edge.API'}, filter_subject: 'edge.b', name: 'EDGE'})
    await jetstream(leafNc).publish('edge.b', 'e4')
    await holds(hubJsm, 'EDGEB', 2)
    expect((await contents(hubJsm, 'EDGEB')).map(([, s, b]) => [s, b])).toEqual([
      ['edge.b', 'e2'],
      ['edge.b', 'e4'],
    ])
  })
})

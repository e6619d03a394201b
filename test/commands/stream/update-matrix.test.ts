// The stream update matrix: for each field, on the connected server, natsx's rule (in place, or not: immutable,
// enable-only, create-only) agrees with what the server itself accepts. Each case creates a stream with the raw
// `$JS.API.STREAM.CREATE`, tries the raw `$JS.API.STREAM.UPDATE`, and compares with `immutableStreamChanges`.
// Where the server lacks the field, the case checks natsx's refusal (exit 8) instead.
import type {StreamInfo} from '@nats-io/jetstream'

import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Feature} from '../../../src/lib/capabilities.js'

import {ExitCode, NatsxError} from '../../../src/lib/errors.js'
import {checkStreamCapabilities, diffStreamConfig, immutableStreamChanges, type StreamConfigInput} from '../../../src/lib/streams/config.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer} from '../../helpers/servers.js'

type Config = Record<string, unknown>

interface Case {
  /** the desired configuration: the live one with these fields set (undefined removes a field) */
  change: Config
  /** the stream as created (name and subjects are added) */
  create: Config
  /** features the created stream or the change need */
  needs?: Feature[]
  /** an origin stream to mirror */
  origin?: boolean
  what: string
}

const S = 1_000_000_000
const CASES: Case[] = [
  {change: {storage: 'memory'}, create: {}, what: 'storage file → memory'},
  {change: {retention: 'interest'}, create: {}, what: 'retention limits → interest'},
  {change: {retention: 'limits'}, create: {retention: 'interest'}, what: 'retention interest → limits'},
  {change: {retention: 'workqueue'}, create: {}, what: 'retention limits → workqueue'},
  {change: {retention: 'limits'}, create: {retention: 'workqueue'}, what: 'retention workqueue → limits'},
  {change: {max_consumers: 10}, create: {max_consumers: 5}, what: 'max_consumers 5 → 10'},
  {change: {max_age: 3600 * S}, create: {}, what: 'max_age'},
  {change: {description: 'changed', max_bytes: 1024 * 1024}, create: {}, what: 'description and max_bytes'},
  {change: {discard: 'new'}, create: {}, what: 'discard old → new'},
  {change: {allow_direct: true}, create: {}, what: 'allow_direct on'},
  {change: {deny_delete: true}, create: {}, what: 'deny_delete on'},
  {change: {deny_delete: false}, create: {deny_delete: true}, what: 'deny_delete off'},
  {change: {deny_purge: false}, create: {deny_purge: true}, what: 'deny_purge off'},
  {change: {sealed: true}, create: {}, what: 'sealed on'},
  {change: {republish: {dest: 'copy.>', src: '>'}}, create: {}, what: 'republish added'},
  {change: {mirror: undefined}, create: {}, origin: true, what: 'mirror removed'},
  {change: {mirror: {name: 'ORIGIN2'}}, create: {}, origin: true, what: 'mirror to another origin'},
  {change: {compression: 's2'}, create: {}, needs: ['stream-compression'], what: 'compression none → s2'},
  {change: {compression: 'none'}, create: {compression: 's2'}, needs: ['stream-compression'], what: 'compression s2 → none'},
  {change: {subject_transform: {dest: 'moved.>', src: '>'}}, create: {}, needs: ['subject-transform'], what: 'subject transform added'},
  {change: {metadata: {team: 'ops'}}, create: {}, needs: ['stream-metadata'], what: 'metadata added'},
  {change: {first_seq: 100}, create: {}, needs: ['first-sequence'], what: 'first_seq set'},
  {change: {allow_msg_ttl: true}, create: {}, needs: ['msg-ttl'], what: 'allow_msg_ttl on'},
  {change: {allow_msg_ttl: false}, create: {allow_msg_ttl: true}, needs: ['msg-ttl'], what: 'allow_msg_ttl off'},
  {change: {allow_rollup_hdrs: true, subject_delete_marker_ttl: 5 * S}, create: {allow_msg_ttl: true}, needs: ['subject-delete-markers'], what: 'subject delete markers added'},
  {change: {allow_msg_schedules: true}, create: {}, needs: ['stream-schedules'], what: 'allow_msg_schedules on'},
  {change: {allow_msg_schedules: false}, create: {allow_msg_schedules: true}, needs: ['stream-schedules'], what: 'allow_msg_schedules off'},
  {change: {allow_msg_counter: true}, create: {}, needs: ['stream-counters'], what: 'allow_msg_counter on'},
  {change: {allow_msg_counter: false}, create: {allow_msg_counter: true}, needs: ['stream-counters'], what: 'allow_msg_counter off'},
  {change: {persist_mode: 'async'}, create: {}, needs: ['persist-mode'], what: 'persist_mode default → async'},
  {change: {persist_mode: 'default'}, create: {persist_mode: 'async'}, needs: ['persist-mode'], what: 'persist_mode async → default'},
  {change: {allow_atomic: true}, create: {}, needs: ['stream-atomic-batch'], what: 'allow_atomic on'},
  {change: {allow_atomic: false}, create: {allow_atomic: true}, needs: ['stream-atomic-batch'], what: 'allow_atomic off'},
  {change: {allow_batched: true}, create: {}, needs: ['fast-batch'], what: 'allow_batched on'},
  {change: {allow_batched: false}, create: {allow_batched: true}, needs: ['fast-batch'], what: 'allow_batched off'},
]

let server: NatsServer
let nc: NatsConnection
let facts: ServerFacts

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  facts = await serverFacts(server)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

async function api<T>(subject: string, body: unknown): Promise<T & {error?: {code: number; description: string; err_code: number}}> {
  const m = await nc.request(`$JS.API.${subject}`, JSON.stringify(body), {timeout: 10_000})
  return m.json()
}

describe('stream update matrix: natsx agrees with the connected server', () => {
  it.each(CASES.map((c, i) => [c.what, c, i] as const))('%s', async (_what, c, i) => {
    const name = `M${i}`
    const lacks = (c.needs ?? []).filter((f) => !facts.caps.has(f))
    const created: Config = {name, ...(c.origin ? {} : {subjects: [`m${i}.>`]}), ...c.create}
    if (lacks.length > 0) {
      // the server lacks the field: natsx refuses it (exit 8, naming the version) wherever it is set, before sending
      const withField = Object.keys(c.create).length > 0 ? {...created} : stripUndefined({...created, ...c.change})
      let refused: unknown
      try {
        checkStreamCapabilities(withField as StreamConfigInput, facts.caps)
      } catch (error) {
        refused = error
      }

      expect(refused, lacks.join(',')).toBeInstanceOf(NatsxError)
      expect((refused as NatsxError).exitCode).toBe(ExitCode.UNSUPPORTED)
      expect((refused as NatsxError).message).toMatch(/requires nats-server 2\.\d+\.\d+; connected server is/)
      return
    }

    if (c.origin) {
      for (const o of ['ORIGIN', 'ORIGIN2']) await api(`STREAM.CREATE.${o}${i}`, {name: `${o}${i}`, subjects: [`${o.toLowerCase()}${i}.>`]})
      created.mirror = {name: `ORIGIN${i}`}
      if (c.change.mirror) c.change.mirror = {name: `ORIGIN2${i}`}
    }

    const made = await api<StreamInfo>(`STREAM.CREATE.${name}`, created)
    expect(made.error, JSON.stringify(made.error)).toBeUndefined()
    const current = made.config as unknown as Config
    const desired = stripUndefined({...current, ...c.change})
    const natsxInPlace = immutableStreamChanges(diffStreamConfig(current as StreamConfigInput, desired as StreamConfigInput), facts.caps).length === 0
    const res = await api<StreamInfo>(`STREAM.UPDATE.${name}`, desired)
    const after = res.error ? undefined : (res.config as unknown as Config)
    // in place: the server took the update and now has what was asked in the changed fields (a server may accept
    // and ignore, and sealing or schedules switch other settings on beside)
    const changed = new Set(Object.keys(c.change))
    const left = after ? diffStreamConfig(after as StreamConfigInput, desired as StreamConfigInput).filter((d) => changed.has(d.field)) : []
    const serverInPlace = after !== undefined && left.length === 0
    const why = res.error ? res.error.description : JSON.stringify(left)
    expect({inPlace: natsxInPlace, version: facts.version}, `${c.what}: server ${serverInPlace ? 'changed it' : `did not: ${why}`}`).toEqual({inPlace: serverInPlace, version: facts.version})
  })
})

function stripUndefined(c: Config): Config {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))
}

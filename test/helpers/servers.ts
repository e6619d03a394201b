/**
 * Real nats-server processes for tests: free loopback ports, a temporary store, readiness read from the server's
 * own log line, and always stopped by PID. Only 127.0.0.1.
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Capabilities} from '../../src/lib/capabilities.js'

/**
 * The nats-server the tests run: NATSX_TEST_SERVER (bookworm, trixie, sid, or a binary's path; scripts/test.sh sets
 * it for each version), else NATS_SERVER_BIN, else Debian's installed package.
 */
export const NATS_SERVER = serverFor(process.env.NATSX_TEST_SERVER) ?? process.env.NATS_SERVER_BIN ?? findServer()

function serverFor(which: string | undefined): string | undefined {
  if (!which) return undefined
  if (which === 'bookworm') return findServer()
  if (which === 'trixie' || which === 'sid') return join(process.cwd(), '.servers', which, 'usr', 'sbin', 'nats-server')
  return which
}

function findServer(): string {
  for (const c of ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server']) {
    try {
      execFileSync(c, ['--version'], {stdio: 'ignore'})
      return c
    } catch {
      // next
    }
  }

  return 'nats-server'
}

const reserved = new Set<number>()

/** A free TCP port on 127.0.0.1, not handed out before in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.once('error', reject)
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address()
        const p = typeof addr === 'object' && addr ? addr.port : 0
        srv.close(() => resolve(p))
      })
    })
    if (!reserved.has(port)) {
      reserved.add(port)
      return port
    }
  }
}

export interface ServerOptions {
  /** run this nats-server binary instead of NATS_SERVER (a second version beside the one under test) */
  binary?: string
  /** extra nats-server config file contents (merged after the generated listen/http/jetstream lines) */
  config?: string
  /** extra CLI arguments */
  extraArgs?: string[]
  jetstream?: boolean
  name?: string
  /** use these ports (restart on the same ports) */
  ports?: {client: number; cluster?: number; monitor: number}
  /** reuse a store directory (restart keeps data) */
  storeDir?: string
}

export class NatsServer {
  readonly clusterPort?: number
  readonly dir: string
  readonly monitorPort: number
  readonly name: string
  readonly port: number
  private child?: ChildProcess
  private readonly options: ServerOptions
  private readonly ownsDir: boolean
  private readonly routes?: string[]

  constructor(options: ServerOptions, ports: {client: number; cluster?: number; monitor: number}, routes?: string[]) {
    this.options = options
    this.port = ports.client
    this.monitorPort = ports.monitor
    this.clusterPort = ports.cluster
    this.routes = routes
    this.name = options.name ?? `t${ports.client}`
    this.ownsDir = !options.storeDir
    this.dir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'natsx-test-'))
  }

  get monitorUrl(): string {
    return `http://127.0.0.1:${this.monitorPort}`
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null)
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }

  args(): string[] {
    const a = ['-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort), '-n', this.name]
    if (this.options.jetstream !== false) a.push('-js', '-sd', join(this.dir, 'store'))
    if (this.clusterPort && this.routes) a.push('--cluster_name', 'natsx-test', '--cluster', `nats://127.0.0.1:${this.clusterPort}`, '--routes', this.routes.join(','))
    if (this.options.config) {
      const file = join(this.dir, 'server.conf')
      writeFileSync(file, this.options.config)
      a.push('-c', file)
    }

    return [...a, ...(this.options.extraArgs ?? [])]
  }

  /** Stop and delete the store (unless it was given). */
  async destroy(): Promise<void> {
    await this.stop()
    if (this.ownsDir) rmSync(this.dir, {force: true, recursive: true})
  }

  /** Start and resolve once the server logs that it is ready (or reject with its log when it exits). */
  async start(timeoutMs = 15_000): Promise<this> {
    const child = spawn(this.options.binary ?? NATS_SERVER, this.args(), {stdio: ['ignore', 'pipe', 'pipe']})
    this.child = child
    let log = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nats-server ${this.name} not ready in ${timeoutMs}ms:\n${log}`)), timeoutMs)
      const onData = (b: Buffer): void => {
        log += b.toString()
        if (log.includes('Server is ready')) {
          clearTimeout(timer)
          resolve()
        }
      }

      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`nats-server ${this.name} exited (${code}) during start-up:\n${log}`))
      })
    })
    // Keep draining the pipes so the server never blocks on a full one.
    child.stdout!.resume()
    child.stderr!.resume()
    return this
  }

  /** Stop by PID (SIGTERM, then SIGKILL), and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child || !this.running) return
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
    })
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}

/** One JetStream server with monitoring. */
export async function startServer(options: ServerOptions = {}): Promise<NatsServer> {
  const ports = options.ports ?? {client: await freePort(), monitor: await freePort()}
  return new NatsServer(options, ports).start()
}

export interface Cluster {
  destroy(): Promise<void>
  servers: NatsServer[]
  /** comma-separated client URLs of all nodes */
  urls: string
}

/**
 * A 3-node JetStream cluster; resolves once a JetStream meta leader answers, and with `placement` once it can also
 * place an asset on every server (see waitForPlacement).
 */
export async function startCluster(size = 3, options: {config?: string; placement?: true | {pass: string; user: string}} = {}): Promise<Cluster> {
  const ports = await Promise.all(
    Array.from({length: size}, async () => ({client: await freePort(), cluster: await freePort(), monitor: await freePort()})),
  )
  const routes = ports.map((p) => `nats://127.0.0.1:${p.cluster}`)
  const servers = ports.map((p, i) => new NatsServer({config: options.config, name: `n${i + 1}`}, p, routes))
  await Promise.all(servers.map((s) => s.start()))
  await waitForMetaLeader(servers)
  if (options.placement) await waitForPlacement(servers, options.placement === true ? undefined : options.placement)
  return {
    async destroy() {
      await Promise.all(servers.map((s) => s.destroy()))
    },
    servers,
    urls: servers.map((s) => s.url).join(','),
  }
}

/** Poll a condition with a deadline (a condition, never a fixed sleep). */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < until) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false) return v as T
    } catch (error) {
      last = error
    }

    await new Promise((r) => {
      setTimeout(r, 50)
    })
  }

  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
}

export async function waitForMetaLeader(servers: NatsServer[]): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${servers[0].monitorUrl}/jsz`)
      const body = (await res.json()) as {meta_cluster?: {leader?: string}}
      return body.meta_cluster?.leader ? true : undefined
    },
    30_000,
    'a JetStream meta leader',
  )
  // Every node must see the leader and be ready for JetStream requests.
  await Promise.all(
    servers.map((s) =>
      waitFor(async () => {
        const res = await fetch(`${s.monitorUrl}/healthz?js-server-only=true`)
        return res.ok ? true : undefined
      }, 30_000, `${s.name} healthy`),
    ),
  )
}

/**
 * Wait until the meta leader can place a stream on every server: it picks peers only among those it has had a
 * statistics update from, which on a just-formed cluster (seen on 2.10 under load) can take a while after the meta
 * group has formed ("no suitable peers for placement"). Probes with a stream of one replica per server, then deletes it.
 */
export async function waitForPlacement(servers: NatsServer[], auth?: {pass: string; user: string}): Promise<void> {
  const {connect} = await import('@nats-io/transport-node')
  const nc = await connect({servers: servers.map((s) => s.url), ...auth})
  const api = async (subject: string, body: unknown): Promise<{error?: {description?: string; err_code?: number}}> =>
    (await nc.request(subject, JSON.stringify(body), {timeout: 10_000})).json()
  try {
    const name = 'NATSX_TEST_PLACEMENT'
    await waitFor(
      async () => {
        const r = await api(`$JS.API.STREAM.CREATE.${name}`, {name, num_replicas: servers.length, storage: 'memory', subjects: ['natsx.test.placement']})
        // created, or created by an earlier attempt whose answer was lost
        return !r.error || r.error.err_code === 10_058 ? true : undefined
      },
      120_000,
      `placement on all ${servers.length} servers`,
    )
    await waitFor(async () => ((await api(`$JS.API.STREAM.DELETE.${name}`, {})).error ? undefined : true), 30_000, 'the placement probe deleted')
  } finally {
    await nc.close()
  }
}

export interface ServerFacts {
  /** JetStream API level the server reports (`/jsz` `api.level`; 0 where it reports none, before 2.11) */
  apiLevel: number
  /** what natsx's capability table says this server has, from its own version and API level */
  caps: Capabilities
  version: string
}

/** The version and JetStream API level a running server reports about itself, over its monitoring port. */
export async function serverFacts(server: NatsServer): Promise<ServerFacts> {
  const varz = (await (await fetch(`${server.monitorUrl}/varz`)).json()) as {jetstream?: {stats?: {api?: {level?: number}}}; version: string}
  let apiLevel = varz.jetstream?.stats?.api?.level ?? 0
  if (!apiLevel) {
    const jsz = (await (await fetch(`${server.monitorUrl}/jsz`)).json()) as {api?: {level?: number}}
    apiLevel = jsz.api?.level ?? 0
  }

  return {apiLevel, caps: new Capabilities(varz.version, apiLevel), version: varz.version}
}

/**
 * A server that joins `hub` as a leaf node (no JetStream unless asked). The hub must listen for leaf nodes
 * (`leafnodes { listen: "127.0.0.1:-1" }` picks a free port); its port is read from the hub's /varz. Resolves once
 * the hub counts the leaf connection.
 */
export async function startLeaf(hub: NatsServer, options: ServerOptions = {}): Promise<NatsServer> {
  const varz = (await (await fetch(`${hub.monitorUrl}/varz`)).json()) as {leaf?: {port?: number}; leafnodes?: number}
  const port = varz.leaf?.port
  if (!port) throw new Error(`${hub.name} does not listen for leaf nodes`)
  const before = varz.leafnodes ?? 0
  const remote = `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${port}" } ] }\n`
  const leaf = await startServer({jetstream: false, ...options, config: `${remote}${options.config ?? ''}`})
  await waitFor(async () => {
    const v = (await (await fetch(`${hub.monitorUrl}/varz`)).json()) as {leafnodes?: number}
    return (v.leafnodes ?? 0) > before || undefined
  }, 20_000, `${leaf.name} to connect to ${hub.name} as a leaf`)
  return leaf
}

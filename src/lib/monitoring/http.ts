/**
 * The HTTP transport: one monitoring URL per server, kept-alive sockets, https with the natsx TLS flags.
 * A 503 from /healthz is an answer (the body says why), not a failure.
 */
import {readFileSync} from 'node:fs'
import {Agent as HttpAgent, request as httpRequest, type IncomingMessage} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'

import type {Endpoint, EndpointTypes, ServerRef, ServerResult, Varz} from './types.js'

import {parseMonitorJson} from './json.js'
import {type EndpointOptions, httpQuery, type MonitorTransport} from './transport.js'

// a connz page holds a `µs` per connection; TextDecoder reads such UTF-8 about twice as fast as Buffer#toString
const UTF8 = new TextDecoder()

export interface HttpTransportOptions {
  timeoutMs: number
  tls?: {ca?: string; cert?: string; key?: string}
  urls: string[]
}

export class HttpTransport implements MonitorTransport {
  readonly kind = 'http'
  private readonly httpAgent = new HttpAgent({keepAlive: true, maxSockets: 4})
  private readonly httpsAgent: HttpsAgent
  private readonly refs = new Map<string, ServerRef>()

  constructor(private readonly options: HttpTransportOptions) {
    const t = options.tls
    this.httpsAgent = new HttpsAgent({
      ca: t?.ca ? readFileSync(t.ca) : undefined,
      cert: t?.cert ? readFileSync(t.cert) : undefined,
      keepAlive: true,
      key: t?.key ? readFileSync(t.key) : undefined,
      maxSockets: 4,
    })
  }

  async close(): Promise<void> {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  async gather<E extends Endpoint>(
    endpoint: E,
    options?: EndpointOptions,
  ): Promise<Array<ServerResult<EndpointTypes[E]>>> {
    return Promise.all(this.options.urls.map((u) => this.one(endpoint, u, options)))
  }

  async one<E extends Endpoint>(
    endpoint: E,
    target: string,
    options?: EndpointOptions,
  ): Promise<ServerResult<EndpointTypes[E]>> {
    const started = performance.now()
    try {
      const query = httpQuery(endpoint, options).toString()
      const url = `${target}/${endpoint}${query ? `?${query}` : ''}`
      // a kept-alive socket the server closed fails once with a reset: ask again on a fresh one
      const {body, status} = await this.get(url).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNRESET' || /socket hang up/.test(error.message)) return this.get(url)
        throw error
      })
      const rtt = performance.now() - started
      if (status !== 200 && !(endpoint === 'healthz' && status === 503)) {
        return {
          error: `HTTP ${status}: ${body.trim().split('\n')[0].slice(0, 200)}`,
          ok: false,
          server: this.refs.get(target),
          target,
        }
      }

      const data = parseMonitorJson<EndpointTypes[E]>(body)
      if (endpoint === 'varz') this.remember(target, data as Varz)
      let server = this.refs.get(target)
      if (!server) {
        // learn who this is once (varz), so every answer names its server
        const v = await this.one('varz', target)
        server = v.ok ? v.server : {id: (data as {server_id?: string}).server_id ?? target, name: target}
      }

      return {data, ok: true, rtt_ms: rtt, server, target}
    } catch (error) {
      return {error: describe(error, target), ok: false, server: this.refs.get(target), target}
    }
  }

  private get(url: string): Promise<{body: string; status: number}> {
    const https = url.startsWith('https:')
    const req = https ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const r = req(
        url,
        {agent: https ? this.httpsAgent : this.httpAgent, timeout: this.options.timeoutMs},
        (res: IncomingMessage) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({body: UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)), status: res.statusCode ?? 0}),
          )
          res.on('error', reject)
        },
      )
      r.on('timeout', () => r.destroy(new Error(`no answer within ${this.options.timeoutMs}ms`)))
      r.on('error', reject)
      r.end()
    })
  }

  private remember(target: string, v: Varz): void {
    this.refs.set(target, {
      cluster: v.cluster?.name,
      host: v.host,
      id: v.server_id,
      name: v.server_name || v.server_id,
      version: v.version,
    })
  }
}

function describe(error: unknown, target: string): string {
  const e = error as NodeJS.ErrnoException
  if (e.code === 'ECONNREFUSED') return `connection refused at ${target}`
  if (e.code === 'ENOTFOUND') return `unknown host in ${target}`
  return e.message || String(error)
}

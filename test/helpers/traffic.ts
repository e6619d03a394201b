/**
 * Steady client traffic for monitoring tests: named connections that publish at a fixed rate (a timer per batch)
 * and subscribers, all on loopback. `stop()` closes everything.
 */
import {connect, type NatsConnection} from '@nats-io/transport-node'

export interface Traffic {
  conns: NatsConnection[]
  /** messages published so far */
  published(): number
  stop(): Promise<void>
}

export interface TrafficOptions {
  pass?: string
  /** messages per second per publisher */
  rate: number
  servers: string[]
  /** payload bytes */
  size?: number
  subject?: string
  user?: string
}

/** One publisher and one subscriber per server URL, named pub-<i> and sub-<i>. */
export async function startTraffic(o: TrafficOptions): Promise<Traffic> {
  const conns: NatsConnection[] = []
  const timers: NodeJS.Timeout[] = []
  const subject = o.subject ?? 'traffic.test'
  const payload = new Uint8Array(o.size ?? 100)
  const counters: Array<() => number> = []
  for (const [i, url] of o.servers.entries()) {
    const auth = o.user ? {pass: o.pass, user: o.user} : {}
    const sub = await connect({name: `sub-${i}`, servers: url, ...auth})
    sub.subscribe(subject, {callback() {}})
    await sub.flush()
    const pub = await connect({name: `pub-${i}`, servers: url, ...auth})
    conns.push(sub, pub)
    // catch up to rate × elapsed every 50 ms, so timer jitter does not change the rate sent
    const started = performance.now()
    let sent = 0
    timers.push(
      setInterval(() => {
        const target = Math.floor(((performance.now() - started) / 1000) * o.rate)
        for (; sent < target; sent++) pub.publish(subject, payload)
      }, 50),
    )
    counters.push(() => sent)
  }

  return {
    conns,
    published: () => counters.reduce((n, c) => n + c(), 0),
    async stop() {
      for (const t of timers) clearInterval(t)
      await Promise.all(conns.map((c) => c.close().catch(() => {})))
    },
  }
}

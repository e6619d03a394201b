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
  let count = 0
  for (const [i, url] of o.servers.entries()) {
    const auth = o.user ? {pass: o.pass, user: o.user} : {}
    const sub = await connect({name: `sub-${i}`, servers: url, ...auth})
    sub.subscribe(subject, {callback() {}})
    await sub.flush()
    const pub = await connect({name: `pub-${i}`, servers: url, ...auth})
    conns.push(sub, pub)
    // 10 batches a second
    const perTick = o.rate / 10
    let carry = 0
    timers.push(
      setInterval(() => {
        carry += perTick
        const n = Math.floor(carry)
        carry -= n
        for (let k = 0; k < n; k++) pub.publish(subject, payload)
        count += n
      }, 100),
    )
  }

  return {
    conns,
    published: () => count,
    async stop() {
      for (const t of timers) clearInterval(t)
      await Promise.all(conns.map((c) => c.close().catch(() => {})))
    },
  }
}

#!/usr/bin/env node
// Raw @nats-io/transport-node loops: the baselines `bench/compare` measures natsx bench against.
// Each prints one JSON line: {msgs, bytes, seconds, msgs_per_sec, latency?}. Not part of natsx.
//   node bench/raw.mjs pub|sub|request|reply|jspub --url URL --subject S --msgs N --size B [--window W] [--stream NAME]
import {jetstream} from '@nats-io/jetstream'
import {connect} from '@nats-io/transport-node'
import * as hdr from 'hdr-histogram-js'
import {parseArgs} from 'node:util'

const {positionals, values} = parseArgs({
  allowPositionals: true,
  options: {
    msgs: {default: '100000', type: 'string'},
    size: {default: '128', type: 'string'},
    stream: {default: 'benchstream', type: 'string'},
    subject: {default: 'raw.bench', type: 'string'},
    url: {default: 'nats://127.0.0.1:4222', type: 'string'},
    window: {default: '256', type: 'string'},
  },
})
const mode = positionals[0]
const msgs = Number(values.msgs)
const size = Number(values.size)
const subject = values.subject
const data = new Uint8Array(size).fill(97)
const now = () => performance.now()
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const figures = (n, bytes, ms) => ({bytes, msgs: n, msgs_per_sec: n / (ms / 1000), seconds: ms / 1000})

const nc = await connect({noAsyncTraces: true, servers: values.url})

switch (mode) {
  case 'jspub': {
    // the tuned windowed async loop of the baselines: refill half a window at a time, no stack capture
    Error.stackTraceLimit = 0
    const js = jetstream(nc)
    const w = Number(values.window)
    const q = []
    const t0 = now()
    for (let i = 0; i < msgs; i++) {
      q.push(js.publish(subject, data))
      if (q.length >= w) await Promise.all(q.splice(0, w / 2))
    }

    await Promise.all(q)
    out(figures(msgs, msgs * size, now() - t0))
    break
  }

  case 'pub': {
    // the single-connection publish loop of the baselines: flush every 10k messages
    const t0 = now()
    for (let i = 1; i <= msgs; i++) {
      nc.publish(subject, data)
      if (i % 10_000 === 0) await nc.flush()
    }

    await nc.flush()
    out(figures(msgs, msgs * size, now() - t0))
    break
  }

  case 'reply': {
    let n = 0
    await new Promise((resolve) => {
      nc.subscribe(subject, {
        callback(_e, m) {
          m.respond(m.data)
          if (++n >= msgs) resolve()
        },
      })
      nc.flush().then(() => process.stderr.write('ready\n'))
    })
    await nc.flush()
    out({msgs: n})
    break
  }

  case 'request': {
    const h = hdr.build({
      bitBucketSize: 64,
      highestTrackableValue: 3_600_000_000_000,
      lowestDiscernibleValue: 1,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    })
    const t0 = now()
    for (let i = 0; i < msgs; i++) {
      const s = now()
      await nc.request(subject, data, {timeout: 5000})
      h.recordValue(Math.max(1, Math.round((now() - s) * 1e6)))
    }

    const us = (ns) => ns / 1000
    out({
      ...figures(msgs, msgs * size * 2, now() - t0),
      latency: {
        p50: us(h.getValueAtPercentile(50)),
        p90: us(h.getValueAtPercentile(90)),
        p99: us(h.getValueAtPercentile(99)),
      },
    })
    break
  }

  case 'sub': {
    let n = 0
    let bytes = 0
    let t0 = 0
    let t1 = 0
    await new Promise((resolve) => {
      nc.subscribe(subject, {
        callback(_e, m) {
          if (n === 0) t0 = now()
          n++
          bytes += m.data.length
          if (n >= msgs) {
            t1 = now()
            resolve()
          }
        },
      })
      nc.flush().then(() => process.stderr.write('ready\n'))
    })
    out(figures(n, bytes, t1 - t0))
    break
  }

  default: {
    process.stderr.write(`unknown mode ${mode}\n`)
    process.exitCode = 2
  }
}

await nc.close()

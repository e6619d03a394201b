// stream/consumer/server graph live in a real terminal (tmux, 120×40) against a server with traffic: the title, the
// axes and a value that moves between frames; a resized pane redraws the charts at the new width; q exits 0 and
// Ctrl-C exits 130.
import {AckPolicy, jetstream, jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {colourCodes} from '../helpers/ansi.js'
import {BIN} from '../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../helpers/servers.js'
import {startTraffic, type Traffic} from '../helpers/traffic.js'

const SOCKET = `natsx-graph-${process.pid}`
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], {encoding: 'utf8'})
const screen = (name: string): string => tmux('capture-pane', '-p', '-t', name)

async function until(name: string, ok: (s: string) => boolean, what: string, ms = 20_000): Promise<string> {
  try {
    return await waitFor(() => {
      const s = screen(name)
      return ok(s) ? s : undefined
    }, ms, what)
  } catch (error) {
    throw new Error(`${(error as Error).message}; screen:\n${screen(name)}`)
  }
}

/** the widest line with a chart's y axis on it (two charts side by side make one line) */
const chartWidth = (s: string): number => Math.max(0, ...s.split('\n').filter((l) => /[┤┼]/.test(l)).map((l) => l.trimEnd().length))

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('graph commands in a real terminal', () => {
  let server: NatsServer
  let nc: NatsConnection
  let traffic: Traffic
  let stopWorker: () => Promise<void>
  let cfg: string
  let sessions = 0
  beforeAll(async () => {
    server = await startServer({config: CONFIG})
    nc = await connect({pass: 'app', servers: server.url, user: 'app'})
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({name: 'LIVE', subjects: ['live.>']})
    await jsm.consumers.add('LIVE', {ack_policy: AckPolicy.Explicit, durable_name: 'worker'})
    const worker = await (await jetstream(nc).consumers.get('LIVE', 'worker')).consume({max_messages: 100})
    const working = (async () => {
      for await (const m of worker) m.ack()
    })()
    stopWorker = async () => {
      await worker.close()
      await working
    }

    traffic = await startTraffic({pass: 'app', rate: 100, servers: [server.url], size: 64, subject: 'live.in', user: 'app'})
    cfg = mkdtempSync(join(tmpdir(), 'natsx-graph-'))
  })
  afterAll(async () => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }

    await traffic?.stop()
    await stopWorker?.()
    await nc?.close()
    await server?.destroy()
  })

  /** Start the command in a new 120×40 pane; after it exits the pane prints its exit code and stays for capture. */
  function start(args: string[]): string {
    const name = `g${++sessions}`
    // Ink prints only the last frame when CI is set, so the terminal runs without it
    const cmd = `env -u CI NO_COLOR=1 XDG_CONFIG_HOME=${cfg} ${process.execPath} ${BIN} ${args.join(' ')} --interval 0.5; echo "EXIT=$?"; sleep 60`
    tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', cmd)
    return name
  }

  async function exercise(args: string[], title: RegExp, moving: RegExp): Promise<void> {
    const name = start(args)
    const value = (s: string): string | undefined => moving.exec(s)?.[1]
    // the title, the axes of every chart, and the value
    let s = await until(name, (x) => title.test(x) && /┤/.test(x) && value(x) !== undefined, 'the first frame')
    expect(s.split('\n')[0]).toMatch(/every 500ms — q quit/)
    const first = value(s)
    s = await until(name, (x) => value(x) !== undefined && value(x) !== first, `${moving} to move from ${first}`)
    // two charts side by side fill the 120 columns
    const wide = await until(name, (x) => chartWidth(x) > 100, 'charts across the terminal')
    expect(chartWidth(wide)).toBeLessThanOrEqual(120)

    // a narrower, shorter pane: one chart a line, none wider than the pane
    tmux('resize-window', '-t', name, '-x', '90', '-y', '30')
    s = await until(name, (x) => title.test(x) && chartWidth(x) > 60 && chartWidth(x) <= 90, 'the charts at 90 columns')
    expect(Math.max(...s.split('\n').map((l) => l.trimEnd().length))).toBeLessThanOrEqual(90)

    tmux('send-keys', '-t', name, 'q')
    s = await until(name, (x) => x.includes('EXIT='), 'q to end it')
    expect(s).toMatch(/EXIT=0\b/)

    const again = start(args)
    await until(again, (x) => title.test(x) && /┤/.test(x), 'the first frame of the second run')
    tmux('send-keys', '-t', again, 'C-c')
    s = await until(again, (x) => x.includes('EXIT='), 'Ctrl-C to end it')
    expect(s).toMatch(/EXIT=130\b/)
    expect(s).toMatch(/natsx: interrupted/)
  }

  const app = (): string[] => ['--server', server.url, '--user', 'app', '--password', 'app']

  it('stream graph: rate, messages, bytes and consumers', async () => {
    await exercise(['stream', 'graph', 'LIVE', ...app()], /^Stream LIVE /m, /Messages ([\d,]+)/)
    const s = screen('g1')
    for (const t of ['Messages in', 'Bytes', 'Consumers 1']) expect(s).toContain(t)
  })

  it('consumer graph: delivered and acknowledged rates, outstanding, pending, redelivered', async () => {
    await exercise(['consumer', 'graph', 'LIVE', 'worker', ...app()], /^Consumer LIVE > worker /m, /delivered (\d+),/)
    const s = screen('g3')
    for (const t of ['Delivered', 'Acknowledged', 'Outstanding acks', 'Pending', 'Redelivered']) expect(s).toContain(t)
  })

  it('sub --graph: messages per second in all and for the busiest subject', async () => {
    await exercise(['sub', "'live.>'", '--graph', ...app()], /^Subscription live\.> /m, /([\d,]+) messages since the start/)
    const s = screen('g5')
    for (const t of ['All subjects', 'live.in']) expect(s).toContain(t)
  })

  it('server graph over $SYS: CPU, memory, connections, rates, slow consumers', async () => {
    await exercise(['server', 'graph', server.name, '--server', server.url, '--user', 'sys', '--password', 'sys'], new RegExp(`^Server ${server.name} `, 'm'), /messages in (\d+),/)
    const s = screen('g7')
    for (const t of ['CPU', 'Memory', 'Connections', 'Slow consumers', 'Messages in', 'Messages out', 'Bytes in', 'Bytes out']) expect(s).toContain(t)
  })
})

describe('a live graph and a server restart', () => {
  let server: NatsServer
  let cfg: string
  beforeAll(async () => {
    server = await startServer()
    const nc = await connect({servers: server.url})
    await (await jetstreamManager(nc)).streams.add({name: 'BACK', subjects: ['back.>']})
    await nc.close()
    cfg = mkdtempSync(join(tmpdir(), 'natsx-graph-'))
  })
  afterAll(async () => {
    try {
      tmux('kill-session', '-t', 'restart')
    } catch {
      // already gone
    }

    await server?.destroy()
  })

  it('stream graph says a sample failed while the server is down, and draws again once it is back', async () => {
    const cmd = `env -u CI NO_COLOR=1 XDG_CONFIG_HOME=${cfg} ${process.execPath} ${BIN} stream graph BACK --server ${server.url} --interval 0.5; echo "EXIT=$?"; sleep 60`
    tmux('new-session', '-d', '-s', 'restart', '-x', '120', '-y', '40', cmd)
    await until('restart', (x) => /^Stream BACK /m.test(x) && /Messages 0\b/.test(x), 'the first frame')
    process.kill(server.pid!, 'SIGKILL')
    await until('restart', (x) => x.includes('sample failed'), 'a failed sample on screen')
    // the same server again, on its ports and with its store
    await server.start()
    const nc = await connect({servers: server.url})
    try {
      await jetstream(nc).publish('back.one', 'x')
    } finally {
      await nc.close()
    }

    const s = await until('restart', (x) => /Messages 1\b/.test(x) && !x.includes('sample failed'), 'the graph to draw again after the restart', 40_000)
    expect(s).not.toContain('EXIT=')
    tmux('send-keys', '-t', 'restart', 'q')
    expect(await until('restart', (x) => x.includes('EXIT='), 'q to end it')).toMatch(/EXIT=0\b/)
  })
})

describe('NO_COLOR in a live view', () => {
  let server: NatsServer
  beforeAll(async () => {
    server = await startServer()
    const nc = await connect({servers: server.url})
    await (await jetstreamManager(nc)).streams.add({name: 'HUE', subjects: ['hue.>']})
    await nc.close()
  })
  afterAll(async () => {
    for (const name of ['hue-on', 'hue-off'])
      try {
        tmux('kill-session', '-t', name)
      } catch {
        // already gone
      }

    await server?.destroy()
  })

  it('draws no colour with NO_COLOR set, and colour without it', async () => {
    const run = (name: string, env: string): void => {
      const cmd = `env -u CI ${env} TERM=xterm-256color ${process.execPath} ${BIN} stream graph HUE --server ${server.url} --interval 0.5; sleep 60`
      tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', cmd)
    }

    run('hue-on', '-u NO_COLOR')
    run('hue-off', 'NO_COLOR=1')
    for (const name of ['hue-on', 'hue-off']) await until(name, (x) => /^Stream HUE /m.test(x) && /┤/.test(x), `the first frame in ${name}`)
    const withEscapes = (name: string): string => tmux('capture-pane', '-p', '-e', '-t', name)
    expect(colourCodes(withEscapes('hue-on')).length).toBeGreaterThan(0)
    expect(colourCodes(withEscapes('hue-off'))).toEqual([])
    // bold is not a colour: the title stays bold
    expect(withEscapes('hue-off')).toMatch(/\u001B\[1m/)
  })
})

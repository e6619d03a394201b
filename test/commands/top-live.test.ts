// `natsx top`'s nats-top details, live in a real terminal (tmux, 120×40) and in batch: the SUBS column, selecting a
// connection and Enter for every connz field with its subscriptions, the closed-connections pane with the reason, and
// reverse-DNS names; then the same data in `--json` (subjects, closed, host), and the detail over $SYS.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {execFileSync} from 'node:child_process'
import {Resolver} from 'node:dns/promises'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {TopSnapshot} from '../../src/lib/monitoring/feed.js'
import type {Connz} from '../../src/lib/monitoring/types.js'

import {TopFeed} from '../../src/lib/monitoring/feed.js'
import {SysTransport} from '../../src/lib/monitoring/sys.js'
import {BIN, runCli} from '../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../helpers/servers.js'

const SUBJECTS = ['orders.*.new', 'telemetry.>', 'work.jobs']

/** the name the system resolver gives 127.0.0.1 (c-ares: /etc/hosts, then DNS), or '' when it has none */
async function loopbackName(): Promise<string> {
  try {
    return (await new Resolver({timeout: 2000, tries: 1}).reverse('127.0.0.1'))[0] ?? ''
  } catch {
    return ''
  }
}

async function connz(server: NatsServer, query: string): Promise<Connz> {
  return (await (await fetch(`${server.monitorUrl}/connz?${query}`)).json()) as Connz
}

/** Clients with subscriptions: `subber` (three subjects, one in queue group `workers`), `quiet` (none), `leaver`. */
async function clients(server: NatsServer): Promise<{leaver: NatsConnection; quiet: NatsConnection; subber: NatsConnection}> {
  const subber = await connect({name: 'subber', servers: server.url})
  subber.subscribe(SUBJECTS[0])
  subber.subscribe(SUBJECTS[1])
  subber.subscribe(SUBJECTS[2], {queue: 'workers'})
  const quiet = await connect({name: 'quiet', servers: server.url})
  const leaver = await connect({name: 'leaver', servers: server.url})
  await Promise.all([subber.flush(), quiet.flush(), leaver.flush()])
  return {leaver, quiet, subber}
}

async function cidOf(server: NatsServer, name: string, state = 'open'): Promise<number | undefined> {
  return (await connz(server, `state=${state}`)).connections?.find((c) => c.name === name)?.cid
}

describe('top live in a terminal (120×40): subscriptions, detail, closed pane, names', () => {
  const SOCKET = `natsx-top-live-${process.pid}`
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], {encoding: 'utf8'})
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'top')
  const keys = (...k: string[]): string => tmux('send-keys', '-t', 'top', ...k)
  async function until(ok: (s: string) => boolean, what: string, ms = 20_000): Promise<string> {
    try {
      return await waitFor(() => {
        const s = screen()
        return ok(s) ? s : undefined
      }, ms, what)
    } catch (error) {
      throw new Error(`${(error as Error).message}; screen:\n${screen()}`)
    }
  }

  /** the table rows on screen (a server name, a cid, then the connection's name) */
  const rows = (s: string, server: NatsServer): string[] => s.split('\n').filter((l) => l.startsWith(server.name.slice(0, 7)))

  let server: NatsServer
  let c: Awaited<ReturnType<typeof clients>>
  beforeAll(async () => {
    server = await startServer()
    c = await clients(server)
    const cfg = mkdtempSync(join(tmpdir(), 'natsx-top-live-'))
    // Ink prints only the last frame when CI is set, so the terminal runs without it; the pane stays after top exits
    const cmd = `env -u CI NO_COLOR=1 XDG_CONFIG_HOME=${cfg} ${process.execPath} ${BIN} top --monitor ${server.monitorUrl} --interval 0.5 --timeout 1s; echo "EXIT=$?"; sleep 60`
    tmux('new-session', '-d', '-s', 'top', '-x', '120', '-y', '40', cmd)
  })
  afterAll(async () => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }

    await Promise.all([c?.subber.close(), c?.quiet.close(), c?.leaver.close().catch(() => {})])
    await server?.destroy()
  })

  it('shows SUBS, moves the selection with the arrows, Enter shows every connz field and the subscriptions, Esc goes back', async () => {
    const subberCid = (await cidOf(server, 'subber'))!
    let s = await until((x) => /subber /.test(x) && /quiet /.test(x) && /leaver /.test(x) && x.includes('selected:'), 'the three clients')
    // SUBS counts the subscriptions: 3 for subber, 0 for quiet (the column after LANG and the empty ACCOUNT)
    const head = s.split('\n').find((l) => /^SERVER +CID/.test(l))!
    const subsEnd = head.indexOf('SUBS') + 4
    const subsOf = (name: string): string => rows(s, server).find((l) => l.includes(` ${name} `))!.slice(subsEnd - 4, subsEnd).trim()
    expect(subsOf('subber'), s).toBe('3')
    expect(subsOf('quiet'), s).toBe('0')

    // rows are sorted by cid: the selection starts on the first; walk to subber with ↓ (one too far and back with ↑,
    // or, when it is the last row, back one and down again)
    const order = rows(s, server).map((l) => Number(l.slice(8, 14)))
    const target = order.indexOf(subberCid)
    expect(target, s).toBeGreaterThanOrEqual(0)
    expect(s).toContain(`selected: ${server.name} cid ${order[0]} `)
    const last = target === order.length - 1
    for (let i = 0; i < target + (last ? 0 : 1); i++) keys('Down')
    if (last) keys('Up', 'Down')
    else keys('Up')
    s = await until((x) => x.includes(`selected: ${server.name} cid ${subberCid} `), `subber (cid ${subberCid}) selected`)

    keys('Enter')
    s = await until((x) => x.includes(`Connection ${server.name} cid ${subberCid} subber`) && /Subscriptions \(3\)/.test(x), 'the detail of subber')
    // every field connz has for it, by its own name, with the values that do not move
    const info = (await connz(server, `cid=${subberCid}&subs=detail&auth=1`)).connections![0] as unknown as Record<string, unknown>
    for (const k of Object.keys(info).filter((k) => !k.startsWith('subscriptions_list'))) expect(s, k).toMatch(new RegExp(`(^| )${k} `, 'm'))
    for (const k of ['cid', 'kind', 'type', 'ip', 'port', 'name', 'lang', 'version', 'subscriptions', 'start'])
      expect(s, k).toMatch(new RegExp(`(^| )${k} +${String(info[k]).replaceAll('.', '\\.')}( |$)`, 'm'))
    // the subscriptions in detail: subject, queue group
    const subs = s.slice(s.indexOf('Subscriptions (3)'))
    for (const subj of SUBJECTS) expect(subs).toMatch(new RegExp(`^${subj.replaceAll('.', '\\.').replace('*', '\\*')} `, 'm'))
    expect(subs).toMatch(/^work\.jobs +workers /m)

    keys('Escape')
    s = await until((x) => /^SERVER +CID/m.test(x) && !x.includes('Connection '), 'back to the table')
    expect(s).toContain(`selected: ${server.name} cid ${subberCid} `)
  })

  it('c shows the closed connections with the reason once a client disconnects, c goes back', async () => {
    const leaverCid = (await cidOf(server, 'leaver'))!
    await c.leaver.close()
    // the moment the server lists it as closed
    await waitFor(async () => (await cidOf(server, 'leaver', 'closed')) === leaverCid || undefined, 10_000, 'leaver among the closed connections')
    keys('c')
    const s = await until((x) => /Closed connections \(\d+, newest first\)/.test(x) && /leaver /.test(x), 'the closed pane with leaver')
    const line = s.split('\n').find((l) => / leaver /.test(l))!
    expect(line).toMatch(new RegExp(`^${server.name.slice(0, 7)}.? +${leaverCid} leaver `))
    expect(line).toMatch(/\d+s ago .*Client Closed/)
    // the open ones are not in it
    expect(s).not.toMatch(/ subber /)
    keys('c')
    await until((x) => /^SERVER +CID/m.test(x) && /subber /.test(x) && !/leaver /.test(x), 'back to the open connections')
  })

  it('draws live traffic as sparklines: in the server line, and per connection once t is pressed', async () => {
    // traffic while the view polls: quiet publishes, subber receives (telemetry.>)
    const traffic = setInterval(() => c.quiet.publish('telemetry.live', 'x'), 10)
    try {
      const header = (x: string): string => x.split('\n').find((l) => /^. \S+ .* in [\d.]+K? msg\/s/.test(l)) ?? ''
      let s = await until((x) => /[▂▃▄▅▆▇█]/.test(header(x)), 'a sparkline of the traffic in the server line')
      // the in and out sparklines, a minute in 12 cells each, after their rates
      expect(header(s)).toMatch(/ in [\d.]+K? msg\/s \S+\/s +[ ▁▂▃▄▅▆▇█]{12} {2}out [\d.]+K? msg\/s \S+\/s +[ ▁▂▃▄▅▆▇█]{12} {2}conns /)
      keys('t')
      s = await until(
        (x) => /MSG\/S OUT MSG\/S IN\+OUT/.test(x) && ['subber', 'quiet'].every((n) => rows(x, server).some((l) => l.includes(` ${n} `) && /[▂▃▄▅▆▇█]/.test(l))),
        'the sparklines of subber and quiet in the t column',
      )
      keys('t')
      await until((x) => !x.includes('MSG/S IN+OUT') && /^SERVER +CID/m.test(x), 'the column off again')
    } finally {
      clearInterval(traffic)
    }
  })

  it('d shows the reverse-DNS name of each client address and turns it off again', async () => {
    const name = await loopbackName()
    keys('d')
    let s = await until((x) => x.includes(' — names') && (name === '' || x.includes(` ${name}:`)), 'names on')
    const subber = rows(s, server).find((l) => l.includes(' subber '))!
    expect(subber).toContain(name ? ` ${name.slice(0, 10)}` : ' 127.0.0.1:')
    keys('d')
    s = await until((x) => !x.includes(' — names') && rows(x, server).some((l) => l.includes(' subber ') && l.includes(' 127.0.0.1:')), 'names off')
    keys('?')
    s = await until((x) => x.includes('natsx top keys'), 'help')
    for (const k of ['Enter ', 'c ', 'd ', 't ', '↑ ↓ ']) expect(s).toMatch(new RegExp(`│ +${k}`))
    keys('Escape')
    await until((x) => !x.includes('natsx top keys'), 'help closed')
    keys('q')
    s = await until((x) => x.includes('EXIT='), 'top to exit')
    expect(s).toMatch(/EXIT=0/)
  })
})

describe('top --json: subjects, closed connections and host names', () => {
  let server: NatsServer
  let c: Awaited<ReturnType<typeof clients>>
  beforeAll(async () => {
    server = await startServer()
    c = await clients(server)
  })
  afterAll(async () => {
    await Promise.all([c?.subber.close(), c?.quiet.close(), c?.leaver.close().catch(() => {})])
    await server?.destroy()
  })

  it('--subs --closed --lookup add subjects, closed (with reason and stop) and host', async () => {
    const leaverCid = (await cidOf(server, 'leaver'))!
    await c.leaver.close()
    await waitFor(async () => (await cidOf(server, 'leaver', 'closed')) === leaverCid || undefined, 10_000, 'leaver closed')
    const name = await loopbackName()
    const r = await runCli(['top', '--monitor', server.monitorUrl, '--iterations', '1', '--interval', '0.2', '--json', '--subs', '--closed', '--lookup'])
    expect(r.code, r.stderr).toBe(0)
    const [snap] = r.ndjson<TopSnapshot>()
    const subber = snap.connections.find((x) => x.name === 'subber')!
    expect(subber.subscriptions).toBe(3)
    expect([...subber.subjects!].sort()).toEqual(SUBJECTS)
    expect(snap.connections.find((x) => x.name === 'quiet')).toMatchObject({subjects: [], subscriptions: 0})
    expect(snap.connections.some((x) => x.name === 'leaver')).toBe(false)
    const gone = snap.closed!.find((x) => x.cid === leaverCid)!
    expect(gone).toMatchObject({name: 'leaver', reason: 'Client Closed', server: server.name})
    expect(Date.parse(gone.stop!)).toBeGreaterThan(Date.now() - 60_000)
    expect(gone.stopped_ago_ms).toBeGreaterThanOrEqual(0)
    for (const x of [...snap.connections, ...snap.closed!]) expect(x.host, x.name).toBe(name || undefined)

    // without the flags none of them
    const plain = await runCli(['top', '--monitor', server.monitorUrl, '--iterations', '1', '--interval', '0.2', '--json'])
    expect(plain.code, plain.stderr).toBe(0)
    const [p] = plain.ndjson<TopSnapshot>()
    expect(p.closed).toBeUndefined()
    expect(p.connections.find((x) => x.name === 'subber')).toMatchObject({subscriptions: 3})
    expect(p.connections.every((x) => x.subjects === undefined && x.host === undefined)).toBe(true)

    // the text frame lists the closed ones too
    const text = await runCli(['top', '--monitor', server.monitorUrl, '--interval', '0.2', '--closed'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Closed connections: \d+ \(newest first\)/)
    expect(text.stdout).toMatch(new RegExp(` ${leaverCid} leaver .*Client Closed`))
  })
})

describe('the detail of one connection over $SYS', () => {
  let server: NatsServer
  let sys: NatsConnection
  let app: NatsConnection
  beforeAll(async () => {
    server = await startServer({
      config: `accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { users: [ { user: app, password: app } ] }
}
system_account: SYS
`,
    })
    sys = await connect({pass: 'sys', servers: server.url, user: 'sys'})
    app = await connect({name: 'app-sub', pass: 'app', servers: server.url, user: 'app'})
    app.subscribe('a.b', {queue: 'q1'})
    app.subscribe('c.>')
    await app.flush()
  })
  afterAll(async () => {
    await app?.close().catch(() => {})
    await sys?.close()
    await server?.destroy()
  })

  it('reads every field and the subscriptions in detail, then finds it among the closed once it disconnects', async () => {
    const t = new SysTransport(sys, {timeoutMs: 2000})
    await t.discover()
    const feed = new TopFeed(t, {details: false, interval_ms: 500})
    const snap = await feed.poll()
    const row = snap.connections.find((x) => x.name === 'app-sub')!
    let d = await feed.connection(row.server_id, row.cid)
    expect(d).toMatchObject({cid: row.cid, closed: false, server: server.name})
    expect(d.info).toMatchObject({account: 'APP', authorized_user: 'app', name: 'app-sub', subscriptions: 2})
    expect(d.info!.subscriptions_list_detail!.map((x) => [x.subject, x.qgroup ?? '']).sort()).toEqual([['a.b', 'q1'], ['c.>', '']])

    await app.close()
    d = await waitFor(async () => {
      const x = await feed.connection(row.server_id, row.cid)
      return x.closed ? x : undefined
    }, 10_000, 'app-sub closed')
    expect(d.info).toMatchObject({name: 'app-sub', reason: 'Client Closed'})
    feed.setClosed(10)
    const after = await feed.poll()
    expect(after.closed!.find((x) => x.cid === row.cid)).toMatchObject({account: 'APP', name: 'app-sub', reason: 'Client Closed'})
    expect((await feed.connection(row.server_id, 999_999)).error).toMatch(/gone from/)
    await feed.close()
  })
})

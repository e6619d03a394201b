// `natsx top` live in a real terminal (tmux, 160×50) against the 3-node cluster with traffic: all three servers with
// non-zero rates, a stopped node marked down and back after its restart, and `q` leaving a usable terminal.
import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {colourCodes} from '../helpers/ansi.js'
import {BIN} from '../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../helpers/servers.js'
import {startTraffic, type Traffic} from '../helpers/traffic.js'

const SOCKET = `natsx-e2e-${process.pid}`
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], {encoding: 'utf8'})
const screen = (): string => tmux('capture-pane', '-p', '-t', 'top')

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

const serverLine = (s: string, name: string): string => s.split('\n').find((l) => new RegExp(`^. ${name} `).test(l)) ?? ''

describe('top in a real terminal', () => {
  let cluster: Cluster
  let traffic: Traffic
  let facts: ServerFacts
  beforeAll(async () => {
    cluster = await startCluster(3)
    facts = await serverFacts(cluster.servers[1])
    traffic = await startTraffic({rate: 200, servers: cluster.servers.map((s) => s.url)})
    const monitors = cluster.servers.map((s) => `--monitor ${s.monitorUrl}`).join(' ')
    const cfg = mkdtempSync(join(tmpdir(), 'natsx-e2e-'))
    // Ink prints only the last frame when CI is set, so the terminal runs without it.
    // After top exits, print its exit code and the terminal mode, then keep the pane for capture
    const cmd = `env -u CI NO_COLOR=1 XDG_CONFIG_HOME=${cfg} ${process.execPath} ${BIN} top ${monitors} --interval 0.5 --timeout 1s; echo "EXIT=$?"; stty -a | tr '\\n' ' ' | grep -o -- '-\\?icanon -\\?iexten -\\?echo '; sleep 60`
    tmux('new-session', '-d', '-s', 'top', '-x', '160', '-y', '50', cmd)
  })
  afterAll(async () => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }

    await traffic?.stop()
    await cluster?.destroy()
  })

  it('shows the three servers with rates, a stopped node down and back, and q exits cleanly', async () => {
    // every server with a non-zero inbound rate, and the connections table
    let s = await until((x) => ['n1', 'n2', 'n3'].every((n) => /in [1-9][\d.]*K? msg\/s/.test(serverLine(x, n))) && x.includes('3/3 servers up'), 'three servers with rates')
    // NO_COLOR is set: no colour anywhere on the screen (bold and inverse are not colours)
    expect(colourCodes(tmux('capture-pane', '-p', '-e', '-t', 'top'))).toEqual([])
    // each server's version, and its JetStream API level where it has one (2.11+)
    const version = facts.apiLevel ? `v${facts.version} api ${facts.apiLevel} ` : `v${facts.version} `
    for (const n of ['n1', 'n2', 'n3']) expect(serverLine(s, n)).toContain(version)
    expect(s).toMatch(/Connections rows 1–\d+ of \d+/)
    expect(s).toMatch(/pub-0 /)
    expect(s.split('\n').some((l) => /pub-\d .* [1-9]\d* +\d+ /.test(l))).toBe(true)

    await cluster.servers[1].stop()
    s = await until((x) => /DOWN: connection refused/.test(serverLine(x, 'n2')) && x.includes('2/3 servers up'), 'n2 down')
    // its last data stays on screen
    expect(serverLine(s, 'n2')).toContain(version)

    await cluster.servers[1].start()
    s = await until((x) => x.includes('3/3 servers up') && /in [1-9]/.test(serverLine(x, 'n2')), 'n2 back with rates', 30_000)
    expect(serverLine(s, 'n2')).not.toMatch(/DOWN/)

    // a narrower terminal: the table drops the columns that no longer fit and no line wraps
    tmux('resize-window', '-t', 'top', '-x', '100', '-y', '40')
    s = await until((x) => /SERVER +CID/.test(x) && !/IDLE/.test(x), 'the table at 100 columns')
    expect(Math.max(...s.split('\n').map((l) => l.trimEnd().length))).toBeLessThanOrEqual(100)
    expect(s).toMatch(/pub-\d /)

    // help overlay, then quit
    tmux('send-keys', '-t', 'top', '?')
    await until((x) => x.includes('natsx top keys'), 'help overlay')
    tmux('send-keys', '-t', 'top', 'Escape')
    await until((x) => !x.includes('natsx top keys'), 'help closed')
    tmux('send-keys', '-t', 'top', 'q')
    s = await until((x) => x.includes('EXIT=') && /icanon/.test(x.slice(x.indexOf('EXIT='))), 'top to exit and stty to report')
    expect(s, s.split('\n').slice(-12).join('\n')).toMatch(/EXIT=0/)
    // the terminal is back in cooked mode with echo
    expect(s.slice(s.indexOf('EXIT=')), 'terminal mode').toMatch(/^icanon iexten echo$/m)
  })
})

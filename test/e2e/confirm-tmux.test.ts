// A destructive verb in a real terminal (tmux) asks before it acts: "n" cancels (exit 2, the stream stays),
// "y" removes it. Without a terminal the same verb refuses without --force (covered in the stream tests).
import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, runCli} from '../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../helpers/servers.js'

const SOCKET = `natsx-confirm-${process.pid}`
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], {encoding: 'utf8'})

describe('confirmation in a real terminal', () => {
  let server: NatsServer
  const cfg = mkdtempSync(join(tmpdir(), 'natsx-confirm-'))
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    try {
      tmux('kill-server')
    } catch {
      // already gone
    }

    await server?.destroy()
  })

  async function answer(session: string, key: string): Promise<string> {
    const cmd = `env -u CI NO_COLOR=1 XDG_CONFIG_HOME=${cfg} ${process.execPath} ${BIN} stream rm ORDERS -s ${server.url}; echo "EXIT=$?"; sleep 60`
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '10', cmd)
    const screen = (): string => tmux('capture-pane', '-p', '-t', session)
    await waitFor(() => (screen().includes('[y/N]') ? true : undefined), 20_000, 'the question')
    tmux('send-keys', '-t', session, key, 'Enter')
    return waitFor(() => (/EXIT=\d+/.test(screen()) ? screen() : undefined), 20_000, 'natsx to exit')
  }

  it('"n" cancels with exit 2 and leaves the stream; "y" removes it', async () => {
    const add = await runCli(['stream', 'add', 'ORDERS', '--subjects', 'orders.>', '-s', server.url])
    expect(add.code).toBe(0)

    const no = await answer('no', 'n')
    expect(no).toMatch(/stream ORDERS.*\? \[y\/N\] n/)
    expect(no).toContain('natsx: cancelled')
    expect(no).toContain('EXIT=2')
    expect((await runCli(['stream', 'info', 'ORDERS', '--json', '-s', server.url])).code).toBe(0)

    const yes = await answer('yes', 'y')
    expect(yes).toContain('EXIT=0')
    expect((await runCli(['stream', 'info', 'ORDERS', '--json', '-s', server.url])).code).toBe(3)
  })
})

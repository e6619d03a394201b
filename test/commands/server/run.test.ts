import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {type DevServerInfo, findNatsServer} from '../../../src/lib/devserver.js'
import {runCli} from '../../helpers/cli.js'
import {freePort, NATS_SERVER} from '../../helpers/servers.js'

describe('server run / stop', () => {
  it('starts a background JetStream server, selects a context for it, and stops it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'natsx-home-'))
    const data = join(home, 'data')
    const [port, monitor] = [await freePort(), await freePort()]
    // the server under test (scripts/test.sh runs the suite once per version)
    const env = {NATSX_NATS_SERVER: NATS_SERVER, XDG_CONFIG_HOME: home}
    const started = await runCli(['server', 'run', '--background', '--port', String(port), '--monitor-port', String(monitor), '--data-dir', data, '--json'], {env})
    try {
      expect(started.code, started.stderr).toBe(0)
      const info = started.json<DevServerInfo>()
      expect(info).toMatchObject({context: 'dev', monitor: `http://127.0.0.1:${monitor}`, url: `nats://127.0.0.1:${port}`})
      expect(info.pid).toBeGreaterThan(0)
      // the version it reports is the one the running server gives itself
      const varz = (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as {version: string}
      expect(info).toMatchObject({binary: NATS_SERVER, version: varz.version})
      // the selected dev context reaches it, with JetStream on
      const pub = await runCli(['pub', 'dev.x', 'v'], {env})
      expect(pub.code, pub.stderr).toBe(0)
      const jsz = (await (await fetch(`http://127.0.0.1:${monitor}/jsz`)).json()) as {config?: {store_dir: string}}
      expect(jsz.config?.store_dir).toContain(data)
      // a second run finds it running
      const again = await runCli(['server', 'run', '--background', '--port', String(port), '--monitor-port', String(monitor), '--data-dir', data, '--json'], {env})
      expect(again.json<DevServerInfo>()).toMatchObject({already_running: true, pid: info.pid})
    } finally {
      const stopped = await runCli(['server', 'stop', '--data-dir', data, '--json'], {env})
      expect(stopped.json()).toMatchObject({stopped: true})
    }

    expect((await runCli(['pub', 'dev.x', 'v'], {env})).code).toBe(6)
    expect((await runCli(['server', 'stop', '--data-dir', data, '--json'], {env})).json()).toEqual({stopped: false})
  })

  it('says how to install nats-server when it is missing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'natsx-home-'))
    const res = await runCli(['server', 'run', '--background', '--data-dir', join(home, 'd'), '--port', String(await freePort())], {
      env: {NATSX_NATS_SERVER: '/nonexistent/nats-server', PATH: '/nonexistent', XDG_CONFIG_HOME: home},
    })
    expect(res.code).toBe(3)
    expect(res.stderr).toMatch(/apt-get install nats-server/)
  })

  it('chooses the newest nats-server among PATH, /usr/sbin and the servers set-up fetched into .servers/', () => {
    const root = mkdtempSync(join(tmpdir(), 'natsx-root-'))
    const fake = (path: string, version: string): string => {
      mkdirSync(join(path, '..'), {recursive: true})
      writeFileSync(path, `#!/bin/sh\necho "nats-server: v${version}"\n`)
      chmodSync(path, 0o755)
      return path
    }

    const onPath = fake(join(root, 'bin', 'nats-server'), '2.10.3')
    const newest = fake(join(root, '.servers', 'sid', 'usr', 'sbin', 'nats-server'), '2.15.10')
    fake(join(root, '.servers', 'trixie', 'usr', 'sbin', 'nats-server'), '2.15.9')
    const env = {PATH: join(root, 'bin')}
    expect(findNatsServer(root, env)).toEqual({path: newest, version: '2.15.10'})
    // NATSX_NATS_SERVER names one outright
    expect(findNatsServer(root, {...env, NATSX_NATS_SERVER: onPath})).toEqual({path: onPath, version: '2.10.3'})
  })
})

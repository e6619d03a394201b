import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {DevServerInfo} from '../../../src/lib/devserver.js'

import {runCli} from '../../helpers/cli.js'
import {freePort} from '../../helpers/servers.js'

describe('server run / stop', () => {
  it('starts a background JetStream server, selects a context for it, and stops it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'natsx-home-'))
    const data = join(home, 'data')
    const [port, monitor] = [await freePort(), await freePort()]
    const env = {XDG_CONFIG_HOME: home}
    const started = await runCli(['server', 'run', '--background', '--port', String(port), '--monitor-port', String(monitor), '--data-dir', data, '--json'], {env})
    try {
      expect(started.code, started.stderr).toBe(0)
      const info = started.json<DevServerInfo>()
      expect(info).toMatchObject({context: 'dev', monitor: `http://127.0.0.1:${monitor}`, url: `nats://127.0.0.1:${port}`})
      expect(info.pid).toBeGreaterThan(0)
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
})

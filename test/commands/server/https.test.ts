// --monitor https:// with the TLS flags: the server's monitoring port is HTTPS with a certificate of the test CA.
import {type ChildProcess, spawn} from 'node:child_process'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {makePki, type Pki} from '../../helpers/secure.js'
import {freePort, NATS_SERVER, waitFor} from '../../helpers/servers.js'

describe('HTTPS monitoring', () => {
  let pki: Pki
  let child: ChildProcess
  let url: string
  beforeAll(async () => {
    pki = makePki()
    const conf = join(pki.dir, 'https.conf')
    writeFileSync(conf, `tls {\n  cert_file: "${pki.serverCert}"\n  key_file: "${pki.serverKey}"\n}\n`)
    const [port, https] = [await freePort(), await freePort()]
    url = `https://127.0.0.1:${https}`
    // the shared helper always opens an HTTP port; HTTP and HTTPS together are refused by the server
    child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-ms', String(https), '-n', 'tls1', '-c', conf], {stdio: 'ignore'})
    await waitFor(async () => (await runCli(['server', 'ping', '--monitor', url, '--tlsca', pki.ca])).code === 0 || undefined, 15_000, 'the HTTPS monitor')
  })
  afterAll(async () => {
    child?.kill('SIGTERM')
    rmSync(pki.dir, {force: true, recursive: true})
  })

  it('verifies the server with --tlsca, and refuses an unverified certificate', async () => {
    const ok = await runCli(['server', 'list', '--monitor', url, '--tlsca', pki.ca, '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json<{servers: Array<{name: string; ok: boolean}>}>().servers).toMatchObject([{name: 'tls1', ok: true}])
    const top = await runCli(['top', '--monitor', url, '--tlsca', pki.ca, '--iterations', '1', '--interval', '0.2', '--json'])
    expect(top.code, top.stderr).toBe(0)
    expect(top.ndjson<{servers: Array<{up: boolean}>}>()[0].servers[0].up).toBe(true)
    const bad = await runCli(['server', 'ping', '--monitor', url, '--tlsca', pki.otherCa])
    expect(bad.code).toBe(6)
    expect(bad.stderr).toMatch(/certificate/)
  })
})

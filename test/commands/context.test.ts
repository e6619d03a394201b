import {existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ContextSummary} from '../../src/lib/context-ops.js'

import {CONTEXT_KEYS} from '../../src/lib/context-store.js'
import {runCli} from '../helpers/cli.js'
import {freePort, type NatsServer, startServer} from '../helpers/servers.js'

let server: NatsServer
let deadUrl: string
beforeAll(async () => {
  server = await startServer({jetstream: false})
  deadUrl = `nats://127.0.0.1:${await freePort()}`
})
afterAll(async () => {
  await server?.destroy()
})

/** A config home holding contexts exactly as natscli writes them. */
function natscliHome(contexts: Record<string, Record<string, unknown>>, selected?: string): string {
  const home = mkdtempSync(join(tmpdir(), 'natsx-ctx-'))
  mkdirSync(join(home, 'nats', 'context'), {recursive: true})
  for (const [name, body] of Object.entries(contexts)) {
    const full = {description: '', url: '', socks_proxy: '', token: '', user: '', password: '', creds: '', nkey: '', cert: '', key: '', ca: '', nsc: '', jetstream_domain: '', jetstream_api_prefix: '', jetstream_event_prefix: '', inbox_prefix: '', user_jwt: '', color_scheme: '', tls_first: false, windows_cert_store: '', windows_cert_match_by: '', windows_cert_match: '', windows_ca_certs_match: [], ...body}
    writeFileSync(join(home, 'nats', 'context', `${name}.json`), JSON.stringify(full, null, '  '), {mode: 0o600})
  }

  if (selected) writeFileSync(join(home, 'nats', 'context.txt'), selected)
  return home
}

describe('contexts shared with natscli', () => {
  it('uses a natscli context through --context and through context.txt', async () => {
    const home = natscliHome({live: {url: server.url}, other: {url: deadUrl}}, 'live')
    const viaSelection = await runCli(['pub', 'ctx.x', 'v'], {env: {XDG_CONFIG_HOME: home}})
    expect(viaSelection.code, viaSelection.stderr).toBe(0)
    const viaFlag = await runCli(['pub', 'ctx.x', 'v', '--context', 'other'], {env: {XDG_CONFIG_HOME: home}})
    expect(viaFlag.code).toBe(6)
    expect(viaFlag.stderr).toContain(deadUrl)
    const viaEnv = await runCli(['pub', 'ctx.x', 'v'], {env: {NATS_CONTEXT: 'other', XDG_CONFIG_HOME: home}})
    expect(viaEnv.code).toBe(6)
    const ignored = await runCli(['pub', 'ctx.x', 'v', '--no-context', '-s', server.url], {env: {XDG_CONFIG_HOME: home}})
    expect(ignored.code).toBe(0)
  })

  it('precedence: flag > env > context', async () => {
    const home = natscliHome({dead: {url: deadUrl}, live: {url: server.url}}, 'dead')
    const env = (extra: Record<string, string>) => ({XDG_CONFIG_HOME: home, ...extra})
    // env beats the (dead) selected context
    expect((await runCli(['pub', 'p.x', 'v'], {env: env({NATS_URL: server.url})})).code).toBe(0)
    // flag beats a dead env
    expect((await runCli(['pub', 'p.x', 'v', '-s', server.url], {env: env({NATS_URL: deadUrl})})).code).toBe(0)
    // a dead flag beats a live env and a live context
    expect((await runCli(['pub', 'p.x', 'v', '-s', deadUrl, '--context', 'live'], {env: env({NATS_URL: server.url})})).code).toBe(6)
    // a dead env beats a live context
    expect((await runCli(['pub', 'p.x', 'v', '--context', 'live'], {env: env({NATS_URL: deadUrl})})).code).toBe(6)
    // the context alone
    expect((await runCli(['pub', 'p.x', 'v', '--context', 'live'], {env: env({})})).code).toBe(0)
  })

  it('a context written by natsx has natscli keys and mode 0600', async () => {
    const home = mkdtempSync(join(tmpdir(), 'natsx-ctx-'))
    const res = await runCli(['context', 'add', 'made', '--server', server.url, '--user', 'u', '--password', 'p', '--description', 'by natsx', '--select', '--json'], {env: {XDG_CONFIG_HOME: home}})
    expect(res.code, res.stderr).toBe(0)
    expect(res.json<{context: {password: string}}>().context.password).toBe('********')
    const file = join(home, 'nats', 'context', 'made.json')
    expect((statSync(file).mode % 0o1000).toString(8)).toBe('600')
    const body = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    for (const k of CONTEXT_KEYS) expect(body, k).toHaveProperty(k)
    expect(body).toMatchObject({description: 'by natsx', password: 'p', url: server.url, user: 'u'})
    expect(readFileSync(join(home, 'nats', 'context.txt'), 'utf8').trim()).toBe('made')
    // updating keeps keys natsx does not know
    const withExtra = {...body, windows_cert_store: 'x'}
    writeFileSync(file, JSON.stringify(withExtra))
    await runCli(['context', 'edit', 'made', '--description', 'changed'], {env: {XDG_CONFIG_HOME: home}})
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({description: 'changed', windows_cert_store: 'x'})
  })

  it('ls, info (masked), select, rm', async () => {
    const home = natscliHome({a: {password: 'pw', token: 'tk', url: server.url, user: 'u'}, b: {url: deadUrl}}, 'a')
    const env = {XDG_CONFIG_HOME: home}
    const ls = await runCli(['context', 'ls', '--json'], {env})
    expect(ls.json<ContextSummary[]>()).toEqual([
      {description: '', name: 'a', selected: true, url: server.url},
      {description: '', name: 'b', selected: false, url: deadUrl},
    ])
    const info = await runCli(['context', 'info', '--json'], {env})
    expect(info.json()).toMatchObject({context: {password: '********', token: '********', user: 'u'}, name: 'a', selected: true})
    const human = await runCli(['context', 'info'], {env})
    expect(human.stdout).not.toMatch(/pw|tk/)
    const connected = await runCli(['context', 'info', 'a', '--connect', '--json'], {env})
    expect(connected.code, connected.stderr).toBe(0)
    expect(connected.json<{connected: {version: string}}>().connected.version).toMatch(/^2\./)

    const rmSelected = await runCli(['context', 'rm', 'a'], {env})
    expect(rmSelected.code).toBe(2)
    expect(rmSelected.stderr).toMatch(/is selected/)
    const rmNoTty = await runCli(['context', 'rm', 'b'], {env})
    expect(rmNoTty.code).toBe(2)
    expect(rmNoTty.stderr).toMatch(/--force/)
    expect((await runCli(['context', 'ls', '--json'], {env})).json<unknown[]>()).toHaveLength(2)
    expect((await runCli(['context', 'rm', 'b', '--force'], {env})).code).toBe(0)
    expect((await runCli(['context', 'select', 'b'], {env})).code).toBe(3)
    expect((await runCli(['context', 'select', 'a', '--json'], {env})).json()).toEqual({previous: null, selected: 'a'})
  })

  it('validate names missing files (exit 2) and failed connections (exit 6)', async () => {
    const home = natscliHome({broken: {creds: '/nonexistent/x.creds', url: server.url}, dead: {url: deadUrl}, good: {url: server.url}})
    const env = {XDG_CONFIG_HOME: home}
    const one = await runCli(['context', 'validate', 'good', '--connect', '--json'], {env})
    expect(one.code, one.stderr).toBe(0)
    const broken = await runCli(['context', 'validate', 'broken'], {env})
    expect(broken.code).toBe(2)
    expect(broken.stdout).toMatch(/creds file \/nonexistent\/x.creds/)
    const dead = await runCli(['context', 'validate', 'dead', '--connect'], {env})
    expect(dead.code).toBe(6)
  })

  it('an unknown or badly named context is a clear error', async () => {
    const home = natscliHome({}, 'gone')
    expect((await runCli(['pub', 'x', 'y'], {env: {XDG_CONFIG_HOME: home}})).stderr).toMatch(/selected context "gone" does not exist/)
    const bad = await runCli(['context', 'add', '../evil', '--server', server.url], {env: {XDG_CONFIG_HOME: home}})
    expect(bad.code).toBe(2)
  })
})

describe('context select, previous and unselect (natscli\'s previous-context.txt)', () => {
  it('remembers the context selected before, swaps back and forth, and unselects', async () => {
    const home = natscliHome({dead: {url: deadUrl}, live: {url: server.url}}, 'dead')
    const env = {XDG_CONFIG_HOME: home}
    const file = (name: string): string => readFileSync(join(home, 'nats', name), 'utf8')

    const sel = await runCli(['context', 'select', 'live', '--json'], {env})
    expect(sel.code, sel.stderr).toBe(0)
    expect(sel.json()).toEqual({previous: 'dead', selected: 'live'})
    expect([file('context.txt'), file('previous-context.txt')]).toEqual(['live', 'dead'])
    expect((await runCli(['pub', 'p.x', 'v'], {env})).code).toBe(0)

    const back = await runCli(['context', 'previous', '--json'], {env})
    expect(back.code, back.stderr).toBe(0)
    expect(back.json()).toEqual({previous: 'live', selected: 'dead'})
    expect((await runCli(['pub', 'p.x', 'v', '--timeout', '1s'], {env})).code).toBe(6)
    expect((await runCli(['context', 'previous'], {env})).stdout).toContain('Selected context "live"')
    expect(file('context.txt')).toBe('live')

    // selecting the selected one again keeps the previous one
    await runCli(['context', 'select', 'live'], {env})
    expect(file('previous-context.txt')).toBe('dead')

    const un = await runCli(['context', 'unselect', '--json'], {env})
    expect(un.code, un.stderr).toBe(0)
    expect(un.json()).toEqual({unselected: 'live'})
    expect(existsSync(join(home, 'nats', 'context.txt'))).toBe(false)
    const none = await runCli(['context', 'unselect', '--json'], {env})
    expect(none.json()).toEqual({unselected: null})
    expect((await runCli(['context', 'previous', '--json'], {env})).json()).toEqual({previous: null, selected: 'live'})
    // and now there is no other one to go back to
    expect((await runCli(['context', 'previous'], {env})).code).toBe(3)
  })

  it('previous with no history is exit 3, and a previous context that was removed is exit 3 too', async () => {
    const home = natscliHome({a: {url: server.url}, b: {url: server.url}})
    const env = {XDG_CONFIG_HOME: home}
    const none = await runCli(['context', 'previous'], {env})
    expect(none.code).toBe(3)
    expect(none.stderr.trim()).toBe('natsx: no context was selected before; select one with `natsx context select NAME`')
    await runCli(['context', 'select', 'a'], {env})
    await runCli(['context', 'select', 'b'], {env})
    expect((await runCli(['context', 'rm', 'a', '--force'], {env})).code).toBe(0)
    const gone = await runCli(['context', 'previous'], {env})
    expect(gone.code).toBe(3)
    expect(gone.stderr).toContain('context "a" does not exist')
    expect(readFileSync(join(home, 'nats', 'context.txt'), 'utf8')).toBe('b')
  })
})

describe('context copy and ls --names', () => {
  it('copies a natscli context under a new name with the flags given applied, natscli keys and mode 0600; refuses an existing name', async () => {
    const home = natscliHome({prod: {description: 'production', url: deadUrl, user: 'app', password: 'pw'}}, 'prod')
    const env = {XDG_CONFIG_HOME: home}
    const cp = await runCli(['context', 'copy', 'prod', 'local', '--server', server.url, '--description', 'mine', '--select', '--json'], {env})
    expect(cp.code, cp.stderr).toBe(0)
    expect(cp.json()).toMatchObject({context: {description: 'mine', password: '********', url: server.url, user: 'app'}, created: true, name: 'local', selected: true})
    const file = join(home, 'nats', 'context', 'local.json')
    expect((statSync(file).mode % 0o1000).toString(8)).toBe('600')
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    // every natscli key, the source's secrets kept, the flags applied
    for (const k of CONTEXT_KEYS) expect(written, k).toHaveProperty(k)
    expect(written).toMatchObject({password: 'pw', url: server.url, user: 'app'})
    // the source is untouched
    expect(JSON.parse(readFileSync(join(home, 'nats', 'context', 'prod.json'), 'utf8'))).toMatchObject({description: 'production', url: deadUrl})
    // the copy is selected and works (user/password are ignored by this server without auth)
    expect((await runCli(['pub', 'cp.x', 'v'], {env})).code).toBe(0)

    const again = await runCli(['context', 'cp', 'prod', 'local'], {env})
    expect(again.code).toBe(4)
    expect(again.stderr.trim()).toBe('natsx: context "local" already exists; choose another name, or change it with `natsx context edit local`')
    const missing = await runCli(['context', 'copy', 'nope', 'other'], {env})
    expect(missing.code).toBe(3)
    expect(existsSync(join(home, 'nats', 'context', 'other.json'))).toBe(false)

    const names = await runCli(['context', 'ls', '--names'], {env})
    expect(names.code, names.stderr).toBe(0)
    expect(names.stdout).toBe('local\nprod\n')
  })
})


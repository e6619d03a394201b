import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {baseEnv, BIN, ROOT} from './helpers/cli.js'
import {type NatsServer, startServer} from './helpers/servers.js'

const run = promisify(execFile)
let server: NatsServer
beforeAll(async () => {
  server = await startServer({jetstream: false})
})
afterAll(async () => {
  await server?.destroy()
})

async function loads(args: string[]): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'natsx-loads-')), 'loads.txt')
  const hook = join(ROOT, 'test', 'helpers', 'trace-loads.mjs')
  await run(process.execPath, ['--import', hook, BIN, ...args], {env: baseEnv({NATSX_LOADS: file})})
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
}

describe('start-up stays lazy', () => {
  it('the loader hook sees modules (so the checks below can fail)', async () => {
    const urls = await loads(['pub', 'lazy.x', 'v', '-s', server.url])
    expect(urls.some((u) => u.includes('/node_modules/@oclif/core/'))).toBe(true)
    expect(urls.some((u) => u.includes('/node_modules/@nats-io/transport-node/'))).toBe(true)
  })

  for (const args of [['--version'], ['pub', 'lazy.x', 'v'], ['sub', 'lazy.x', '--wait', '10ms'], ['--help'], ['pub', '--help']]) {
    it(`natsx ${args.join(' ')} never loads react or ink`, async () => {
      const full = args[0].startsWith('-') || args.includes('--help') ? args : [...args, '-s', server.url]
      const urls = await loads(full)
      expect(urls.filter((u) => /\/node_modules\/(react|ink|react-reconciler|yoga-layout)\//.test(u))).toEqual([])
    })
  }

  it('--version answers without oclif', async () => {
    const urls = await loads(['--version'])
    expect(urls.filter((u) => u.includes('@oclif'))).toEqual([])
  })
})

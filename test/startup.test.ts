import {execFile} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
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
  await run(process.execPath, ['--import', HOOK, ...args], {cwd: ROOT, env: baseEnv({NATSX_LOADS: file})})
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

const HOOK = join(ROOT, 'test', 'helpers', 'trace-loads.mjs')
// react, ink and asciichart from node_modules, or the live views that bundle them (dist/ui/render-top.mjs,
// dist/ui/render-graph.mjs)
const REACT_OR_INK = /\/node_modules\/(react|ink|react-reconciler|yoga-layout|asciichart)\/|\/dist\/ui\//

describe('start-up stays lazy', () => {
  it('the hook sees react and ink loaded by import() and by require() (so the checks below can fail)', async () => {
    const imported = await loads(['--input-type=module', '-e', "await import('ink')"])
    expect(imported.filter((u) => REACT_OR_INK.test(u)).length).toBeGreaterThan(0)
    const required = await loads(['-e', "require('react')"])
    expect(required.filter((u) => REACT_OR_INK.test(u)).length).toBeGreaterThan(0)
    const view = await loads(['--input-type=module', '-e', "await import('./dist/ui/render-top.mjs')"])
    expect(view.filter((u) => REACT_OR_INK.test(u)).length).toBeGreaterThan(0)
    const chart = await loads(['-e', "require('asciichart')"])
    expect(chart.filter((u) => REACT_OR_INK.test(u)).length).toBeGreaterThan(0)
    const graph = await loads(['--input-type=module', '-e', "await import('./dist/ui/render-graph.mjs')"])
    expect(graph.filter((u) => REACT_OR_INK.test(u)).length).toBeGreaterThan(0)
  })

  it('asciichart, Ink and React are bundled into the graph view only, never into the main bundle', () => {
    // the names of asciichart's axis symbols and of Ink's key hook (esbuild keeps local names: it does not minify)
    const marker = 'defaultSymbols'
    const main = readFileSync(join(ROOT, 'dist', 'natsx.cjs'), 'utf8')
    const graph = readFileSync(join(ROOT, 'dist', 'ui', 'render-graph.mjs'), 'utf8')
    expect(graph).toContain(marker)
    expect(main).not.toContain(marker)
    expect(graph).toContain('useInput')
    expect(main).not.toContain('useInput')
  })

  it('natsx runs from the bundle', async () => {
    const urls = await loads([BIN, 'pub', 'lazy.x', 'v', '-s', server.url])
    expect(urls.some((u) => u.endsWith('/bin/load-bundle.js'))).toBe(true)
  })

  it("V8 takes the build's code cache (scripts/build.mjs), so start-up skips compiling natsx", async () => {
    const {stderr} = await run(process.execPath, [BIN, 'pub', 'lazy.x', 'v', '-s', server.url], {env: baseEnv({NATSX_DEBUG: '1'})})
    expect(stderr).toContain('--- code cache: used')
  })

  it('a missing or foreign code cache is made again at exit, and the next start uses it', async () => {
    // a copy of the installed package, so the real dist/ is left alone
    const copy = mkdtempSync(join(tmpdir(), 'natsx-copy-'))
    for (const f of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) cpSync(join(ROOT, f), join(copy, f), {recursive: true})
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
    const cache = join(copy, 'dist', 'natsx.cjs.cache')
    const pub = async (): Promise<string> =>
      (await run(process.execPath, [join(copy, 'bin', 'run.js'), 'pub', 'lazy.x', 'v', '-s', server.url], {env: baseEnv({NATSX_DEBUG: '1'})})).stderr

    writeFileSync(cache, 'not a V8 code cache')
    expect(await pub()).toContain('--- code cache: rejected')
    expect(await pub()).toContain('--- code cache: used')

    rmSync(cache)
    expect(await pub()).toContain('--- code cache: none')
    expect(existsSync(cache)).toBe(true)
    expect(await pub()).toContain('--- code cache: used')
  })

  for (const args of [['--version'], ['pub', 'lazy.x', 'v'], ['sub', 'lazy.x', '--wait', '10ms'], ['--help'], ['pub', '--help'], ['stream', 'graph', '--help']]) {
    it(`natsx ${args.join(' ')} never loads react or ink`, async () => {
      const full = args[0].startsWith('-') || args.includes('--help') ? args : [...args, '-s', server.url]
      const urls = await loads([BIN, ...full])
      expect(urls.filter((u) => REACT_OR_INK.test(u))).toEqual([])
    })
  }

  it('--version answers without oclif', async () => {
    const urls = await loads([BIN, '--version'])
    expect(urls.filter((u) => u.includes('@oclif') || u.includes('load-bundle'))).toEqual([])
  })
})

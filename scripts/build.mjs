#!/usr/bin/env node
// Builds dist/ with esbuild, for start-up time (bench/startup):
//   dist/natsx.cjs          natsx, @oclif/core and nats.js in one CommonJS file. Commands are evaluated only when
//                           run (the COMMANDS map has getters), so start-up pays for one command, not 83.
//   dist/natsx.cjs.cache    V8's code cache for it, made by running natsx once; bin/run.js hands it to V8 so
//                           start-up skips most parsing and compiling. A cache V8 rejects is just not used.
//   dist/ui/render-top.mjs  the live view with Ink and React bundled in (an ES module: Ink awaits at top level);
//                           only `top` imports it. Ink's text-size cache is bounded there (see boundInkTextCache).
//   dist/ui/render-graph.mjs the live graphs (`stream graph`, `consumer graph`, `server graph`) with Ink, React and
//                           asciichart bundled in; only those commands import it.
//   dist/bench-worker.mjs   a bench client's worker thread (awaits at top level).
// Type checking is `npm run typecheck`; tests run this dist/ through bin/run.js.
//
//   node scripts/build.mjs [--report]     --report lists the output files and their sizes
import {build} from 'esbuild'
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {freePort, startNatsServer} from '../bench/lib.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const dist = join(root, 'dist')

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

// src/commands/stream/cluster/step-down.ts → "stream:cluster:step-down" (oclif's ids; the separator is shown as a space)
const commands = walk(join(src, 'commands'))
  .filter((f) => f.endsWith('.ts'))
  .map((file) => ({file, id: relative(join(src, 'commands'), file).replace(/\.ts$/, '').split(sep).join(':')}))
  .sort((a, b) => (a.id < b.id ? -1 : 1))

const entry = [
  "export {execute} from '@oclif/core/execute'",
  "export {default as commandNotFound} from './hooks/command-not-found.ts'",
  'export const COMMANDS = {}',
  ...commands.map(
    ({file, id}) =>
      `Object.defineProperty(COMMANDS, ${JSON.stringify(id)}, {enumerable: true, get: () => require(${JSON.stringify(`./${relative(src, file).split(sep).join('/')}`)}).default})`,
  ),
].join('\n')

// ES module outputs still hold CommonJS packages, which call require() and read __dirname.
const esmBanner = [
  "import {createRequire as __natsxRequire} from 'node:module';",
  "import {fileURLToPath as __natsxPath} from 'node:url';",
  'const require = __natsxRequire(import.meta.url);',
  'const __filename = __natsxPath(import.meta.url);',
  "const __dirname = __natsxPath(new URL('.', import.meta.url));",
].join(' ')

const common = {
  absWorkingDir: root,
  bundle: true,
  // typescript/ts-node/tsx: oclif's development mode only; ink/react: the live view loads them itself; jsonata: only stream/consumer find
  external: ['typescript', 'ts-node', 'tsx', 'ink', 'react', 'react/*', 'hdr-histogram-js', 'jsonata'],
  logLevel: 'warning',
  metafile: true,
  platform: 'node',
  target: 'node20',
}

// `top` imports the view by its place in src/; in dist it is a separate ES module beside the bundle
const uiExternal = {
  name: 'ui-external',
  setup(b) {
    b.onResolve({filter: /\/ui\/render-top\.js$/}, () => ({external: true, path: './ui/render-top.mjs'}))
  },
}

// Ink remembers the size of every text it has laid out, in a Map that is never emptied. Live numbers make new texts
// each frame, so a `top` left open grew by about 7 KiB a frame (bench/top-memory.mjs: 13.5 → 27.8 MiB of heap over
// 2,000 frames; about 600 MiB a day at one frame a second). The bundled copy empties the Map past 2,000 texts,
// which keeps the heap flat. If Ink changes that file, the build stops here rather than ship without the bound.
const boundInkTextCache = {
  name: 'bound-ink-text-cache',
  setup(b) {
    // Ink's React devtools hook (only with DEV=true) stays out: its import then fails inside Ink's own try/catch
    b.onResolve({filter: /^\.\/devtools\.js$/}, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? {external: true, path: args.path} : undefined))
    b.onLoad({filter: /[\\/]ink[\\/]build[\\/]measure-text\.js$/}, async (args) => {
      const {readFile} = await import('node:fs/promises')
      const code = await readFile(args.path, 'utf8')
      const at = '    cache.set(text, dimensions);'
      if (!code.includes('const cache = new Map();') || !code.includes(at)) {
        throw new Error(`${args.path} changed: review the bound on Ink's text cache in scripts/build.mjs`)
      }

      return {contents: code.replace(at, `    if (cache.size >= 2000) cache.clear();\n${at}`), loader: 'js'}
    })
  },
}

// the graph commands import their view by its place in src/ too; in dist it is another ES module beside the bundle
const graphUiExternal = {
  name: 'graph-ui-external',
  setup(b) {
    b.onResolve({filter: /\/ui\/render-graph\.js$/}, () => ({external: true, path: './ui/render-graph.mjs'}))
  },
}

rmSync(dist, {force: true, recursive: true})
const results = await Promise.all([
  build({
    ...common,
    // the bench runner finds its worker with new URL('bench-worker.mjs', import.meta.url)
    banner: {js: "const __natsxUrl = require('node:url').pathToFileURL(__filename).href;"},
    define: {'import.meta.url': '__natsxUrl'},
    format: 'cjs',
    outfile: join(dist, 'natsx.cjs'),
    plugins: [uiExternal, graphUiExternal],
    stdin: {contents: entry, loader: 'ts', resolveDir: src, sourcefile: 'natsx-entry.ts'},
  }),
  build({
    ...common,
    banner: {js: esmBanner},
    entryPoints: {'bench-worker': join(src, 'lib', 'bench', 'worker.ts')},
    format: 'esm',
    outExtension: {'.js': '.mjs'},
    outdir: dist,
  }),
  // the live view with Ink and React inside it (one copy of each), and Ink's text-size cache bounded
  build({
    ...common,
    banner: {js: esmBanner},
    entryPoints: {'ui/render-top': join(src, 'ui', 'render-top.tsx')},
    external: [],
    format: 'esm',
    outExtension: {'.js': '.mjs'},
    outdir: dist,
    plugins: [boundInkTextCache],
  }),
  // the live graphs: Ink, React and asciichart inside, Ink's text-size cache bounded as in the top view
  build({
    ...common,
    banner: {js: esmBanner},
    entryPoints: {'ui/render-graph': join(src, 'ui', 'render-graph.tsx')},
    external: [],
    format: 'esm',
    outExtension: {'.js': '.mjs'},
    outdir: dist,
    plugins: [boundInkTextCache],
  }),
])

// bin/load-bundle.js compiles the bundle with V8's code cache, and on Node 20 a script compiled from a code cache
// loses its dynamic import() (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). So every import( in the bundle calls a
// function the loader passes in; plain require() of the bundle (oclif's manifest and readme) gets a native one.
const bundle = join(dist, 'natsx.cjs')
let imports = 0
const patched = readFileSync(bundle, 'utf8').replaceAll(/(?<![\w$.'"`])import\(/g, () => {
  imports++
  return '__natsxImport('
})
writeFileSync(bundle, "var __natsxImport = typeof __natsxImport === 'function' ? __natsxImport : (specifier) => import(specifier);\n" + patched)
if (process.argv.includes('--report')) process.stdout.write(`dynamic imports routed through the loader: ${imports}\n`)

// The code cache records what one run compiled: a publish against a local nats-server when there is one to start,
// otherwise one that fails to connect. Either way the cache matches this build's bytes and this Node. `--no-code-cache`
// (bin/dev.js) skips that run and drops the old cache; the loader then writes one at the first run's exit.
if (process.argv.includes('--no-code-cache')) rmSync(join(dist, 'natsx.cjs.cache'), {force: true})
else await writeCodeCache()

if (process.argv.includes('--report')) {
  for (const r of results) {
    for (const [file, out] of Object.entries(r.metafile.outputs)) {
      process.stdout.write(`${(out.bytes / 1024).toFixed(0).padStart(6)} KiB  ${relative(root, file)}\n`)
    }
  }

  const cache = join(dist, 'natsx.cjs.cache')
  if (existsSync(cache)) process.stdout.write(`${(statSync(cache).size / 1024).toFixed(0).padStart(6)} KiB  dist/natsx.cjs.cache\n`)
}

async function writeCodeCache() {
  const serverBin = ['/usr/sbin/nats-server', 'nats-server'].find((b) => spawnSync(b, ['--version']).status === 0)
  let server
  let url = 'nats://127.0.0.1:1'
  if (serverBin) {
    const port = await freePort()
    server = await startNatsServer(serverBin, port)
    url = `nats://127.0.0.1:${port}`
  }

  try {
    const run = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), 'pub', 'natsx.build', 'warm-up', '-s', url, '--timeout', '2s'], {
      encoding: 'utf8',
      env: {...process.env, NATSX_WRITE_CODE_CACHE: '1', NO_COLOR: '1'},
    })
    if (!existsSync(join(dist, 'natsx.cjs.cache'))) {
      process.stderr.write(`build: no code cache written (natsx exited ${run.status}: ${run.stderr.trim()})\n`)
    }
  } finally {
    server?.kill('SIGTERM')
  }
}

// Loads dist/natsx.cjs (scripts/build.mjs) the way Node's require() would, but hands V8 the code cache the build
// wrote beside it, so start-up skips most parsing and compiling. Node 20 has no compile cache of its own
// (module.enableCompileCache came in Node 22). V8 checks the cache against its version, its flags and the source;
// a cache it rejects costs nothing but the compile it would have done anyway.
//
// The module is put in require's cache under its own path, so oclif's require() of the same file (the `commands`
// target in package.json) gets this instance. NATSX_WRITE_CODE_CACHE=1 (the build) makes a fresh cache at exit;
// NATSX_CODE_CACHE=0 neither reads nor writes it (bench/startup measures that too); NATSX_DEBUG=1 says whether V8
// used the cache.
import {accessSync, constants, readFileSync, renameSync, writeFileSync} from 'node:fs'
import Module from 'node:module'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

export function loadBundle(url) {
  const file = fileURLToPath(url)
  const cacheFile = `${file}.cache`
  const write = process.env.NATSX_WRITE_CODE_CACHE === '1'
  const off = process.env.NATSX_CODE_CACHE === '0'
  let cachedData
  if (!write && !off) {
    try {
      cachedData = readFileSync(cacheFile)
    } catch {
      // no cache: compile as usual
    }
  }

  // The bundle's dynamic imports call __natsxImport (scripts/build.mjs says why); relative ones are the bundle's
  const base = url.href
  const importModule = (specifier) => import(specifier.startsWith('.') ? new URL(specifier, base).href : specifier)
  const source = `(function (exports, require, module, __filename, __dirname, __natsxImport) {${readFileSync(file, 'utf8')}\n})`
  const script = new vm.Script(source, {cachedData, filename: file})
  const mod = new Module(file)
  mod.filename = file
  mod.paths = Module._nodeModulePaths(dirname(file))
  Module._cache[file] = mod
  const require = (id) => mod.require(id)
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options)
  require.cache = Module._cache
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, dirname(file), importModule)
  mod.loaded = true
  if (process.env.NATSX_DEBUG === '1') {
    const state = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'
    process.stderr.write(`--- code cache: ${state} (${cacheFile})\n`)
  }

  // The build writes the cache. A cache V8 turned down (another Node version) or a missing one is written again
  // at exit, where the directory allows it, so the next start is fast; never under extra Node flags (--cpu-prof…,
  // NODE_OPTIONS), which V8 folds into its check.
  const stale = cachedData === undefined || script.cachedDataRejected
  const plainNode = process.execArgv.length === 0 && !process.env.NODE_OPTIONS
  if (write || (stale && !off && plainNode && writable(dirname(file)))) {
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`
        writeFileSync(tmp, script.createCachedData())
        renameSync(tmp, cacheFile)
      } catch {
        // best effort: the next start compiles again
      }
    })
  }

  return mod.exports
}

function writable(dir) {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}

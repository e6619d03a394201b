// Preload (node --import) that records into $NATSX_LOADS every module the process loads: each URL the ES module
// loader resolves (through the hooks in trace-loads-hooks.mjs) and each file CommonJS require() loads.
import {appendFileSync} from 'node:fs'
import Module, {register} from 'node:module'
import {pathToFileURL} from 'node:url'

register('./trace-loads-hooks.mjs', import.meta.url)

const load = Module._load
Module._load = function (request, parent, isMain) {
  const exports = load.call(this, request, parent, isMain)
  if (process.env.NATSX_LOADS && !request.startsWith('node:') && !Module.isBuiltin(request)) {
    appendFileSync(process.env.NATSX_LOADS, pathToFileURL(Module._resolveFilename(request, parent, isMain)).href + '\n')
  }

  return exports
}

#!/usr/bin/env node
// Development entry: rebuilds dist/ from src/ (esbuild, a second or two) and runs it, so a change in src/ is seen
// without a separate build step.
import {execFileSync} from 'node:child_process'

execFileSync(process.execPath, [new URL('../scripts/build.mjs', import.meta.url).pathname, '--no-code-cache'], {stdio: ['ignore', 'ignore', 'inherit']})
await import('./run.js')

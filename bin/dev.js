#!/usr/bin/env node
// Development entry: rebuilds nothing, runs the compiled tree with oclif's development settings.
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})

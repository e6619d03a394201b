#!/usr/bin/env node
// Fast path: `natsx --version` answers without loading oclif (start-up target in bench/startup).
const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`natsx/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {loadBundle} = await import('./load-bundle.js')
  const {execute} = loadBundle(new URL('../dist/natsx.cjs', import.meta.url))
  await execute({dir: import.meta.url})
  // The command is done (its connection closed in `finally`); a half-open socket must not keep the process alive.
  // Exit only once everything written to stdout and stderr has been handed to the OS (sockets are asynchronous).
  const flushed = (stream) =>
    new Promise((resolve) => {
      stream.write('', resolve)
    })
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  process.exit()
}

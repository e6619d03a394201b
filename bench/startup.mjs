#!/usr/bin/env node
// natsx start-up beside `node -e 0`, in the same run: `natsx --version` and `natsx pub` against a local nats-server
// that this script starts on a free loopback port. Prints medians and ratios. Usage: node bench/startup.mjs [rounds]
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {freePort, startNatsServer} from './lib.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
const rounds = Number(process.argv[2] ?? 21)

const port = await freePort()
const serverBin = ['/usr/sbin/nats-server', 'nats-server'].find((b) => spawnSync(b, ['--version']).status === 0)
const server = await startNatsServer(serverBin, port)

const home = mkdtempSync(join(tmpdir(), 'natsx-startup-'))
const env = {...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: home}
const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'natsx --version': [process.execPath, [bin, '--version']],
  'natsx pub': [process.execPath, [bin, 'pub', 'bench.startup', 'hello', '-s', `nats://127.0.0.1:${port}`]],
  // the same without V8's code cache (bin/load-bundle.js): what a first start on another Node version costs
  'natsx pub, no code cache': [process.execPath, [bin, 'pub', 'bench.startup', 'hello', '-s', `nats://127.0.0.1:${port}`], {NATSX_CODE_CACHE: '0'}],
}
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (let r = 0; r < rounds; r++) {
  // interleave the cases so that machine noise hits them alike
  for (const [name, [cmd, args, extraEnv]] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint()
    execFileSync(cmd, args, {env: {...env, ...extraEnv}, stdio: 'ignore'})
    times[name].push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
}

server.kill('SIGTERM')
rmSync(home, {force: true, recursive: true})
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const base = median(times['node -e 0'])
const targets = {'natsx --version': 2.3, 'natsx pub': 3}
process.stdout.write(`| command | median ms | × node -e 0 | target |\n| --- | ---: | ---: | ---: |\n`)
for (const name of Object.keys(cases)) {
  const m = median(times[name])
  process.stdout.write(`| \`${name}\` | ${m.toFixed(1)} | ${(m / base).toFixed(2)} | ${targets[name] ? `≤ ${targets[name]}` : ''} |\n`)
}

process.stdout.write(`\n${rounds} rounds, interleaved; node ${process.version}\n`)

/**
 * The bad-spec corpus: every file in test/fixtures/bad-specs names, in its first line, the exit code, the path
 * (and line) of the problem and a piece of the message. Each must be refused with exactly that, and the server
 * must be left as it was (compared through `natsx export`, which covers streams, consumers and buckets).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

const DIR = join(ROOT, 'test', 'fixtures', 'bad-specs')
const BASE = join(ROOT, 'test', 'fixtures', 'apply', 'base.yaml')

interface Expect {
  code: number
  file: string
  line?: number
  message: string
  path: string
}

function expectation(file: string): Expect {
  const first = readFileSync(join(DIR, file), 'utf8').split('\n')[0]
  const m = /^# expect: code=(\d+) path=(\S*) line=(\S+) schema=\S+ message=(.*)$/.exec(first)
  if (!m) throw new Error(`${file}: first line is not an expectation`)
  return {code: Number(m[1]), file, line: m[3] === '-' ? undefined : Number(m[3]), message: m[4], path: m[2]}
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => expectation(f))

let server: NatsServer
let before: string
const exportAll = async (): Promise<string> => {
  const r = await runCli(['export', '--json', '-s', server.url])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

beforeAll(async () => {
  server = await startServer()
  const r = await runCli(['apply', '-f', BASE, '-s', server.url])
  expect(r.code, r.stderr).toBe(0)
  before = await exportAll()
})
afterAll(async () => {
  await server?.destroy()
})

describe('apply refuses bad specs', () => {
  it('has a corpus of at least 20 bad specs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
  })

  it.each(cases)('$file → exit $code at "$path"', async (c) => {
    const file = join(DIR, c.file)
    const r = await runCli(['apply', '-f', file, '--json', '-s', server.url], {env: {NATSX_TEST_SURELY_UNSET: undefined}})
    expect(r.code, r.stderr).toBe(c.code)
    expect(r.stdout).toBe('')
    const err = JSON.parse(r.stderr) as {
      error: {code: number; details: {problems: Array<{file: string; line?: number; message: string; path: string}>}}
    }
    expect(err.error.code).toBe(c.code)
    const problems = err.error.details.problems
    const p = problems.find((x) => x.path === c.path)
    expect(p, JSON.stringify(problems)).toBeDefined()
    expect(p!.file).toBe(file)
    if (c.line !== undefined) expect(p!.line).toBe(c.line)
    expect(p!.message).toContain(c.message)

    // the human form: one line per problem with file:line: path
    const human = await runCli(['apply', '-f', file, '-s', server.url])
    expect(human.code).toBe(c.code)
    const loc = `${file}${c.line === undefined ? '' : `:${c.line}`}: ${c.path ? `${c.path}: ` : ''}`
    expect(human.stderr).toContain(loc)
  })

  it('left the server exactly as it was (streams, consumers, buckets)', async () => {
    expect(await exportAll()).toBe(before)
  })
})

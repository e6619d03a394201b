/**
 * The bad-spec corpus: every file in test/fixtures/bad-specs names, in its first line, the exit code, the path
 * (and line) of the problem and a piece of the message (`{version}` stands for the connected server's version).
 * Each must be refused with exactly that, and the server must be left as it was (compared through `natsx export`,
 * which covers streams, consumers and buckets). A spec marked `unless=<feature>` is bad only where the server lacks
 * that feature: where it has it, the same spec is a valid plan (`apply --dry-run`, exit 0, nothing changed).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Feature, FEATURES} from '../../src/lib/capabilities.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer} from '../helpers/servers.js'

const DIR = join(ROOT, 'test', 'fixtures', 'bad-specs')
const BASE = join(ROOT, 'test', 'fixtures', 'apply', 'base.yaml')

interface Expect {
  code: number
  file: string
  line?: number
  message: string
  path: string
  /** bad only where the server lacks this feature */
  unless?: Feature
}

function expectation(file: string): Expect {
  const first = readFileSync(join(DIR, file), 'utf8').split('\n')[0]
  const m = /^# expect: code=(\d+) path=(\S*) line=(\S+) schema=\S+(?: unless=(\S+))? message=(.*)$/.exec(first)
  if (!m) throw new Error(`${file}: first line is not an expectation`)
  return {
    code: Number(m[1]),
    file,
    line: m[3] === '-' ? undefined : Number(m[3]),
    message: m[5],
    path: m[2],
    ...(m[4] ? {unless: m[4] as Feature} : {}),
  }
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => expectation(f))

let server: NatsServer
let facts: ServerFacts
let before: string
const exportAll = async (): Promise<string> => {
  const r = await runCli(['export', '--json', '-s', server.url])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

beforeAll(async () => {
  server = await startServer()
  facts = await serverFacts(server)
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

  it('gates refusals of newer features on features of the capability table', () => {
    const gated = cases.filter((c) => c.unless)
    expect(gated.length).toBeGreaterThanOrEqual(5)
    for (const c of gated) {
      expect(Object.keys(FEATURES), c.file).toContain(c.unless)
      expect(c.code, c.file).toBe(8)
    }
  })

  it.each(cases)('$file → exit $code at "$path"', async (c) => {
    const file = join(DIR, c.file)
    if (c.unless && facts.caps.has(c.unless)) {
      // this server honours the feature: the spec is a valid plan, and --dry-run changes nothing
      const ok = await runCli(['apply', '-f', file, '--dry-run', '--json', '-s', server.url])
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.json<{summary: {create: number}}>().summary.create).toBeGreaterThan(0)
      return
    }

    c.message = c.message.replaceAll('{version}', facts.version)
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

import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

interface ManifestCommand {
  args: Record<string, {description?: string}>
  examples?: string[]
  flags: Record<string, {description?: string; hidden?: boolean}>
  hidden?: boolean
  id: string
  pluginType: string
  summary?: string
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}
const own = Object.values(manifest.commands).filter((c) => !c.hidden)

describe('help is complete', () => {
  it('natsx --help lists every topic with one line each', async () => {
    const res = await runCli(['--help'])
    expect(res.code).toBe(0)
    const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {oclif: {topics: Record<string, {description: string}>}}
    const topics = Object.keys(pjson.oclif.topics).filter((t) => !/[ :]/.test(t))
    expect(topics.length).toBeGreaterThan(0)
    for (const t of topics) expect(res.stdout).toMatch(new RegExp(`^  ${t} +\\S`, 'm'))
    // one line each at 80 columns: no wrapped continuation lines in the topic and command lists
    const lists = res.stdout.slice(res.stdout.indexOf('TOPICS'))
    expect(lists.split('\n').filter((l) => /^ {4,}\S/.test(l))).toEqual([])
    // every command's topic is declared
    for (const c of own) if (c.id.includes(':')) expect(topics, c.id).toContain(c.id.split(':')[0])
  })

  for (const c of own) {
    it(`${c.id.replaceAll(':', ' ')}: summary, an example, and a description on every flag and argument`, () => {
      expect(c.summary, 'summary').toBeTruthy()
      expect(c.examples?.length ?? 0, 'examples').toBeGreaterThan(0)
      for (const [name, f] of Object.entries(c.flags)) if (!f.hidden) expect(f.description, `--${name}`).toBeTruthy()
      for (const [name, a] of Object.entries(c.args)) expect(a.description, name).toBeTruthy()
      expect(Object.keys(c.flags), '--json').toContain('json')
    })
  }

  it('an unknown command is one line and exit 2', async () => {
    const res = await runCli(['nosuch'])
    expect(res.code).toBe(2)
    expect(res.stderr.trim()).toBe('natsx: command "nosuch" not found; see `natsx --help` for the commands')
  })

  it('--version prints the version', async () => {
    const res = await runCli(['--version'])
    expect(res.stdout).toMatch(/^natsx\/\d+\.\d+\.\d+ linux-/)
  })

  it('autocomplete runs', async () => {
    const res = await runCli(['autocomplete', 'bash'], {env: {XDG_CACHE_HOME: ROOT + '/.vitest-report/cache'}})
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toMatch(/autocomplete/i)
  })
})

import {Plugin} from '@oclif/core'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ROOT} from './helpers/cli.js'

describe('committed artefacts', () => {
  it('oclif.manifest.json matches the built commands (run `npm run build && npm run manifest`)', async () => {
    const plugin = new Plugin({ignoreManifest: true, isRoot: true, root: ROOT, type: 'core'})
    await plugin.load()
    const committed = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    const fresh = structuredClone(plugin.manifest) as {commands: Record<string, unknown>}
    expect(Object.keys(committed.commands).sort()).toEqual(Object.keys(fresh.commands).sort())
    expect(committed.commands).toEqual(fresh.commands)
  })

  it('the README command reference is current (run `npm run readme`)', () => {
    const generated = execFileSync('npx', ['oclif', 'readme', '--no-aliases', '--dry-run'], {cwd: ROOT, encoding: 'utf8', env: {...process.env, OCLIF_SKIP_UPDATE_CHECK: '1'}})
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const section = (s: string): string => s.slice(s.indexOf('<!-- commands -->\n'), s.indexOf('<!-- commandsstop -->'))
    expect(section(readme).length).toBeGreaterThan(100)
    expect(section(readme)).toEqual(section(generated))
  })
})

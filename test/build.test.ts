// What scripts/build.mjs must produce beyond the code: the live view carries its own Ink with the text-size cache
// bounded (a long-running `top` otherwise grows without end: bench/top-memory.mjs).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ROOT} from './helpers/cli.js'

describe('the build', () => {
  const view = readFileSync(join(ROOT, 'dist', 'ui', 'render-top.mjs'), 'utf8')

  it('bundles Ink and React into the live view (one copy each, patched as built)', () => {
    expect(view).not.toMatch(/^import .* from "(ink|react)(\/[^"]*)?";$/m)
    expect(view).toContain('// node_modules/ink/build/measure-text.js')
  })

  it("bounds Ink's text-size cache", () => {
    const measure = view.slice(view.indexOf('// node_modules/ink/build/measure-text.js'))
    expect(measure.slice(0, 800)).toMatch(/if \(cache\.size >= 2e3\) cache\.clear\(\);\s+cache\.set\(text, dimensions\);/)
  })
})

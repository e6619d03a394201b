/**
 * The JSON Schema in the repository is the one `natsx apply --schema` prints, it accepts the example spec, and it
 * rejects each bad spec that a schema can tell is wrong (the rest — duplicates, unset variables, semantics,
 * server-dependent problems — are only caught by apply itself, and the schema accepts them).
 */
import {Ajv} from 'ajv'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {specSchema} from '../../../src/lib/apply/fields.js'
import {ROOT} from '../../helpers/cli.js'

const schemaFile = join(ROOT, 'schema', 'natsx-spec.schema.json')
const committed = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>
const validate = new Ajv({allErrors: true, strict: true, strictRequired: false}).compile(committed)
const BAD = join(ROOT, 'test', 'fixtures', 'bad-specs')

describe('the spec JSON Schema', () => {
  it('is the committed schema/natsx-spec.schema.json', () => {
    expect(committed).toEqual(specSchema())
  })

  it('accepts the example spec and the corpus base', () => {
    for (const f of [join(ROOT, 'examples', 'orders.yaml'), join(ROOT, 'test', 'fixtures', 'apply', 'base.yaml')]) {
      const ok = validate(parse(readFileSync(f, 'utf8')))
      expect(ok, JSON.stringify(validate.errors)).toBe(true)
    }
  })

  const cases = readdirSync(BAD)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(BAD, file), 'utf8')
      const m = /schema=(reject|accept|skip)/.exec(text.split('\n')[0])
      return {file, schema: m![1], text}
    })

  it('marks most of the bad-spec corpus as something a schema can reject', () => {
    expect(cases.filter((c) => c.schema === 'reject').length).toBeGreaterThanOrEqual(15)
  })

  it.each(cases.filter((c) => c.schema !== 'skip'))('$file: the schema should $schema it', ({schema, text}) => {
    const ok = validate(parse(text))
    expect(ok, JSON.stringify(validate.errors)).toBe(schema === 'accept')
  })
})

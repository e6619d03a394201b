import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {writeFile} from 'node:fs/promises'

import type {SpecDocument} from '../lib/apply/export.js'

import {BaseCommand} from '../lib/base-command.js'
import {usageError} from '../lib/errors.js'

/** The exported spec, as `natsx apply` reads it. */
export type ExportResult = SpecDocument

export default class Export extends BaseCommand<typeof Export> {
  static args = {
    name: Args.string({description: 'stream or bucket name, or a pattern with * and ? (repeatable); all when omitted'}),
  }
  static description = `The output is a spec \`natsx apply\` accepts: streams with their durable consumers nested, KV buckets under kv, object buckets under objects. Fields equal to what the server fills in are left out, and so is what the server made itself: its \`_nats.*\` metadata, the consumers a 2.14+ server creates to source or mirror a stream (JS_SRC_…, JS_MIRROR_…), and the values a stream's consumer_limits gave its consumers. Durations and sizes are written with units (24h, 10GiB).
Export, then apply on another server, then export again gives the same spec.`
  static examples = [
    '<%= config.bin %> export > nats.yaml',
    '<%= config.bin %> export ORDERS "EVENTS_*" --output orders.yaml',
    '<%= config.bin %> export --kind kv --kind object --format json',
    '<%= config.bin %> export --server nats://prod:4222 > prod.yaml && <%= config.bin %> apply --file prod.yaml --server nats://staging:4222',
  ]
  static flags = {
    format: Flags.string({default: 'yaml', description: 'output format', options: ['yaml', 'json']}),
    kind: Flags.string({
      description: 'export only this kind of resource (repeatable)',
      multiple: true,
      options: ['stream', 'kv', 'object'],
    }),
    output: Flags.string({char: 'o', description: 'write the spec to this file instead of stdout'}),
  }
  static strict = false
  static summary = 'Write live streams, consumers and buckets as an apply spec.'

  async run(): Promise<ExportResult> {
    const {flags} = this
    const patterns = this.rest
    for (const p of patterns) {
      if (!/^[\w\-*?]+$/.test(p)) throw usageError(`"${p}" is not a name or a pattern`, 'use letters, digits, -, _, * and ?')
    }

    const {exportSpec} = await import('../lib/apply/export.js')
    const spec = await exportSpec(await this.jsm(), {
      kinds: flags.kind as Array<'kv' | 'object' | 'stream'> | undefined,
      patterns,
    })
    let text: string
    if (flags.format === 'json') text = JSON.stringify(spec, null, 2) + '\n'
    else {
      const {stringify} = await import('yaml')
      text = Object.keys(spec).length === 0 ? '{}\n' : stringify(spec, {lineWidth: 0})
    }

    if (flags.output) {
      await writeFile(flags.output, text)
      const n = (spec.streams?.length ?? 0) + (spec.kv?.length ?? 0) + (spec.objects?.length ?? 0)
      if (!this.jsonEnabled()) process.stderr.write(`natsx: wrote ${n} resource(s) to ${flags.output}\n`)
    } else if (!this.jsonEnabled()) process.stdout.write(text)

    return spec
  }
}

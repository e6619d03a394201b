/**
 * Reading and validating a natsx spec: YAML or JSON files (or a directory of them), `${ENV_VAR}` substitution,
 * friendly units, and every problem listed with its file, path and line, before anything is sent to a server.
 */
import type {Node as YamlNode} from 'yaml'

import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {isMap, isScalar, isSeq, LineCounter, parseAllDocuments} from 'yaml'

import {type Capabilities, clusterNeeds, type Feature} from '../capabilities.js'
import {consumerCapabilityNeeds, type ConsumerConfigInput, validateConsumerConfig} from '../consumers/config.js'
import {ExitCode, NatsxError} from '../errors.js'
import {msToNanos, parseDuration} from '../format/duration.js'
import {parseSize} from '../format/size.js'
import {validateBucketName} from '../kv/config.js'
import {streamCapabilityNeeds, streamClusterNeeds, type StreamConfigInput, validateStreamConfig} from '../streams/config.js'
import {validateName} from '../subjects.js'
import {bucketCapabilityNeeds, type BucketConfig, type BucketKind} from './buckets.js'
import {CONSUMER_FIELDS, type FieldDef, KV_FIELDS, OBJECT_FIELDS, STREAM_FIELDS, TOP_CONSUMER_FIELDS} from './fields.js'

export interface SpecLocation {
  file: string
  line?: number
  path: string
}

export interface SpecProblem extends SpecLocation {
  /** 2: the spec is wrong; 8: the connected server does not support an option */
  code: 2 | 8
  message: string
}

export interface DesiredStream {
  at: SpecLocation
  config: StreamConfigInput
}

export interface DesiredConsumer {
  at: SpecLocation
  config: ConsumerConfigInput
  name: string
  stream: string
}

export interface DesiredBucket {
  at: SpecLocation
  config: BucketConfig
  kind: BucketKind
  name: string
}

export interface Spec {
  consumers: DesiredConsumer[]
  files: string[]
  kv: DesiredBucket[]
  /** line of every path seen, keyed `file\0path` */
  lines: Map<string, number>
  objects: DesiredBucket[]
  streams: DesiredStream[]
}

type Path = Array<number | string>

const pathString = (p: Path): string =>
  p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('')

export const formatProblem = (p: SpecProblem): string =>
  `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`

/** The error for a list of problems: exit 2, or 8 when every problem is an unsupported option. */
export function specError(problems: SpecProblem[]): NatsxError {
  const code = problems.every((p) => p.code === ExitCode.UNSUPPORTED) ? ExitCode.UNSUPPORTED : ExitCode.USAGE
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
  return new NatsxError(code, `${formatProblem(problems[0])}${more}`, {
    details: {problems},
    hint: 'nothing was changed',
  })
}

/** Files named on the command line; a directory stands for its *.yaml, *.yml and *.json files. */
export async function expandSpecPaths(paths: string[]): Promise<string[]> {
  const out: string[] = []
  for (const p of paths) {
    let st
    try {
      st = await stat(p)
    } catch {
      throw new NatsxError(ExitCode.USAGE, `cannot read ${p}: no such file or directory`, {hint: 'check the -f path'})
    }

    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort()
      if (names.length === 0)
        throw new NatsxError(ExitCode.USAGE, `${p} holds no .yaml, .yml or .json files`, {hint: 'point -f at a spec'})
      out.push(...names.map((n) => join(p, n)))
    } else out.push(p)
  }

  return out
}

const ENV_REF = /\$\$|\$\{([A-Za-z_]\w*)(?::-([^}]*))?\}/g
const WHOLE_REF = /^\$\{[A-Za-z_]\w*(?::-[^}]*)?\}$/

function levenshtein(a: string, b: string): number {
  const d = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }

  return d[b.length]
}

const suggest = (key: string, known: string[]): string => {
  const k = key.toLowerCase().replaceAll('-', '_')
  const prefixed = known.find((x) => k.length >= 3 && (x.startsWith(`${k}_`) || x.endsWith(`_${k}`)))
  if (prefixed) return `; did you mean "${prefixed}"?`
  const best = known
    .map((k) => ({d: levenshtein(key.toLowerCase().replaceAll('-', '_'), k), k}))
    .sort((x, y) => x.d - y.d)[0]
  return best && best.d <= 2 ? `; did you mean "${best.k}"?` : ''
}

const SECTIONS = ['streams', 'consumers', 'kv', 'objects'] as const

/** One file's documents, checked: values substituted and converted, problems with their lines. */
class FileReader {
  readonly problems: SpecProblem[] = []
  private doc?: {contents: unknown}
  private readonly lc = new LineCounter()

  constructor(
    readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly lines: Map<string, number>,
  ) {}

  /** The line of a path: the key's line for a mapping entry, the item's line in a list; the nearest parent's otherwise. */
  lineOf(path: Path): number | undefined {
    let node = this.doc?.contents as undefined | YamlNode
    let offset = (node as undefined | {range?: [number]})?.range?.[0]
    for (const k of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(k))
        if (!pair) break
        offset = (pair.key as {range?: [number]}).range?.[0] ?? offset
        node = pair.value as YamlNode
      } else if (isSeq(node) && typeof k === 'number') {
        const item = node.items[k] as undefined | YamlNode
        if (!item) break
        offset = (item as {range?: [number]}).range?.[0] ?? offset
        node = item
      } else break
    }

    const line = offset === undefined ? undefined : this.lc.linePos(offset).line
    if (line !== undefined) this.lines.set(`${this.file}\0${pathString(path)}`, line)
    return line
  }

  problem(path: Path, message: string, code: 2 | 8 = 2): void {
    this.problems.push({code, file: this.file, line: this.lineOf(path), message, path: pathString(path)})
  }

  read(text: string): Array<Record<string, unknown>> {
    const docs = parseAllDocuments(text, {lineCounter: this.lc, prettyErrors: false, uniqueKeys: true})
    const out: Array<Record<string, unknown>> = []
    const list = Array.isArray(docs) ? docs : [docs]
    for (const doc of list) {
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          const line = e.linePos?.[0]?.line ?? this.lc.linePos(e.pos[0]).line
          this.problems.push({code: 2, file: this.file, line, message: e.message.split('\n')[0], path: ''})
        }

        continue
      }

      this.doc = doc as unknown as {contents: unknown}
      const value = doc.toJS() as unknown
      if (value === null || value === undefined) continue
      if (typeof value !== 'object' || Array.isArray(value)) {
        this.problems.push({
          code: 2,
          file: this.file,
          line: this.lineOf([]),
          message: 'a spec document is a mapping with streams, consumers, kv and objects',
          path: '',
        })
        continue
      }

      const root = this.substitute(value, []) as Record<string, unknown>
      out.push(this.checkRoot(root))
    }

    return out
  }

  /**
   * One stream or consumer configuration (`--config`): a mapping of fields, or what `stream info --json` /
   * `consumer info --json` print (its `config` is read, the state around it ignored). Undefined when the file holds
   * no usable document (the problems say why).
   */
  readConfig(text: string, defs: Record<string, FieldDef>): Record<string, unknown> | undefined {
    const docs = parseAllDocuments(text, {lineCounter: this.lc, prettyErrors: false, uniqueKeys: true})
    const list = Array.isArray(docs) ? docs : [docs]
    for (const doc of list) {
      for (const e of doc.errors) {
        const line = e.linePos?.[0]?.line ?? this.lc.linePos(e.pos[0]).line
        this.problems.push({code: 2, file: this.file, line, message: e.message.split('\n')[0], path: ''})
      }
    }

    if (this.problems.length > 0) return undefined
    const values = list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined)
    if (values.length !== 1 || typeof values[0] !== 'object' || Array.isArray(values[0])) {
      this.problems.push({code: 2, file: this.file, message: 'a configuration file holds one mapping of fields', path: ''})
      return undefined
    }

    this.doc = list.find((d) => d.toJS() !== null) as unknown as {contents: unknown}
    const root = this.substitute(values[0], []) as Record<string, unknown>
    const info = root.config && typeof root.config === 'object' && !Array.isArray(root.config)
    const raw = (info ? root.config : root) as Record<string, unknown>
    const path: Path = info ? ['config'] : []
    // what the server writes into a configuration it prints: its own metadata, the mark of a sourcing consumer
    const own = {...raw}
    delete own.sourcing
    if (own.metadata && typeof own.metadata === 'object' && !Array.isArray(own.metadata)) {
      own.metadata = Object.fromEntries(Object.entries(own.metadata).filter(([k]) => !k.startsWith('_nats.')))
      if (Object.keys(own.metadata as object).length === 0) delete own.metadata
    }

    const out = this.fields(own, defs, [], path)
    // `consumer info` names an ephemeral consumer beside its config
    if (info && !out.name && !out.durable_name && typeof root.name === 'string' && defs.durable_name) out.name = root.name
    if (Object.keys(raw).length === 0) this.problem(path, 'the configuration is empty')
    return out
  }

  /** Check one section's items: the converted items with their locations. */
  section(
    doc: Record<string, unknown>,
    name: (typeof SECTIONS)[number],
    defs: Record<string, FieldDef>,
    required: string[],
  ): Array<{at: SpecLocation; path: Path; value: Record<string, unknown>}> {
    const items = (doc[name] as undefined | unknown[]) ?? []
    const out: Array<{at: SpecLocation; path: Path; value: Record<string, unknown>}> = []
    for (const [i, item] of items.entries()) {
      const path: Path = [name, i]
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        this.problem(path, `${name}[${i}] is not a mapping`)
        continue
      }

      const value = this.fields(item as Record<string, unknown>, defs, required, path)
      out.push({at: {file: this.file, line: this.lineOf(path), path: pathString(path)}, path, value})
    }

    return out
  }

  private check(value: unknown, def: FieldDef, path: Path): unknown {
    const name = String(path.at(-1))
    const bad = (msg: string): undefined => {
      this.problem(path, msg)
      return undefined
    }

    switch (def.type) {
      case 'bool': {
        return typeof value === 'boolean' ? value : bad(`${name} ${JSON.stringify(value)} is not true or false`)
      }

      case 'duration': {
        return this.duration(value, path)
      }

      case 'duration_ms': {
        const ns = typeof value === 'number' ? (Number.isInteger(value) && value >= 0 ? value * 1_000_000 : -1) : this.duration(value, path)
        if (ns === -1) return bad(`${name} ${JSON.stringify(value)} is not a duration in milliseconds ≥ 0`)
        return ns === undefined ? undefined : ns / 1_000_000
      }

      case 'durations': {
        if (!Array.isArray(value)) return bad(`${name} is not a list of durations`)
        const out = value.map((v, i) => this.duration(v, [...path, i]))
        return out.includes(undefined) ? undefined : out
      }

      case 'enum': {
        return typeof value === 'string' && def.values!.includes(value)
          ? value
          : bad(`${name} ${JSON.stringify(value)} is not one of ${def.values!.join(', ')}`)
      }

      case 'int': {
        if (typeof value !== 'number' || !Number.isInteger(value))
          return bad(`${name} ${JSON.stringify(value)} is not a whole number`)
        if (def.min !== undefined && value < def.min) return bad(`${name} ${value} is less than ${def.min}`)
        if (def.max !== undefined && value > def.max) return bad(`${name} ${value} is more than ${def.max}`)
        return value
      }

      case 'map': {
        if (!value || typeof value !== 'object' || Array.isArray(value))
          return bad(`${name} is not a mapping of strings`)
        for (const [k, v] of Object.entries(value)) {
          if (typeof v !== 'string') this.problem([...path, k], `${k} ${JSON.stringify(v)} is not a string`)
        }

        return value
      }

      case 'object': {
        if (!value || typeof value !== 'object' || Array.isArray(value)) return bad(`${name} is not a mapping`)
        return this.fields(value as Record<string, unknown>, def.fields ?? {}, def.required ?? [], path)
      }

      case 'objects': {
        if (!Array.isArray(value)) return bad(`${name} is not a list`)
        return value.map((v, i) => {
          if (!v || typeof v !== 'object' || Array.isArray(v)) {
            this.problem([...path, i], `${name}[${i}] is not a mapping`)
            return undefined
          }

          return this.fields(v as Record<string, unknown>, def.fields ?? {}, def.required ?? [], [...path, i])
        })
      }

      case 'size': {
        if (typeof value === 'number') {
          return Number.isInteger(value) && value >= -1 ? value : bad(`${name} ${value} is not a size in bytes ≥ -1`)
        }

        if (typeof value === 'string') {
          try {
            return parseSize(value)
          } catch {
            return bad(`${name} "${value}" is not a size; write it as 512B, 64KiB, 10MiB, 1GiB or -1`)
          }
        }

        return bad(`${name} ${JSON.stringify(value)} is not a size`)
      }

      case 'state': {
        return undefined
      }

      case 'string': {
        return typeof value === 'string' ? value : bad(`${name} ${JSON.stringify(value)} is not a string`)
      }

      case 'strings': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
          return bad(`${name} is not a list of strings`)
        return value
      }
    }
  }

  private checkRoot(root: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(root)) {
      if (k === '$schema') continue
      if (!(SECTIONS as readonly string[]).includes(k)) {
        this.problem([k], `unknown section "${k}"${suggest(k, [...SECTIONS])}; a spec has streams, consumers, kv and objects`)
        continue
      }

      if (v === null || v === undefined) continue
      if (!Array.isArray(v)) {
        this.problem([k], `${k} is not a list`)
        continue
      }

      out[k] = v
    }

    return out
  }

  private duration(value: unknown, path: Path): number | undefined {
    const name = String(path.at(-1))
    if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= 0) return value
      this.problem(path, `${name} ${value} is not a duration in nanoseconds ≥ 0`)
      return undefined
    }

    if (typeof value === 'string') {
      try {
        return msToNanos(parseDuration(value))
      } catch (error) {
        this.problem(path, `${name} ${(error as Error).message}`)
        return undefined
      }
    }

    this.problem(path, `${name} ${JSON.stringify(value)} is not a duration`)
    return undefined
  }

  /** Check a mapping against its field table; the converted mapping (problems recorded, bad fields dropped). */
  private fields(
    obj: Record<string, unknown>,
    defs: Record<string, FieldDef>,
    required: readonly string[],
    path: Path,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const r of required) if (obj[r] === undefined || obj[r] === null) this.problem(path, `${r} is required`)
    for (const [k, v] of Object.entries(obj)) {
      const def = defs[k]
      if (!def) {
        this.problem([...path, k], `unknown field "${k}"${suggest(k, Object.keys(defs))}`)
        continue
      }

      this.lineOf([...path, k]) // remembered for problems found later (capabilities, immutable changes)
      if (v === null || v === undefined) continue
      const converted = this.check(v, def, [...path, k])
      if (converted !== undefined) out[k] = converted
    }

    return out
  }

  private substitute(value: unknown, path: Path): unknown {
    if (typeof value === 'string') {
      if (!value.includes('$')) return value
      let missing = false
      const out = value.replaceAll(ENV_REF, (all, name: string | undefined, fallback: string | undefined) => {
        if (all === '$$') return '$'
        const v = this.env[name!]
        if (v !== undefined && v !== '') return v
        if (fallback !== undefined) return fallback
        missing = true
        this.problem(path, `environment variable ${name} is not set`)
        return ''
      })
      if (missing) return undefined
      if (WHOLE_REF.test(value)) {
        if (/^-?\d+$/.test(out)) return Number(out)
        if (out === 'true' || out === 'false') return out === 'true'
      }

      return out
    }

    if (Array.isArray(value)) return value.map((v, i) => this.substitute(v, [...path, i]))
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        const s = this.substitute(v, [...path, k])
        if (s !== undefined) out[k] = s
      }

      return out
    }

    return value
  }
}

/**
 * Read a `stream add/edit --config` or `consumer add/edit --config` file with apply's checks: unknown fields and
 * wrong types are exit 2 naming the field and its line, durations and sizes take units (`max_age: 24h`,
 * `ack_wait: 30s`, `max_bytes: 1GiB`) or the API's numbers, `${VAR}` is replaced from the environment.
 */
export async function readConfigFile(
  file: string,
  kind: 'consumer' | 'stream',
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new NatsxError(ExitCode.USAGE, `cannot read ${file}: ${(error as Error).message}`, {hint: 'check the --config path'})
  }

  const reader = new FileReader(file, env, new Map())
  // a stream's file holds its own configuration: its consumers are added with `consumer add`
  const streamFields = Object.fromEntries(Object.entries(STREAM_FIELDS).filter(([k]) => k !== 'consumers'))
  const config = reader.readConfig(text, kind === 'stream' ? streamFields : CONSUMER_FIELDS)
  if (reader.problems.length > 0 || !config) throw specError(reader.problems)
  return config
}

/** Run a config module's validator and record its first complaint as a problem at the resource. */
function semantic(reader: FileReader, path: Path, fn: () => void): boolean {
  try {
    fn()
    return true
  } catch (error) {
    if (error instanceof NatsxError) {
      reader.problem(path, error.message)
      return false
    }

    throw error
  }
}

/**
 * Read and check spec files. Everything wrong is collected (not only the first problem); the caller turns a
 * non-empty list into one error with `specError`.
 */
export async function loadSpec(
  paths: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{problems: SpecProblem[]; spec: Spec}> {
  const files = await expandSpecPaths(paths)
  const lines = new Map<string, number>()
  const spec: Spec = {consumers: [], files, kv: [], lines, objects: [], streams: []}
  const problems: SpecProblem[] = []
  const seen = new Map<string, SpecLocation>()
  const once = (reader: FileReader, key: string, path: Path, what: string): boolean => {
    const first = seen.get(key)
    if (first) {
      reader.problem(path, `${what} is defined twice (first at ${first.file}${first.line ? `:${first.line}` : ''})`)
      return false
    }

    seen.set(key, {file: reader.file, line: reader.lineOf(path), path: pathString(path)})
    return true
  }

  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      problems.push({code: 2, file, message: `cannot read: ${(error as Error).message}`, path: ''})
      continue
    }

    const reader = new FileReader(file, env, lines)
    for (const doc of reader.read(text)) collectDocument(reader, doc, spec, once)

    problems.push(...reader.problems)
  }

  problems.push(...overlappingSubjects(spec))
  // buckets live in KV_/OBJ_ streams: a spec stream of that name would fight over it
  for (const s of spec.streams) {
    const name = s.config.name!
    if (/^(KV|OBJ)_/.test(name))
      problems.push({
        code: 2,
        ...s.at,
        message: `stream "${name}" is a bucket's internal stream; declare the bucket under kv or objects`,
      })
  }

  return {problems, spec}
}

type Once = (reader: FileReader, key: string, path: Path, what: string) => boolean

/** The resources of one document, checked, added to the spec. */
function collectDocument(reader: FileReader, doc: Record<string, unknown>, spec: Spec, once: Once): void {
  for (const s of reader.section(doc, 'streams', STREAM_FIELDS, ['name'])) {
    const {consumers, ...config} = s.value as StreamConfigInput & {consumers?: Array<Record<string, unknown>>}
    const name = config.name as string | undefined
    if (!name) continue
    if (!semantic(reader, [...s.path, 'name'], () => validateName(name, 'stream'))) continue
    if (!once(reader, `stream\0${name}`, s.path, `stream "${name}"`)) continue
    semantic(reader, s.path, () => validateStreamConfig(config))
    spec.streams.push({at: s.at, config})
    for (const [j, c] of (consumers ?? []).entries()) {
      if (!c) continue
      const cpath = [...s.path, 'consumers', j]
      const d = consumer(reader, c, name, cpath, once)
      if (d) spec.consumers.push(d)
    }
  }

  for (const c of reader.section(doc, 'consumers', TOP_CONSUMER_FIELDS, ['stream'])) {
    const {stream, ...config} = c.value as ConsumerConfigInput & {stream?: string}
    if (!stream) continue
    if (!semantic(reader, [...c.path, 'stream'], () => validateName(stream, 'stream'))) continue
    const d = consumer(reader, config, stream, c.path, once)
    if (d) spec.consumers.push(d)
  }

  for (const [section, kind, defs] of [
    ['kv', 'kv', KV_FIELDS],
    ['objects', 'object', OBJECT_FIELDS],
  ] as const) {
    for (const b of reader.section(doc, section, defs, ['bucket'])) {
      const config = b.value as unknown as BucketConfig
      if (!config.bucket) continue
      if (!semantic(reader, [...b.path, 'bucket'], () => validateBucketName(config.bucket))) continue
      if (!once(reader, `${kind}\0${config.bucket}`, b.path, `${kind === 'kv' ? 'KV' : 'object'} bucket "${config.bucket}"`))
        continue
      ;(kind === 'kv' ? spec.kv : spec.objects).push({at: b.at, config, kind, name: config.bucket})
    }
  }
}

function consumer(
  reader: FileReader,
  raw: Record<string, unknown>,
  stream: string,
  path: Path,
  once: Once,
): DesiredConsumer | undefined {
  const config = {...raw} as ConsumerConfigInput
  const name = (config.name || config.durable_name) as string | undefined
  if (!name) {
    reader.problem(path, 'a consumer needs a name (consumers in a spec are durable)')
    return undefined
  }

  // two server rules the consumer module also checks, here first so the problem points at the field
  if (config.deliver_group && (config.flow_control || config.idle_heartbeat)) {
    reader.problem(
      [...path, config.flow_control ? 'flow_control' : 'idle_heartbeat'],
      'flow control and idle heartbeats cannot be used with a deliver_group (the server refuses it)',
    )
    return undefined
  }

  if (config.backoff?.length && config.ack_wait !== undefined && config.ack_wait !== config.backoff[0]) {
    reader.problem(
      [...path, 'ack_wait'],
      'ack_wait differs from the first backoff step, and the server replaces it with that step; leave ack_wait out',
    )
    return undefined
  }

  if (!semantic(reader, path, () => validateConsumerConfig(config))) return undefined
  if (!once(reader, `consumer\0${stream}\0${name}`, path, `consumer "${name}" of stream "${stream}"`)) return undefined
  config.name = name
  config.durable_name = name
  return {at: {file: reader.file, line: reader.lineOf(path), path: pathString(path)}, config, name, stream}
}

/** Whether some subject matches both filters (`*` one token, `>` one or more). */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.')
  const y = b.split('.')
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === '>' || y[i] === '>') return true
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false
  }

  return x.length === y.length
}

/** The subjects a stream captures: its own, or its name when it has none (mirrors and pure sources: none). */
const subjectsOf = (s: DesiredStream): string[] =>
  s.config.mirror || (s.config.sources?.length && !s.config.subjects?.length)
    ? (s.config.subjects ?? [])
    : s.config.subjects?.length
      ? s.config.subjects
      : [s.config.name!]

/** Two spec streams whose subjects overlap: the server would refuse the second one, half-way through. */
function overlappingSubjects(spec: Spec): SpecProblem[] {
  const problems: SpecProblem[] = []
  for (const [j, later] of spec.streams.entries()) {
    for (const earlier of spec.streams.slice(0, j)) {
      const clash = subjectsOf(later).flatMap((a) => subjectsOf(earlier).filter((b) => subjectsOverlap(a, b)).map((b) => [a, b]))
      if (clash.length === 0) continue
      const [a, b] = clash[0]
      const path = later.config.subjects?.length ? `${later.at.path}.subjects` : later.at.path
      problems.push({
        code: 2,
        file: later.at.file,
        line: spec.lines.get(`${later.at.file}\0${path}`) ?? later.at.line,
        message: `subject "${a}" of stream "${later.config.name}" overlaps "${b}" of stream "${earlier.config.name}" (${earlier.at.path}); the server refuses overlapping streams`,
        path,
      })
    }
  }

  return problems
}

/** Whether a value says something a server that lacks the field would lose (not its zero value). */
function meaningful(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0 || v === 'none' || v === 'default') return false
  if (typeof v === 'string' && v.startsWith('0001-01-01')) return false
  if (Array.isArray(v)) return v.length > 0
  if (typeof v === 'object') return Object.entries(v).some(([k, x]) => !k.startsWith('_nats.') && meaningful(x))
  return true
}

/** The fields of a configuration, at any depth, that a newer server added (`since` in the field table) and that are set. */
export function fieldNeeds(config: Record<string, unknown>, defs: Record<string, FieldDef>, prefix = ''): Array<{feature: Feature; field: string}> {
  const out: Array<{feature: Feature; field: string}> = []
  for (const [k, v] of Object.entries(config)) {
    const def = defs[k]
    if (!def || !meaningful(v)) continue
    const field = `${prefix}${k}`
    const valueNeed = typeof v === 'string' ? def.sinceValues?.[v] : undefined
    if (def.since) out.push({feature: def.since, field})
    if (valueNeed) out.push({feature: valueNeed, field})
    if (def.type === 'object' && v && typeof v === 'object' && !Array.isArray(v))
      out.push(...fieldNeeds(v as Record<string, unknown>, def.fields ?? {}, `${field}.`))
    if (def.type === 'objects' && Array.isArray(v))
      for (const [i, x] of v.entries())
        if (x && typeof x === 'object') out.push(...fieldNeeds(x as Record<string, unknown>, def.fields ?? {}, `${field}[${i}].`))
  }

  return out
}

/** Options the connected server cannot honour, each at its field (exit 8). */
export function capabilityProblems(spec: Spec, caps: Capabilities): SpecProblem[] {
  const problems: SpecProblem[] = []
  const seen = new Set<string>()
  const add = (at: SpecLocation, needs: Array<{feature: Feature; field: string}>): void => {
    for (const n of needs) {
      if (caps.has(n.feature)) continue
      // the field table and the config modules may both name a field: once is enough
      const key = `${at.file}\0${at.path}.${n.field}`
      if (seen.has(key)) continue
      seen.add(key)
      try {
        caps.require(n.feature, n.field)
      } catch (error) {
        const path = `${at.path}.${n.field}`
        problems.push({
          code: 8,
          file: at.file,
          line: spec.lines.get(`${at.file}\0${path}`) ?? at.line,
          message: (error as Error).message,
          path,
        })
      }
    }
  }

  const cluster = (at: SpecLocation, needs: Array<{field: string; what: string}>): void => {
    for (const need of needs) {
      try {
        caps.requireCluster(need.what)
      } catch (error) {
        const path = `${at.path}.${need.field}`
        problems.push({code: 8, file: at.file, line: spec.lines.get(`${at.file}\0${path}`) ?? at.line, message: (error as Error).message, path})
      }
    }
  }

  for (const s of spec.streams) {
    add(s.at, [...fieldNeeds(s.config, STREAM_FIELDS), ...streamCapabilityNeeds(s.config)])
    cluster(s.at, streamClusterNeeds(s.config))
  }

  for (const c of spec.consumers) add(c.at, [...fieldNeeds(c.config, CONSUMER_FIELDS), ...consumerCapabilityNeeds(c.config)])
  for (const b of [...spec.kv, ...spec.objects]) {
    add(b.at, bucketCapabilityNeeds(b.kind, b.config))
    cluster(b.at, clusterNeeds(b.config))
  }

  return problems
}

/**
 * The plan: what `natsx apply` would do to make the server match the spec (create, update, re-create, delete,
 * unchanged), computed against the live configuration after normalising server defaults, and its execution in
 * dependency order with an exact account of what was applied when a step fails.
 */
import type {ConsumerConfig, JetStreamClient, JetStreamManager, StreamConfig} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'
import type {FieldDiff} from '../config-file.js'

import {diffConsumerConfig, immutableConsumerChanges} from '../consumers/config.js'
import {findConsumer} from '../consumers/ops.js'
import {ExitCode, toNatsxError} from '../errors.js'
import {diffStreamConfig, immutableStreamChanges, normalizeStreamConfig} from '../streams/config.js'
import {findStream} from '../streams/ops.js'
import {
  type BucketKind,
  createBucket,
  deleteBucket,
  diffBucketConfig,
  findBucket,
  immutableBucketChanges,
  liveBucketConfig,
  updateBucket,
} from './buckets.js'
import {
  consumerLimitsOf,
  consumerRequestConfig,
  expectedConsumer,
  expectedStream,
  isServerMadeConsumer,
  liveConsumer,
  liveStream,
} from './server-made.js'
import {type DesiredBucket, type DesiredConsumer, type DesiredStream, type Spec, type SpecLocation, type SpecProblem} from './spec.js'

export type ResourceKind = 'consumer' | 'kv' | 'object' | 'stream'
export type PlanAction = 'create' | 'delete' | 'recreate' | 'unchanged' | 'update'

export const RESOURCE_KINDS: ResourceKind[] = ['stream', 'consumer', 'kv', 'object']

export interface PlanStep {
  action: PlanAction
  /** where the resource is declared (absent for deletions) */
  at?: SpecLocation
  /** field differences for update and re-create */
  diff?: FieldDiff[]
  kind: ResourceKind
  name: string
  /** for re-create: the fields that cannot change in place */
  replaces?: string[]
  /** the stream of a consumer */
  stream?: string
}

export interface PlanSummary {
  create: number
  delete: number
  recreate: number
  unchanged: number
  update: number
}

export interface Plan {
  /** steps that change something */
  changes: number
  steps: PlanStep[]
  summary: PlanSummary
}

export interface PlanOptions {
  /** the connected server's capabilities: which changes it makes in place */
  caps?: Capabilities
  prune: boolean
  /** kinds of resource that may be deleted and re-created when a field cannot change in place */
  recreate: Set<ResourceKind>
}

export const stepLabel = (s: Pick<PlanStep, 'kind' | 'name' | 'stream'>): string =>
  s.kind === 'consumer'
    ? `consumer ${s.stream} > ${s.name}`
    : s.kind === 'kv'
      ? `kv bucket ${s.name}`
      : s.kind === 'object'
        ? `object bucket ${s.name}`
        : `stream ${s.name}`

/** Streams ordered so that mirrors and sourcing streams come after the spec streams they read from. */
function dependencyOrder(streams: DesiredStream[]): DesiredStream[] {
  const byName = new Map(streams.map((s) => [s.config.name!, s]))
  const out: DesiredStream[] = []
  const state = new Map<string, 'done' | 'visiting'>()
  const visit = (s: DesiredStream): void => {
    const name = s.config.name!
    if (state.get(name)) return
    state.set(name, 'visiting')
    const origins = [s.config.mirror?.name, ...(s.config.sources ?? []).map((x) => x.name)]
    for (const o of origins) {
      const dep = o ? byName.get(o) : undefined
      if (dep && !state.get(o!)) visit(dep)
    }

    state.set(name, 'done')
    out.push(s)
  }

  for (const s of streams) visit(s)
  return out
}

function changeProblem(
  at: SpecLocation,
  lines: Map<string, number>,
  what: string,
  kind: ResourceKind,
  immutable: Array<FieldDiff & {reason: string}>,
): SpecProblem[] {
  return immutable.map((d) => {
    const path = `${at.path}.${d.field}`
    return {
      code: 2,
      file: at.file,
      line: lines.get(`${at.file}\0${path}`) ?? at.line,
      message: `${what}: ${d.reason} (${JSON.stringify(d.current)} → ${JSON.stringify(d.desired)}); add --recreate ${kind} to delete and re-create it`,
      path,
    }
  })
}

function summarise(steps: PlanStep[]): Plan {
  const summary: PlanSummary = {create: 0, delete: 0, recreate: 0, unchanged: 0, update: 0}
  for (const s of steps) summary[s.action]++
  return {changes: steps.length - summary.unchanged, steps, summary}
}

/**
 * Compare the spec with the server. Problems (an immutable change without --recreate, a consumer of a stream
 * that exists nowhere) are returned for the caller to refuse before anything changes.
 */
export async function computePlan(
  jsm: JetStreamManager,
  spec: Spec,
  options: PlanOptions,
): Promise<{plan: Plan; problems: SpecProblem[]}> {
  const problems: SpecProblem[] = []
  const deletes: PlanStep[] = []
  const streamSteps: PlanStep[] = []
  const consumerSteps: PlanStep[] = []
  const bucketSteps: PlanStep[] = []
  const specStreams = new Set(spec.streams.map((s) => s.config.name!))
  const fresh = new Set<string>() // streams created or re-created: their consumers are all new

  for (const s of dependencyOrder(spec.streams)) {
    const name = s.config.name!
    const live = await findStream(jsm, name)
    if (!live) {
      fresh.add(name)
      streamSteps.push({action: 'create', at: s.at, kind: 'stream', name})
      continue
    }

    const diff = diffStreamConfig(liveStream(live.config), expectedStream(s.config))
    const immutable = immutableStreamChanges(diff, options.caps)
    if (immutable.length > 0 && !options.recreate.has('stream')) {
      problems.push(...changeProblem(s.at, spec.lines, `stream "${name}"`, 'stream', immutable))
      continue
    }

    if (immutable.length > 0) {
      fresh.add(name)
      streamSteps.push({action: 'recreate', at: s.at, diff, kind: 'stream', name, replaces: immutable.map((d) => d.field)})
    } else streamSteps.push({action: diff.length > 0 ? 'update' : 'unchanged', at: s.at, ...(diff.length > 0 ? {diff} : {}), kind: 'stream', name})
  }

  const wanted = new Set(spec.consumers.map((c) => `${c.stream}\0${c.name}`))
  const checkedStreams = new Map<string, boolean>()
  const desiredStreams = new Map(spec.streams.map((s) => [s.config.name!, s.config]))
  const liveLimits = new Map<string, ReturnType<typeof consumerLimitsOf>>()
  for (const c of spec.consumers) {
    const base = {at: c.at, kind: 'consumer' as const, name: c.name, stream: c.stream}
    if (fresh.has(c.stream)) {
      consumerSteps.push({...base, action: 'create'})
      continue
    }

    if (!specStreams.has(c.stream)) {
      if (!checkedStreams.has(c.stream)) {
        const si = await findStream(jsm, c.stream)
        checkedStreams.set(c.stream, Boolean(si))
        liveLimits.set(c.stream, consumerLimitsOf(si?.config))
      }

      if (!checkedStreams.get(c.stream)) {
        problems.push({
          code: 2,
          file: c.at.file,
          line: spec.lines.get(`${c.at.file}\0${c.at.path}.stream`) ?? c.at.line,
          message: `consumer "${c.name}" belongs to stream "${c.stream}", which is neither in the spec nor on the server`,
          path: `${c.at.path}.stream`,
        })
        continue
      }
    }

    const live = await findConsumer(jsm, c.stream, c.name)
    if (!live) {
      consumerSteps.push({...base, action: 'create'})
      continue
    }

    // the stream's consumer_limits (as the spec leaves it, or as it is) fill in what the consumer does not set
    const limits = desiredStreams.has(c.stream) ? consumerLimitsOf(desiredStreams.get(c.stream)) : liveLimits.get(c.stream)
    const diff = diffConsumerConfig(liveConsumer(live.config), expectedConsumer(c.config, limits))
    const immutable = immutableConsumerChanges(diff, options.caps)
    if (immutable.length > 0 && !options.recreate.has('consumer')) {
      problems.push(...changeProblem(c.at, spec.lines, `consumer "${c.name}" of stream "${c.stream}"`, 'consumer', immutable))
      continue
    }

    if (immutable.length > 0)
      consumerSteps.push({...base, action: 'recreate', diff, replaces: immutable.map((d) => d.field)})
    else consumerSteps.push({...base, action: diff.length > 0 ? 'update' : 'unchanged', ...(diff.length > 0 ? {diff} : {})})
  }

  for (const b of [...spec.kv, ...spec.objects]) {
    const base = {at: b.at, kind: b.kind, name: b.name}
    const live = await findBucket(jsm, b.kind, b.name)
    if (!live) {
      bucketSteps.push({...base, action: 'create'})
      continue
    }

    const diff = diffBucketConfig(b.kind, liveBucketConfig(b.kind, live.config), b.config)
    const immutable = immutableBucketChanges(diff, options.caps)
    if (immutable.length > 0 && !options.recreate.has(b.kind)) {
      problems.push(...changeProblem(b.at, spec.lines, `${b.kind === 'kv' ? 'KV' : 'object'} bucket "${b.name}"`, b.kind, immutable))
      continue
    }

    if (immutable.length > 0) bucketSteps.push({...base, action: 'recreate', diff, replaces: immutable.map((d) => d.field)})
    else bucketSteps.push({...base, action: diff.length > 0 ? 'update' : 'unchanged', ...(diff.length > 0 ? {diff} : {})})
  }

  if (options.prune) {
    const names: string[] = []
    for await (const n of jsm.streams.names()) names.push(n)
    names.sort()
    // consumers first: of the spec's streams that stay, the durable consumers the spec does not list
    for (const name of names) {
      if (!specStreams.has(name) || fresh.has(name)) continue
      const gone: string[] = []
      for await (const ci of jsm.consumers.list(name)) {
        // the consumers the server made to source this stream elsewhere are the server's, not the spec's
        if (ci.config.durable_name && !isServerMadeConsumer(ci.config) && !wanted.has(`${name}\0${ci.name}`)) gone.push(ci.name)
      }

      for (const c of gone.sort()) deletes.push({action: 'delete', kind: 'consumer', name: c, stream: name})
    }

    const kv = new Set(spec.kv.map((b) => b.name))
    const obj = new Set(spec.objects.map((b) => b.name))
    for (const name of names) {
      if (name.startsWith('KV_')) {
        if (!kv.has(name.slice(3))) deletes.push({action: 'delete', kind: 'kv', name: name.slice(3)})
      } else if (name.startsWith('OBJ_')) {
        if (!obj.has(name.slice(4))) deletes.push({action: 'delete', kind: 'object', name: name.slice(4)})
      } else if (!specStreams.has(name)) deletes.push({action: 'delete', kind: 'stream', name})
    }
  }

  return {plan: summarise([...deletes, ...streamSteps, ...consumerSteps, ...bucketSteps]), problems}
}

export type StepStatus = 'applied' | 'failed' | 'skipped' | 'unchanged'

export interface StepResult extends PlanStep {
  error?: {code: number; message: string}
  status: StepStatus
}

export interface ApplyOutcome {
  /** changes made */
  applied: number
  /** the step that failed, if one did */
  failed?: StepResult
  results: StepResult[]
  /** changes not attempted because an earlier step failed */
  skipped: number
}

interface Desired {
  buckets: Map<string, DesiredBucket>
  consumers: Map<string, DesiredConsumer>
  streams: Map<string, DesiredStream>
}

async function runStep(jsm: JetStreamManager, js: JetStreamClient, step: PlanStep, d: Desired): Promise<void> {
  switch (step.kind) {
    case 'consumer': {
      const stream = step.stream!
      if (step.action === 'delete' || step.action === 'recreate') await jsm.consumers.delete(stream, step.name)
      if (step.action === 'delete') return
      // only what the spec sets: the server fills in the rest as it does on create, consumer_limits included
      const cfg = consumerRequestConfig(d.consumers.get(`${stream}\0${step.name}`)!.config) as ConsumerConfig
      // nats.js types only `pedantic` here, but passes `action` on: update refuses a missing consumer, create a changed one
      const action = {action: step.action === 'update' ? 'update' : 'create'} as Parameters<typeof jsm.consumers.add>[2]
      await jsm.consumers.add(stream, cfg, action)
      // a plain update keeps the old pause (2.11+): pausing and resuming go through the pause API
      if (step.action === 'update' && step.diff?.some((f) => f.field === 'pause_until')) {
        const until = (cfg as {pause_until?: string}).pause_until
        await (until ? jsm.consumers.pause(stream, step.name, new Date(until)) : jsm.consumers.resume(stream, step.name))
      }

      return
    }

    case 'kv':
    case 'object': {
      const kind: BucketKind = step.kind
      if (step.action === 'delete' || step.action === 'recreate') await deleteBucket(jsm, kind, step.name)
      if (step.action === 'delete') return
      const cfg = d.buckets.get(`${kind}\0${step.name}`)!.config
      await (step.action === 'update'
        ? updateBucket(jsm, kind, step.name, step.diff ?? [])
        : createBucket(js, jsm, kind, cfg))
      return
    }

    case 'stream': {
      if (step.action === 'delete' || step.action === 'recreate') await jsm.streams.delete(step.name)
      if (step.action === 'delete') return
      const cfg = normalizeStreamConfig(d.streams.get(step.name)!.config) as StreamConfig
      if (step.action !== 'update') {
        await jsm.streams.add(cfg)
        return
      }

      // nats.js merges an update over the live configuration; a field the spec no longer sets must go, so every
      // live field the desired configuration lacks is passed as undefined (JSON leaves it out)
      const live = (await jsm.streams.info(step.name)).config as unknown as Record<string, unknown>
      const cleared = Object.fromEntries(Object.keys(live).map((k) => [k, undefined]))
      await jsm.streams.update(step.name, {...cleared, ...cfg} as StreamConfig)
    }
  }
}

/**
 * Apply the plan's changes in order. The first failure stops the run: the failed step and every change not yet
 * made are reported, so a re-run (after fixing the cause) converges.
 */
export async function executePlan(
  jsm: JetStreamManager,
  js: JetStreamClient,
  spec: Spec,
  plan: Plan,
  options: {onStep?: (r: StepResult) => void; signal?: AbortSignal} = {},
): Promise<ApplyOutcome> {
  const d: Desired = {
    buckets: new Map([...spec.kv, ...spec.objects].map((b) => [`${b.kind}\0${b.name}`, b])),
    consumers: new Map(spec.consumers.map((c) => [`${c.stream}\0${c.name}`, c])),
    streams: new Map(spec.streams.map((s) => [s.config.name!, s])),
  }
  const results: StepResult[] = []
  let failed: StepResult | undefined
  for (const step of plan.steps) {
    let r: StepResult
    if (step.action === 'unchanged') r = {...step, status: 'unchanged'}
    else if (failed) r = {...step, status: 'skipped'}
    else if (options.signal?.aborted) {
      // Ctrl-C between steps: what was applied stays, the rest is reported as not attempted
      r = {...step, error: {code: ExitCode.INTERRUPTED, message: 'interrupted before this step'}, status: 'failed'}
      failed = r
    } else {
      try {
        await runStep(jsm, js, step, d)
        r = {...step, status: 'applied'}
      } catch (error) {
        const e = toNatsxError(error)
        r = {...step, error: {code: e.exitCode, message: e.message}, status: 'failed'}
        failed = r
      }
    }

    results.push(r)
    options.onStep?.(r)
  }

  return {
    applied: results.filter((r) => r.status === 'applied').length,
    failed,
    results,
    skipped: results.filter((r) => r.status === 'skipped').length,
  }
}

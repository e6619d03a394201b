/** The plan and the outcome of `natsx apply` for people: a readable diff with friendly units. Pure. */
import type {FieldDiff} from '../config-file.js'

import {formatDuration, formatNanos} from '../format/duration.js'
import {formatSize} from '../format/size.js'
import {CONSUMER_FIELDS, type FieldDef, KV_FIELDS, OBJECT_FIELDS, STREAM_FIELDS} from './fields.js'
import {type ApplyOutcome, type Plan, type PlanStep, type ResourceKind, stepLabel} from './plan.js'

const TABLES: Record<ResourceKind, Record<string, FieldDef>> = {
  consumer: CONSUMER_FIELDS,
  kv: KV_FIELDS,
  object: OBJECT_FIELDS,
  stream: STREAM_FIELDS,
}

const MARK: Record<PlanStep['action'], string> = {
  create: '+',
  delete: '-',
  recreate: '-/+',
  unchanged: '=',
  update: '~',
}

/** A value as a person reads it: durations and sizes with units, the rest as JSON. */
export function showValue(kind: ResourceKind, field: string, v: unknown): string {
  if (v === undefined) return '(unset)'
  const def = TABLES[kind][field]
  if (def?.type === 'duration' && typeof v === 'number') return formatNanos(v)
  if (def?.type === 'duration_ms' && typeof v === 'number') return formatDuration(v)
  if (def?.type === 'size' && typeof v === 'number') return v < 0 ? 'unlimited' : formatSize(v)
  if (def?.type === 'durations' && Array.isArray(v)) return v.map((x) => formatNanos(x as number)).join(', ')
  return JSON.stringify(v)
}

function diffLines(kind: ResourceKind, diff: FieldDiff[] | undefined, replaces: string[] = []): string[] {
  return (diff ?? []).map(
    (d) =>
      `      ${d.field}: ${showValue(kind, d.field, d.current)} → ${showValue(kind, d.field, d.desired)}${replaces.includes(d.field) ? '  (forces re-create)' : ''}`,
  )
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary
  return `${s.create} to create, ${s.update} to update, ${s.recreate} to re-create, ${s.delete} to delete, ${s.unchanged} unchanged`
}

export function renderPlan(plan: Plan): string {
  if (plan.changes === 0) return `No changes: ${plan.summary.unchanged} resource(s) match the spec.`
  const lines: string[] = ['Plan:']
  for (const s of plan.steps) {
    if (s.action === 'unchanged') continue
    lines.push(`  ${MARK[s.action].padEnd(3)} ${stepLabel(s)} (${s.action === 'recreate' ? 're-create' : s.action})`, ...diffLines(s.kind, s.diff, s.replaces))
  }

  lines.push(`Plan: ${summaryLine(plan)}.`)
  return lines.join('\n')
}

export function renderOutcome(outcome: ApplyOutcome): string {
  const lines = outcome.results
    .filter((r) => r.status !== 'unchanged')
    .map((r) => {
      const what = `${stepLabel(r)} (${r.action === 'recreate' ? 're-create' : r.action})`
      if (r.status === 'failed') return `  FAILED   ${what}: ${r.error?.message}`
      return `  ${r.status === 'applied' ? 'applied' : 'skipped'}  ${what}`
    })
  const tail = outcome.failed
    ? `Applied ${outcome.applied} change(s); 1 failed; ${outcome.skipped} not attempted.`
    : `Applied ${outcome.applied} change(s).`
  return [...lines, tail].join('\n')
}

import * as Flags from '@oclif/core/flags'

import type {ApplyOutcome, Plan, PlanStep, PlanSummary, ResourceKind, StepResult} from '../lib/apply/plan.js'

import {BaseCommand} from '../lib/base-command.js'
import {ExitCode, type ExitCodeValue, NatsxError, usageError} from '../lib/errors.js'

export interface ApplyResult {
  /** changes made (0 under --dry-run and --check) */
  applied: number
  /** steps that change something */
  changes: number
  /** the spec files read, in order */
  files: string[]
  mode: 'apply' | 'check' | 'dry-run'
  plan: PlanStep[]
  /** per step, when the plan was applied: applied, unchanged, failed or skipped (not attempted after a failure) */
  results?: StepResult[]
  /** nats-server version of the connected server */
  server_version: string
  summary: PlanSummary
}

/** `--schema` prints the JSON Schema of the spec. */
export type ApplySchemaResult = Record<string, unknown>

export default class Apply extends BaseCommand<typeof Apply> {
  static description = `The spec (YAML or JSON; files or directories) lists streams with their consumers, consumers of other streams, KV buckets (kv) and object buckets (objects). Field names are the JetStream API's, as \`stream info --json\` prints them; durations take units (max_age: 24h) and sizes too (max_bytes: 10GiB); \${VAR} and \${VAR:-default} are replaced from the environment.
The whole spec is checked first: every problem is listed with file, line and path, and nothing is changed (exit 2, or 8 when the server lacks a feature).
The plan compares the spec with the live configuration after the defaults the server fills in (its own \`_nats.*\` metadata and a stream's consumer_limits included), so an applied spec shows no changes. A field the connected server does not know is refused (exit 8) rather than sent and silently dropped. Steps run in dependency order: deletions (only with --prune), streams, consumers, buckets. When a step fails, natsx stops, reports what was applied and what was not, and exits with the step's code; running it again converges.
A change the connected server cannot make in place (a stream's storage, a consumer's deliver policy…) is refused, naming the field, unless --recreate allows deleting and re-creating that kind of resource; every other change is made in place. Deletions and re-creations need --force when there is no terminal to confirm.
Exit codes: 0 applied or nothing to do; 2 bad spec; 5 --check found changes; 8 unsupported option; others from the failing step.`
  static examples = [
    '<%= config.bin %> apply --file examples/orders.yaml',
    '<%= config.bin %> apply --file nats/ --dry-run',
    '<%= config.bin %> apply --file nats/ --check --json',
    '<%= config.bin %> apply --file nats/ --prune --force',
    '<%= config.bin %> apply --file orders.yaml --recreate consumer --force',
    '<%= config.bin %> apply --schema > natsx-spec.schema.json',
  ]
  static flags = {
    check: Flags.boolean({
      description: 'show the plan and exit 5 when anything would change, 0 when nothing would (CI drift detection)',
      exclusive: ['dry-run'],
    }),
    'dry-run': Flags.boolean({description: 'show the plan and change nothing'}),
    file: Flags.string({
      char: 'f',
      description: 'spec file or directory of *.yaml, *.yml, *.json (repeatable)',
      multiple: true,
    }),
    // -f is --file here (as in kubectl apply -f), so --force has no short form
    force: Flags.boolean({description: 'delete and re-create without asking (required when there is no terminal)'}),
    prune: Flags.boolean({
      description:
        'delete streams, durable consumers of the spec streams, and buckets that the spec does not list (never the consumers a server made to source a stream)',
    }),
    recreate: Flags.string({
      description: 'allow deleting and re-creating this kind of resource when a field cannot change in place (repeatable)',
      multiple: true,
      options: ['stream', 'consumer', 'kv', 'object', 'all'],
    }),
    schema: Flags.boolean({description: 'print the JSON Schema of the spec and exit'}),
  }
  static summary = 'Make the server match a spec: plan, apply, check drift, prune.'

  async run(): Promise<ApplyResult | ApplySchemaResult> {
    const {flags} = this
    const {specSchema} = await import('../lib/apply/fields.js')
    if (flags.schema) {
      const schema = specSchema()
      if (!this.jsonEnabled()) this.writeLine(JSON.stringify(schema, null, 2))
      return schema
    }

    if (!flags.file || flags.file.length === 0)
      throw usageError('no spec given', 'pass --file SPEC (a file or a directory), or --schema')
    const {capabilityProblems, formatProblem, loadSpec, specError} = await import('../lib/apply/spec.js')
    const {computePlan, executePlan, RESOURCE_KINDS} = await import('../lib/apply/plan.js')
    const {renderOutcome, renderPlan} = await import('../lib/apply/render.js')

    const refuse = (problems: Parameters<typeof specError>[0]): NatsxError => {
      // one problem is the error line itself; several are listed first, one a line
      if (!this.jsonEnabled() && problems.length > 1)
        for (const p of problems) process.stderr.write(`natsx: ${formatProblem(p)}\n`)
      return specError(problems)
    }

    const {problems, spec} = await loadSpec(flags.file)
    if (problems.length > 0) throw refuse(problems)
    const caps = await this.capabilities()
    const unsupported = capabilityProblems(spec, caps)
    if (unsupported.length > 0) throw refuse(unsupported)
    const recreate = new Set<ResourceKind>(
      (flags.recreate ?? []).flatMap((k) => (k === 'all' ? RESOURCE_KINDS : [k as ResourceKind])),
    )
    const jsm = await this.jsm()
    const computed = await computePlan(jsm, spec, {caps, prune: flags.prune, recreate})
    if (computed.problems.length > 0) throw refuse(computed.problems)
    const {plan} = computed
    const mode = flags.check ? 'check' : flags['dry-run'] ? 'dry-run' : 'apply'
    const result = (outcome?: ApplyOutcome): ApplyResult => ({
      applied: outcome?.applied ?? 0,
      changes: plan.changes,
      files: spec.files,
      mode,
      plan: plan.steps,
      ...(outcome ? {results: outcome.results} : {}),
      server_version: caps.version,
      summary: plan.summary,
    })

    this.say(renderPlan(plan))
    if (mode === 'check') {
      if (plan.changes === 0) return result()
      this.emit(result())
      throw new NatsxError(ExitCode.DRIFT, `the server differs from the spec: ${this.changeList(plan)}`, {
        details: {summary: plan.summary},
        hint: 'run `natsx apply` to converge',
      })
    }

    if (mode === 'dry-run' || plan.changes === 0) return result()
    const destructive = plan.steps.filter((s) => s.action === 'delete' || s.action === 'recreate')
    if (destructive.length > 0) {
      await this.confirm(
        `apply deletes ${plan.summary.delete} and re-creates ${plan.summary.recreate} resource(s), losing their data`,
        flags.force,
      )
    }

    const outcome = await executePlan(jsm, await this.js(), spec, plan, {signal: this.interrupt.signal})
    this.say('')
    this.say(renderOutcome(outcome))
    if (outcome.failed) {
      this.emit(result(outcome))
      const f = outcome.failed
      const {stepLabel} = await import('../lib/apply/plan.js')
      throw new NatsxError(
        (f.error?.code ?? ExitCode.UNEXPECTED) as ExitCodeValue,
        `apply stopped at ${stepLabel(f)} (${f.action}): ${f.error?.message}; ${outcome.applied} change(s) applied, ${outcome.skipped} not attempted`,
        {
          details: {applied: outcome.applied, failed: f, skipped: outcome.skipped},
          hint: 'fix the cause and run apply again: it continues from where it stopped',
        },
      )
    }

    return result(outcome)
  }

  private changeList(plan: Plan): string {
    const s = plan.summary
    return `${s.create} to create, ${s.update} to update, ${s.recreate} to re-create, ${s.delete} to delete`
  }

  /** Under --json, the result goes to stdout even when the command then fails (the error goes to stderr). */
  private emit(result: ApplyResult): void {
    if (this.jsonEnabled()) this.writeLine(JSON.stringify(result, null, 2))
  }
}

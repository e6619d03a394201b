/** How the service commands look to people: pure functions of their results. */
import {formatCount} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'
import {type ServiceInfoResponse, type ServiceListRow, type ServiceStatsSummary} from './micro.js'

const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)}s` : n >= 1 ? `${n.toFixed(2)}ms` : `${Math.round(n * 1000)}µs`)

export function renderServiceList(rows: ServiceListRow[]): string {
  if (rows.length === 0) return 'No services answered'
  return renderTable(
    ['NAME', 'VERSIONS', 'INSTANCES', 'ENDPOINTS', 'DESCRIPTION'],
    rows.map((r) => [r.name, r.versions.join(', '), r.instances, r.endpoints, r.description ?? '']),
    {align: ['left', 'left', 'right', 'right', 'left']},
  )
}

const meta = (m: Record<string, string> | undefined): string =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')

export function renderServiceInfo(name: string, instances: ServiceInfoResponse[]): string {
  const parts: string[] = []
  for (const i of instances) {
    parts.push(
      renderColumns([
        `Service ${name} instance ${i.id}`,
        '',
        ['Version', i.version],
        ...(i.description ? [['Description', i.description] as [string, string]] : []),
        ...(meta(i.metadata) ? [['Metadata', meta(i.metadata)] as [string, string]] : []),
        ['Endpoints', i.endpoints?.length ?? 0],
      ]),
      renderTable(
        ['ENDPOINT', 'SUBJECT', 'QUEUE GROUP', 'METADATA'],
        (i.endpoints ?? []).map((e) => [e.name, e.subject, e.queue_group ?? '', meta(e.metadata)]),
      ),
      '',
    )
  }

  parts.push(`${instances.length} instance(s) of ${name}`)
  return parts.join('\n')
}

export function renderServiceStats(s: ServiceStatsSummary): string {
  const rows = s.instances.flatMap((i) =>
    i.endpoints.map((e) => [i.id, e.name, formatCount(e.requests), e.queue_group ?? '', formatCount(e.errors), ms(e.processing_ms), ms(e.average_processing_ms)]),
  )
  const table = renderTable(['ID', 'ENDPOINT', 'REQUESTS', 'QUEUE GROUP', 'ERRORS', 'PROCESSING TIME', 'AVERAGE TIME'], rows, {
    align: ['left', 'left', 'right', 'left', 'right', 'right', 'right'],
    title: `Stats of service ${s.name} (${s.instances.length} instance(s))`,
  })
  const lastErrors = s.endpoints.filter((e) => e.last_error).map((e) => `last error on ${e.name}: ${e.last_error}`)
  return [table, '', ...lastErrors, `${formatCount(s.totals.requests)} request(s), ${formatCount(s.totals.errors)} error(s)`].join('\n')
}

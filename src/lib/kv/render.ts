/** Human renderings of KV data (pure: strings in, strings out). */
import type {KvOrigin} from './config.js'
import type {KvBucketSummary, KvEntryRecord} from './store.js'

import {formatDuration} from '../format/duration.js'
import {escapeControls as esc} from '../format/escape.js'
import {formatCount, formatSize} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** Local `YYYY-MM-DD HH:MM:SS`, as natscli shows times. */
export const localTime = (iso: string): string => {
  const d = new Date(iso)
  const p = pad2
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

const local = localTime

export const unlimited = (n: number): string => (n < 0 ? 'unlimited' : formatSize(n))

/** Rows shown only when the bucket has the setting. */
const optional = (rows: Array<[string, string | undefined]>): Array<[string, string]> => rows.filter((r): r is [string, string] => Boolean(r[1]))

const origin = (o: KvOrigin): string => (o.domain ? `${o.bucket} (domain ${o.domain})` : o.bucket)

export function renderBucketInfo(b: KvBucketSummary): string {
  return renderColumns([
    `Information for Key-Value Store Bucket ${b.bucket} created ${local(b.created)}`,
    '',
    'Configuration:',
    '',
    ['Bucket Name', b.bucket],
    ['Description', b.description || undefined],
    ['History Kept', b.history],
    ['Values Stored', formatCount(b.values)],
    ['Size', formatSize(b.size)],
    ['Maximum Bucket Size', unlimited(b.max_bucket_size)],
    ['Maximum Value Size', unlimited(b.max_value_size)],
    ['Maximum Age', b.ttl_ms ? formatDuration(b.ttl_ms) : 'unlimited'],
    ['Per-Key TTL', b.marker_ttl_ms ? formatDuration(b.marker_ttl_ms) : 'off'],
    ['Compressed', b.compression ? 'yes' : 'no'],
    ['Backing Store', `JetStream stream KV_${b.bucket} (${b.storage})`],
    ['Replicas', b.replicas],
    ...optional([
      ['Placement', b.placement && [b.placement.cluster && `cluster ${b.placement.cluster}`, b.placement.tags && `tags ${b.placement.tags.join(', ')}`].filter(Boolean).join('; ')],
      ['Mirror', b.mirror && origin(b.mirror)],
      ['Sources', b.sources?.map((s) => origin(s)).join(', ')],
      ['Republish', b.republish && `${b.republish.src} → ${b.republish.dest}${b.republish.headers_only ? ' (headers only)' : ''}`],
    ]),
    ...Object.entries(b.metadata).map(([k, v]): [string, string] => [k, v]),
  ])
}

export function renderBucketList(buckets: KvBucketSummary[]): string {
  if (buckets.length === 0) return 'No Key-Value buckets defined'
  return renderTable(
    ['Bucket', 'Description', 'Created', 'Values', 'Size', 'History', 'TTL'],
    buckets.map((b) => [b.bucket, b.description, local(b.created), formatCount(b.values), formatSize(b.size), b.history, b.ttl_ms ? formatDuration(b.ttl_ms) : 'forever']),
    {align: ['left', 'left', 'left', 'right', 'right', 'right', 'right'], title: 'Key-Value Buckets'},
  )
}

const shortValue = (e: KvEntryRecord): string => {
  if (e.operation !== 'PUT') return ''
  if (e.encoding === 'base64') return `(${e.length} bytes of binary data)`
  return e.value.length > 40 ? `${e.value.slice(0, 37)}...` : e.value
}

export function renderHistory(bucket: string, key: string, entries: KvEntryRecord[]): string {
  return renderTable(
    ['Key', 'Revision', 'Op', 'Created', 'Length', 'Value'],
    entries.map((e) => [e.key, e.revision, e.operation, local(e.created), e.length, shortValue(e)]),
    {align: ['left', 'right', 'left', 'left', 'right', 'left'], title: `History for ${bucket} > ${key}`},
  )
}

export function renderEntryHeader(e: KvEntryRecord): string {
  return esc(`${e.bucket} > ${e.key} revision: ${e.revision} created @ ${local(e.created)}`)
}

export function renderWatchLine(e: KvEntryRecord): string {
  const t = local(e.created)
  if (e.operation !== 'PUT') return `[${t}] ${e.operation} ${e.bucket} > ${esc(e.key)}`
  return `[${t}] PUT ${e.bucket} > ${esc(e.key)}: ${e.encoding === 'utf8' ? e.value : `(${e.length} bytes, base64) ${e.value}`}`
}

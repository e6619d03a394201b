/** Human renderings of Object Store data (pure). */
import type {ObjBucketSummary, ObjectRecord} from './store.js'

import {formatDuration} from '../format/duration.js'
import {formatSize} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'
import {localTime as local} from '../kv/render.js'

export function renderObjBucket(b: ObjBucketSummary & {objects?: number}): string {
  return renderColumns([
    `Information for Object Store Bucket ${b.bucket} created ${local(b.created)}`,
    '',
    ['Bucket Name', b.bucket],
    ['Description', b.description || undefined],
    ['Objects', b.objects],
    ['Size', formatSize(b.size)],
    ['Maximum Bucket Size', b.max_bucket_size < 0 ? 'unlimited' : formatSize(b.max_bucket_size)],
    ['Maximum Age', b.ttl_ms ? formatDuration(b.ttl_ms) : 'unlimited'],
    ['Sealed', b.sealed ? 'yes' : 'no'],
    ['Compressed', b.compression ? 'yes' : 'no'],
    ['Backing Store', `JetStream stream OBJ_${b.bucket} (${b.storage})`],
    ['Replicas', b.replicas],
  ])
}

export function renderObjBuckets(list: ObjBucketSummary[]): string {
  if (list.length === 0) return 'No Object Store buckets defined'
  return renderTable(
    ['Bucket', 'Description', 'Created', 'Size', 'Sealed'],
    list.map((b) => [b.bucket, b.description, local(b.created), formatSize(b.size), b.sealed ? 'yes' : 'no']),
    {align: ['left', 'left', 'left', 'right', 'left'], title: 'Object Store Buckets'},
  )
}

export function renderObjects(bucket: string, list: ObjectRecord[]): string {
  if (list.length === 0) return `Bucket ${bucket} has no objects`
  return renderTable(
    ['Name', 'Size', 'Chunks', 'Modified', 'Digest'],
    list.map((o) => [o.name, formatSize(o.size), o.chunks, local(o.modified), o.digest]),
    {align: ['left', 'right', 'right', 'left', 'left'], title: `Bucket Contents ${bucket}`},
  )
}

export function renderObject(o: ObjectRecord): string {
  return renderColumns([
    `Object information for ${o.bucket} > ${o.name}`,
    '',
    ['Size', formatSize(o.size)],
    ['Modification Time', local(o.modified)],
    ['Chunks', o.chunks],
    ['Digest', o.digest],
    ['Revision', o.revision],
    ['Description', o.description],
    ...Object.entries(o.headers ?? {}).map(([k, v]): [string, string] => [k, v.join(', ')]),
  ])
}

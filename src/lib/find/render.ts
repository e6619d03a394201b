/** Human renderings for `stream gaps` and `stream state` (pure: they return strings). */
import {formatAge} from '../format/duration.js'
import {formatCount, formatSize} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'
import {type StreamGapsResult, type StreamStateResult} from './gaps.js'

export function renderGaps(r: StreamGapsResult): string {
  if (r.gaps.length === 0) return `No deleted messages in stream ${r.stream}${r.last_seq >= r.first_seq && r.last_seq > 0 ? ` (sequences ${r.first_seq}–${r.last_seq})` : ''}`
  return renderTable(
    ['First', 'Last', 'Deleted'],
    r.gaps.map((g) => [formatCount(g.first, true), formatCount(g.last, true), formatCount(g.count)]),
    {
      align: ['right', 'right', 'right'],
      title: `${formatCount(r.gaps.length)} gap${r.gaps.length === 1 ? '' : 's'}, ${formatCount(r.deleted)} deleted message${r.deleted === 1 ? '' : 's'} in stream ${r.stream} (sequences ${r.first_seq}–${r.last_seq})`,
    },
  )
}

const at = (seq: number, ts: string | undefined): string => (ts ? `${formatCount(seq)} @ ${ts} (${formatAge(ts)})` : formatCount(seq))

export function renderState(r: StreamStateResult): string {
  return renderColumns([
    `State for Stream ${r.stream}`,
    '',
    ['Messages', formatCount(r.messages)],
    ['Bytes', formatSize(r.bytes)],
    ['First Sequence', at(r.first_seq, r.first_ts)],
    ['Last Sequence', at(r.last_seq, r.last_ts)],
    ['Deleted Messages', formatCount(r.num_deleted)],
    ['Number of Subjects', formatCount(r.num_subjects)],
    ['Active Consumers', formatCount(r.consumer_count)],
  ])
}

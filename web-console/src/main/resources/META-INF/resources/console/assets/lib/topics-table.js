// Table and formatting pieces the topic views share.
import { DataTable, fmtBytes, fmtDuration } from './ui.js';

/** A DataTable whose rows stack into label/value pairs at phone width (the "stack" table style). */
export class StackTable extends DataTable {
  render() {
    super.render();
    const table = this.el.querySelector('table');
    if (table) table.classList.add('stack');
  }
}

/** Retention as read from retention.ms and retention.bytes values (-1 meaning no limit). */
export function retentionText(ms, bytes) {
  if (ms === undefined && bytes === undefined) return '–';
  const time = ms === undefined ? null : fmtDuration(Number(ms));
  const size = bytes === undefined || Number(bytes) < 0 ? null : fmtBytes(Number(bytes));
  return [time, size && 'or ' + size].filter(Boolean).join(' ');
}

/** The offset span as a message count: an upper bound, which the label says. */
export const SPAN_HELP = 'Latest minus earliest offset, summed over partitions: an upper bound on the records held '
  + '(compaction, transaction markers and aborted records make it larger than the count).';

// Wording for what an import detected and dropped (ImportReport), for the import report panel.
import type { ImportReport } from '../api';
import { formatCount } from './format';

/** `comma` → "comma-separated"; `null` (a workbook) → "workbook (no delimiter)". */
export function delimiterLabel(delimiter: string | null): string {
  if (delimiter === null) return 'workbook (no delimiter)';
  return `${delimiter}-separated`;
}

/** `month-first` → "dates month-first (MM/DD)"; `null` → "no date column". */
export function dateOrderLabel(order: string | null): string {
  switch (order) {
    case null:
      return 'no date column';
    case 'month-first':
      return 'dates month-first (MM/DD)';
    case 'day-first':
      return 'dates day-first (DD/MM)';
    default:
      return `dates ${order}`;
  }
}

/** "Dropped before import: 6 preview/test rows and 143 unfinished rows (not in the rows read)", naming only non-zero counts. */
export function droppedRowsText(r: Pick<ImportReport, 'dropped_test_rows' | 'dropped_unfinished_rows'>): string {
  const parts: string[] = [];
  const rows = (n: number) => (n === 1 ? 'row' : 'rows');
  if (r.dropped_test_rows > 0) parts.push(`${formatCount(r.dropped_test_rows)} preview/test ${rows(r.dropped_test_rows)}`);
  if (r.dropped_unfinished_rows > 0) parts.push(`${formatCount(r.dropped_unfinished_rows)} unfinished ${rows(r.dropped_unfinished_rows)}`);
  return parts.length === 0 ? '' : `Dropped before import: ${parts.join(' and ')} (not in the rows read)`;
}

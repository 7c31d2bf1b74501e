import { describe, expect, it } from 'vitest';
import { dateOrderLabel, delimiterLabel, droppedRowsText } from './importReport';

describe('import report wording', () => {
  it('names the delimiter, or a workbook', () => {
    expect(delimiterLabel('comma')).toBe('comma-separated');
    expect(delimiterLabel('semicolon')).toBe('semicolon-separated');
    expect(delimiterLabel('tab')).toBe('tab-separated');
    expect(delimiterLabel(null)).toBe('workbook (no delimiter)');
  });

  it('names the date order with its pattern, or its absence', () => {
    expect(dateOrderLabel('month-first')).toBe('dates month-first (MM/DD)');
    expect(dateOrderLabel('day-first')).toBe('dates day-first (DD/MM)');
    expect(dateOrderLabel('year-first')).toBe('dates year-first');
    expect(dateOrderLabel(null)).toBe('no date column');
  });

  it('counts only the dropped kinds that happened', () => {
    expect(droppedRowsText({ dropped_test_rows: 0, dropped_unfinished_rows: 0 })).toBe('');
    expect(droppedRowsText({ dropped_test_rows: 1, dropped_unfinished_rows: 0 })).toBe('Dropped before import: 1 preview/test row (not in the rows read)');
    expect(droppedRowsText({ dropped_test_rows: 0, dropped_unfinished_rows: 1204 })).toBe(
      'Dropped before import: 1,204 unfinished rows (not in the rows read)',
    );
    expect(droppedRowsText({ dropped_test_rows: 2, dropped_unfinished_rows: 1 })).toBe(
      'Dropped before import: 2 preview/test rows and 1 unfinished row (not in the rows read)',
    );
  });
});

// The mock engine and fixtures that the preview and the App tests rely on: the new figures are computed from the
// rows and the counts (never typed in), and the fixtures are the engine's answers.
import { describe, expect, it } from 'vitest';
import { computeColumnValues, computeNps, countsOf, figures, mockQuery, mockRows, PLAN, QUARTER_COUNTS, REGION, tally } from './engine';
import { byQuarter, columnWarning, columnWarningSummary, importReport, overall, qualtricsReport } from './fixtures';
import type { NpsGroup, NpsQuery } from '../api';

const rows = mockRows();

function expectShares(g: Pick<NpsGroup, 'n' | 'promoters' | 'passives' | 'detractors' | 'promoters_pct' | 'passives_pct' | 'detractors_pct' | 'nps'>) {
  expect(g.promoters_pct).toBeCloseTo((100 * g.promoters) / g.n, 12);
  expect(g.passives_pct).toBeCloseTo((100 * g.passives) / g.n, 12);
  expect(g.detractors_pct).toBeCloseTo((100 * g.detractors) / g.n, 12);
  expect(g.promoters_pct + g.passives_pct + g.detractors_pct).toBeCloseTo(100, 9);
  expect(g.promoters_pct - g.detractors_pct).toBeCloseTo(g.nps, 9);
}

describe('shares in percent', () => {
  it('are each category’s share of n, unrounded', () => {
    const f = figures(countsOf(1, 1, 1), 0.95);
    expect(f.promoters_pct).toBe(100 / 3);
    expect(f.passives_pct).toBe(100 / 3);
    expect(f.detractors_pct).toBe(100 / 3);
    const g = figures(tally([10, 9, 8, 0, 0, 6, 7, 10]), 0.95);
    expect([g.promoters_pct, g.passives_pct, g.detractors_pct]).toEqual([37.5, 25, 37.5]);
    expect(g.distribution).toEqual([2, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2]);
  });

  it('are 0 for an empty group', () => {
    const f = figures(countsOf(0, 0, 0), 0.95);
    expect([f.n, f.promoters_pct, f.passives_pct, f.detractors_pct, f.nps]).toEqual([0, 0, 0, 0, 0]);
  });

  it('are filled on the total and on every group of a report', () => {
    const r = computeNps(rows, mockQuery({ by: [PLAN], per: 'quarter' }));
    expect(r.groups.length).toBeGreaterThan(8);
    for (const g of [r, ...r.groups]) expectShares(g);
  });
});

describe('an empty filter value means “left empty”', () => {
  const blanks = computeColumnValues(rows, REGION).find((v) => v.value === null)!.n;
  const n = (filters: NpsQuery['filters']) => computeNps(rows, mockQuery({ filters })).n;

  it('= "" keeps the respondents who left the column empty, != "" those who answered it', () => {
    expect(blanks).toBeGreaterThan(0);
    expect(n([{ column: REGION, value: '', negate: false }])).toBe(blanks);
    expect(n([{ column: REGION, value: '', negate: true }])).toBe(rows.length - blanks);
  });

  it('ORs with other values of the column, and != a value still keeps the blanks', () => {
    const emea = n([{ column: REGION, value: 'EMEA', negate: false }]);
    expect(n([{ column: REGION, value: 'EMEA', negate: false }, { column: REGION, value: '', negate: false }])).toBe(emea + blanks);
    expect(n([{ column: REGION, value: 'EMEA', negate: true }])).toBe(rows.length - emea);
    // A column nobody left empty: "left empty" keeps nothing.
    expect(n([{ column: PLAN, value: '', negate: false }])).toBe(0);
  });
});

describe('dashboard fixtures', () => {
  it('are the engine’s answers for the mocked rows', () => {
    expect(overall()).toEqual(computeNps(rows, mockQuery()));
    expect(byQuarter()).toEqual(computeNps(rows, mockQuery({ per: 'quarter' })));
  });

  it('have the quarterly counts the rows were made with, and consistent totals', () => {
    const q = byQuarter();
    expect(q.groups.map((g) => [g.key['period'], g.promoters, g.passives, g.detractors])).toEqual(QUARTER_COUNTS);
    const o = overall();
    expect(o.groups).toEqual([]);
    expect(o.n).toBe(q.groups.reduce((a, g) => a + g.n, 0));
    expect(o.promoters).toBe(q.groups.reduce((a, g) => a + g.promoters, 0));
    expectShares(o);
  });
});

describe('import report fixtures', () => {
  it('keep rows_read = new + updated + unchanged + skipped, whatever is overridden', () => {
    for (const r of [importReport(), importReport({ new: 5064, updated: 0, unchanged: 0, skipped: [] }), qualtricsReport()]) {
      expect(r.rows_read).toBe(r.new + r.updated + r.unchanged + r.skipped.length);
    }
  });

  it('derive the delimiter from the file and summarise each column warning in warnings, as the importer does', () => {
    expect(importReport().delimiter).toBe('comma');
    expect(importReport({ file: '/x/export.tsv' }).delimiter).toBe('tab');
    expect(importReport({ file: '/x/Export.XLSX' }).delimiter).toBeNull();
    const w = columnWarning('Q7 "Plan"', 3, '1-5', 'date');
    expect(w.message).toBe('3 value(s) such as "1-5" look like ranges or codes Excel turned into dates (6-25 → 25-Jun, 1-5 → 5-Jan); the original text is lost');
    expect(columnWarningSummary(w)).toBe(`column "Q7 \\"Plan\\"": ${w.message}`);
    const r = importReport({ column_warnings: [w], skipped: [] });
    expect(r.warnings).toEqual([columnWarningSummary(w)]);
    expect(qualtricsReport()).toMatchObject({ dropped_test_rows: 6, dropped_unfinished_rows: 143, delimiter: 'semicolon', date_order: 'day-first' });
  });
});

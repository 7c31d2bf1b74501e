import { describe, expect, it } from 'vitest';
import { buildNpsByQuarterOption, periodRange, quarterPoints, quarterTooltip } from './npsByQuarter';
import { DARK_PALETTE } from './palette';
import { EIGHT, group, report } from './fixtures.test-data';

type Series = { name: string; data: Array<number | null>; markLine?: { data: Array<{ yAxis: number }> } };

function series(option: ReturnType<typeof buildNpsByQuarterOption>): Series[] {
  return option.series as unknown as Series[];
}

describe('quarterPoints', () => {
  it('keeps the quarters in ascending order with readable labels', () => {
    const pts = quarterPoints(EIGHT);
    expect(pts.map((p) => p.label)).toEqual([
      'Q4 2024', 'Q1 2025', 'Q2 2025', 'Q3 2025', 'Q4 2025', 'Q1 2026', 'Q2 2026', 'Q3 2026',
    ]);
    expect(periodRange(pts)).toBe('Q4 2024 – Q3 2026');
  });

  it('sorts, fills gaps between quarters and drops groups without a period', () => {
    const pts = quarterPoints(report([group('2025-Q3', 5, 1, 1), group(null, 3, 3, 3), group('2025-Q1', 1, 1, 1)]));
    expect(pts.map((p) => p.period)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
    expect(pts[1]?.group).toBeNull();
    expect(pts[2]?.group?.n).toBe(7);
  });

  it('passes through period keys it does not understand', () => {
    const pts = quarterPoints(report([group('2025-07', 1, 1, 1), group('2025-08', 2, 1, 1)]));
    expect(pts.map((p) => p.label)).toEqual(['2025-07', '2025-08']);
  });
});

describe('buildNpsByQuarterOption', () => {
  it('puts the period range in the title', () => {
    const o = buildNpsByQuarterOption(EIGHT);
    const title = o.title as { text: string };
    expect(title.text).toBe('NPS by quarter · Q4 2024 – Q3 2026');
  });

  it('has one category per quarter and n under each label', () => {
    const o = buildNpsByQuarterOption(EIGHT);
    const x = o.xAxis as { data: string[]; axisLabel: { formatter: (v: string, i: number) => string } };
    expect(x.data).toHaveLength(8);
    expect(x.axisLabel.formatter('2025-Q3', 3)).toBe('{q|Q3 2025}\n{n|n = 636}');
  });

  it('draws the NPS line on top of a stacked 95 % band', () => {
    const o = buildNpsByQuarterOption(EIGHT);
    const [low, width, nps] = series(o);
    const g = EIGHT.groups;
    expect(nps?.data).toEqual(g.map((x) => x.nps));
    expect(low?.data).toEqual(g.map((x) => x.ci95[0]));
    width?.data.forEach((w, i) => expect(w).toBeCloseTo((g[i]?.ci95[1] ?? 0) - (g[i]?.ci95[0] ?? 0), 9));
  });

  it('leaves a gap for a quarter without responses', () => {
    const o = buildNpsByQuarterOption(report([group('2025-Q1', 5, 1, 1), group('2025-Q3', 1, 1, 5)]));
    const [low, width, nps] = series(o);
    expect(nps?.data[1]).toBeNull();
    expect(low?.data[1]).toBeNull();
    expect(width?.data[1]).toBeNull();
  });

  it('keeps zero and the overall reference in view, within −100..100', () => {
    const o = buildNpsByQuarterOption(EIGHT, { overallNps: 18.6 });
    const y = o.yAxis as { min: number; max: number };
    expect(y.min).toBeLessThanOrEqual(0);
    expect(y.max).toBeGreaterThanOrEqual(18.6);
    const lines = series(o)[2]?.markLine?.data ?? [];
    expect(lines.map((l) => l.yAxis)).toEqual([0, 18.6]);

    const extreme = buildNpsByQuarterOption(report([{ ...group('2025-Q1', 10, 0, 0), ci95: [80, 100] }]));
    const ey = extreme.yAxis as { min: number; max: number };
    expect(ey.max).toBe(100);
    expect(ey.min).toBe(0);
  });

  it('uses the palette it is given', () => {
    const o = buildNpsByQuarterOption(EIGHT, { palette: DARK_PALETTE });
    expect(JSON.stringify(o)).toContain(DARK_PALETTE.line);
  });

  it('builds the tooltip as DOM with n, CI and the split, never as HTML', () => {
    const [p] = quarterPoints(report([group('2025-Q1', 60, 25, 15)]));
    const el = quarterTooltip(p!);
    expect(el.querySelector('.nps-tip__title')?.textContent).toBe('Q1 2025');
    const text = el.textContent ?? '';
    expect(text).toContain('+45.0');
    expect(text).toContain('n100');
    expect(text).toContain('Promoters60.0\u202F% · 60');
    expect(el.innerHTML).not.toContain('style=');
  });

  it('escapes nothing because it never parses text as HTML', () => {
    const [p] = quarterPoints(report([group('<img src=x onerror=alert(1)>', 1, 1, 1)]));
    const el = quarterTooltip(p!);
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});

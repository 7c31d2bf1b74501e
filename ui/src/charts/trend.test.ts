// The trend chart's option and tooltip (pure functions; happy-dom for the tooltip's DOM).
import { describe, expect, it } from 'vitest';
import { buildTrendOption, lowNLegend, significanceLegend, trendPoints, trendRange, trendTooltip } from './trend';
import { DARK_PALETTE, LIGHT_PALETTE, NPS_COLORS } from './palette';
import { EIGHT, group, report } from './fixtures.test-data';
import { formatInterval } from '../lib/format';
import type { NpsGroup } from '../api';

type Item = number | null | { value: number; itemStyle: { color: string; borderColor: string; borderWidth: number }; label: { color: string } };
type Series = { name: string; type: string; data: Item[]; markLine?: { data: Array<{ yAxis: number }> } };
type Axis = { data: string[]; axisLabel: { formatter: (v: string, i: number) => string; interval: number | string } };

const series = (o: ReturnType<typeof buildTrendOption>) => o.series as unknown as Series[];
const byName = (o: ReturnType<typeof buildTrendOption>, name: string) => series(o).find((s) => s.name === name)!;
const value = (x: Item) => (x !== null && typeof x === 'object' ? x.value : x);
const sig = (g: NpsGroup, delta: number, significant: boolean): NpsGroup => ({
  ...g,
  vs_previous: { delta, z: delta / 5, p_value: significant ? 0.01 : 0.4, significant },
});

describe('trendPoints', () => {
  it('keeps the quarters in ascending order with readable labels, and names the range', () => {
    const pts = trendPoints(EIGHT);
    expect(pts.map((p) => p.label)).toEqual([
      'Q4 2024', 'Q1 2025', 'Q2 2025', 'Q3 2025', 'Q4 2025', 'Q1 2026', 'Q2 2026', 'Q3 2026',
    ]);
    expect(trendRange(pts)).toBe('Q4 2024 – Q3 2026');
    expect(trendRange(pts.slice(2, 3))).toBe('Q2 2025');
    expect(trendRange([])).toBe('');
  });

  it('sorts, fills gaps between quarters and drops groups without a period', () => {
    const pts = trendPoints(report([group('2025-Q3', 5, 1, 1), group(null, 3, 3, 3), group('2025-Q1', 1, 1, 1)]));
    expect(pts.map((p) => p.period)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
    expect(pts[1]?.group).toBeNull();
    expect(pts[1]?.label).toBe('Q2 2025');
    expect(pts[2]?.group?.n).toBe(7);
  });

  it('labels months and passes through keys it does not understand, without filling gaps', () => {
    const months = trendPoints(report([group('2025-07', 1, 1, 1), group('2025-09', 2, 1, 1)]));
    expect(months.map((p) => p.label)).toEqual(['Jul 2025', 'Sep 2025']);
    const odd = trendPoints(report([group('wave B', 1, 1, 1), group('wave A', 2, 1, 1)]));
    expect(odd.map((p) => p.label)).toEqual(['wave A', 'wave B']);
  });
});

describe('buildTrendOption', () => {
  it('puts the heading and the period range in the title, and the selection in the subtitle', () => {
    const o = buildTrendOption(EIGHT, { heading: 'NPS by quarter', context: 'Filters: Plan = Pro' });
    const title = o.title as { text: string; subtext: string };
    expect(title.text).toBe('NPS by quarter · Q4 2024 – Q3 2026');
    expect(title.subtext).toBe('Filters: Plan = Pro');
    expect((buildTrendOption(EIGHT).title as { text: string }).text).toBe('NPS over time · Q4 2024 – Q3 2026');
  });

  it('has one category per quarter and n under each label, in the small-sample style where n is low', () => {
    const x = buildTrendOption(EIGHT).xAxis as Axis;
    expect(x.data).toHaveLength(8);
    expect(x.axisLabel.interval).toBe(0);
    expect(x.axisLabel.formatter('2025-Q3', 3)).toBe('{q|Q3 2025}\n{n|n = 636}');
    const small = buildTrendOption(report([group('2025-Q1', 40, 10, 10), group('2025-Q2', 5, 3, 4), group('2025-Q4', 30, 10, 9)]));
    const sx = small.xAxis as Axis;
    expect(sx.axisLabel.formatter('2025-Q2', 1)).toBe('{q|Q2 2025}\n{low|n = 12}');
    expect(sx.axisLabel.formatter('2025-Q3', 2)).toBe('{q|Q3 2025}\n{n|no responses}');
  });

  it('shows only the period on a dense axis', () => {
    const months = Array.from({ length: 14 }, (_, i) => group(`${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, 20, 10, 10));
    const x = buildTrendOption(report(months)).xAxis as Axis;
    expect(x.data).toHaveLength(14);
    expect(x.axisLabel.interval).toBe('auto');
    expect(x.axisLabel.formatter('2025-03', 2)).toBe('{q|Mar 2025}');
    expect(x.axisLabel.formatter('2026-02', 13)).toBe('{q|Feb 2026}');
  });

  it('draws the NPS line on top of a stacked band of the interval at the report’s level', () => {
    const o = buildTrendOption(EIGHT);
    const [low, width, nps] = series(o);
    const g = EIGHT.groups;
    expect(nps?.data).toEqual(g.map((x) => x.nps));
    expect(low?.data).toEqual(g.map((x) => x.ci[0]));
    width?.data.forEach((w, i) => expect(w).toBeCloseTo((g[i]?.ci[1] ?? 0) - (g[i]?.ci[0] ?? 0), 9));
    expect(width?.name).toBe('95 % confidence interval');

    // At 80 % the band is the (narrower) 80 % interval, not the 95 % one.
    const r80 = report([group('2025-Q1', 60, 25, 15, 0.8), group('2025-Q2', 50, 30, 20, 0.8)], 0.8);
    const [low80, width80] = series(buildTrendOption(r80));
    expect(width80?.name).toBe('80 % confidence interval');
    expect(low80?.data).toEqual(r80.groups.map((x) => x.ci[0]));
    r80.groups.forEach((x, i) => {
      expect(x.ci[0]).toBeGreaterThan(x.ci95[0]);
      expect(width80?.data[i]).toBeCloseTo(x.ci[1] - x.ci[0], 9);
      expect(width80?.data[i]).toBeLessThan(x.ci95[1] - x.ci95[0]);
    });
  });

  it('leaves a gap for a quarter without responses', () => {
    const o = buildTrendOption(report([group('2025-Q1', 5, 1, 1), group('2025-Q3', 1, 1, 5)]));
    const [low, width, nps] = series(o);
    expect(nps?.data[1]).toBeNull();
    expect(low?.data[1]).toBeNull();
    expect(width?.data[1]).toBeNull();
  });

  it('keeps zero and the overall reference in view, within −100..100', () => {
    const o = buildTrendOption(EIGHT, { overallNps: 18.6 });
    const y = o.yAxis as { min: number; max: number };
    expect(y.min).toBeLessThanOrEqual(0);
    expect(y.max).toBeGreaterThanOrEqual(18.6);
    const lines = series(o)[2]?.markLine?.data ?? [];
    expect(lines.map((l) => l.yAxis)).toEqual([0, 18.6]);
    expect(series(buildTrendOption(EIGHT))[2]?.markLine?.data.map((l) => l.yAxis)).toEqual([0]);

    const extreme = buildTrendOption(report([{ ...group('2025-Q1', 40, 0, 0), ci: [80, 100] }]));
    const ey = extreme.yAxis as { min: number; max: number };
    expect(ey.max).toBe(100);
    expect(ey.min).toBe(0);
  });

  it('uses the palette it is given', () => {
    expect(JSON.stringify(buildTrendOption(EIGHT, { palette: DARK_PALETTE }))).toContain(DARK_PALETTE.line);
    expect(JSON.stringify(buildTrendOption(EIGHT, { palette: DARK_PALETTE }))).not.toContain(LIGHT_PALETTE.line);
  });

  it('draws small-sample points hollow and grey, in their own legend entry', () => {
    const r = report([group('2025-Q1', 40, 10, 10), group('2025-Q2', 5, 3, 4), group('2025-Q3', 30, 10, 9)]);
    const o = buildTrendOption(r);
    const line = byName(o, 'NPS').data;
    expect(line[0]).toBe(r.groups[0]!.nps);
    const hollow = line[1] as Exclude<Item, number | null>;
    expect(hollow.value).toBe(r.groups[1]!.nps);
    expect(hollow.itemStyle).toEqual({ color: LIGHT_PALETTE.surface, borderColor: LIGHT_PALETTE.lowN, borderWidth: 2 });
    expect(hollow.label.color).toBe(LIGHT_PALETTE.textMuted);
    expect(byName(o, lowNLegend(30)).data).toEqual([null, r.groups[1]!.nps, null]);
    const legend = (o.legend as { data: Array<{ name: string }> }).data.map((d) => d.name);
    expect(legend).toContain('Small sample (n < 30): read with care');
  });

  it('marks significant rises ▲ and falls ▼ vs the previous period, and only those', () => {
    const [a, b, c, d] = [group('2025-Q1', 40, 10, 10), group('2025-Q2', 60, 10, 10), group('2025-Q3', 30, 10, 40), group('2025-Q4', 32, 10, 38)];
    const r = report([a!, sig(b!, 20, true), sig(c!, -40, true), sig(d!, 2, false)]);
    const o = buildTrendOption(r);
    expect(byName(o, significanceLegend(0.95)).data.map(value)).toEqual([null, r.groups[1]!.nps, null, null]);
    expect(byName(o, `${significanceLegend(0.95)} (fall)`).data.map(value)).toEqual([null, null, r.groups[2]!.nps, null]);
    expect(JSON.stringify(o)).toContain(NPS_COLORS.promoters);
    expect(significanceLegend(0.9)).toBe('▲▼ significant change vs the previous period at 90 %');
  });
});

describe('trendTooltip', () => {
  it('is built as DOM with NPS, the interval, n and the split, never as HTML', () => {
    const [p] = trendPoints(report([group('2025-Q1', 60, 25, 15)]));
    const el = trendTooltip(p!, 0.95, 30);
    expect(el.querySelector('.nps-tip__title')?.textContent).toBe('Q1 2025');
    const text = el.textContent ?? '';
    expect(text).toContain('NPS+45.0');
    expect(text).toContain(`95 % CI${formatInterval(p!.group!.ci)}`);
    expect(text).toContain('n100');
    expect(text).toContain('Promoters60.0\u202F% · 60');
    expect(text).toContain('Detractors15.0\u202F% · 15');
    expect(text).toContain('No previous period to compare with');
    expect(el.innerHTML).not.toContain('style=');
  });

  it('escapes nothing because it never parses text as HTML', () => {
    const [p] = trendPoints(report([group('<img src=x onerror=alert(1)>', 1, 1, 1)]));
    const el = trendTooltip(p!, 0.95, 30);
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('says when a point has no responses, is a small sample, or is a rolling window', () => {
    const pts = trendPoints(report([group('2025-Q1', 5, 1, 1), group('2025-Q3', 40, 10, 10)]));
    expect(trendTooltip(pts[1]!, 0.95, 30).textContent).toBe('Q2 2025No responses in this period');
    expect(trendTooltip(pts[0]!, 0.95, 30).textContent).toContain('Small sample (n < 30): read with care');
    expect(trendTooltip(pts[2]!, 0.95, 30).textContent).not.toContain('Small sample');
    const rolling = { ...group('2025-09-30', 40, 10, 10), window: { from: '2025-07-03', to: '2025-09-30' } };
    const [w] = trendPoints(report([rolling]));
    expect(w!.label).toBe('30 Sep 2025');
    expect(trendTooltip(w!, 0.9, 30).querySelector('.nps-tip__title')?.textContent).toBe('3 Jul 2025 – 30 Sep 2025');
    expect(trendTooltip(w!, 0.9, 30).textContent).toContain('90 % CI');
  });
});

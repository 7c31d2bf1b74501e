// @vitest-environment node
// The trend, segment and heat-map options rendered with ECharts' server-side SVG renderer, on reports the mock
// engine computes from rows (so low-n groups and significant changes are real, not typed in).
import { describe, expect, it } from 'vitest';
import { echarts, type EChartsOption } from './echarts';
import { buildTrendOption, trendPoints, significanceLegend, lowNLegend } from './trend';
import { buildSegmentOption, segmentBars, SEGMENT_SERIES, niceExtent } from './segments';
import { buildHeatmapOption, heatGrid } from './heatmap';
import { LIGHT_PALETTE, NPS_COLORS } from './palette';
import { computeNps, mockRows, PLAN, REGION } from '../mock/engine';
import { queryFor, DEFAULT_CONTROLS, type Controls } from '../lib/analysis.svelte';

function render(option: EChartsOption, width = 1000, height = 420): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const controls = (patch: Partial<Controls> = {}): Controls => ({ ...DEFAULT_CONTROLS, ...patch });
const rows = mockRows();
const count = (svg: string, s: string) => svg.split(s).length - 1;

describe('trend chart', () => {
  const quarterly = computeNps(rows, queryFor(controls(), [], 'trend'));
  const svg = render(buildTrendOption(quarterly, { animation: false, heading: 'NPS by quarter', context: 'All responses', overallNps: 18.6 }));

  it('titles the period range and the selection, and labels every quarter with its n', () => {
    expect(svg).toContain('NPS by quarter · Q4 2024 – Q3 2026');
    expect(svg).toContain('All responses');
    for (const q of ['Q4 2024', 'Q1 2025', 'Q3 2026']) expect(svg).toContain(`>${q}<`);
    expect(svg).toContain('n = 707');
  });

  it('marks significant changes vs the previous period and says so in the legend', () => {
    const sig = quarterly.groups.filter((g) => g.vs_previous?.significant);
    expect(sig.length).toBeGreaterThan(0); // Q1 2026 fell, Q2 2026 rose
    expect(svg).toContain(significanceLegend(0.95));
    expect(svg).toContain('significant change vs the previous period at 95 %');
    const option = buildTrendOption(quarterly, { animation: false });
    const series = option.series as Array<{ name: string; data: Array<number | null> }>;
    const up = series.find((s) => s.name === significanceLegend(0.95))!;
    const down = series.find((s) => s.name === `${significanceLegend(0.95)} (fall)`)!;
    const marked = up.data.filter((v) => v !== null).length + down.data.filter((v) => v !== null).length;
    expect(marked).toBe(sig.length);
    expect(svg).toContain(NPS_COLORS.promoters);
    expect(svg).toContain(NPS_COLORS.detractors);
  });

  it('draws small-sample points hollow and grey, explained in the legend', () => {
    const latam = computeNps(rows, queryFor(controls({ per: 'month', filters: [{ column: REGION, value: 'LATAM', negate: false }] }), [], 'trend'));
    const low = latam.groups.filter((g) => g.low_n);
    expect(low.length).toBeGreaterThan(0);
    const s = render(buildTrendOption(latam, { animation: false, heading: 'NPS by month' }));
    expect(s).toContain(lowNLegend(30).replace('<', '&lt;'));
    // Hollow: surface fill with the low-n stroke, once per low point at least.
    expect(count(s, `stroke="${LIGHT_PALETTE.lowN}"`)).toBeGreaterThanOrEqual(low.length);
    expect(s).toContain('NPS by month · Oct 2024 – Sep 2026');
  });

  it('labels rolling points by their end date, and level changes the legend', () => {
    const r = computeNps(rows, queryFor(controls({ rolling: { days: 90, step: 'month' }, level: 0.9 }), [], 'trend'));
    expect(r.groups.every((g) => g.window !== null)).toBe(true);
    const pts = trendPoints(r);
    expect(pts[0]!.label).toBe('31 Oct 2024');
    const s = render(buildTrendOption(r, { animation: false, heading: 'NPS · rolling 90 days, monthly' }));
    expect(s).toContain('90 % confidence interval');
    expect(s).toContain('at 90 %');
  });
});

describe('segment comparison', () => {
  const report = computeNps(rows, queryFor(controls(), [PLAN], 'none'));
  const svg = render(buildSegmentOption(report, { column: PLAN, animation: false, context: 'All responses' }));

  it('orders bars by NPS and measures them from the total', () => {
    const bars = segmentBars(report, PLAN);
    expect(bars.map((b) => b.label)).toEqual(['Enterprise', 'Pro', 'Starter', 'Free']);
    for (const b of bars) expect(b.rel).toBeCloseTo(b.group.nps - report.nps, 12);
    expect(svg).toContain(`NPS by ${PLAN} · relative to the total +18.6`);
    for (const l of ['Enterprise', 'Pro', 'Starter', 'Free']) expect(svg).toContain(`>${l}<`);
    expect(svg).toContain('>total<');
  });

  it('labels NPS and n at each bar, and the legend names significance and small samples', () => {
    const ent = report.groups.find((g) => g.key[PLAN] === 'Enterprise')!;
    expect(svg).toContain(`n = ${ent.n.toLocaleString('en-US')}`);
    expect(svg).toContain(SEGMENT_SERIES.above);
    expect(svg).toContain(SEGMENT_SERIES.below);
    expect(svg).toContain('Small sample (n &lt; 30)');
    expect(svg).toContain('95 % CI (whiskers)');
  });

  it('greys small-sample bars with a dashed outline', () => {
    const small = computeNps(rows, queryFor(controls({ from: '2026-07-01', filters: [{ column: REGION, value: 'LATAM', negate: false }] }), [PLAN], 'none'));
    const low = small.groups.filter((g) => g.low_n);
    expect(low.length).toBeGreaterThan(0);
    expect(segmentBars(small, PLAN).filter((b) => b.kind === 'low')).toHaveLength(low.length);
    const s = render(buildSegmentOption(small, { column: PLAN, animation: false }));
    expect(s).toMatch(new RegExp(`stroke="${LIGHT_PALETTE.lowN}"[^>]*stroke-dasharray|stroke-dasharray[^>]*stroke="${LIGHT_PALETTE.lowN}"`));
  });

  it('keeps a symmetric round axis', () => {
    expect(niceExtent(33)).toEqual([40, 10]);
    expect(niceExtent(61)).toEqual([80, 20]);
  });
});

describe('segment × period heat map', () => {
  const report = computeNps(rows, queryFor(controls(), [REGION], 'per'));
  const svg = render(buildHeatmapOption(report, { rows: REGION, columns: 'period', animation: false }), 1000, 360);

  it('has a row per segment and a column per period, with NPS in the cells', () => {
    const g = heatGrid(report, REGION, 'period');
    expect(g.rows[0]).toBe('EMEA');
    expect(g.rows).toContain('(no answer)');
    expect(g.columnLabels[0]).toBe('Q4 2024');
    expect(g.cells).toHaveLength(report.groups.length);
    expect(svg).toContain('>Q3 2026<');
    expect(svg).toContain('>EMEA<');
    expect(svg).toContain(`NPS by ${REGION} × period`);
  });

  it('marks small-sample cells grey and dashed, with a legend entry', () => {
    const low = report.groups.filter((g) => g.low_n);
    expect(low.length).toBeGreaterThan(0); // "(no answer)" per quarter
    expect(svg).toContain('Grey, dashed: n &lt; 30, read with care');
    expect(count(svg, `stroke="${LIGHT_PALETTE.lowN}"`)).toBeGreaterThanOrEqual(low.length);
  });

  it('crosses two columns when a second segment is picked', () => {
    const two = computeNps(rows, queryFor(controls({ segments: [REGION, PLAN] }), [REGION, PLAN], 'none'));
    const s = render(buildHeatmapOption(two, { rows: REGION, columns: PLAN, animation: false }));
    expect(s).toContain(`NPS by ${REGION} × ${PLAN}`);
    expect(s).toContain('>Enterprise<');
  });
});

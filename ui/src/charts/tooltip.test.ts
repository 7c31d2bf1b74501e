// The pieces the charts share (tooltip frame, small-sample styling and note) and that they really share them.
import { describe, expect, it } from 'vitest';
import { comparisonText, lowNItemStyle, lowNNote, tooltipFrame } from './tooltip';
import { buildHeatmapOption } from './heatmap';
import { buildSegmentOption, segmentBars, segmentTooltip } from './segments';
import { buildTrendOption, lowNLegend } from './trend';
import { DARK_PALETTE, LIGHT_PALETTE } from './palette';
import { computeNps, mockQuery, mockRows, PLAN, REGION } from '../mock/engine';

const rows = mockRows();
const latam = [{ column: REGION, value: 'LATAM', negate: false }];
const segReport = computeNps(rows, mockQuery({ by: [PLAN], from: '2026-07-01', filters: latam }));
const heatReport = computeNps(rows, mockQuery({ by: [REGION], per: 'quarter' }));

type Tip = Record<string, unknown> & { formatter?: unknown };
const frameOf = (t: unknown) => {
  const { formatter, ...rest } = t as Tip;
  expect(typeof formatter).toBe('function');
  return rest;
};

describe('shared tooltip frame and small-sample style', () => {
  it('is the same frame in the segment, heat-map and trend charts, in either palette', () => {
    for (const palette of [LIGHT_PALETTE, DARK_PALETTE]) {
      expect(tooltipFrame(palette, 'item')).toEqual({
        trigger: 'item',
        className: 'nps-tooltip',
        backgroundColor: palette.tooltipBg,
        borderColor: palette.tooltipBorder,
        borderWidth: 1,
        padding: [10, 12],
        textStyle: { fontFamily: palette.fontFamily, fontSize: 13, color: palette.text },
      });
      expect(frameOf(buildSegmentOption(segReport, { column: PLAN, palette }).tooltip)).toEqual(tooltipFrame(palette, 'item'));
      expect(frameOf(buildHeatmapOption(heatReport, { rows: REGION, columns: 'period', palette }).tooltip)).toEqual(tooltipFrame(palette, 'item'));
      const { axisPointer, ...trend } = frameOf(buildTrendOption(heatReport, { palette }).tooltip);
      expect(trend).toEqual(tooltipFrame(palette, 'axis'));
      expect(axisPointer).toEqual({ type: 'line', lineStyle: { color: palette.axis, width: 1 } });
    }
  });

  it('draws small-sample bars and cells with the same dashed low-n outline', () => {
    expect(lowNItemStyle(LIGHT_PALETTE)).toEqual({ color: '#ffffff', borderColor: LIGHT_PALETTE.lowN, borderWidth: 1.5, borderType: 'dashed' });
    const seg = (buildSegmentOption(segReport, { column: PLAN }).series as Array<{ name: string; itemStyle: unknown }>)
      .find((s) => s.name === 'Small sample (n < 30)')!;
    expect(seg.itemStyle).toEqual(lowNItemStyle(LIGHT_PALETTE));
    const heat = (buildHeatmapOption(heatReport, { rows: REGION, columns: 'period', palette: DARK_PALETTE }).series as Array<{ itemStyle: unknown }>)[1]!;
    expect(heat.itemStyle).toEqual({ ...lowNItemStyle(DARK_PALETTE), borderRadius: 3 });
  });

  it('writes the same small-sample note in every tooltip and legend', () => {
    expect(lowNNote(30)).toBe('Small sample (n < 30): read with care');
    expect(lowNLegend(25)).toBe(lowNNote(25));
    const low = segmentBars(segReport, PLAN).find((b) => b.group.low_n)!;
    expect(segmentTooltip(low, segReport).textContent).toContain(lowNNote(30));
    const heatTip = (buildHeatmapOption(heatReport, { rows: REGION, columns: 'period' }).tooltip as { formatter: (p: unknown) => HTMLElement }).formatter;
    expect(heatTip({ seriesIndex: 1, dataIndex: 0 }).textContent).toContain(lowNNote(30)); // series 1: the small cells
    expect(heatTip({ seriesIndex: 0, dataIndex: 0 }).textContent).not.toContain('Small sample');
    const ok = segmentBars(computeNps(rows, mockQuery({ by: [PLAN] })), PLAN)[0]!;
    expect(segmentTooltip(ok, segReport).textContent).not.toContain('Small sample');
  });

  it('says plainly when there is nothing to compare with', () => {
    expect(comparisonText(null, 'the previous period')).toBe('No previous period to compare with');
    expect(comparisonText({ delta: -4.25, z: -2.1, p_value: 0.0357, significant: true }, 'the total')).toBe(
      '▼ \u22124.3 vs the total · significant (p = 0.036)',
    );
  });
});

// Segment comparison: each segment's NPS relative to the total as horizontal bars diverging around zero,
// with CI whiskers, significance vs the total, and small samples greyed. Pure: report in, option out.
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from 'echarts';
import type { NpsGroup, NpsReport } from '../api';
import type { EChartsOption } from './echarts';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from './palette';
import { formatCount, formatNps } from '../lib/format';
import { comparisonText, firstDataIndex, groupRows, levelLabel, lowNItemStyle, lowNNote, tipElement, tooltipFrame } from './tooltip';

export const NO_ANSWER = '(no answer)';

export type SegmentBar = {
  label: string;
  group: NpsGroup;
  /** NPS minus the total's NPS, in points. */
  rel: number;
  kind: 'above' | 'below' | 'same' | 'low';
};

export type SegmentOptions = {
  palette?: ChartPalette;
  column: string;
  context?: string;
  animation?: boolean;
};

export function segmentLabel(v: string | null | undefined): string {
  return v === null || v === undefined || v === '' ? NO_ANSWER : v;
}

/** The groups of a one-column report, best NPS first. */
export function segmentBars(report: NpsReport, column: string): SegmentBar[] {
  return report.groups
    .map((g): SegmentBar => {
      const sig = g.vs_total?.significant === true;
      const kind = g.low_n ? 'low' : sig ? (g.nps > report.nps ? 'above' : 'below') : 'same';
      return { label: segmentLabel(g.key[column]), group: g, rel: g.nps - report.nps, kind };
    })
    .sort((a, b) => b.group.nps - a.group.nps || b.group.n - a.group.n);
}

export const SEGMENT_SERIES = {
  above: 'Above the total (significant)',
  below: 'Below the total (significant)',
  same: 'Not significantly different',
} as const;

export function segmentLowLegend(threshold: number): string {
  return `Small sample (n < ${threshold})`;
}

export function overlapNote(level: number): string {
  return `Tested at ${levelLabel(level)} against the total, which includes the segment (a conservative test)`;
}

export function segmentTooltip(bar: SegmentBar, report: NpsReport, doc: Document = document): HTMLElement {
  const notes = [comparisonText(bar.group.vs_total, `the total (${formatNps(report.nps)})`), 'The total includes this segment: the test is conservative'];
  if (bar.group.low_n) notes.push(lowNNote(report.low_n_threshold));
  return tipElement(bar.label, [...groupRows(bar.group, report.level), { key: 'Share', value: `${Math.round(bar.group.share * 1000) / 10} %` }], notes, doc);
}

/** A symmetric axis bound on a round step (at most 4 steps each side). */
export function niceExtent(reach: number): [number, number] {
  for (const step of [5, 10, 20, 25, 50]) {
    const ext = Math.ceil(reach / step) * step;
    if (ext / step <= 4) return [Math.min(200, ext), step];
  }
  return [200, 50];
}

export function segmentChartHeight(bars: number): number {
  return 136 + Math.max(2, bars) * 36;
}

export function buildSegmentOption(report: NpsReport, options: SegmentOptions): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const font = palette.fontFamily;
  const bars = segmentBars(report, options.column);
  const level = report.level;
  const lowName = segmentLowLegend(report.low_n_threshold);
  const ciName = `${levelLabel(level)} CI (whiskers)`;
  let reach = 10;
  for (const b of bars) reach = Math.max(reach, Math.abs(b.group.ci[0] - report.nps), Math.abs(b.group.ci[1] - report.nps));
  // Room for the value labels beyond the whiskers, on a round step.
  const [extent, step] = niceExtent(reach * 1.35 + 6);

  const colours = { above: NPS_COLORS.promoters, below: NPS_COLORS.detractors, same: palette.neutral, low: palette.lowN };
  const series = (kind: SegmentBar['kind'], name: string) => ({
    name,
    type: 'bar' as const,
    stack: 'segments',
    barWidth: 18,
    data: bars.map((b) => (b.kind === kind ? b.rel : null)),
    itemStyle:
      kind === 'low'
        ? lowNItemStyle(palette)
        : { color: colours[kind], borderRadius: 2 },
    emphasis: { focus: 'none' as const },
    z: 2,
  });

  return {
    animation: options.animation ?? true,
    animationDuration: 350,
    textStyle: { fontFamily: font, color: palette.text },
    title: {
      text: `NPS by ${options.column} · relative to the total ${formatNps(report.nps)}`,
      subtext: options.context ?? '',
      left: 8,
      top: 2,
      itemGap: 6,
      textStyle: { fontFamily: font, fontSize: 17, fontWeight: 600, color: palette.text, width: 1000, overflow: 'truncate' },
      subtextStyle: { fontFamily: font, fontSize: 13, color: palette.textMuted, width: 900, overflow: 'truncate' },
    },
    legend: {
      top: 50,
      left: 4,
      itemGap: 18,
      itemWidth: 14,
      itemHeight: 10,
      selectedMode: false,
      textStyle: { fontFamily: font, fontSize: 12, color: palette.textMuted },
      data: [
        SEGMENT_SERIES.above,
        SEGMENT_SERIES.below,
        SEGMENT_SERIES.same,
        lowName,
        { name: ciName, icon: 'path://M0,5H20M0,0V10M20,0V10', itemStyle: { color: palette.text } },
      ],
    },
    grid: { left: 8, right: 28, top: 88, bottom: 28 },
    tooltip: {
      ...tooltipFrame(palette, 'item'),
      formatter: (params: unknown) => {
        const i = firstDataIndex(params);
        const bar = i === null ? undefined : bars[i];
        if (!bar || typeof document === 'undefined') return '';
        return segmentTooltip(bar, report);
      },
    },
    xAxis: {
      type: 'value',
      min: -extent,
      max: extent,
      interval: step,
      axisLabel: {
        fontFamily: font,
        fontSize: 12,
        color: palette.textMuted,
        formatter: (v: number) => (v === 0 ? 'total' : formatNps(v, 0)),
      },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.label),
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: {
        fontFamily: font,
        fontSize: 13,
        color: palette.text,
        width: 220,
        overflow: 'truncate',
        formatter: (v: string, i: number) => (bars[i]?.group.low_n ? `{low|${v}}` : v),
        rich: { low: { fontFamily: font, fontSize: 13, color: palette.textMuted, fontStyle: 'italic' } },
      },
    },
    series: [
      series('above', SEGMENT_SERIES.above),
      series('below', SEGMENT_SERIES.below),
      series('same', SEGMENT_SERIES.same),
      series('low', lowName),
      {
        name: ciName,
        type: 'custom',
        data: bars.map((b, i) => [i, b.group.ci[0] - report.nps, b.group.ci[1] - report.nps]),
        itemStyle: { color: palette.text },
        silent: true,
        tooltip: { show: false },
        z: 3,
        renderItem: (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
          const y = api.value(0) as number;
          const lo = api.coord([api.value(1), y]);
          const hi = api.coord([api.value(2), y]);
          const cap = 5;
          const style = { stroke: palette.text, lineWidth: 1.25, opacity: 0.75 };
          const bar = bars[y];
          const right = (bar?.rel ?? 0) >= 0;
          const text = bar ? `${formatNps(bar.group.nps)}  ·  n = ${formatCount(bar.group.n)}` : '';
          return {
            type: 'group',
            children: [
              {
                type: 'text',
                x: right ? hi[0]! + 10 : lo[0]! - 10,
                y: lo[1]!,
                style: {
                  text,
                  fill: bar?.group.low_n ? palette.textMuted : palette.text,
                  font: `${bar?.group.low_n ? 'italic ' : ''}12px ${font}`,
                  align: right ? 'left' : 'right',
                  verticalAlign: 'middle',
                },
              },
              { type: 'line', shape: { x1: lo[0]!, y1: lo[1]!, x2: hi[0]!, y2: hi[1]! }, style },
              { type: 'line', shape: { x1: lo[0]!, y1: lo[1]! - cap, x2: lo[0]!, y2: lo[1]! + cap }, style },
              { type: 'line', shape: { x1: hi[0]!, y1: hi[1]! - cap, x2: hi[0]!, y2: hi[1]! + cap }, style },
            ],
          };
        },
        encode: { x: [1, 2], y: 0 },
      },
    ],
  };
}

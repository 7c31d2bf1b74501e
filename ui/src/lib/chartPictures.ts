// Charts as pictures (SVG), drawn by the same option builders as the window, at a fixed deck size and in the
// light palette whatever the window's theme: for picture slides of the deck.
import { echarts, type EChartsOption } from '../charts/echarts';
import { buildTrendOption } from '../charts/trend';
import { buildSegmentOption } from '../charts/segments';
import { buildHeatmapOption } from '../charts/heatmap';
import { buildThemesOption } from '../charts/themes';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from '../charts/palette';
import { describeSelection, trendHeading } from './analysis.svelte';
import type { ChartSlide, DeckInput, PictureRenderer } from './deck';
import type { NpsReport } from '../api';

/**
 * Light colours, and a font list without double quotes: ECharts writes it into a double-quoted `style`
 * attribute, and a stand-alone SVG (an <img>, a deck picture, a saved file) must be well-formed XML.
 */
export const PICTURE_PALETTE: ChartPalette = { ...LIGHT_PALETTE, fontFamily: "'Segoe UI', 'Helvetica Neue', Arial, sans-serif" };

/** An ECharts option rendered to an SVG string (server-side rendering: no DOM, no animation). */
export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, backgroundColor: option.backgroundColor ?? '#ffffff' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The 100 % bar of promoters, passives and detractors (in the window it is HTML, not a chart). */
export function splitOption(o: NpsReport): EChartsOption {
  const bar = (name: string, value: number, color: string) => ({
    name,
    type: 'bar' as const,
    stack: 'all',
    data: [Math.round(value * 10) / 10],
    itemStyle: { color },
    label: { show: true, formatter: '{c} %', color: '#ffffff', fontSize: 16, fontWeight: 'bold' as const },
    barWidth: 90,
  });
  return {
    textStyle: { fontFamily: PICTURE_PALETTE.fontFamily },
    legend: { bottom: 0, textStyle: { color: LIGHT_PALETTE.text, fontSize: 14 } },
    grid: { left: 130, right: 30, top: 20, bottom: 70 },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %', color: LIGHT_PALETTE.textMuted } },
    yAxis: { type: 'category', data: ['All responses'], axisLabel: { color: LIGHT_PALETTE.text, fontSize: 14 } },
    series: [
      bar('Promoters', o.promoters_pct, NPS_COLORS.promoters),
      bar('Passives', o.passives_pct, NPS_COLORS.passives),
      bar('Detractors', o.detractors_pct, NPS_COLORS.detractors),
    ],
  };
}

/** What the deck's picture slides show, for this selection. */
export function pictureRenderer(input: DeckInput): PictureRenderer {
  const context = describeSelection(input.controls);
  const palette = PICTURE_PALETTE;
  return (kind: ChartSlide, width: number, height: number) => {
    let option: EChartsOption | null = null;
    if (kind === 'trend' && input.trend) {
      option = buildTrendOption(input.trend, { palette, heading: trendHeading(input.controls), context, overallNps: input.overall.nps, animation: false });
    } else if (kind === 'split') {
      option = splitOption(input.overall);
    } else if (kind === 'segments' && input.segments && input.segmentColumn) {
      option = buildSegmentOption(input.segments, { palette, column: input.segmentColumn, context, animation: false });
    } else if (kind === 'themes' && input.themes) {
      option = buildThemesOption(input.themes, { palette, animation: false });
    } else if (kind === 'heatmap' && input.grid && input.segmentColumn) {
      option = buildHeatmapOption(input.grid, { palette, rows: input.segmentColumn, columns: input.controls.segments[1] ?? 'period', context, animation: false });
    }
    return option ? renderSvg(option, width, height) : null;
  };
}

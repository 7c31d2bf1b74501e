// Segment × period (or segment × segment) heat map: colour = NPS on a diverging scale centred on 0,
// n and CI in the tooltip, small-sample cells grey with a dashed border. Pure: report in, option out.
import type { NpsGroup, NpsReport } from '../api';
import type { EChartsOption } from './echarts';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from './palette';
import { formatNps, formatPeriod } from '../lib/format';
import { comparisonText, groupRows, lowNItemStyle, lowNNote, tipElement, tooltipFrame } from './tooltip';
import { segmentLabel } from './segments';

export type HeatCell = { x: number; y: number; group: NpsGroup };

export type HeatmapOptions = {
  palette?: ChartPalette;
  /** The row column. */
  rows: string;
  /** The column column, or "period". */
  columns: string;
  context?: string;
  animation?: boolean;
};

export type HeatGrid = { rows: string[]; columns: string[]; columnLabels: string[]; cells: HeatCell[] };

/** Rows by total n (largest first); periods in time order, other columns by n. */
export function heatGrid(report: NpsReport, rows: string, columns: string): HeatGrid {
  const rowN = new Map<string, number>();
  const colN = new Map<string, number>();
  const colKey = (g: NpsGroup) => (columns === 'period' ? String(g.key['period'] ?? '') : segmentLabel(g.key[columns]));
  for (const g of report.groups) {
    const r = segmentLabel(g.key[rows]);
    rowN.set(r, (rowN.get(r) ?? 0) + g.n);
    colN.set(colKey(g), (colN.get(colKey(g)) ?? 0) + g.n);
  }
  const rowList = [...rowN.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const colList =
    columns === 'period'
      ? [...colN.keys()].sort()
      : [...colN.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const ri = new Map(rowList.map((r, i) => [r, i]));
  const ci = new Map(colList.map((c, i) => [c, i]));
  const cells = report.groups.map((g) => ({ x: ci.get(colKey(g))!, y: ri.get(segmentLabel(g.key[rows]))!, group: g }));
  return {
    rows: rowList,
    columns: colList,
    columnLabels: colList.map((c) => (columns === 'period' ? formatPeriod(c) : c)),
    cells,
  };
}

export function heatLowLegend(threshold: number): string {
  return `Grey, dashed: n < ${threshold}, read with care`;
}

export function heatmapHeight(rows: number): number {
  return 150 + Math.max(2, rows) * 36;
}

export function buildHeatmapOption(report: NpsReport, options: HeatmapOptions): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const font = palette.fontFamily;
  const grid = heatGrid(report, options.rows, options.columns);
  let extent = 20;
  for (const c of grid.cells) if (!c.group.low_n) extent = Math.max(extent, Math.abs(c.group.nps));
  extent = Math.min(100, Math.ceil(extent / 10) * 10);
  const regular = grid.cells.filter((c) => !c.group.low_n);
  const low = grid.cells.filter((c) => c.group.low_n);
  const colTitle = options.columns === 'period' ? 'period' : options.columns;
  const lowName = heatLowLegend(report.low_n_threshold);
  const cellLabel = (c: HeatCell | undefined) => (c ? formatNps(c.group.nps, 0) : '');

  const tooltipFor = (c: HeatCell) => {
    const notes = [comparisonText(c.group.vs_total, 'the total')];
    if (options.columns === 'period') notes.push(comparisonText(c.group.vs_previous, 'the previous period'));
    if (c.group.low_n) notes.push(lowNNote(report.low_n_threshold));
    return tipElement(`${grid.rows[c.y] ?? ''} · ${grid.columnLabels[c.x] ?? ''}`, groupRows(c.group, report.level), notes);
  };

  return {
    animation: options.animation ?? true,
    textStyle: { fontFamily: font, color: palette.text },
    title: {
      text: `NPS by ${options.rows} × ${colTitle}`,
      subtext: options.context ?? '',
      left: 8,
      top: 2,
      itemGap: 6,
      textStyle: { fontFamily: font, fontSize: 17, fontWeight: 600, color: palette.text, width: 1000, overflow: 'truncate' },
      subtextStyle: { fontFamily: font, fontSize: 13, color: palette.textMuted, width: 900, overflow: 'truncate' },
    },
    legend: {
      bottom: 4,
      right: 12,
      selectedMode: false,
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontFamily: font, fontSize: 12, color: palette.textMuted },
      data: [{ name: lowName, icon: 'rect' }],
    },
    visualMap: [{
      type: 'continuous',
      seriesIndex: 0,
      min: -extent,
      max: extent,
      calculable: false,
      orient: 'horizontal',
      left: 8,
      bottom: 0,
      itemWidth: 10,
      itemHeight: 160,
      text: [formatNps(extent, 0), formatNps(-extent, 0)],
      textGap: 6,
      textStyle: { fontFamily: font, fontSize: 12, color: palette.textMuted },
      inRange: { color: [NPS_COLORS.detractors, palette.heatMid, NPS_COLORS.promoters] },
    }, {
      // Small-sample cells: one flat colour whatever their NPS (a heat map needs a visual map).
      type: 'continuous',
      seriesIndex: 1,
      show: false,
      min: -100,
      max: 100,
      inRange: { color: [palette.surface, palette.surface] },
    }],
    grid: { left: 8, right: 16, top: 70, bottom: 44 },
    tooltip: {
      ...tooltipFrame(palette, 'item'),
      formatter: (params: unknown) => {
        const p = params as { seriesIndex?: number; dataIndex?: number };
        const cell = (p.seriesIndex === 1 ? low : regular)[p.dataIndex ?? -1];
        if (!cell || typeof document === 'undefined') return '';
        return tooltipFor(cell);
      },
    },
    xAxis: {
      type: 'category',
      data: grid.columnLabels,
      position: 'top',
      splitArea: { show: false },
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { fontFamily: font, fontSize: 12, color: palette.textMuted, interval: 'auto', hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: grid.rows,
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { fontFamily: font, fontSize: 13, color: palette.text, width: 200, overflow: 'truncate' },
    },
    series: [
      {
        name: 'NPS',
        type: 'heatmap',
        data: regular.map((c) => [c.x, c.y, c.group.nps]),
        itemStyle: { borderColor: palette.surface, borderWidth: 2, borderRadius: 3 },
        label: {
          show: grid.columns.length <= 16,
          fontFamily: font,
          fontSize: 12,
          fontWeight: 600,
          color: palette.text,
          textBorderColor: palette.surface,
          textBorderWidth: 2,
          formatter: (p: { dataIndex: number }) => cellLabel(regular[p.dataIndex]),
        },
        emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 1 } },
      },
      {
        name: lowName,
        type: 'heatmap',
        data: low.map((c) => [c.x, c.y, c.group.nps]),
        itemStyle: { ...lowNItemStyle(palette), borderRadius: 3 },
        label: {
          show: grid.columns.length <= 16,
          fontFamily: font,
          fontSize: 12,
          fontStyle: 'italic',
          color: palette.textMuted,
          formatter: (p: { dataIndex: number }) => cellLabel(low[p.dataIndex]),
        },
        emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 1 } },
      },
    ],
  };
}

// The trend chart: NPS per period (or rolling point) from an `nps` report with `per` or `rolling`.
// A line with the CI band at the report's level, n under each point, ▲/▼ where the change vs the previous
// period is significant, and small-sample points drawn hollow and grey. Pure: report in, ECharts option out.
import type { NpsGroup, NpsReport } from '../api';
import type { MarkLineComponentOption } from 'echarts/components';
import type { EChartsOption } from './echarts';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from './palette';
import { formatCount, formatDate, formatNps, formatPeriod } from '../lib/format';
import { comparisonText, firstDataIndex, groupRows, levelLabel, lowNNote, tipElement, tooltipFrame } from './tooltip';

export type TrendPoint = { period: string; label: string; group: NpsGroup | null };

export type TrendOptions = {
  palette?: ChartPalette;
  /** "NPS by quarter", "NPS · rolling 90 days, monthly", … */
  heading?: string;
  /** One line on what is selected: filters, count mode. */
  context?: string;
  overallNps?: number | null;
  animation?: boolean;
};

type MarkLineDatum = NonNullable<MarkLineComponentOption['data']>[number];

const QUARTER_RE = /^(\d{4})-Q([1-4])$/;

/** Points in time order; missing quarters between two that have answers are filled with empty points. */
export function trendPoints(report: NpsReport): TrendPoint[] {
  const dated = report.groups
    .filter((g) => typeof g.key['period'] === 'string')
    .map((g) => ({ period: g.key['period'] as string, g }))
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  const pts = dated.map(({ period, g }) => ({ period, label: formatPeriod(period), group: g }));
  const first = QUARTER_RE.exec(pts[0]?.period ?? '');
  const last = QUARTER_RE.exec(pts[pts.length - 1]?.period ?? '');
  if (!first || !last || !pts.every((p) => QUARTER_RE.test(p.period))) return pts;
  const byKey = new Map(pts.map((p) => [p.period, p]));
  const out: TrendPoint[] = [];
  for (let y = Number(first[1]), q = Number(first[2]), i = 0; i < 400; i++) {
    const key = `${y}-Q${q}`;
    out.push(byKey.get(key) ?? { period: key, label: formatPeriod(key), group: null });
    if (key === pts[pts.length - 1]!.period) break;
    q += 1;
    if (q > 4) {
      q = 1;
      y += 1;
    }
  }
  return out;
}

export function trendRange(points: readonly TrendPoint[]): string {
  const a = points[0];
  const b = points[points.length - 1];
  if (!a || !b) return '';
  return a.period === b.period ? a.label : `${a.label} – ${b.label}`;
}

function bounds(points: readonly TrendPoint[], overall: number | null | undefined): [number, number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    if (!p.group) continue;
    lo = Math.min(lo, p.group.ci[0], p.group.nps);
    hi = Math.max(hi, p.group.ci[1], p.group.nps);
  }
  if (typeof overall === 'number' && Number.isFinite(overall)) {
    lo = Math.min(lo, overall);
    hi = Math.max(hi, overall);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-100, 100, 20];
  const span = Math.max(hi, 0) - Math.min(lo, 0) + 4;
  const step = span <= 60 ? 10 : span <= 120 ? 20 : 50;
  const min = Math.max(-100, Math.min(0, Math.floor((lo - 2) / step) * step));
  const max = Math.min(100, Math.max(0, Math.ceil((hi + 2) / step) * step));
  return min === max ? [min - step, max + step, step] : [min, max, step];
}

export function significanceLegend(level: number): string {
  return `▲▼ significant change vs the previous period at ${levelLabel(level)}`;
}

export function lowNLegend(threshold: number): string {
  return lowNNote(threshold);
}

export function trendTooltip(point: TrendPoint, level: number, lowN: number, doc: Document = document): HTMLElement {
  const g = point.group;
  const title = g?.window ? `${formatDate(g.window.from)} – ${formatDate(g.window.to)}` : point.label;
  if (!g) return tipElement(title, [], ['No responses in this period'], doc);
  const notes = [comparisonText(g.vs_previous, 'the previous period')];
  if (g.low_n) notes.push(lowNLegend(lowN));
  return tipElement(title, groupRows(g, level), notes, doc);
}

export function buildTrendOption(report: NpsReport, options: TrendOptions = {}): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const font = palette.fontFamily;
  const points = trendPoints(report);
  const range = trendRange(points);
  const level = report.level;
  const lowN = report.low_n_threshold;
  const [yMin, yMax, yStep] = bounds(points, options.overallNps);
  const dense = points.length > 12;
  const heading = options.heading ?? 'NPS over time';
  const ciName = `${levelLabel(level)} confidence interval`;
  const sigName = significanceLegend(level);
  const lowName = lowNLegend(lowN);

  const markLines: MarkLineDatum[] = [
    { yAxis: 0, lineStyle: { color: palette.zero, type: 'solid', width: 1 }, label: { show: false } },
  ];
  if (typeof options.overallNps === 'number' && Number.isFinite(options.overallNps)) {
    markLines.push({
      yAxis: options.overallNps,
      lineStyle: { color: palette.reference, type: 'dashed', width: 1.5 },
      label: {
        show: true,
        position: 'insideEndTop',
        formatter: `Overall ${formatNps(options.overallNps)}`,
        color: palette.textMuted,
        fontFamily: font,
        fontSize: 12,
      },
    });
  }

  const line = points.map((p) => {
    const g = p.group;
    if (!g) return null;
    if (!g.low_n) return g.nps;
    return {
      value: g.nps,
      itemStyle: { color: palette.surface, borderColor: palette.lowN, borderWidth: 2 },
      label: { color: palette.textMuted, fontWeight: 400 },
    };
  });
  const marker = (dir: 1 | -1) =>
    points.map((p) => {
      const c = p.group?.vs_previous;
      return c && c.significant && Math.sign(c.delta) === dir ? p.group!.nps : null;
    });

  return {
    animation: options.animation ?? true,
    animationDuration: 400,
    textStyle: { fontFamily: font, color: palette.text },
    title: {
      text: range ? `${heading} · ${range}` : heading,
      subtext: options.context ?? '',
      left: 8,
      top: 2,
      itemGap: 6,
      textStyle: { fontFamily: font, fontSize: 17, fontWeight: 600, color: palette.text },
      subtextStyle: { fontFamily: font, fontSize: 13, color: palette.textMuted, width: 900, overflow: 'truncate' },
    },
    legend: {
      bottom: 2,
      left: 8,
      itemGap: 18,
      itemWidth: 16,
      itemHeight: 10,
      selectedMode: false,
      textStyle: { fontFamily: font, fontSize: 12, color: palette.textMuted },
      data: [
        { name: 'NPS', icon: 'circle' },
        { name: ciName, icon: 'roundRect' },
        { name: sigName, icon: 'triangle' },
        { name: lowName, icon: 'circle', itemStyle: { color: palette.surface, borderColor: palette.lowN, borderWidth: 2 } },
      ],
    },
    grid: { left: 52, right: 28, top: 74, bottom: dense ? 64 : 84 },
    tooltip: {
      ...tooltipFrame(palette, 'axis'),
      axisPointer: { type: 'line', lineStyle: { color: palette.axis, width: 1 } },
      formatter: (params: unknown) => {
        const i = firstDataIndex(params);
        const point = i === null ? undefined : points[i];
        if (!point || typeof document === 'undefined') return '';
        return trendTooltip(point, level, lowN);
      },
    },
    xAxis: {
      type: 'category',
      boundaryGap: true,
      data: points.map((p) => p.period),
      axisLine: { lineStyle: { color: palette.axis } },
      axisTick: { show: false },
      axisLabel: {
        interval: dense ? 'auto' : 0,
        margin: 12,
        fontFamily: font,
        hideOverlap: true,
        formatter: (_value: string, index: number) => {
          const p = points[index];
          if (!p) return '';
          if (dense) return `{q|${p.label}}`;
          const n = p.group ? `n = ${formatCount(p.group.n)}` : 'no responses';
          return `{q|${p.label}}\n{${p.group?.low_n ? 'low' : 'n'}|${n}}`;
        },
        rich: {
          q: { fontFamily: font, fontSize: 13, fontWeight: 600, color: palette.text, lineHeight: 18 },
          n: { fontFamily: font, fontSize: 12, color: palette.textMuted, lineHeight: 16 },
          low: { fontFamily: font, fontSize: 12, color: palette.lowN, lineHeight: 16, fontStyle: 'italic' },
        },
      },
    },
    yAxis: {
      type: 'value',
      min: yMin,
      max: yMax,
      interval: yStep,
      axisLabel: {
        fontFamily: font,
        fontSize: 12,
        color: palette.textMuted,
        formatter: (v: number) => (v === 0 ? '0' : formatNps(v, 0)),
      },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      {
        name: 'CI low',
        type: 'line',
        data: points.map((p) => (p.group ? p.group.ci[0] : null)),
        stack: 'ci',
        stackStrategy: 'all',
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        emphasis: { disabled: true },
        tooltip: { show: false },
        z: 1,
      },
      {
        name: ciName,
        type: 'line',
        data: points.map((p) => (p.group ? p.group.ci[1] - p.group.ci[0] : null)),
        stack: 'ci',
        stackStrategy: 'all',
        symbol: 'none',
        silent: true,
        itemStyle: { color: palette.band },
        lineStyle: { opacity: 0 },
        areaStyle: { color: palette.band, opacity: 1 },
        emphasis: { disabled: true },
        tooltip: { show: false },
        z: 2,
      },
      {
        name: 'NPS',
        type: 'line',
        data: line,
        z: 3,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: dense ? 6 : 9,
        showSymbol: true,
        lineStyle: { color: palette.line, width: 2.5 },
        itemStyle: { color: palette.line, borderColor: palette.surface, borderWidth: 2 },
        emphasis: { focus: 'none', scale: 1.4 },
        label: {
          show: !dense,
          position: 'top',
          distance: 10,
          fontFamily: font,
          fontSize: 13,
          fontWeight: 600,
          color: palette.text,
          textBorderColor: palette.surface,
          textBorderWidth: 3,
          formatter: (p: { value?: unknown }) => (typeof p.value === 'number' ? formatNps(p.value) : ''),
        },
        markLine: { silent: true, symbol: 'none', animation: false, data: markLines },
      },
      {
        name: sigName,
        type: 'scatter',
        data: marker(1),
        symbol: 'triangle',
        symbolSize: 11,
        symbolOffset: [0, 17],
        itemStyle: { color: NPS_COLORS.promoters },
        silent: true,
        tooltip: { show: false },
        z: 4,
      },
      {
        name: `${sigName} (fall)`,
        type: 'scatter',
        data: marker(-1),
        symbol: 'triangle',
        symbolRotate: 180,
        symbolSize: 11,
        symbolOffset: [0, 17],
        itemStyle: { color: NPS_COLORS.detractors },
        silent: true,
        tooltip: { show: false },
        z: 4,
      },
      {
        name: lowName,
        type: 'scatter',
        data: points.map((p) => (p.group?.low_n ? p.group.nps : null)),
        symbol: 'circle',
        symbolSize: dense ? 6 : 9,
        itemStyle: { color: palette.surface, borderColor: palette.lowN, borderWidth: 2 },
        silent: true,
        tooltip: { show: false },
        z: 5,
      },
    ],
    color: [palette.line, NPS_COLORS.promoters, NPS_COLORS.detractors],
  };
}

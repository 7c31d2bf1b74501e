// "NPS by quarter": a pure function from the `by_quarter` report to an ECharts option.
// A line of quarterly NPS, a shaded band for the 95 % confidence interval, n under each quarter,
// a zero line and (optionally) the overall NPS as a dashed reference.
import type { NpsReport } from '../api';
import type { MarkLineComponentOption } from 'echarts/components';
import type { EChartsOption } from './echarts';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from './palette';
import { formatCount, formatInterval, formatNps, formatPercent, formatQuarter, percentages } from '../lib/format';

/** One quarter on the x axis; `group` is null for a quarter without responses between two that have some. */
export type QuarterPoint = {
  period: string;
  label: string;
  group: {
    n: number;
    promoters: number;
    passives: number;
    detractors: number;
    nps: number;
    ci95: [number, number];
  } | null;
};

export type NpsByQuarterOptions = {
  palette?: ChartPalette;
  /** Draws the overall NPS as a dashed reference line. */
  overallNps?: number | null;
  /** Animations are off for SSR and tests. */
  animation?: boolean;
};

type MarkLineDatum = NonNullable<MarkLineComponentOption['data']>[number];

const QUARTER_RE = /^(\d{4})-?Q([1-4])$/i;

function parseQuarter(key: string): { year: number; q: number } | null {
  const m = QUARTER_RE.exec(key.trim());
  return m ? { year: Number(m[1]), q: Number(m[2]) } : null;
}

function quarterKey(year: number, q: number): string {
  return `${year}-Q${q}`;
}

/**
 * The quarters of the report in ascending order, with the gaps between the first and the last
 * quarter filled with empty points so the time axis stays evenly spaced. Groups without a period are left out.
 */
export function quarterPoints(report: NpsReport): QuarterPoint[] {
  const groups = report.groups
    .map((g) => ({ period: g.key['period'] ?? null, g }))
    .filter((x): x is { period: string; g: (typeof report.groups)[number] } => typeof x.period === 'string')
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));

  const toPoint = (period: string, g: (typeof report.groups)[number] | null): QuarterPoint => ({
    period,
    label: formatQuarter(period),
    group: g
      ? {
          n: g.n,
          promoters: g.promoters,
          passives: g.passives,
          detractors: g.detractors,
          nps: g.nps,
          ci95: [g.ci95[0], g.ci95[1]],
        }
      : null,
  });

  const first = groups[0];
  const last = groups[groups.length - 1];
  const parsed = groups.map((x) => parseQuarter(x.period));
  if (!first || !last || parsed.some((p) => p === null)) {
    return groups.map((x) => toPoint(x.period, x.g));
  }
  const byKey = new Map(groups.map((x, i) => [quarterKey(parsed[i]!.year, parsed[i]!.q), x.g]));
  const start = parsed[0]!;
  const end = parsed[parsed.length - 1]!;
  const out: QuarterPoint[] = [];
  // Bounded: at most 400 quarters (100 years) of axis.
  for (let y = start.year, q = start.q, i = 0; i < 400; i++) {
    const key = quarterKey(y, q);
    out.push(toPoint(key, byKey.get(key) ?? null));
    if (y === end.year && q === end.q) break;
    q += 1;
    if (q > 4) {
      q = 1;
      y += 1;
    }
  }
  return out;
}

/** "Q4 2024 – Q3 2026", or one quarter, or "" for none. */
export function periodRange(points: readonly QuarterPoint[]): string {
  const a = points[0];
  const b = points[points.length - 1];
  if (!a || !b) return '';
  return a.period === b.period ? a.label : `${a.label} – ${b.label}`;
}

function niceBounds(points: readonly QuarterPoint[], overall: number | null | undefined): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    if (!p.group) continue;
    lo = Math.min(lo, p.group.ci95[0], p.group.nps);
    hi = Math.max(hi, p.group.ci95[1], p.group.nps);
  }
  if (typeof overall === 'number' && Number.isFinite(overall)) {
    lo = Math.min(lo, overall);
    hi = Math.max(hi, overall);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-100, 100];
  // A little air around the data, on round tens, always showing zero, never beyond the scale.
  const min = Math.max(-100, Math.min(0, Math.floor((lo - 2) / 10) * 10));
  const max = Math.min(100, Math.max(0, Math.ceil((hi + 2) / 10) * 10));
  return min === max ? [min - 10, max + 10] : [min, max];
}

/** The tooltip for one quarter, built as DOM (never HTML strings: the CSP and untrusted text both forbid it). */
export function quarterTooltip(point: QuarterPoint, doc: Document = document): HTMLElement {
  const root = doc.createElement('div');
  root.className = 'nps-tip';
  const title = doc.createElement('div');
  title.className = 'nps-tip__title';
  title.textContent = point.label;
  root.appendChild(title);
  const g = point.group;
  if (!g) {
    const empty = doc.createElement('div');
    empty.className = 'nps-tip__muted';
    empty.textContent = 'No responses this quarter';
    root.appendChild(empty);
    return root;
  }
  const row = (name: string, value: string, cls = '') => {
    const r = doc.createElement('div');
    r.className = `nps-tip__row ${cls}`.trim();
    const k = doc.createElement('span');
    k.className = 'nps-tip__key';
    k.textContent = name;
    const v = doc.createElement('span');
    v.className = 'nps-tip__value';
    v.textContent = value;
    r.append(k, v);
    root.appendChild(r);
  };
  const [pp, pa, pd] = percentages([g.promoters, g.passives, g.detractors]);
  row('NPS', formatNps(g.nps), 'nps-tip__row--strong');
  row('95 % CI', formatInterval(g.ci95));
  row('n', formatCount(g.n));
  row('Promoters', `${formatPercent(pp ?? 0)} · ${formatCount(g.promoters)}`, 'nps-tip__row--promoters');
  row('Passives', `${formatPercent(pa ?? 0)} · ${formatCount(g.passives)}`, 'nps-tip__row--passives');
  row('Detractors', `${formatPercent(pd ?? 0)} · ${formatCount(g.detractors)}`, 'nps-tip__row--detractors');
  return root;
}

function firstDataIndex(params: unknown): number | null {
  const p = Array.isArray(params) ? params[0] : params;
  if (typeof p === 'object' && p !== null && 'dataIndex' in p) {
    const i = (p as { dataIndex: unknown }).dataIndex;
    return typeof i === 'number' ? i : null;
  }
  return null;
}

export function buildNpsByQuarterOption(report: NpsReport, options: NpsByQuarterOptions = {}): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const points = quarterPoints(report);
  const range = periodRange(points);
  const [yMin, yMax] = niceBounds(points, options.overallNps);
  const font = palette.fontFamily;

  const low = points.map((p) => (p.group ? p.group.ci95[0] : null));
  const width = points.map((p) => (p.group ? p.group.ci95[1] - p.group.ci95[0] : null));
  const nps = points.map((p) => (p.group ? p.group.nps : null));

  const markLines: MarkLineDatum[] = [
    {
      yAxis: 0,
      lineStyle: { color: palette.zero, type: 'solid', width: 1 },
      label: { show: false },
    },
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
        fontSize: 13,
      },
    });
  }

  return {
    animation: options.animation ?? true,
    animationDuration: 450,
    textStyle: { fontFamily: font, color: palette.text },
    title: {
      text: range ? `NPS by quarter · ${range}` : 'NPS by quarter',
      subtext: 'Line: NPS in points · band: 95 % confidence interval · n under each quarter',
      left: 8,
      top: 4,
      itemGap: 6,
      textStyle: { fontFamily: font, fontSize: 18, fontWeight: 600, color: palette.text },
      subtextStyle: { fontFamily: font, fontSize: 13, color: palette.textMuted },
    },
    grid: { left: 56, right: 28, top: 80, bottom: 58 },
    tooltip: {
      trigger: 'axis',
      className: 'nps-tooltip',
      backgroundColor: palette.tooltipBg,
      borderColor: palette.tooltipBorder,
      borderWidth: 1,
      padding: [10, 12],
      textStyle: { fontFamily: font, fontSize: 13, color: palette.text },
      axisPointer: { type: 'line', lineStyle: { color: palette.axis, width: 1 } },
      formatter: (params: unknown) => {
        const i = firstDataIndex(params);
        const point = i === null ? undefined : points[i];
        if (!point || typeof document === 'undefined') return '';
        return quarterTooltip(point);
      },
    },
    xAxis: {
      type: 'category',
      boundaryGap: true,
      data: points.map((p) => p.period),
      axisLine: { lineStyle: { color: palette.axis } },
      axisTick: { show: false },
      axisLabel: {
        interval: 0,
        margin: 14,
        fontFamily: font,
        formatter: (value: string, index: number) => {
          const p = points[index];
          const label = p?.label ?? formatQuarter(value);
          const n = p?.group ? `n = ${formatCount(p.group.n)}` : 'no responses';
          return `{q|${label}}\n{n|${n}}`;
        },
        rich: {
          q: { fontFamily: font, fontSize: 14, fontWeight: 600, color: palette.text, lineHeight: 20 },
          n: { fontFamily: font, fontSize: 12, color: palette.textMuted, lineHeight: 18 },
        },
      },
    },
    yAxis: {
      type: 'value',
      min: yMin,
      max: yMax,
      splitNumber: 5,
      axisLabel: {
        fontFamily: font,
        fontSize: 13,
        color: palette.textMuted,
        formatter: (v: number) => (v === 0 ? '0' : formatNps(v, 0)),
      },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    series: [
      {
        name: 'CI low',
        type: 'line',
        data: low,
        stack: 'ci95',
        stackStrategy: 'all',
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        emphasis: { disabled: true },
        tooltip: { show: false },
        z: 1,
      },
      {
        name: '95 % CI',
        type: 'line',
        data: width,
        stack: 'ci95',
        stackStrategy: 'all',
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        areaStyle: { color: palette.band, opacity: 1 },
        emphasis: { disabled: true },
        tooltip: { show: false },
        z: 2,
      },
      {
        name: 'NPS',
        type: 'line',
        data: nps,
        z: 3,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 9,
        showSymbol: true,
        lineStyle: { color: palette.line, width: 2.5 },
        itemStyle: { color: palette.line, borderColor: palette.surface, borderWidth: 2 },
        emphasis: { focus: 'none', scale: 1.4 },
        label: {
          show: true,
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
        markLine: {
          silent: true,
          symbol: 'none',
          animation: false,
          data: markLines,
        },
      },
    ],
    // The category colours are not used by this chart, but keep ECharts' default palette out of it.
    color: [palette.line, NPS_COLORS.promoters, NPS_COLORS.detractors],
  };
}

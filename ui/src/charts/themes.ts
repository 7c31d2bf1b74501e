// Themes: mentions per theme as horizontal bars, each split into promoters / passives / detractors (answered
// mentions), most mentioned on top. Pure: answer in, option out. Also orders the table's rows.
import type { ThemeChange, ThemesAnswer, ThemeStats } from '../api';
import type { EChartsOption } from './echarts';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from './palette';
import { firstDataIndex, tipElement, tooltipFrame } from './tooltip';
import { MINUS, formatCount, formatNps, formatNumber, formatPercent, formatPeriod } from '../lib/format';

/** The bar's tooltip, as DOM (theme names are untrusted text). */
export function themeTooltip(t: ThemeStats, doc: Document = document): HTMLElement {
  return tipElement(t.theme, [
    { key: 'Mentions', value: `${formatCount(t.mentions)} · ${formatPercent(100 * t.share)} of comments` },
    { key: 'Theme NPS', value: t.nps === null ? '–' : formatNps(t.nps), cls: 'nps-tip__row--strong' },
    { key: 'Promoters', value: formatCount(t.promoters), cls: 'nps-tip__row--promoters' },
    { key: 'Passives', value: formatCount(t.passives), cls: 'nps-tip__row--passives' },
    { key: 'Detractors', value: formatCount(t.detractors), cls: 'nps-tip__row--detractors' },
  ], [], doc);
}

export type ThemeRow = { stats: ThemeStats; depth: number };

/**
 * The table's rows: top-level themes by mentions (most first, ties in rule order), each followed by its
 * children (same order, one level deeper). A theme whose parent is not in the answer counts as top level.
 */
export function themeRows(answer: ThemesAnswer): ThemeRow[] {
  const names = new Set(answer.themes.map((t) => t.theme));
  const order = (list: ThemeStats[]) => list.map((t, i) => ({ t, i })).sort((a, b) => b.t.mentions - a.t.mentions || a.i - b.i).map((x) => x.t);
  const out: ThemeRow[] = [];
  const seen = new Set<string>();
  const visit = (t: ThemeStats, depth: number) => {
    if (seen.has(t.theme)) return;
    seen.add(t.theme);
    out.push({ stats: t, depth });
    for (const c of order(answer.themes.filter((x) => x.parent === t.theme))) visit(c, depth + 1);
  };
  for (const t of order(answer.themes.filter((x) => x.parent === null || !names.has(x.parent)))) visit(t, 0);
  return out;
}

/** The charted themes: the ones no other theme rolls up into (parents would count their children twice), by mentions. */
export function chartedThemes(answer: ThemesAnswer, max = 15): ThemeStats[] {
  const parents = new Set(answer.themes.map((t) => t.parent).filter((p): p is string => p !== null));
  return answer.themes
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => !parents.has(t.theme) && t.mentions > 0)
    .sort((a, b) => b.t.mentions - a.t.mentions || a.i - b.i)
    .slice(0, max)
    .map((x) => x.t);
}

export function themesChartHeight(bars: number): number {
  return 90 + Math.max(2, bars) * 30;
}

export const THEME_SERIES = { promoters: 'Promoters', passives: 'Passives', detractors: 'Detractors' } as const;

export function buildThemesOption(answer: ThemesAnswer, options: { palette?: ChartPalette; animation?: boolean } = {}): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const font = palette.fontFamily;
  // ECharts draws the first category at the bottom: reverse so the most mentioned is on top.
  const themes = chartedThemes(answer).reverse();
  const series = (['promoters', 'passives', 'detractors'] as const).map((k) => ({
    type: 'bar' as const,
    name: THEME_SERIES[k],
    stack: 'mentions',
    barMaxWidth: 22,
    itemStyle: { color: NPS_COLORS[k] },
    emphasis: { focus: 'series' as const },
    data: themes.map((t) => t[k]),
  }));
  return {
    animation: options.animation ?? true,
    textStyle: { fontFamily: font, color: palette.text },
    grid: { left: 8, right: 24, top: 36, bottom: 28, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: palette.textMuted, fontFamily: font }, data: Object.values(THEME_SERIES) },
    tooltip: {
      ...tooltipFrame(palette, 'axis'),
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const i = firstDataIndex(params);
        const t = i === null ? undefined : themes[i];
        if (!t || typeof document === 'undefined') return '';
        return themeTooltip(t);
      },
    },
    xAxis: {
      type: 'value',
      name: 'Mentions (answered)',
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: palette.textMuted },
      minInterval: 1,
      axisLabel: { color: palette.textMuted },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    yAxis: {
      type: 'category',
      data: themes.map((t) => t.theme),
      axisLabel: { color: palette.text, width: 180, overflow: 'truncate' },
      axisLine: { lineStyle: { color: palette.axis } },
      axisTick: { show: false },
    },
    series,
  };
}

export type ThemeHeatMetric = 'share' | 'nps';

/** The share scale's middle and top colours (Okabe–Ito sky blue, lightened and as is). */
export const SHARE_MID = '#b9dcf2';
export const SHARE_HIGH = '#56b4e9';

export type ThemeHeatCell = { x: number; y: number; stats: ThemeStats; comments: number; change: ThemeChange | null };

export type ThemeHeatGrid = { themes: string[]; periods: string[]; periodLabels: string[]; cells: ThemeHeatCell[] };

/**
 * Theme × period: one row per charted theme (the overall answer's order: most mentioned first), one column per
 * period of `byPeriod` (an answer grouped by period only), in time order.
 */
export function themeHeatGrid(overall: ThemesAnswer, byPeriod: ThemesAnswer, max = 15): ThemeHeatGrid {
  const themes = chartedThemes(overall, max).map((t) => t.theme);
  const groups = byPeriod.groups
    .map((g) => ({ g, period: String(g.key['period'] ?? '') }))
    .filter((x) => x.period !== '')
    .sort((a, b) => a.period.localeCompare(b.period));
  const cells: ThemeHeatCell[] = [];
  groups.forEach(({ g }, x) => {
    themes.forEach((name, y) => {
      const stats = g.themes.find((t) => t.theme === name);
      if (stats) cells.push({ x, y, stats, comments: Number(g.comments), change: g.changes.find((c) => c.theme === name) ?? null });
    });
  });
  return {
    themes,
    periods: groups.map((x) => x.period),
    periodLabels: groups.map((x) => formatPeriod(x.period)),
    cells,
  };
}

/** A cell's tooltip, as DOM (theme names are untrusted text). */
export function themeHeatTooltip(c: ThemeHeatCell, period: string, doc: Document = document): HTMLElement {
  const rows = [
    { key: 'Mentions', value: `${formatCount(Number(c.stats.mentions))} of ${formatCount(c.comments)} comments (${formatPercent(100 * c.stats.share)})` },
    { key: 'Theme NPS', value: c.stats.nps === null ? '–' : `${formatNps(c.stats.nps)} (n = ${formatCount(c.stats.n)})`, cls: 'nps-tip__row--strong' },
  ];
  const notes: string[] = [];
  if (c.change) {
    const pts = formatNumber(c.change.share_delta, 1);
    notes.push(`Since ${formatPeriod(c.change.since)}: ${c.change.mentions_delta >= 0 ? '+' : ''}${formatCount(c.change.mentions_delta)} mentions, share ${c.change.share_delta >= 0 ? '+' : ''}${pts} pts` +
      (c.change.nps_delta === null ? '' : `, NPS ${formatNps(c.change.nps_delta)}`));
  }
  return tipElement(`${c.stats.theme} · ${period}`, rows, notes, doc);
}

export function themeHeatHeight(rows: number): number {
  return 110 + Math.max(2, rows) * 30;
}

/**
 * The heat map: colour = share of the period's comments that mention the theme (sequential), or the theme's
 * NPS (diverging around 0, cells with n < `lowN` hollow). Labels in the cells when there is room.
 */
export function buildThemeHeatmapOption(
  overall: ThemesAnswer,
  byPeriod: ThemesAnswer,
  options: { metric: ThemeHeatMetric; palette?: ChartPalette; lowN?: number; animation?: boolean },
): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const font = palette.fontFamily;
  const grid = themeHeatGrid(overall, byPeriod);
  const lowN = options.lowN ?? 30;
  const value = (c: ThemeHeatCell): number | null => (options.metric === 'share' ? 100 * c.stats.share : c.stats.nps);
  const shown = grid.cells.filter((c) => value(c) !== null && (options.metric === 'share' || c.stats.n >= lowN));
  const maxShare = Math.max(5, ...shown.map((c) => (options.metric === 'share' ? value(c)! : 0)));
  const label = (c: ThemeHeatCell | undefined) => {
    const v = c ? value(c) : null;
    if (v === null) return '';
    return options.metric === 'share' ? `${formatNumber(v, 0)}%` : formatNps(v, 0);
  };
  return {
    animation: options.animation ?? true,
    textStyle: { fontFamily: font, color: palette.text },
    grid: { left: 8, right: 16, top: 28, bottom: 40 },
    tooltip: {
      ...tooltipFrame(palette, 'item'),
      formatter: (params: unknown) => {
        const i = firstDataIndex(params);
        const c = i === null ? undefined : shown[i];
        if (!c || typeof document === 'undefined') return '';
        return themeHeatTooltip(c, grid.periodLabels[c.x] ?? '');
      },
    },
    visualMap: {
      type: 'continuous',
      min: options.metric === 'share' ? 0 : -100,
      max: options.metric === 'share' ? Math.ceil(maxShare / 5) * 5 : 100,
      calculable: false,
      orient: 'horizontal',
      left: 8,
      bottom: 0,
      itemWidth: 10,
      itemHeight: 160,
      text: options.metric === 'share' ? [`${Math.ceil(maxShare / 5) * 5}% of comments`, '0%'] : ['+100', `${MINUS}100`],
      textGap: 6,
      textStyle: { fontFamily: font, fontSize: 12, color: palette.textMuted },
      inRange: {
        // Share: a light sequential blue (dark labels stay readable on the darkest cell); NPS: the diverging P/D scale.
        color: options.metric === 'share' ? [palette.heatMid, SHARE_MID, SHARE_HIGH] : [NPS_COLORS.detractors, palette.heatMid, NPS_COLORS.promoters],
      },
    },
    xAxis: {
      type: 'category',
      data: grid.periodLabels,
      position: 'top',
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { fontFamily: font, fontSize: 12, color: palette.textMuted, interval: 'auto', hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: grid.themes,
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { fontFamily: font, fontSize: 13, color: palette.text, width: 180, overflow: 'truncate' },
    },
    series: [
      {
        name: options.metric === 'share' ? 'Share of comments' : 'Theme NPS',
        type: 'heatmap',
        data: shown.map((c) => [c.x, c.y, value(c)]),
        itemStyle: { borderColor: palette.surface, borderWidth: 2, borderRadius: 3 },
        label: {
          show: grid.periods.length <= 12,
          fontFamily: font,
          fontSize: 11,
          fontWeight: 600,
          color: palette.text,
          textBorderColor: palette.surface,
          textBorderWidth: 2,
          formatter: (p: { dataIndex: number }) => label(shown[p.dataIndex]),
        },
        emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 1 } },
      },
    ],
  };
}

/** The impact chart's themes: charted themes with an impact, largest effect (either sign) on top. */
export function impactThemes(answer: ThemesAnswer, max = 15): ThemeStats[] {
  return chartedThemes(answer, Number.MAX_SAFE_INTEGER)
    .filter((t) => t.impact !== null)
    .sort((a, b) => Math.abs(b.impact!) - Math.abs(a.impact!))
    .slice(0, max);
}

/**
 * Impact per theme: NPS(all) − NPS(all without the theme's responses), in points. Bars right of 0 (green)
 * lift the score, left (orange) pull it down; the bootstrap interval is a whisker when known.
 */
export function buildImpactOption(answer: ThemesAnswer, options: { palette?: ChartPalette; animation?: boolean } = {}): EChartsOption {
  const palette = options.palette ?? LIGHT_PALETTE;
  const font = palette.fontFamily;
  const themes = impactThemes(answer).reverse(); // ECharts draws the first category at the bottom
  const label = (t: ThemeStats) =>
    `${formatNps(t.impact!)}${t.impact_ci95 ? `  (${formatNumber(t.impact_ci95[0])} to ${formatNumber(t.impact_ci95[1])})` : ''}`;
  return {
    animation: options.animation ?? true,
    textStyle: { fontFamily: font, color: palette.text },
    grid: { left: 8, right: 24, top: 12, bottom: 28, containLabel: true },
    tooltip: {
      ...tooltipFrame(palette, 'axis'),
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const i = firstDataIndex(params);
        const t = i === null ? undefined : themes[i];
        if (!t || typeof document === 'undefined') return '';
        return themeTooltip(t);
      },
    },
    xAxis: {
      type: 'value',
      name: 'Impact on NPS (points)',
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: palette.textMuted },
      axisLabel: { color: palette.textMuted },
      splitLine: { lineStyle: { color: palette.grid } },
    },
    yAxis: {
      type: 'category',
      data: themes.map((t) => t.theme),
      axisLabel: { color: palette.text, width: 180, overflow: 'truncate' },
      axisLine: { lineStyle: { color: palette.axis } },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        name: 'Impact',
        barMaxWidth: 18,
        data: themes.map((t) => ({
          value: t.impact,
          itemStyle: { color: t.impact! >= 0 ? NPS_COLORS.promoters : NPS_COLORS.detractors },
        })),
        label: {
          show: true,
          position: 'right',
          fontFamily: font,
          fontSize: 11,
          color: palette.textMuted,
          formatter: (p: { dataIndex: number }) => {
            const t = themes[p.dataIndex];
            return t ? label(t) : '';
          },
        },
      },
    ],
  };
}

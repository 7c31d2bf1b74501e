// Themes: mentions per theme as horizontal bars, each split into promoters / passives / detractors (answered
// mentions), most mentioned on top. Pure: answer in, option out. Also orders the table's rows.
import type { ThemesAnswer, ThemeStats } from '../api';
import type { EChartsOption } from './echarts';
import { LIGHT_PALETTE, NPS_COLORS, type ChartPalette } from './palette';
import { firstDataIndex, tipElement, tooltipFrame } from './tooltip';
import { formatCount, formatNps, formatPercent } from '../lib/format';

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

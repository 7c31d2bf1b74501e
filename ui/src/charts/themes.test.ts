// The themes chart option and table order, on a hand-made answer (numbers typed in on purpose: the builder only
// arranges them) and rendered with ECharts' SSR renderer.
import { describe, expect, it } from 'vitest';
import { echarts } from './echarts';
import { buildThemesOption, chartedThemes, themeRows, themeTooltip, THEME_SERIES } from './themes';
import { DARK_PALETTE, NPS_COLORS } from './palette';
import type { ThemesAnswer, ThemeStats } from '../api';

const stats = (theme: string, parent: string | null, p: number, a: number, d: number, unanswered = 0): ThemeStats => ({
  theme,
  parent,
  mentions: p + a + d + unanswered,
  share: (p + a + d + unanswered) / 100,
  n: p + a + d,
  promoters: p,
  passives: a,
  detractors: d,
  nps: p + a + d ? ((p - d) / (p + a + d)) * 100 : null,
  ci95: null,
  detractor_share: null,
  impact: null,
  impact_ci95: null,
});

const answer: ThemesAnswer = {
  column: 'Why?',
  rules: 'built-in',
  groups: [],
  coverage: 0.9,
  uncategorized: 10,
  comments: 100,
  nps: 5,
  themes: [
    stats('Commercial', null, 5, 5, 20),
    stats('Price', 'Commercial', 5, 5, 20),
    stats('Product', null, 30, 10, 10),
    stats('Reliability', 'Product', 2, 3, 15),
    stats('Usability', 'Product', 28, 7, 0, 2),
    stats('<b>Odd</b>', null, 1, 0, 0),
    stats('Never', null, 0, 0, 0),
  ],
};

describe('themes table order', () => {
  it('lists top-level themes by mentions with their children (by mentions) indented under them', () => {
    expect(themeRows(answer).map((r) => `${r.depth}:${r.stats.theme}`)).toEqual([
      '0:Product',
      '1:Usability',
      '1:Reliability',
      '0:Commercial',
      '1:Price',
      '0:<b>Odd</b>',
      '0:Never',
    ]);
  });

  it('treats a theme with a missing parent as top level', () => {
    const rows = themeRows({ ...answer, themes: [stats('Orphan', 'Gone', 1, 0, 0)] });
    expect(rows).toEqual([{ stats: expect.objectContaining({ theme: 'Orphan' }), depth: 0 }]);
  });
});

describe('themes chart', () => {
  it('charts the leaf themes with mentions, most mentioned first', () => {
    expect(chartedThemes(answer).map((t) => t.theme)).toEqual(['Usability', 'Price', 'Reliability', '<b>Odd</b>']);
  });

  it('stacks promoter/passive/detractor counts in the palette colours, most mentioned on top', () => {
    const o = buildThemesOption(answer, { animation: false });
    const y = o.yAxis as { data: string[] };
    expect(y.data).toEqual(['<b>Odd</b>', 'Reliability', 'Price', 'Usability']); // bottom to top
    const series = o.series as Array<{ name: string; stack: string; data: number[]; itemStyle: { color: string } }>;
    expect(series.map((s) => [s.name, s.stack, s.itemStyle.color])).toEqual([
      [THEME_SERIES.promoters, 'mentions', NPS_COLORS.promoters],
      [THEME_SERIES.passives, 'mentions', NPS_COLORS.passives],
      [THEME_SERIES.detractors, 'mentions', NPS_COLORS.detractors],
    ]);
    expect(series.map((s) => s.data)).toEqual([
      [1, 2, 5, 28],
      [0, 3, 5, 7],
      [0, 15, 20, 0],
    ]);
  });

  it('uses the given palette', () => {
    const o = buildThemesOption(answer, { palette: DARK_PALETTE });
    expect((o.textStyle as { color: string }).color).toBe(DARK_PALETTE.text);
  });

  it('builds the tooltip as text, never markup', () => {
    const el = themeTooltip(stats('<img src=x onerror=alert(1)>', null, 3, 1, 1));
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(el.textContent).toContain('+40.0');
  });

  it('renders to SVG with every theme label and escapes names', () => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 300 });
    try {
      chart.setOption(buildThemesOption(answer, { animation: false }));
      const svg = chart.renderToSVGString();
      for (const name of ['Usability', 'Price', 'Reliability']) expect(svg).toContain(name);
      expect(svg).not.toContain('<b>Odd</b>');
      expect(svg).toContain('&lt;b&gt;Odd&lt;/b&gt;');
      expect(svg.split(NPS_COLORS.detractors.toLowerCase()).length + svg.split(NPS_COLORS.detractors).length).toBeGreaterThan(2);
    } finally {
      chart.dispose();
    }
  });
});

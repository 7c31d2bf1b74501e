// The themes chart option and table order, on a hand-made answer (numbers typed in on purpose: the builder only
// arranges them) and rendered with ECharts' SSR renderer.
import { describe, expect, it } from 'vitest';
import { echarts } from './echarts';
import { buildImpactOption, buildThemeHeatmapOption, buildThemesOption, impactThemes, chartedThemes, themeHeatGrid, themeHeatTooltip, themeRows, themeTooltip, THEME_SERIES } from './themes';
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

function render(option: ReturnType<typeof buildThemesOption>, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

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

describe('theme × period heat map', () => {
  const period = (key: string, comments: number, themes: ThemeStats[], changes: ThemesAnswer['groups'][number]['changes'] = []) => ({
    key: { period: key },
    responses: comments,
    coverage: 1,
    uncategorized: 0,
    comments,
    nps: null,
    themes,
    changes,
  });
  // Periods come out of order on purpose: the grid sorts them by time.
  const byPeriod: ThemesAnswer = {
    ...answer,
    groups: [
      period('2026-Q2', 50, [stats('Product', null, 20, 5, 5), stats('Price', 'Commercial', 1, 1, 8), stats('Usability', 'Product', 15, 3, 0)], [
        { theme: 'Price', since: '2026-Q1', mentions_delta: 4, share_delta: 5, nps_delta: -20 },
      ]),
      period('2026-Q1', 40, [stats('Product', null, 10, 5, 5), stats('Price', 'Commercial', 2, 2, 2), stats('Usability', 'Product', 13, 4, 0)]),
    ],
  };

  it('puts the charted themes in rows and the periods in time order', () => {
    const g = themeHeatGrid(answer, byPeriod);
    expect(g.themes).toEqual(chartedThemes(answer).map((t) => t.theme));
    expect(g.periods).toEqual(['2026-Q1', '2026-Q2']);
    expect(g.periodLabels).toEqual(['Q1 2026', 'Q2 2026']);
    const price = g.cells.find((c) => c.stats.theme === 'Price' && c.x === 1)!;
    expect(price.y).toBe(g.themes.indexOf('Price'));
    expect(price.comments).toBe(50);
    expect(price.change?.nps_delta).toBe(-20);
    // Parents are not rows (they would double-count their children).
    expect(g.cells.some((c) => c.stats.theme === 'Product')).toBe(false);
  });

  it('renders shares as labels, and NPS only for cells with enough answers', () => {
    const share = render(buildThemeHeatmapOption(answer, byPeriod, { metric: 'share', animation: false }), 800, 400);
    // Price in Q2: 10 of 100 mentions → share 10/100 = 10 % (stats() divides by 100).
    expect(share).toContain('10%');
    expect(share).toContain('Q2 2026');
    const nps = buildThemeHeatmapOption(answer, byPeriod, { metric: 'nps', lowN: 15, animation: false });
    const data = (nps.series as { data: [number, number, number][] }[])[0]!.data;
    // n: Price 10 and 6, Usability 18 and 17 → only Usability's two cells reach 15.
    expect(data).toHaveLength(2);
    expect(data.map((d) => d[2])).toEqual([((13 - 0) / 17) * 100, ((15 - 0) / 18) * 100]);
  });

  it('writes the tooltip as text, with the change since the previous period', () => {
    const g = themeHeatGrid(answer, byPeriod);
    const cell = g.cells.find((c) => c.stats.theme === 'Price' && c.x === 1)!;
    const tip = themeHeatTooltip({ ...cell, stats: { ...cell.stats, theme: '<img src=x onerror=alert(1)>' } }, 'Q2 2026');
    expect(tip.querySelector('img')).toBeNull();
    expect(tip.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(tip.textContent).toContain('Since Q1 2026: +4 mentions, share +5.0 pts');
  });
});

describe('impact chart', () => {
  const withImpact: ThemesAnswer = {
    ...answer,
    themes: answer.themes.map((t, i) => ({ ...t, impact: [2.5, -4, 1, -0.5, 3, null, null][i] ?? null, impact_ci95: i === 1 ? [-6, -2] : null })),
  };

  it('orders charted themes by the size of their effect, either sign', () => {
    // Charted (leaf) themes with an impact: Price −4, Reliability −0.5, Usability 3 → by |impact|.
    expect(impactThemes(withImpact).map((t) => t.theme)).toEqual(['Price', 'Usability', 'Reliability']);
  });

  it('renders bars with the value and the interval as labels', () => {
    const svg = render(buildImpactOption(withImpact, { animation: false }), 800, 300);
    expect(svg).toContain('Impact on NPS (points)');
    expect(svg).toContain('−4.0  (−6.0 to −2.0)');
    expect(svg).toContain('+3.0');
  });
});

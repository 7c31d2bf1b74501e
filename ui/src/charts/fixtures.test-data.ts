// NPS reports for the chart tests, built from category counts with the mock engine's formulas (so every figure,
// including the shares and the adjusted-Wald intervals, is computed the way the Rust side computes it).
import type { NpsGroup, NpsReport } from '../api';
import { countsOf, figures, QUARTER_COUNTS } from '../mock/engine';

export const LOW_N = 30;

export function group(period: string | null, promoters: number, passives: number, detractors: number, level = 0.95): NpsGroup {
  const f = figures(countsOf(promoters, passives, detractors), level);
  return { key: { period }, ...f, share: 0, low_n: f.n < LOW_N, vs_total: null, vs_previous: null, window: null };
}

/** A report whose total is the sum of its groups. */
export function report(groups: NpsGroup[], level = 0.95): NpsReport {
  const t = groups.reduce((a, g) => ({ p: a.p + g.promoters, pa: a.pa + g.passives, d: a.d + g.detractors }), { p: 0, pa: 0, d: 0 });
  const total = figures(countsOf(t.p, t.pa, t.d), level);
  const withShares = groups.map((g) => ({ ...g, share: total.n ? g.n / total.n : 0 }));
  return { ...total, groups: withShares, level, count: 'all', low_n_threshold: LOW_N, hidden_groups: 0 };
}

/** The dashboard's eight quarters (Q4 2024 … Q3 2026), the same counts as the mocked survey's rows. */
export const EIGHT = report(QUARTER_COUNTS.map(([period, p, pa, d]) => group(period, p, pa, d)));

// Quarterly NPS reports for the chart tests.
import type { NpsGroup, NpsReport } from '../api';

export function group(period: string | null, promoters: number, passives: number, detractors: number): NpsGroup {
  const n = promoters + passives + detractors;
  const nps = ((promoters - detractors) / n) * 100;
  const ci95: [number, number] = [nps - 5, nps + 5];
  return {
    key: { period }, n, promoters, passives, detractors, nps, ci95,
    share: 0, distribution: [], low_n: n < 30, ci: ci95, vs_total: null, vs_previous: null, window: null,
  };
}

export function report(groups: NpsGroup[]): NpsReport {
  const t = groups.reduce((a, g) => ({ p: a.p + g.promoters, pa: a.pa + g.passives, d: a.d + g.detractors }), { p: 0, pa: 0, d: 0 });
  const n = t.p + t.pa + t.d;
  const nps = n ? ((t.p - t.d) / n) * 100 : 0;
  const ci95: [number, number] = [nps - 2, nps + 2];
  return {
    n, promoters: t.p, passives: t.pa, detractors: t.d, nps, ci95, groups,
    distribution: [], level: 0.95, ci: ci95, count: 'all', low_n_threshold: 30, hidden_groups: 0,
  };
}

export const EIGHT = report([
  group('2024-Q4', 201, 170, 181),
  group('2025-Q1', 232, 181, 182),
  group('2025-Q2', 262, 180, 170),
  group('2025-Q3', 290, 186, 160),
  group('2025-Q4', 318, 190, 150),
  group('2026-Q1', 246, 182, 236),
  group('2026-Q2', 352, 196, 138),
  group('2026-Q3', 389, 198, 120),
]);


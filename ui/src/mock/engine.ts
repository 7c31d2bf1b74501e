// A small NPS engine over made-up respondent rows, so the mocked preview and the App tests answer `nps`,
// `column_values` and `explain` honestly: every figure is computed from the rows (same formulas as the Rust
// side: adjusted-Wald intervals, two-sample z tests), nothing is typed in. Never in the production build.
import type {
  AccountInfo,
  AccountRow,
  WeightedNps,
  AccountsAnswer,
  RiskReason,
  Band,
  BandCounts,
  CommentPage,
  CommentQuery,
  Highlight,
  RuleError,
  RulesPreview,
  Comparison,
  Explanation,
  GroupKey,
  NpsGroup,
  NpsQuery,
  NpsReport,
  RuleVersion,
  SegmentShift,
  ThemesAnswer,
  ThemeStats,
  ValueCount,
} from '../api';

export const PLAN = 'Which plan are you on?';
export const REGION = 'Which region are you in?';
export const ACCOUNT = 'Custom Data 1';

export type Row = {
  date: string; // YYYY-MM-DD
  respondent: string;
  score: number;
  values: Record<string, string | null>;
  /** The free-text comment (`null`/blank = none). */
  comment?: string | null;
};

/** Answers per quarter (promoters, passives, detractors): the same counts as the dashboard fixtures. */
export const QUARTER_COUNTS: Array<[string, number, number, number]> = [
  ['2024-Q4', 201, 170, 181],
  ['2025-Q1', 232, 181, 182],
  ['2025-Q2', 262, 180, 170],
  ['2025-Q3', 290, 186, 160],
  ['2025-Q4', 318, 190, 150],
  ['2026-Q1', 246, 182, 236],
  ['2026-Q2', 352, 196, 138],
  ['2026-Q3', 389, 198, 120],
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let r = rand() * total;
  for (const [v, w] of items) {
    r -= w;
    if (r <= 0) return v;
  }
  return items[items.length - 1]![0];
}

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const time = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** Deterministic rows whose per-quarter counts are exactly QUARTER_COUNTS. */
export function makeRows(seed = 7): Row[] {
  const rand = mulberry32(seed);
  const rows: Row[] = [];
  for (const [q, p, pa, d] of QUARTER_COUNTS) {
    const year = Number(q.slice(0, 4));
    const qi = Number(q.slice(6));
    const start = Date.UTC(year, (qi - 1) * 3, 1);
    const end = Date.UTC(year, qi * 3, 1) - DAY;
    const cats: Array<['p' | 'a' | 'd', number]> = [['p', p], ['a', pa], ['d', d]];
    for (const [cat, count] of cats) {
      for (let i = 0; i < count; i++) {
        const score =
          cat === 'p' ? (rand() < 0.55 ? 10 : 9) : cat === 'a' ? (rand() < 0.5 ? 8 : 7) : Math.floor(rand() * 7);
        const plan = pick(rand, cat === 'p'
          ? [['Enterprise', 4], ['Pro', 4], ['Starter', 2], ['Free', 1]] as const
          : cat === 'a'
            ? [['Enterprise', 2], ['Pro', 3], ['Starter', 3], ['Free', 2]] as const
            : [['Enterprise', 1], ['Pro', 2], ['Starter', 3], ['Free', 4]] as const);
        const region = pick(rand, cat === 'd' && q === '2026-Q1'
          ? [['EMEA', 6], ['North America', 3], ['APAC', 2], ['LATAM', 1], [null, 0.3]] as const
          : [['EMEA', 4], ['North America', 4], ['APAC', 2], ['LATAM', 1], [null, 0.3]] as const);
        const respondent = `R${String(Math.floor(rand() * 3800)).padStart(5, '0')}`;
        rows.push({
          date: iso(start + Math.floor(rand() * ((end - start) / DAY + 1)) * DAY),
          respondent,
          score,
          values: {
            [PLAN]: plan,
            [REGION]: region,
            [ACCOUNT]: `ACME-${String(Math.floor(rand() * 420) + 1).padStart(4, '0')}`,
          },
        });
      }
    }
  }
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  // Comments from their own random stream, so the other columns stay exactly as they were.
  const crand = mulberry32(seed * 7919 + 13);
  for (const r of rows) {
    const pool = COMMENTS[category(r.score)];
    r.comment = crand() < 0.15 ? null : pool[Math.floor(crand() * pool.length)]!;
  }
  return rows;
}

/** Made-up comments per category (some match no theme of the mock's built-in rules). */
const COMMENTS: Record<'p' | 'a' | 'd', readonly string[]> = {
  p: ['Great support team, always responsive', 'Easy to use and fast', 'Love the reporting', 'Good value for the price', 'Onboarding was smooth', 'Just works'],
  a: ['Fine overall but a bit expensive', 'Reporting could be better', 'Support is slow sometimes', 'Okay', 'Some bugs but usable'],
  d: ['Too expensive for what you get', 'Support never answers tickets', 'Buggy and slow', 'Billing errors every month', 'It crashes constantly', 'No'],
};

const Z: Record<string, number> = { '0.8': 1.281552, '0.9': 1.644854, '0.95': 1.959964, '0.99': 2.575829 };
const Z95 = 1.959964;

/** Promoters, passives, detractors and the 0–10 distribution of one group. */
export type Counts = { p: number; a: number; d: number; dist: number[] };

function category(score: number): 'p' | 'a' | 'd' {
  return score >= 9 ? 'p' : score >= 7 ? 'a' : 'd';
}

/** Folds scores into counts (per-account averages are categorised as they stand, binned rounded). */
export function tally(scores: number[]): Counts {
  const c: Counts = { p: 0, a: 0, d: 0, dist: Array.from({ length: 11 }, () => 0) };
  for (const s of scores) {
    c[category(s)] += 1;
    const bin = Math.min(10, Math.max(0, Math.round(s)));
    c.dist[bin] = (c.dist[bin] ?? 0) + 1;
  }
  return c;
}

/** Counts with the given category sizes: promoters score 10, passives 8, detractors 0. */
export function countsOf(promoters: number, passives: number, detractors: number): Counts {
  const dist = Array.from({ length: 11 }, () => 0);
  dist[10] = promoters;
  dist[8] = passives;
  dist[0] = detractors;
  return { p: promoters, a: passives, d: detractors, dist };
}

const nOf = (c: Counts) => c.p + c.a + c.d;
const npsOf = (c: Counts) => (nOf(c) ? ((c.p - c.d) / nOf(c)) * 100 : 0);
/** Share of n in percent, 0 for an empty group (as `NpsCounts::pct` on the Rust side). */
const pctOf = (c: Counts, part: number) => (nOf(c) ? (100 * part) / nOf(c) : 0);

/** The figures an `NpsGroup` and an `NpsReport` share, from counts, with `ci` at the level. */
export function figures(
  c: Counts,
  level: number,
): Pick<NpsReport, 'n' | 'promoters' | 'passives' | 'detractors' | 'promoters_pct' | 'passives_pct' | 'detractors_pct' | 'nps' | 'ci95' | 'distribution' | 'ci'> {
  return {
    n: nOf(c),
    promoters: c.p,
    passives: c.a,
    detractors: c.d,
    promoters_pct: pctOf(c, c.p),
    passives_pct: pctOf(c, c.a),
    detractors_pct: pctOf(c, c.d),
    nps: npsOf(c),
    ci95: adjustedWald(c, Z95),
    distribution: c.dist,
    ci: adjustedWald(c, Z[String(level)] ?? Z95),
  };
}

function adjustedWald(c: Counts, z: number): [number, number] {
  const n1 = nOf(c) + 3;
  const p = (c.p + 0.75) / n1;
  const d = (c.d + 0.75) / n1;
  const centre = p - d;
  const half = z * Math.sqrt((p + d - centre * centre) / n1);
  return [Math.max(-100, 100 * (centre - half)), Math.min(100, 100 * (centre + half))];
}

function erf(x: number): number {
  // Numerical Recipes' erfc approximation (relative error < 1.2e-7): plenty for a preview.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
          t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

function compare(a: Counts, b: Counts, level: number): Comparison | null {
  if (nOf(a) === 0 || nOf(b) === 0) return null;
  const adj = (c: Counts) => {
    const n = nOf(c) + 3;
    const p = (c.p + 0.75) / n;
    const d = (c.d + 0.75) / n;
    const v = p - d;
    return [v, (p + d - v * v) / n] as const;
  };
  const [na, va] = adj(a);
  const [nb, vb] = adj(b);
  const se = Math.sqrt(va + vb);
  const z = se > 0 ? (na - nb) / se : 0;
  const p_value = 1 - erf(Math.abs(z) / Math.SQRT2);
  return { delta: npsOf(a) - npsOf(b), z, p_value, significant: p_value < 1 - level };
}

function isoWeek(d: string): string {
  const t = new Date(time(d));
  const day = (t.getUTCDay() + 6) % 7; // Monday = 0
  t.setUTCDate(t.getUTCDate() - day + 3); // the Thursday of this week
  const year = t.getUTCFullYear();
  const week = 1 + Math.round((t.getTime() - Date.UTC(year, 0, 4)) / (7 * DAY) - ((new Date(Date.UTC(year, 0, 4)).getUTCDay() + 6) % 7 - 3) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function periodKey(date: string, per: NonNullable<NpsQuery['per']>): string {
  const y = date.slice(0, 4);
  const m = Number(date.slice(5, 7));
  switch (per) {
    case 'year':
      return y;
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'month':
      return date.slice(0, 7);
    case 'week':
      return isoWeek(date);
  }
}

function passes(row: Row, q: NpsQuery): boolean {
  if (q.from && row.date < q.from) return false;
  if (q.to && row.date > q.to) return false;
  const byColumn = new Map<string, NpsQuery['filters']>();
  for (const f of q.filters) byColumn.set(f.column, [...(byColumn.get(f.column) ?? []), f]);
  for (const [column, fs] of byColumn) {
    // An empty filter value means "left empty": `= ""` keeps the blanks, `!= ""` the answered.
    const v = row.values[column] ?? '';
    const pos = fs.filter((f) => !f.negate);
    if (pos.length > 0 && !pos.some((f) => f.value === v)) return false;
    if (fs.some((f) => f.negate && f.value === v)) return false;
  }
  return true;
}

/** The scores that count in one group, by count mode. */
function unitScores(rows: Row[], q: NpsQuery): number[] {
  if (q.count === 'all') return rows.map((r) => r.score);
  const latest = new Map<string, Row>();
  const account = q.account_column ?? ACCOUNT;
  for (const r of rows) {
    if (q.count === 'per-account' && (r.values[account] ?? null) === null) continue;
    const who = q.count === 'per-account' ? `${r.values[account]}\u0000${r.respondent}` : r.respondent;
    latest.set(who, r); // rows are in date order: the last one wins
  }
  if (q.count === 'latest-per-respondent') return [...latest.values()].map((r) => r.score);
  const perAccount = new Map<string, number[]>();
  for (const r of latest.values()) {
    const a = String(r.values[account]);
    perAccount.set(a, [...(perAccount.get(a) ?? []), r.score]);
  }
  return [...perAccount.values()].map((s) => s.reduce((x, y) => x + y, 0) / s.length);
}

function windowEnds(first: string, last: string, step: 'week' | 'month'): string[] {
  const stepEnd = (t: number) => {
    const d = new Date(t);
    if (step === 'week') return t + ((7 - d.getUTCDay()) % 7) * DAY;
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY;
  };
  const out: string[] = [];
  for (let t = stepEnd(time(first)), i = 0; i < 2000; i++) {
    out.push(iso(t));
    if (t >= time(last)) break;
    t = stepEnd(t + DAY);
  }
  return out;
}

export function computeNps(all: Row[], q: NpsQuery): NpsReport {
  if (q.per && q.rolling) throw { code: 'invalid_input', message: 'per and rolling exclude each other' };
  const level = q.level;
  const rows = all.filter((r) => passes(r, q));
  const total = tally(unitScores(rows, q));

  // Buckets: key → rows (a row can be in several rolling windows).
  const buckets = new Map<string, { key: GroupKey; rows: Row[]; window: { from: string; to: string } | null }>();
  const add = (key: GroupKey, row: Row, window: { from: string; to: string } | null) => {
    const k = JSON.stringify(key);
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = { key, rows: [], window }));
    b.rows.push(row);
  };
  const segKey = (r: Row): GroupKey => Object.fromEntries(q.by.map((c) => [c, r.values[c] ?? null]));
  if (q.rolling) {
    const first = rows[0]?.date;
    const last = rows[rows.length - 1]?.date;
    if (first && last) {
      for (const end of windowEnds(first, last, q.rolling.step)) {
        const from = iso(time(end) - (q.rolling.days - 1) * DAY);
        for (const r of rows) if (r.date >= from && r.date <= end) add({ ...segKey(r), period: end }, r, { from, to: end });
      }
    }
  } else if (q.per) {
    for (const r of rows) add({ ...segKey(r), period: periodKey(r.date, q.per) }, r, null);
  } else if (q.by.length > 0) {
    for (const r of rows) add(segKey(r), r, null);
  }

  const counted = [...buckets.values()].map((b) => ({ ...b, c: tally(unitScores(b.rows, q)) }));
  counted.sort((a, b) => {
    const pa = a.key['period'] ?? '';
    const pb = b.key['period'] ?? '';
    if (pa !== pb) return pa < pb ? -1 : 1;
    return nOf(b.c) - nOf(a.c);
  });
  const previous = new Map<string, Counts>();
  const groups: NpsGroup[] = [];
  let hidden = 0;
  for (const b of counted) {
    const n = nOf(b.c);
    const seg = JSON.stringify(q.by.map((c) => b.key[c] ?? null));
    const prev = previous.get(seg);
    if (n > 0 && (q.per || q.rolling)) previous.set(seg, b.c);
    if (n < q.min_n || n === 0) {
      hidden += 1;
      continue;
    }
    groups.push({
      key: b.key,
      ...figures(b.c, level),
      share: nOf(total) ? n / nOf(total) : 0,
      low_n: n < q.low_n,
      vs_total: compare(b.c, total, level),
      vs_previous: prev ? compare(b.c, prev, level) : null,
      window: b.window,
    });
  }
  return {
    ...figures(total, level),
    groups,
    level,
    count: q.count,
    low_n_threshold: q.low_n,
    hidden_groups: hidden,
  };
}

export function computeColumnValues(rows: Row[], column: string): ValueCount[] {
  const m = new Map<string | null, number>();
  for (const r of rows) {
    const v = r.values[column] || null; // left empty (null or "") is one value: null
    m.set(v, (m.get(v) ?? 0) + 1);
  }
  return [...m.entries()]
    .map(([value, n]) => ({ value, n }))
    .sort((a, b) => b.n - a.n || String(a.value).localeCompare(String(b.value)));
}

/** Mix/within split of the change between two periods (shares and NPS of each segment). */
export function computeExplain(rows: Row[], q: NpsQuery, fromPeriod: string, toPeriod: string, by: string): Explanation {
  const per = q.per ?? 'quarter';
  const side = (period: string) => {
    const rs = rows.filter((r) => passes(r, q) && periodKey(r.date, per) === period);
    const segs = new Map<string | null, Row[]>();
    for (const r of rs) {
      const k = r.values[by] ?? null;
      segs.set(k, [...(segs.get(k) ?? []), r]);
    }
    const total = tally(unitScores(rs, q));
    return { total, segs: new Map([...segs].map(([k, v]) => [k, tally(unitScores(v, q))])) };
  };
  const a = side(fromPeriod);
  const b = side(toPeriod);
  const keys = new Set([...a.segs.keys(), ...b.segs.keys()]);
  const segments: SegmentShift[] = [];
  for (const key of keys) {
    const ca = a.segs.get(key);
    const cb = b.segs.get(key);
    const fs = ca && nOf(a.total) ? nOf(ca) / nOf(a.total) : 0;
    const ts = cb && nOf(b.total) ? nOf(cb) / nOf(b.total) : 0;
    const fn = ca && nOf(ca) ? npsOf(ca) : null;
    const tn = cb && nOf(cb) ? npsOf(cb) : null;
    // Symmetric split: mix at the average NPS, within at the average share.
    const avgNps = fn !== null && tn !== null ? (fn + tn) / 2 : (fn ?? tn ?? 0);
    const mix = (ts - fs) * avgNps;
    const within = fn !== null && tn !== null ? ((fs + ts) / 2) * (tn - fn) : 0;
    segments.push({ key, from_share: fs, to_share: ts, from_nps: fn, to_nps: tn, mix, within });
  }
  segments.sort((x, y) => Math.abs(y.mix + y.within) - Math.abs(x.mix + x.within));
  const mix = segments.reduce((s, x) => s + x.mix, 0);
  return {
    from: { period: fromPeriod, n: nOf(a.total), nps: npsOf(a.total) },
    to: { period: toPeriod, n: nOf(b.total), nps: npsOf(b.total) },
    delta: npsOf(b.total) - npsOf(a.total),
    mix,
    within: npsOf(b.total) - npsOf(a.total) - mix,
    by,
    segments,
  };
}

/** A query with the app's defaults (whole selection, every response, 95 %, low n 30, min n 10), patched. */
export function mockQuery(patch: Partial<NpsQuery> = {}): NpsQuery {
  return {
    by: [],
    per: null,
    rolling: null,
    from: null,
    to: null,
    filters: [],
    count: 'all',
    account_column: null,
    level: 0.95,
    low_n: 30,
    min_n: 10,
    ...patch,
  };
}

let cached: Row[] | null = null;
/** The rows of the mocked NPS survey (built once). */
export function mockRows(): Row[] {
  return (cached ??= makeRows());
}

// ── Themes ──────────────────────────────────────────────────────────────────────────────────────────────
// A tiny keyword matcher standing in for the Rust one: a rule set is JSON `{"themes": [{name, parent?, any?}]}`
// (no TOML, no stemming, no `all`/`none`/regex); a term matches a whole lower-cased word, `word*` a prefix, a
// term with spaces a phrase. A child's match tags its parent too. Impact intervals (a bootstrap on the Rust
// side) are left out: `impact_ci95` is null.

/** The comment column of the mocked survey. */
export const COMMENT = 'What is the main reason for your score?';

export type MockTheme = { name: string; parent: string | null; any: string[] };

export const MOCK_BUILTIN_RULES = JSON.stringify(
  {
    themes: [
      { name: 'Service' },
      { name: 'Support', parent: 'Service', any: ['support', 'ticket*', 'responsive', 'answer*'] },
      { name: 'Onboarding', parent: 'Service', any: ['onboarding', 'training'] },
      { name: 'Commercial' },
      { name: 'Price', parent: 'Commercial', any: ['expensive', 'price*', 'value', 'billing'] },
      { name: 'Product' },
      { name: 'Usability', parent: 'Product', any: ['easy', 'use'] },
      { name: 'Reliability', parent: 'Product', any: ['bug*', 'buggy', 'crash*', 'slow'] },
      { name: 'Reporting', parent: 'Product', any: ['report*'] },
    ],
  },
  null,
  2,
);

function rulesError(text: string, offset: number, problem: string): AppErrorLike {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return { code: 'invalid_input', message: `the rule set has problems: line ${line}, column ${column}: ${problem}` };
}

type AppErrorLike = { code: 'invalid_input'; message: string };

/** Parses and checks a mock rule set; throws `{ code: 'invalid_input', message: 'line L, column C: …' }`. */
export function parseMockRules(text: string): MockTheme[] {
  if (!text.trim().startsWith('{')) {
    const at = text.length - text.trimStart().length;
    throw rulesError(text, at, 'the mock backend reads JSON rule sets only');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String(e));
    throw rulesError(text, m ? Number(m[1]) : 0, 'not valid JSON');
  }
  const list = (raw as { themes?: unknown }).themes;
  if (!Array.isArray(list)) throw rulesError(text, 0, 'missing field `themes`');
  const themes: MockTheme[] = [];
  // Where each theme's object starts (theme objects hold no nested objects), for the error positions.
  let cursor = text.indexOf('[', text.indexOf('"themes"'));
  for (const [i, t] of list.entries()) {
    const at = text.indexOf('{', cursor);
    cursor = text.indexOf('}', at) + 1;
    const o = (t ?? {}) as { name?: unknown; parent?: unknown; any?: unknown };
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    if (!name) throw rulesError(text, at, `themes[${i}].name: empty theme name`);
    if (themes.some((x) => x.name === name)) throw rulesError(text, at, `themes[${i}].name: duplicate theme ${JSON.stringify(name)}`);
    const any = Array.isArray(o.any) ? o.any.map((x) => String(x).toLowerCase().trim()) : [];
    if (any.some((x) => x === '' || x === '*')) throw rulesError(text, at, `themes[${i}].any: empty term`);
    themes.push({ name, parent: typeof o.parent === 'string' ? o.parent : null, any });
  }
  for (const [i, t] of themes.entries()) {
    if (t.parent !== null && !themes.some((x) => x.name === t.parent)) {
      throw rulesError(text, text.indexOf(`"${t.parent}"`), `themes[${i}].parent: unknown parent theme ${JSON.stringify(t.parent)}`);
    }
  }
  return themes;
}

const words = (comment: string) => comment.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

function termMatches(term: string, ws: string[]): boolean {
  if (term.includes(' ')) return ` ${ws.join(' ')} `.includes(` ${term} `);
  if (term.endsWith('*')) return ws.some((w) => w.startsWith(term.slice(0, -1)));
  return ws.includes(term);
}

/** The themes of one comment (parents included; empty = uncategorized). */
export function tagComment(themes: MockTheme[], comment: string): Set<string> {
  const ws = words(comment);
  const out = new Set<string>();
  for (const t of themes) {
    if (!t.any.some((term) => termMatches(term, ws))) continue;
    for (let cur: string | null = t.name, hops = 0; cur !== null && hops < themes.length && !out.has(cur); hops++) {
      out.add(cur);
      cur = themes.find((x) => x.name === cur)?.parent ?? null;
    }
  }
  return out;
}

/** `themes` over the rows that pass the query's dates and filters (every response counts; no groups). */
export function computeThemes(all: Row[], q: NpsQuery, themes: MockTheme[], rules: string): ThemesAnswer {
  const rows = all.filter((r) => passes(r, q));
  const commented = rows.filter((r) => (r.comment ?? '').trim() !== '');
  const tags = new Map(commented.map((r) => [r, tagComment(themes, r.comment!)] as const));
  const total = tally(rows.map((r) => r.score));
  const detComments = commented.filter((r) => category(r.score) === 'd').length;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  const stats = themes.map((t): ThemeStats => {
    const mentioning = commented.filter((r) => tags.get(r)!.has(t.name));
    const c = tally(mentioning.map((r) => r.score));
    const rest = tally(rows.filter((r) => !tags.get(r)?.has(t.name)).map((r) => r.score));
    return {
      theme: t.name,
      parent: t.parent,
      mentions: mentioning.length,
      share: ratio(mentioning.length, commented.length),
      n: nOf(c),
      promoters: c.p,
      passives: c.a,
      detractors: c.d,
      nps: nOf(c) > 0 ? npsOf(c) : null,
      ci95: nOf(c) > 0 ? adjustedWald(c, Z95) : null,
      detractor_share: detComments > 0 ? c.d / detComments : null,
      impact: nOf(total) > 0 && nOf(rest) > 0 ? npsOf(total) - npsOf(rest) : null,
      impact_ci95: null,
    };
  });
  const uncategorized = commented.filter((r) => tags.get(r)!.size === 0).length;
  return {
    column: COMMENT,
    rules,
    groups: [],
    coverage: ratio(commented.length - uncategorized, commented.length),
    uncategorized,
    comments: commented.length,
    nps: nOf(total) > 0 ? npsOf(total) : null,
    themes: stats,
  };
}

/** The workspace's saved rule versions, in memory (newest last). */
export class MockRuleStore {
  versions: RuleVersion[] = [];

  save(text: string, note: string | null): RuleVersion {
    parseMockRules(text);
    const v: RuleVersion = {
      id: BigInt(this.versions.length + 1),
      survey_id: null,
      format: 'json',
      text,
      note,
      saved_at: '2026-10-01T09:00:00Z',
    };
    this.versions.push(v);
    return v;
  }

  history(): RuleVersion[] {
    return [...this.versions].reverse();
  }

  /** The rules in use: the newest saved version's text, else the built-in rules. */
  text(): string {
    return this.versions[this.versions.length - 1]?.text ?? MOCK_BUILTIN_RULES;
  }

  comments(rows: Row[], q: NpsQuery, e: CommentQuery, rules: string | null): CommentPage {
    if (rules !== null) return computeComments(rows, q, parseMockRules(rules), 'unsaved', e);
    const last = this.versions[this.versions.length - 1];
    return computeComments(rows, q, parseMockRules(this.text()), last ? `saved version ${last.id}` : 'built-in', e);
  }

  /** As the Rust side: the given text ("unsaved"), else the newest saved version, else the built-in rules. */
  themes(rows: Row[], q: NpsQuery, rules: string | null): ThemesAnswer {
    if (rules !== null) return computeThemes(rows, q, parseMockRules(rules), 'unsaved');
    const last = this.versions[this.versions.length - 1];
    if (last) return computeThemes(rows, q, parseMockRules(last.text), `saved version ${last.id}`);
    return computeThemes(rows, q, parseMockRules(MOCK_BUILTIN_RULES), 'built-in');
  }
}

/** Where the rules' terms match in a comment (the mock's highlights; UTF-16 offsets like the backend's). */
export function mockHighlights(themes: MockTheme[], comment: string): Highlight[] {
  const out: Highlight[] = [];
  for (const m of comment.matchAll(/[\p{L}\p{N}']+/gu)) {
    const w = m[0].toLowerCase();
    for (const t of themes) {
      const term = t.any.find((x) => !x.includes(' ') && (x.endsWith('*') ? w.startsWith(x.slice(0, -1)) : w === x));
      if (term !== undefined) out.push({ start: m.index, end: m.index + m[0].length, theme: t.name, term });
    }
  }
  return out;
}

const bandOfScore = (s: number | null): Band => (s === null ? 'unanswered' : s >= 9 ? 'promoter' : s >= 7 ? 'passive' : 'detractor');

/** `comments`: the explorer's page over the rows that pass the query, as the Rust side answers it. */
export function computeComments(all: Row[], q: NpsQuery, themes: MockTheme[], rules: string, e: CommentQuery): CommentPage {
  const words = e.search ? e.search.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [] : [];
  const rows = all
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => passes(r, q) && (r.comment ?? '').trim() !== '')
    .map((x) => ({ ...x, tags: tagComment(themes, x.r.comment!) }))
    .filter(({ tags }) => (e.theme === null ? true : e.theme === 'Uncategorized' ? tags.size === 0 : tags.has(e.theme)))
    .filter(({ tags }) => e.matched === null || e.matched === tags.size > 0)
    .filter(({ r }) => {
      const ws = (r.comment!.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []);
      return words.every((w) => ws.some((x) => x.startsWith(w)));
    });
  const bands: BandCounts = { promoters: 0, passives: 0, detractors: 0, unanswered: 0 };
  for (const { r } of rows) bands[`${bandOfScore(r.score)}s` as 'promoters' | 'passives' | 'detractors']++;
  const kept = rows.filter(({ r }) => e.bands.length === 0 || e.bands.includes(bandOfScore(r.score)));
  const newest = [...kept].sort((a, b) => b.r.date.localeCompare(a.r.date) || b.i - a.i);
  const sorted =
    e.sort === 'oldest' ? [...newest].reverse() : e.sort === 'lowest' ? [...newest].sort((a, b) => a.r.score - b.r.score) : e.sort === 'highest' ? [...newest].sort((a, b) => b.r.score - a.r.score) : newest;
  return {
    column: COMMENT,
    rules,
    total: kept.length,
    bands,
    offset: e.offset,
    comments: sorted.slice(e.offset, e.offset + e.limit).map(({ r, tags }) => ({
      respondent: r.respondent,
      responded_at: `${r.date}T09:00:00`,
      score: r.score,
      text: r.comment!,
      themes: themes.filter((t) => tags.has(t.name)).map((t) => t.name),
      segments: Object.fromEntries(e.show.map((c) => [c, r.values[c] ?? null])),
      highlights: mockHighlights(themes, r.comment!),
    })),
  };
}

/** The mock rule errors as the preview's structured problems (line and column from the message). */
function mockProblems(reason: unknown): RuleError[] {
  const message = (reason as { message?: string }).message ?? String(reason);
  const m = /line (\d+), column (\d+): (.*)$/.exec(message);
  return [{ line: m ? Number(m[1]) : 0, column: m ? Number(m[2]) : 0, path: '', message: m ? m[3]! : message }];
}

/** `preview_rules`: problems, or the themes and a page of comments the text's rules give. */
export function computePreview(rows: Row[], q: NpsQuery, text: string, e: CommentQuery): RulesPreview {
  let themes: MockTheme[];
  try {
    themes = parseMockRules(text);
  } catch (reason) {
    return { errors: mockProblems(reason), themes: null, comments: null, elapsed_ms: 0 };
  }
  return {
    errors: [],
    themes: computeThemes(rows, q, themes, 'unsaved'),
    comments: computeComments(rows, q, themes, 'unsaved', e),
    elapsed_ms: 3,
  };
}

/** `WeightedNps::over_accounts`: weighted mean of per-account NPS (proportions) with a cluster-robust interval. */
export function overAccounts(accounts: Array<[number, number]>): WeightedNps | null {
  const used = accounts.filter(([, w]) => w > 0 && Number.isFinite(w));
  const k = used.length;
  const sw = used.reduce((a, [, w]) => a + w, 0);
  if (k === 0 || sw <= 0) return null;
  const m = used.reduce((a, [x, w]) => a + x * w, 0) / sw;
  let ci95: [number, number] | null = null;
  if (k >= 2) {
    const ss = used.reduce((a, [x, w]) => a + w * w * (x - m) * (x - m), 0);
    const se = Math.sqrt((k / (k - 1)) * ss) / sw;
    ci95 = [Math.max(-1, m - Z95 * se) * 100, Math.min(1, m + Z95 * se) * 100];
  }
  return { nps: m * 100, ci95, units: k };
}

/**
 * `accounts`: account health over the rows that pass the query (the Rust rules: see analytics/accounts.rs),
 * with what the accounts file says about each (`info`: by id or name) and the three weightings of the NPS.
 */
export function computeAccounts(all: Row[], q: NpsQuery, info: (account: string) => AccountInfo | undefined = () => undefined): AccountsAnswer {
  const rows = all
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => passes(r, q))
    .sort((a, b) => a.r.date.localeCompare(b.r.date) || a.i - b.i);
  const per = new Map<string, Row[]>();
  let without = 0;
  for (const { r } of rows) {
    const a = r.values[ACCOUNT];
    if (!a) {
      without++;
      continue;
    }
    per.set(a, [...(per.get(a) ?? []), r]);
  }
  const rank = (s: number) => (s >= 9 ? 2 : s >= 7 ? 1 : 0);
  const accounts: AccountRow[] = [...per.entries()].map(([account, list]) => {
    const scores = list.map((r) => r.score);
    const c = tally(scores);
    const latest = scores.at(-1) ?? null;
    const previous = scores.length > 1 ? scores.at(-2)! : null;
    const reasons: RiskReason[] = [];
    if (latest !== null && latest <= 6) reasons.push('latest-detractor');
    if (latest !== null && previous !== null && latest - previous <= -3) reasons.push('dropped');
    if (latest !== null && previous !== null && rank(latest) < rank(previous)) reasons.push('category-fell');
    const commented = list.filter((r) => (r.comment ?? '').trim() !== '');
    return {
      account,
      responses: list.length,
      n: nOf(c),
      promoters: c.p,
      passives: c.a,
      detractors: c.d,
      nps: nOf(c) > 0 ? npsOf(c) : null,
      ci95: nOf(c) > 0 ? adjustedWald(c, Z95) : null,
      latest_score: latest,
      latest_at: list.length ? `${list.at(-1)!.date}T09:00:00` : null,
      previous_score: previous,
      change: latest !== null && previous !== null ? latest - previous : null,
      at_risk: reasons.length > 0,
      reasons,
      history: scores.slice(-12),
      last_comment: commented.at(-1)?.comment ?? null,
      name: info(account)?.name ?? null,
      renewal_date: info(account)?.renewal_date ?? null,
      arr: info(account)?.arr ?? null,
      owner: info(account)?.owner ?? null,
    };
  });
  accounts.sort((a, b) => Number(b.at_risk) - Number(a.at_risk) || (b.latest_at ?? '').localeCompare(a.latest_at ?? '') || a.account.localeCompare(b.account));
  const withArr = accounts.filter((a) => a.arr !== null);
  const answered = tally(rows.map(({ r }) => r.score));
  const share = (a: AccountRow) => (a.promoters - a.detractors) / a.n;
  return {
    column: ACCOUNT,
    accounts,
    at_risk: accounts.filter((a) => a.at_risk).length,
    without_account: without,
    arr_total: withArr.length > 0 ? withArr.reduce((s, a) => s + a.arr!, 0) : null,
    revenue_at_risk: withArr.length > 0 ? withArr.filter((a) => a.at_risk).reduce((s, a) => s + a.arr!, 0) : null,
    matched_accounts: accounts.filter((a) => info(a.account) !== undefined).length,
    weightings: {
      respondent: nOf(answered) > 0 ? { nps: npsOf(answered), ci95: adjustedWald(answered, Z95), units: nOf(answered) } : null,
      account: overAccounts(accounts.filter((a) => a.n > 0).map((a) => [share(a), 1])),
      arr: overAccounts(accounts.filter((a) => a.n > 0 && a.arr !== null).map((a) => [share(a), a.arr!])),
    },
  };
}

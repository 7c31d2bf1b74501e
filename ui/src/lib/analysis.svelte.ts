// The dashboard's controls (granularity, rolling window, segments, count mode, level, dates, filters) and the
// reports they ask for. Every change re-queries after a short debounce; stale answers are dropped.
import { DEFAULT_SETTINGS, settings } from './settings.svelte';
import {
  AppError,
  columnValues,
  explain,
  nps,
  type ColumnInfo,
  type CountMode,
  type Explanation,
  type Filter,
  type NpsQuery,
  type NpsReport,
  type Period,
  type Rolling,
  type SurveySummary,
  type ValueCount,
} from '../api';

export type Level = 0.8 | 0.9 | 0.95 | 0.99;

export type Controls = {
  per: Period;
  /** `null` = calendar periods (`per`); otherwise trailing windows. */
  rolling: Rolling | null;
  /** Up to two segment columns (names). */
  segments: string[];
  count: CountMode;
  level: Level;
  from: string | null;
  to: string | null;
  filters: Filter[];
};

export const DEFAULT_CONTROLS: Controls = {
  per: 'quarter',
  rolling: null,
  segments: [],
  count: 'all',
  level: 0.95,
  from: null,
  to: null,
  filters: [],
};

/** The defaults; the user's own thresholds live in `settings`. */
export const LOW_N = DEFAULT_SETTINGS.lowN;
export const MIN_N = DEFAULT_SETTINGS.minN;
export const DEBOUNCE_MS = 120;

const SEGMENTABLE: ReadonlyArray<ColumnInfo['role']> = ['segment', 'metadata'];

/** Columns one can segment or filter by: segment and metadata columns. */
export function segmentColumns(survey: SurveySummary | null): ColumnInfo[] {
  return (survey?.columns ?? []).filter((c) => SEGMENTABLE.includes(c.role));
}

export type Reports = {
  overall: NpsReport | null;
  trend: NpsReport | null;
  /** By the first segment column, over the whole selection. */
  segments: NpsReport | null;
  /** First segment × period, or first × second segment. */
  grid: NpsReport | null;
};

const EMPTY: Reports = { overall: null, trend: null, segments: null, grid: null };

export function isDefault(c: Controls): boolean {
  return (
    c.per === DEFAULT_CONTROLS.per &&
    c.rolling === null &&
    c.count === 'all' &&
    c.level === 0.95 &&
    // The dashboard's own reports are computed with the default thresholds.
    settings.value.lowN === DEFAULT_SETTINGS.lowN &&
    settings.value.minN === DEFAULT_SETTINGS.minN &&
    c.from === null &&
    c.to === null &&
    c.filters.length === 0
  );
}

/** The query for the given grouping, with every other field from the controls. */
export function queryFor(c: Controls, by: string[], time: 'none' | 'trend' | 'per'): NpsQuery {
  return {
    by,
    per: time === 'per' || (time === 'trend' && c.rolling === null) ? c.per : null,
    rolling: time === 'trend' ? c.rolling : null,
    from: c.from,
    to: c.to,
    filters: c.filters.map((f) => ({ ...f })),
    count: c.count,
    account_column: settings.value.accountColumn,
    level: c.level,
    low_n: settings.value.lowN,
    min_n: settings.value.minN,
  };
}

export class Analysis {
  controls = $state<Controls>({ ...DEFAULT_CONTROLS });
  reports = $state.raw<Reports>(EMPTY);
  loading = $state(false);
  error = $state<AppError | null>(null);
  surveyId = $state<number | null>(null);

  #request = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #values = new Map<string, Promise<ValueCount[]>>();

  /** A new survey: controls back to their defaults, then a query. */
  reset(surveyId: number | null, hasNps: boolean): void {
    this.surveyId = surveyId;
    this.controls = { ...DEFAULT_CONTROLS, level: settings.value.level };
    this.reports = EMPTY;
    this.error = null;
    this.#values.clear();
    if (hasNps) this.#schedule(0);
    else this.#cancel();
  }

  update(patch: Partial<Controls>): void {
    this.controls = { ...this.controls, ...patch };
    this.#schedule(DEBOUNCE_MS);
  }

  setGranularity(per: Period): void {
    this.update({ per, rolling: null });
  }

  setRolling(rolling: Rolling | null): void {
    this.update({ rolling });
  }

  setSegment(index: 0 | 1, column: string | null): void {
    const s = [...this.controls.segments];
    if (index === 0) {
      const second = s[1] && s[1] !== column ? s[1] : null;
      this.update({ segments: column ? (second ? [column, second] : [column]) : [] });
    } else if (s[0]) {
      this.update({ segments: column && column !== s[0] ? [s[0], column] : [s[0]] });
    }
  }

  addFilter(f: Filter): void {
    const exists = this.controls.filters.some((x) => x.column === f.column && x.value === f.value && x.negate === f.negate);
    if (exists) return;
    this.update({ filters: [...this.controls.filters, { ...f }] });
  }

  removeFilter(index: number): void {
    this.update({ filters: this.controls.filters.filter((_, i) => i !== index) });
  }

  removeLastFilter(): boolean {
    if (this.controls.filters.length === 0) return false;
    this.removeFilter(this.controls.filters.length - 1);
    return true;
  }

  /** The values of a column (cached per survey). */
  values(column: string): Promise<ValueCount[]> {
    let p = this.#values.get(column);
    if (!p) {
      p = columnValues(this.surveyId, column);
      p.catch(() => this.#values.delete(column));
      this.#values.set(column, p);
    }
    return p;
  }

  /** Why NPS changed between two calendar periods of the current granularity, split by a column. */
  explainChange(fromPeriod: string, toPeriod: string, by: string): Promise<Explanation> {
    return explain(this.surveyId, queryFor(this.controls, [], 'per'), fromPeriod, toPeriod, by);
  }

  /** Asks again with the same controls (the data changed). */
  requery(): void {
    this.#schedule(0);
  }

  dispose(): void {
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#request += 1;
    this.loading = false;
  }

  #schedule(ms: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.loading = true;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refresh();
    }, ms);
  }

  async refresh(): Promise<void> {
    const request = ++this.#request;
    const c = this.controls;
    const id = this.surveyId;
    const [first, second] = c.segments;
    this.loading = true;
    try {
      const [overall, trend, segments, grid] = await Promise.all([
        nps(id, queryFor(c, [], 'none')),
        nps(id, queryFor(c, [], 'trend')),
        first ? nps(id, queryFor(c, [first], 'none')) : Promise.resolve(null),
        first ? nps(id, second ? queryFor(c, [first, second], 'none') : queryFor(c, [first], 'per')) : Promise.resolve(null),
      ]);
      if (request !== this.#request) return;
      this.reports = { overall, trend, segments, grid };
      this.error = null;
    } catch (reason) {
      if (request !== this.#request) return;
      this.error = AppError.from(reason);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}

export const COUNT_LABELS: Record<CountMode, { label: string; hint: string }> = {
  all: { label: 'Every response', hint: 'Every answered response counts, including repeat answers from the same person.' },
  'latest-per-respondent': {
    label: 'Latest per respondent',
    hint: 'Each respondent counts once per group: their latest response (by e-mail, else respondent ID).',
  },
  'per-account': {
    label: 'Per account',
    hint: 'Each account (Custom Data 1) counts once, categorised by the average of its respondents’ latest scores.',
  },
};

/** How an empty filter value reads: `Plan = (left empty)` keeps the blanks, `Plan ≠ (left empty)` the answered. */
export const LEFT_EMPTY = '(left empty)';

/** A filter value for people: the empty value (“left empty”) as LEFT_EMPTY, any other as given. */
export function filterValueLabel(value: string): string {
  return value === '' ? LEFT_EMPTY : value;
}

export function filterLabel(f: Filter): string {
  return `${f.column} ${f.negate ? '≠' : '='} ${filterValueLabel(f.value)}`;
}

/** One line on what is selected, for chart subtitles: filters, dates, count mode. */
export function describeSelection(c: Controls): string {
  const parts: string[] = [];
  if (c.filters.length > 0) parts.push(`Filters: ${c.filters.map(filterLabel).join(' · ')}`);
  if (c.from || c.to) parts.push(`${c.from ?? 'start'} to ${c.to ?? 'latest'}`);
  if (c.count !== 'all') parts.push(COUNT_LABELS[c.count].label.toLowerCase());
  return parts.length > 0 ? parts.join(' · ') : 'All responses';
}

/** "NPS by quarter", "NPS · rolling 90 days, monthly". */
export function trendHeading(c: Controls): string {
  if (c.rolling) return `NPS · rolling ${c.rolling.days} days, ${c.rolling.step === 'week' ? 'weekly' : 'monthly'}`;
  return `NPS by ${c.per}`;
}

// The whole window against a mocked Rust side (happy-dom): states the user can see.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mount, unmount, flushSync } from 'svelte';
import App from './App.svelte';
import { AppState } from './lib/appState.svelte';
import { emitDrag, emitProgress, installMockBackend, uninstallMockBackend, type MockHandlers } from './api/devMock';
import { analyticsHandlers, columnWarning, dashboardFor, importReport, npsSurvey, overall, plainSurvey, qualtricsReport, workspace, WORKSPACE_PATH } from './mock/fixtures';
import { ACCOUNT, computeAccounts, computeColumnValues, computeNps, mockRows, MockRuleStore, PLAN, REGION } from './mock/engine';
import { DEFAULT_CONTROLS, queryFor } from './lib/analysis.svelte';
import { formatPercent } from './lib/format';
import { DEFAULT_SETTINGS, settings } from './lib/settings.svelte';
import type { FollowupQuery, FollowupSettings, ImportReport, NpsQuery, PromoterUpdate, TableRequest } from './api';
import { MockLoop } from './mock/followups';
import { DEFAULT_QUEUE, followupQuery, formatHours, formatMoney } from './lib/followups';
import { formatInterval } from './lib/format';

let app: ReturnType<typeof mount> | null = null;

// happy-dom does no layout; give elements a size so ECharts has something to draw into.
const sizes = ['clientWidth', 'clientHeight'] as const;
const saved = sizes.map((k) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, k));
beforeAll(() => {
  for (const k of sizes) {
    Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => (k === 'clientWidth' ? 1000 : 340) });
  }
});
afterAll(() => {
  sizes.forEach((k, i) => {
    const d = saved[i];
    if (d) Object.defineProperty(HTMLElement.prototype, k, d);
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k];
  });
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  uninstallMockBackend();
  document.body.innerHTML = '';
});

async function until<T>(probe: () => T | null | undefined | false, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    flushSync();
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out; body: ${document.body.textContent?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function start(h: MockHandlers): AppState {
  installMockBackend(h);
  const state = new AppState();
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(App, { target, props: { state } });
  return state;
}

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel);

const ws = workspace();
const base: MockHandlers = {
  startup: () => ({ workspace: ws, imported: [], error: null }),
  dashboard: (id) => dashboardFor(id, ws),
  ...analyticsHandlers(),
};

describe('App', () => {
  it('shows the headline NPS with its unrounded value, n and CI', async () => {
    start(base);
    const h = await until(() => $('[data-testid=headline-nps]'));
    const o = overall();
    expect(h.dataset['nps']).toBe(String(o.nps));
    expect(Number(h.dataset['nps'])).toBe(o.nps);
    expect(h.textContent).toMatch(/^\+\d+\.\d$/);
    const n = $('[data-testid=headline-n]')!;
    expect(n.dataset['n']).toBe(String(o.n));
    expect(n.textContent?.replace(/\s+/g, ' ').trim()).toMatch(/^n = 5,110 · 95 % CI \d+\.\d to \d+\.\d$/);
    expect($('[data-testid=survey-name]')?.textContent).toBe(npsSurvey().name);
    expect($('[data-testid=survey-range]')?.textContent).toBe('1 Oct 2024 – 29 Sep 2026');
    const svg = await until(() => $('[data-testid=chart-trend] svg'));
    expect(svg.textContent).toContain('Q4 2024');
    expect(svg.textContent).toContain('Q3 2026');
    expect(svg.textContent).toContain('n = 707');
    expect($('[data-testid=workspace-path]')?.title).toBe(`${WORKSPACE_PATH}\nOpen another workspace (Ctrl+O)`);
  });

  it('draws the 0–10 distribution from the report: one column per score, its count, heights relative to the most', async () => {
    start(base);
    const cols = await until(() => {
      const c = [...document.querySelectorAll<HTMLElement>('[data-testid=score-distribution] [data-score]')];
      return c.length === 11 ? c : null;
    });
    const o = overall();
    expect(cols.map((c) => Number(c.dataset['count']))).toEqual(o.distribution);
    expect(o.distribution.reduce((x, y) => x + y, 0)).toBe(o.n);
    const most = Math.max(...o.distribution);
    const tallest = cols[o.distribution.indexOf(most)]!.querySelector<HTMLElement>('.fill')!;
    expect(tallest.style.height).toBe('100.0%');
    expect(cols[0]!.title).toMatch(/^Score 0: [\d,]+ of n = 5,110/);
  });

  it('draws the split bar with widths that add up to 100 % and n on hover', async () => {
    start(base);
    const bar = await until(() => $('[data-testid=split-bar]'));
    const segs = [...bar.querySelectorAll<HTMLElement>('.seg')];
    expect(segs).toHaveLength(3);
    const total = segs.reduce((a, s) => a + parseFloat(s.style.width), 0);
    expect(total).toBeCloseTo(100, 6);
    expect(segs[0]?.title).toContain('of n = 5,110');
  });

  it('takes the split bar’s shares from the report’s *_pct fields, not from the counts', async () => {
    const h = analyticsHandlers();
    const o = overall();
    // Shares that differ from what the counts would give: the bar must show these.
    const pcts = { promoters_pct: 50, passives_pct: 30, detractors_pct: 20 };
    const isOverall = (q: NpsQuery) => q.by.length === 0 && q.per === null && q.rolling === null;
    start({ ...base, nps: async (id, q) => (isOverall(q) ? { ...(await h.nps!(id, q)), ...pcts } : h.nps!(id, q)) });
    const bar = await until(() => {
      const b = $('[data-testid=split-bar]');
      return b?.querySelector<HTMLElement>('.seg.promoters')?.dataset['pct'] === '50' ? b : null;
    });
    const segs = [...bar.querySelectorAll<HTMLElement>('.seg')];
    expect(segs.map((x) => x.style.width)).toEqual(['50%', '30%', '20%']);
    expect(segs.map((x) => x.dataset['count'])).toEqual([o.promoters, o.passives, o.detractors].map(String));
    expect([...document.querySelectorAll('.legend .pct')].map((x) => x.textContent)).toEqual(['50.0\u202F%', '30.0\u202F%', '20.0\u202F%']);
    expect(segs[0]?.title).toBe(`Promoters (9–10): ${o.promoters.toLocaleString('en-US')} of n = 5,110 (50.0\u202F%)`);
  });

  it('never sets a style attribute (the CSP blocks them): styles go through the CSSOM', async () => {
    const calls: string[] = [];
    const original = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
      // happy-dom implements `style.cssText = …` with setAttribute; browsers don't, so only count other callers.
      const caller = (new Error().stack ?? '').split('\n')[2] ?? '';
      if (name.toLowerCase() === 'style' && !caller.includes('happy-dom')) calls.push(`${this.tagName}: ${value} @ ${caller}`);
      return original.call(this, name, value);
    };
    try {
      const state = start({ ...base, importFiles: () => new Promise(() => undefined) });
      await until(() => $('[data-testid=headline-nps]'));
      void state.importPaths(['/data/export.csv']);
      await emitProgress({ file: '/data/export.csv', rows_read: 10, bytes_read: 1, bytes_total: 4 });
      await until(() => $('[data-testid=import-progress] .fill:not(.indeterminate)'));
      await emitDrag('enter', ['/data/x.csv']);
      await until(() => $('[data-testid=drop-overlay]'));
    } finally {
      Element.prototype.setAttribute = original;
    }
    expect(calls).toEqual([]);
  });

  it('offers a survey picker when there is more than one survey, and switches', async () => {
    start(base);
    const picker = await until(() => $('[data-testid=survey-picker]') as HTMLSelectElement | null);
    expect(picker.options).toHaveLength(2);
    picker.value = String(plainSurvey().id);
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    const card = await until(() => $('[data-testid=no-nps]'));
    expect(card.textContent).toContain('This survey has no 0–10 recommend question');
    expect($('[data-testid=headline-nps]')).toBeNull();
  });

  it('shows the empty state for a new workspace', async () => {
    start({ ...base, startup: () => ({ workspace: { path: WORKSPACE_PATH, surveys: [] }, imported: [], error: null }) });
    const empty = await until(() => $('[data-testid=empty-state]'));
    expect(empty.textContent).toContain('Drop a SurveyMonkey export here');
    expect($('[data-testid=survey-picker]')).toBeNull();
  });

  it('shows a loading state while the workspace opens, then a fatal state with retry when it cannot', async () => {
    let fail = true;
    start({
      ...base,
      startup: async () => {
        await new Promise((r) => setTimeout(r, 50));
        if (fail) throw { code: 'workspace', message: 'database is locked' };
        return { workspace: ws, imported: [], error: null };
      },
    });
    await until(() => $('[data-testid=loading-state]'));
    const fatal = await until(() => $('[data-testid=fatal-state]'));
    expect(fatal.textContent).toContain('database is locked');
    fail = false;
    fatal.querySelector('button')!.click();
    await until(() => $('[data-testid=headline-nps]'));
  });

  it('shows progress while an import runs, then the report', async () => {
    let finish: (r: ImportReport[]) => void = () => undefined;
    const state = start({ ...base, importFiles: () => new Promise((r) => (finish = r)) });
    await until(() => $('[data-testid=headline-nps]'));
    const running = state.importPaths(['/data/export.csv']);
    await until(() => $('[data-testid=import-progress]'));
    await emitProgress({ file: '/data/export.csv', rows_read: 3000, bytes_read: 500, bytes_total: 1000 });
    const panel = await until(() => {
      const p = $('[data-testid=import-progress]');
      return p?.textContent?.includes('3,000 rows read') ? p : null;
    });
    expect(panel.textContent).toContain('export.csv');
    expect(panel.querySelector<HTMLElement>('.fill')?.style.width).toBe('50.00%');
    finish([importReport({ file: '/data/export.csv' })]);
    await running;
    const report = await until(() => $('[data-testid=import-report]'));
    expect(report.textContent).toContain('Rows read');
    expect(report.textContent).toContain('5,064');
    expect(report.querySelectorAll('tbody tr')).toHaveLength(12);
    report.querySelector<HTMLButtonElement>('[data-testid=dismiss-report]')!.click();
    await until(() => !$('[data-testid=import-report]'));
  });

  it('shows the detected delimiter and date order, dropped rows and column warnings, as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">Plan';
    const r = qualtricsReport({
      column_warnings: [columnWarning(evil, 22, '6-25', 'date'), columnWarning('Q9_Renewal', 41, 'TRUE', 'boolean')],
    });
    const state = start({ ...base, importFiles: () => [r] });
    await until(() => $('[data-testid=headline-nps]'));
    await state.importPaths(['/data/NPS_Q3_2026_DE.csv']);
    const report = await until(() => $('[data-testid=import-report]'));
    const text = (sel: string) => report.querySelector(sel)?.textContent?.replace(/\s+/g, ' ').trim();
    expect(text('[data-testid=import-detected]')).toBe('Read as Qualtrics · Windows-1252 · semicolon-separated · dates day-first (DD/MM)');
    expect(text('[data-testid=import-dropped]')).toBe('Dropped before import: 6 preview/test rows and 143 unfinished rows (not in the rows read)');
    expect(text('.sub')).toBe('1,291 rows read · 1,290 new · 1 skipped · 149 dropped · 3 warnings');
    const items = [...report.querySelectorAll<HTMLElement>('[data-testid=column-warning]')];
    expect(items.map((li) => [li.querySelector('.cw-column')?.textContent, li.querySelector('.cw-message')?.textContent])).toEqual([
      [evil, r.column_warnings[0]!.message],
      ['Q9_Renewal', r.column_warnings[1]!.message],
    ]);
    expect(text('[data-testid=column-warnings] h4')).toBe('Columns Excel may have changed (2 warnings)');
    expect(r.column_warnings[0]!.message).toMatch(/^22 value\(s\) such as "6-25" look like/);
    // The importer repeats each column warning in `warnings`: listed once, with its column.
    const general = [...report.querySelectorAll('.warnings li')].map((li) => li.textContent);
    expect(r.warnings).toHaveLength(3);
    expect(general).toEqual(['1 row was skipped (details below).']);
    expect(report.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('names a workbook and a file without dates, and says nothing about dropped rows when there are none', async () => {
    const r = importReport({ file: '/data/export.xlsx', date_order: null, column_warnings: [] });
    expect(r.delimiter).toBeNull();
    const state = start({ ...base, importFiles: () => [r] });
    await until(() => $('[data-testid=headline-nps]'));
    await state.importPaths(['/data/export.xlsx']);
    const report = await until(() => $('[data-testid=import-report]'));
    expect(report.querySelector('[data-testid=import-detected]')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Read as SurveyMonkey · UTF-8 · workbook (no delimiter) · no date column',
    );
    expect(report.querySelector('[data-testid=import-dropped]')).toBeNull();
    expect(report.querySelector('[data-testid=column-warnings]')).toBeNull();
    expect(report.querySelector('.sub')?.textContent).not.toContain('dropped');
  });

  it('lists at most 20 skipped rows', async () => {
    const skipped = Array.from({ length: 45 }, (_, i) => ({ line: i + 3, reason: 'bad row' }));
    const state = start({ ...base, importFiles: () => [importReport({ skipped })] });
    await until(() => $('[data-testid=headline-nps]'));
    await state.importPaths(['/data/export.csv']);
    const report = await until(() => $('[data-testid=import-report]'));
    expect(report.querySelectorAll('tbody tr')).toHaveLength(20);
    expect(report.textContent).toContain('…and 25 more.');
  });

  it('cancels a running import: the button asks the Rust side once, then says nothing was written', async () => {
    let reject: (e: unknown) => void = () => undefined;
    let cancels = 0;
    const state = start({
      ...base,
      importFiles: () => new Promise((_, r) => (reject = r)),
      cancelImport: () => {
        cancels++;
        // The Rust side rolls back and the import's promise rejects with `cancelled`.
        reject({ code: 'cancelled', message: 'The import of big.csv was cancelled; nothing from it was written.' });
      },
    });
    await until(() => $('[data-testid=headline-nps]'));
    const running = state.importPaths(['/data/big.csv']);
    const button = await until(() => $<HTMLButtonElement>('[data-testid=import-cancel]'));
    button.click();
    button.click();
    await running;
    expect(cancels).toBe(1);
    const banner = await until(() => $('[data-testid=error-banner]'));
    expect(banner.dataset['code']).toBe('cancelled');
    expect(banner.textContent).toContain('Import cancelled');
    expect(banner.textContent).toContain('nothing from it was written');
    expect($('[data-testid=import-progress]')).toBeNull();
    expect($('[data-testid=headline-nps]')).not.toBeNull();
  });

  it('says which files of a batch landed when a later one fails, and shows them', async () => {
    let dashboards = 0;
    const state = start({
      ...base,
      dashboard: (id) => {
        dashboards++;
        return dashboardFor(id, ws);
      },
      importFiles: () => {
        throw { code: 'import_failed', message: 'c.csv, line 9: the file ends inside a quoted field' };
      },
    });
    await until(() => $('[data-testid=headline-nps]'));
    const before = dashboards;
    await state.importPaths(['/d/a.csv', '/d/b.csv', '/d/c.csv']);
    const banner = await until(() => $('[data-testid=error-banner]'));
    expect(banner.textContent).toContain('The 2 files before it were imported');
    expect(banner.textContent).not.toContain('workspace is unchanged');
    expect(dashboards).toBeGreaterThan(before);
  });

  it('shows an error banner when an import fails, and the dashboard stays', async () => {
    const state = start({
      ...base,
      importFiles: () => {
        throw { code: 'import_failed', message: 'Line 2: this is a condensed export' };
      },
    });
    await until(() => $('[data-testid=headline-nps]'));
    await state.importPaths(['/data/q3.csv']);
    const banner = await until(() => $('[data-testid=error-banner]'));
    expect(banner.dataset['code']).toBe('import_failed');
    expect(banner.textContent).toContain('Line 2: this is a condensed export');
    expect(banner.textContent).toContain('workspace is unchanged');
    expect($('[data-testid=headline-nps]')).not.toBeNull();
  });

  it('imports dropped files and shows the overlay while dragging', async () => {
    const imported: string[][] = [];
    start({ ...base, importFiles: (paths) => (imported.push(paths), [importReport({ file: paths[0] ?? '' })]) });
    await until(() => $('[data-testid=headline-nps]'));
    await emitDrag('enter', ['/data/export.csv', '/data/deck.pdf']);
    const overlay = await until(() => $('[data-testid=drop-overlay]'));
    expect(overlay.textContent).toContain('export.csv');
    await emitDrag('drop', ['/data/export.csv', '/data/deck.pdf']);
    await until(() => !$('[data-testid=drop-overlay]'));
    await until(() => $('[data-testid=import-report]'));
    expect(imported).toEqual([['/data/export.csv']]);
    expect($('[data-testid=import-report]')?.textContent).toContain('deck.pdf');
  });

  it('refuses a drop with no survey export in it', async () => {
    const imported: string[][] = [];
    start({ ...base, importFiles: (paths) => (imported.push(paths), []) });
    await until(() => $('[data-testid=headline-nps]'));
    await emitDrag('drop', ['/data/deck.pdf']);
    const banner = await until(() => $('[data-testid=error-banner]'));
    expect(banner.textContent).toContain('deck.pdf');
    expect(imported).toEqual([]);
  });

  it('shows what the launch import did, and opens its survey', async () => {
    const requested: Array<number | null> = [];
    start({
      ...base,
      startup: () => ({ workspace: ws, imported: [importReport({ survey_id: 1, created_survey: true })], error: null }),
      dashboard: (id) => (requested.push(id), dashboardFor(id, ws)),
    });
    await until(() => $('[data-testid=import-report]'));
    await until(() => $('[data-testid=headline-nps]'));
    expect(requested).toEqual([1]);
  });

  it('never renders survey text as HTML', async () => {
    const evil = { ...npsSurvey(), name: '<img src=x onerror="window.__pwned=1">Survey' };
    const w = workspace([evil]);
    start({ startup: () => ({ workspace: w, imported: [], error: null }), dashboard: (id) => dashboardFor(id, w) });
    const name = await until(() => $('[data-testid=survey-name]'));
    expect(name.textContent).toBe(evil.name);
    expect(document.querySelector('img')).toBeNull();
  });

  describe('controls', () => {
    /** Starts the app and records every `nps` query. */
    function recorded(): NpsQuery[] {
      const queries: NpsQuery[] = [];
      const h = analyticsHandlers();
      start({ ...base, nps: (id, q) => (queries.push(q), h.nps!(id, q)) });
      return queries;
    }
    const overallQueries = (qs: NpsQuery[]) => qs.filter((q) => q.by.length === 0 && q.per === null && q.rolling === null);
    const trendQueries = (qs: NpsQuery[]) => qs.filter((q) => q.by.length === 0 && (q.per !== null || q.rolling !== null));
    const select = (sel: string, value: string) => {
      const el = $(sel) as HTMLSelectElement;
      el.value = value;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    };
    async function addFilter(column: string, value: string, negate = false) {
      (await until(() => $('[data-testid=add-filter]'))).click();
      await until(() => $('[data-testid=filter-popover]'));
      select('[data-testid=filter-column]', column);
      if (negate) $('[data-testid=filter-op-ne]')!.click();
      const item = await until(() => $(`[data-testid=filter-value][data-value="${value}"]`));
      item.click();
    }

    it('sends every field of the query, with per by default', async () => {
      const qs = recorded();
      await until(() => trendQueries(qs).length > 0);
      const t = trendQueries(qs)[0]!;
      expect(Object.keys(t).sort()).toEqual(
        ['account_column', 'by', 'count', 'filters', 'from', 'level', 'low_n', 'min_n', 'per', 'rolling', 'to'].sort(),
      );
      expect(t).toMatchObject({ per: 'quarter', rolling: null, filters: [], count: 'all', level: 0.95, low_n: 30, min_n: 10 });
    });

    it('adds a filter chip through the popover, re-queries with it, and the headline follows', async () => {
      const qs = recorded();
      const h = await until(() => $('[data-testid=headline-nps]'));
      await until(() => overallQueries(qs).length > 0);
      const before = h.dataset['nps'];
      await addFilter(PLAN, 'Pro');
      const chip = await until(() => $('[data-testid=filter-chip]'));
      expect(chip.textContent).toContain('Which plan are you on?');
      expect(chip.textContent).toContain('= Pro');
      const expected = computeNps(mockRows(), { ...overallQueries(qs)[0]!, filters: [{ column: PLAN, value: 'Pro', negate: false }] });
      await until(() => $('[data-testid=headline-nps]')?.dataset['nps'] !== before);
      expect(Number($('[data-testid=headline-nps]')!.dataset['nps'])).toBe(expected.nps);
      expect($('[data-testid=headline-n]')!.dataset['n']).toBe(String(expected.n));
      const last = overallQueries(qs).at(-1)!;
      expect(last.filters).toEqual([{ column: PLAN, value: 'Pro', negate: false }]);
      expect(trendQueries(qs).at(-1)!.filters).toEqual([{ column: PLAN, value: 'Pro', negate: false }]);

      // Removing the chip asks again without it.
      const n = qs.length;
      chip.querySelector<HTMLButtonElement>('[data-testid=remove-filter]')!.click();
      await until(() => !$('[data-testid=filter-chip]'));
      await until(() => qs.length > n && overallQueries(qs).at(-1)!.filters.length === 0);
      await until(() => $('[data-testid=headline-nps]')?.dataset['nps'] === before);
    });

    it('adds a ≠ filter, and Esc removes the last filter', async () => {
      const qs = recorded();
      await until(() => $('[data-testid=headline-nps]'));
      await addFilter(PLAN, 'Free', true);
      await until(() => $('[data-testid=filter-chip]'));
      await addFilter(REGION, 'EMEA');
      await until(() => document.querySelectorAll('[data-testid=filter-chip]').length === 2);
      expect($('[data-testid=filter-chip]')!.textContent).toContain('≠ Free');
      await until(() => overallQueries(qs).at(-1)!.filters.length === 2);
      expect(overallQueries(qs).at(-1)!.filters).toEqual([
        { column: PLAN, value: 'Free', negate: true },
        { column: REGION, value: 'EMEA', negate: false },
      ]);
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await until(() => document.querySelectorAll('[data-testid=filter-chip]').length === 1);
      await until(() => overallQueries(qs).at(-1)!.filters.length === 1);
      expect(overallQueries(qs).at(-1)!.filters).toEqual([{ column: PLAN, value: 'Free', negate: true }]);
    });

    it('offers “(left empty)” as a value: = keeps the blanks, ≠ keeps the answered', async () => {
      const qs = recorded();
      await until(() => $('[data-testid=headline-nps]'));
      await until(() => overallQueries(qs).length > 0);
      const blanks = computeColumnValues(mockRows(), REGION).find((v) => v.value === null)!.n;
      expect(blanks).toBeGreaterThan(0);

      await addFilter(REGION, '');
      const chip = await until(() => $('[data-testid=filter-chip]'));
      expect(chip.textContent?.replace(/\s+/g, ' ').trim()).toBe(`${REGION} = (left empty)`);
      expect(chip.dataset['value']).toBe('');
      await until(() => overallQueries(qs).at(-1)!.filters.length === 1);
      expect(overallQueries(qs).at(-1)!.filters).toEqual([{ column: REGION, value: '', negate: false }]);
      await until(() => $('[data-testid=headline-n]')?.dataset['n'] === String(blanks));

      chip.querySelector<HTMLButtonElement>('[data-testid=remove-filter]')!.click();
      await until(() => !$('[data-testid=filter-chip]'));
      await addFilter(REGION, '', true);
      const ne = await until(() => $('[data-testid=filter-chip]'));
      expect(ne.textContent?.replace(/\s+/g, ' ').trim()).toBe(`${REGION} ≠ (left empty)`);
      await until(() => overallQueries(qs).at(-1)?.filters[0]?.negate === true);
      expect(overallQueries(qs).at(-1)!.filters).toEqual([{ column: REGION, value: '', negate: true }]);
      await until(() => $('[data-testid=headline-n]')?.dataset['n'] === String(mockRows().length - blanks));
    });

    it('lists “(left empty)” with its count only for a column some left empty', async () => {
      start(base);
      (await until(() => $('[data-testid=add-filter]'))).click();
      await until(() => $('[data-testid=filter-popover]'));
      select('[data-testid=filter-column]', REGION);
      const empty = await until(() => $('[data-testid=filter-value][data-value=""]'));
      const blanks = computeColumnValues(mockRows(), REGION).find((v) => v.value === null)!.n;
      expect(empty.textContent?.replace(/\s+/g, ' ').trim()).toBe(`(left empty) ${blanks}`);
      select('[data-testid=filter-column]', PLAN);
      await until(() => $('[data-testid=filter-value][data-value="Pro"]'));
      expect($('[data-testid=filter-value][data-value=""]')).toBeNull();
    });

    it('changing granularity sends per; a rolling window sends rolling and per: null', async () => {
      const qs = recorded();
      await until(() => $('[data-testid=chart-trend] svg'));
      select('[data-testid=granularity]', 'month');
      await until(() => trendQueries(qs).at(-1)?.per === 'month');
      expect(trendQueries(qs).at(-1)!.rolling).toBeNull();
      await until(() => $('[data-testid=chart-trend] svg')?.textContent?.includes('NPS by month'));
      select('[data-testid=rolling]', '90-month');
      await until(() => trendQueries(qs).at(-1)?.rolling != null);
      expect(trendQueries(qs).at(-1)).toMatchObject({ per: null, rolling: { days: 90, step: 'month' } });
      expect(qs.every((q) => !(q.per !== null && q.rolling !== null))).toBe(true);
      await until(() => $('[data-testid=chart-trend] svg')?.textContent?.includes('rolling 90 days'));
    });

    it('shows the segment comparison and the segment × period heat map', async () => {
      const qs = recorded();
      await until(() => $('[data-testid=headline-nps]'));
      select('[data-testid=segment-1]', PLAN);
      const bars = await until(() => $('[data-testid=chart-segments] svg'));
      expect(bars.textContent).toContain('Enterprise');
      expect(bars.textContent).toContain('relative to the total');
      const heat = await until(() => $('[data-testid=chart-heatmap] svg'));
      expect(heat.textContent).toContain('Q3 2026');
      expect(qs.some((q) => q.by.length === 1 && q.by[0] === PLAN && q.per === 'quarter')).toBe(true);
      select('[data-testid=segment-2]', REGION);
      await until(() => qs.some((q) => q.by.length === 2 && q.per === null));
      await until(() => $('[data-testid=chart-heatmap] svg')?.textContent?.includes('EMEA'));
    });

    it('explains the change between the last two periods, mix plus within', async () => {
      start(base);
      const summary = await until(() => $('[data-testid=explain-summary]'));
      expect(summary.textContent?.replace(/\s+/g, ' ')).toContain('in Q2 2026 (n = 686)');
      expect(summary.textContent?.replace(/\s+/g, ' ')).toContain('in Q3 2026 (n = 707)');
      const rows = await until(() => {
        const t = $('[data-testid=explain-segments]');
        return t && t.querySelectorAll('tbody tr').length > 0 ? t.querySelectorAll('tbody tr') : null;
      });
      expect(rows.length).toBeGreaterThan(1);
    });
  });

  describe('workspaces', () => {
    it('Ctrl+O opens another workspace from the dialog and shows its latest survey', async () => {
      const opened: string[] = [];
      const other = workspace([plainSurvey()]);
      let current = ws;
      start({
        ...base,
        dashboard: (id) => dashboardFor(id, current),
        pickFiles: () => ['/home/cs/q4.npsdesk'],
        openWorkspace: (path) => {
          opened.push(path);
          current = { ...other, path };
          return current;
        },
      });
      await until(() => $('[data-testid=headline-nps]'));
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'o', ctrlKey: true }));
      await until(() => opened.length === 1);
      expect(opened).toEqual(['/home/cs/q4.npsdesk']);
      await until(() => $('[data-testid=workspace-path]')?.textContent?.includes('q4.npsdesk'));
    });
  });

  describe('workspace menu', () => {
    const recent = [
      { path: WORKSPACE_PATH, name: 'current', exists: true },
      { path: '/home/cs/q3 board.npsdesk', name: 'q3 board', exists: true },
      { path: '/home/cs/gone.npsdesk', name: 'gone', exists: false },
    ];

    it('lists recent workspaces (not the open one), opens one, and forgets a missing one', async () => {
      const opened: string[] = [];
      let list = recent;
      let current = ws;
      start({
        ...base,
        dashboard: (id) => dashboardFor(id, current),
        recentWorkspaces: () => list,
        forgetWorkspace: (path) => (list = list.filter((r) => r.path !== path)),
        openWorkspace: (path) => {
          opened.push(path);
          current = { ...workspace([plainSurvey()]), path };
          return current;
        },
      });
      await until(() => $('[data-testid=headline-nps]'));
      $('[data-testid=workspace-path]')!.click();
      const items = await until(() => {
        const r = [...document.querySelectorAll<HTMLButtonElement>('[data-testid=recent-workspace]')];
        return r.length > 0 ? r : null;
      });
      expect(items.map((b) => b.querySelector('.name-col')?.textContent)).toEqual(['q3 board', 'gone']);
      expect(items[1]!.disabled).toBe(true);
      expect(items[1]!.textContent).toContain('not found');
      document.querySelector<HTMLButtonElement>('[aria-label="Forget gone"]')!.click();
      await until(() => document.querySelectorAll('[data-testid=recent-workspace]').length === 1);
      document.querySelector<HTMLButtonElement>('[data-testid=recent-workspace]')!.click();
      await until(() => opened.length === 1);
      expect(opened).toEqual(['/home/cs/q3 board.npsdesk']);
      await until(() => $('[data-testid=workspace-path]')?.textContent?.includes('q3 board.npsdesk'));
      expect($('[data-testid=workspace-menu]')).toBeNull();
    });

    it('creates a new workspace where the save dialog says, then offers to import', async () => {
      const created: string[] = [];
      const empty = workspace([]);
      start({
        ...base,
        pickSave: () => '/home/cs/FY27',
        createWorkspace: (path) => {
          created.push(path);
          return { ...empty, path };
        },
        dashboard: (id) => dashboardFor(id, created.length > 0 ? empty : ws),
      });
      await until(() => $('[data-testid=headline-nps]'));
      $('[data-testid=workspace-path]')!.click();
      (await until(() => $('[data-testid=menu-new]'))).click();
      await until(() => created.length === 1);
      expect(created).toEqual(['/home/cs/FY27.npsdesk']);
      await until(() => $('[data-testid=empty-state]'));
      expect($('[data-testid=headline-nps]')).toBeNull();
    });

    it('closes on Escape without touching the filters', async () => {
      start({ ...base, recentWorkspaces: () => recent });
      await until(() => $('[data-testid=headline-nps]'));
      $('[data-testid=workspace-path]')!.click();
      await until(() => $('[data-testid=workspace-menu]'));
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
      await until(() => !$('[data-testid=workspace-menu]'));
    });
  });

  describe('settings', () => {
    afterEach(() => {
      settings.save({ ...DEFAULT_SETTINGS });
    });

    it('Ctrl+, opens Settings; new thresholds re-ask every query with them', async () => {
      const queries: NpsQuery[] = [];
      start({
        ...base,
        nps: (id, q) => {
          queries.push(q);
          return computeNps(mockRows(), q);
        },
      });
      await until(() => $('[data-testid=headline-nps]'));
      window.dispatchEvent(new KeyboardEvent('keydown', { key: ',', ctrlKey: true }));
      const low = await until(() => $<HTMLInputElement>('[data-testid=set-low-n]'));
      expect(low.value).toBe('30');
      low.value = '50';
      low.dispatchEvent(new Event('input', { bubbles: true }));
      const min = $<HTMLInputElement>('[data-testid=set-min-n]')!;
      min.value = '60';
      min.dispatchEvent(new Event('input', { bubbles: true }));
      await until(() => $('[data-testid=problem-min-n]'));
      expect($<HTMLButtonElement>('[data-testid=settings-save]')!.disabled).toBe(true);
      min.value = '20';
      min.dispatchEvent(new Event('input', { bubbles: true }));
      await until(() => !$('[data-testid=problem-min-n]'));
      const asked = queries.length;
      $<HTMLButtonElement>('[data-testid=settings-save]')!.click();
      await until(() => !$('[data-testid=settings-dialog]'));
      await until(() => queries.length > asked);
      const after = queries.slice(asked);
      expect(after.every((q) => q.low_n === 50 && q.min_n === 20)).toBe(true);
      expect(settings.value.lowN).toBe(50);
    });

    it('Esc drops the draft; Appearance sets the theme of the whole window', async () => {
      start(base);
      await until(() => $('[data-testid=headline-nps]'));
      $('[data-testid=settings-button]')!.click();
      const low = await until(() => $<HTMLInputElement>('[data-testid=set-low-n]'));
      low.value = '99';
      low.dispatchEvent(new Event('input', { bubbles: true }));
      $('[data-testid=settings-dialog] [role=dialog]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await until(() => !$('[data-testid=settings-dialog]'));
      expect(settings.value.lowN).toBe(30);

      $('[data-testid=settings-button]')!.click();
      (await until(() => $<HTMLInputElement>('[data-testid=set-appearance-dark]'))).click();
      $<HTMLButtonElement>('[data-testid=settings-save]')!.click();
      await until(() => document.documentElement.dataset['appearance'] === 'dark');
      $('[data-testid=settings-button]')!.click();
      (await until(() => $<HTMLInputElement>('[data-testid=set-appearance-light]'))).click();
      $<HTMLButtonElement>('[data-testid=settings-save]')!.click();
      await until(() => document.documentElement.dataset['appearance'] === 'light');
    });
  });

  describe('themes summary', () => {
    it('shows the five most-mentioned themes on the Overview; a click opens that theme’s comments', async () => {
      start({ ...base, ...analyticsHandlers() });
      await until(() => $('[data-testid=headline-nps]'));
      const rows = await until(() => {
        const r = [...document.querySelectorAll<HTMLElement>('[data-theme-summary]')];
        return r.length > 0 ? r : null;
      });
      const expected = new MockRuleStore()
        .themes(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none'), null)
        .themes.filter((t) => t.parent === null && t.mentions > 0)
        .sort((a, b) => b.mentions - a.mentions)
        .slice(0, 5);
      expect(rows.map((r) => r.dataset['themeSummary'])).toEqual(expected.map((t) => t.theme));
      expect(rows.map((r) => Number(r.dataset['mentions']))).toEqual(expected.map((t) => t.mentions));
      rows[0]!.click();
      const summary = await until(() => $('[data-testid=comments-summary]'));
      expect($('[data-testid=tab-comments]')!.getAttribute('aria-selected')).toBe('true');
      await until(() => Number(summary.dataset['total']) === expected[0]!.mentions);
    });
  });

  describe('export table', () => {
    it('Ctrl+E exports the table of the view on screen, with its filters, where the dialog says', async () => {
      const calls: { request: TableRequest; path: string }[] = [];
      start({
        ...base,
        pickSave: () => '/home/cs/board',
        exportTable: (_id, request, path) => {
          calls.push({ request, path });
          return 1234;
        },
      });
      (await until(() => $('[data-testid=tab-accounts]'))).click();
      flushSync();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'e', ctrlKey: true }));
      await until(() => calls.length === 1);
      expect(calls[0]!.request.table).toBe('accounts');
      expect(calls[0]!.path).toBe('/home/cs/board.xlsx');
      const notice = await until(() => $('[data-testid=error-banner][data-tone=info]'));
      expect(notice.textContent).toContain('1,234 rows written to /home/cs/board.xlsx');

      $('[data-testid=tab-overview]')!.click();
      flushSync();
      $('[data-testid=export-table]')!.click();
      await until(() => calls.length === 2);
      expect(calls[1]!.request.table).toBe('nps');
    });

    it('a cancelled dialog writes nothing; a failed write shows its error', async () => {
      let picked: string | null = null;
      let writes = 0;
      start({
        ...base,
        pickSave: () => picked,
        exportTable: () => {
          writes++;
          throw { code: 'workspace', message: 'cannot write /ro/t.xlsx: Permission denied' };
        },
      });
      await until(() => $('[data-testid=headline-nps]'));
      $('[data-testid=export-table]')!.click();
      await new Promise((r) => setTimeout(r, 50));
      expect(writes).toBe(0);
      picked = '/ro/t.xlsx';
      $('[data-testid=export-table]')!.click();
      const banner = await until(() => $('[data-testid=error-banner][data-code=workspace]'));
      expect(banner.textContent).toContain('Permission denied');
    });
  });

  describe('accounts', () => {
    it('lists every account of the selection, at-risk first, as the engine computes them', async () => {
      start({ ...base, ...analyticsHandlers() });
      (await until(() => $('[data-testid=tab-accounts]'))).click();
      flushSync();
      const expected = computeAccounts(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none'));
      const rows = await until(() => {
        const r = [...document.querySelectorAll<HTMLElement>('[data-testid=accounts-table] tr[data-account]')];
        return r.length > 0 ? r : null;
      });
      expect(rows.map((r) => r.dataset['account'])).toEqual(expected.accounts.map((a) => a.account));
      expect(rows.filter((r) => r.dataset['atRisk'] === 'true')).toHaveLength(expected.at_risk);
      const summary = $('[data-testid=accounts-summary]')!;
      expect(summary.dataset['atRisk']).toBe(String(expected.at_risk));
      ($('[data-testid=accounts-risk-only]') as HTMLInputElement).click();
      flushSync();
      await until(() => document.querySelectorAll('[data-testid=accounts-table] tr[data-account]').length === expected.at_risk);
    });

    it('opens an account’s history: its latest scores and its comments, and can narrow every view to it', async () => {
      const queries: NpsQuery[] = [];
      const handlers = analyticsHandlers();
      start({
        ...base,
        ...handlers,
        nps: (id, q) => {
          queries.push(q);
          return handlers.nps!(id, q);
        },
      });
      (await until(() => $('[data-testid=tab-accounts]'))).click();
      flushSync();
      const row = await until(() => $('[data-testid=accounts-table] tr[data-account]'));
      const account = row.dataset['account']!;
      row.click();
      const detail = await until(() => $('[data-testid=account-detail]'));
      const expected = computeAccounts(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none')).accounts.find((a) => a.account === account)!;
      expect([...detail.querySelectorAll('.history .score')].map((e) => Number(e.textContent))).toEqual(expected.history);
      const said = await until(() => $('[data-testid=account-comments]'));
      const withComment = mockRows().filter((r) => r.values[ACCOUNT] === account && (r.comment ?? '').trim() !== '').length;
      expect(Number(said.dataset['total'])).toBe(withComment);
      $('[data-testid=account-filter]')!.click();
      await until(() => queries.some((q) => q.filters.some((f) => f.column === ACCOUNT && f.value === account)));
      row.click();
      await until(() => !$('[data-testid=account-detail]'));
    });
  });

  describe('themes', () => {
    const rowsOf = () => [...document.querySelectorAll<HTMLElement>('[data-testid=themes-panel] tr[data-theme]')];
    const setRules = (text: string) => {
      const ta = $('[data-testid=rules-text]') as HTMLTextAreaElement;
      ta.value = text;
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      flushSync();
    };
    const summary = () => $('[data-testid=themes-summary]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const openThemes = async () => {
      (await until(() => $('[data-testid=tab-themes]'))).click();
      flushSync();
    };

    it('renders one row per theme from the mock, children under their parents, with the coverage line', async () => {
      start({ ...base, ...analyticsHandlers() });
      await openThemes();
      const expected = new MockRuleStore().themes(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none'), null);
      const rows = await until(() => (rowsOf().length > 0 ? rowsOf() : null));
      expect(rows).toHaveLength(expected.themes.length);
      for (const t of expected.themes) {
        const tr = rows.find((r) => r.dataset['theme'] === t.theme);
        expect(tr?.dataset['mentions'], t.theme).toBe(String(t.mentions));
      }
      // Top-level rows are ordered by mentions; each is followed by its children.
      const parents = rows.filter((r) => !r.classList.contains('child')).map((r) => Number(r.dataset['mentions']));
      expect(parents).toEqual([...parents].sort((a, b) => b - a));
      const support = rows.findIndex((r) => r.dataset['theme'] === 'Support');
      expect(rows[support]?.classList.contains('child')).toBe(true);
      expect(rows.slice(0, support).some((r) => r.dataset['theme'] === 'Service')).toBe(true);
      expect(summary()).toBe(
        `coverage ${formatPercent(expected.coverage * 100)} · ${expected.uncategorized} uncategorized · rules: built-in`.replace(/\s+/g, ' '),
      );
      expect($('[data-testid=chart-themes]')).not.toBeNull();
    });

    it('switches the bars between mentions and impact on the NPS', async () => {
      start({ ...base, ...analyticsHandlers() });
      await openThemes();
      await until(() => $('[data-testid=chart-themes] svg')?.textContent?.includes('Mentions (answered)'));
      $('[data-testid=bars-impact]')!.click();
      flushSync();
      await until(() => $('[data-testid=chart-themes] svg')?.textContent?.includes('Impact on NPS (points)'));
    });

    it('asks with the dashboard’s filters', async () => {
      const h = analyticsHandlers();
      const seen: NpsQuery[] = [];
      const state = start({ ...base, ...h, themes: (id, q, r, n) => (seen.push(q), h.themes!(id, q, r, n)) });
      await openThemes();
      await until(() => rowsOf().length > 0);
      state.analysis.addFilter({ column: PLAN, value: 'Free', negate: false });
      const filtered = new MockRuleStore().themes(mockRows(), queryFor({ ...DEFAULT_CONTROLS, filters: [{ column: PLAN, value: 'Free', negate: false }] }, [], 'none'), null);
      const service = filtered.themes.find((t) => t.theme === 'Service')!;
      await until(() => rowsOf().find((r) => r.dataset['theme'] === 'Service')?.dataset['mentions'] === String(service.mentions), 4000);
      expect(seen[seen.length - 1]?.filters).toEqual([{ column: PLAN, value: 'Free', negate: false }]);
    });

    it('previews rules as they are typed: problems with line and column, else counts and highlighted comments', async () => {
      start({ ...base, ...analyticsHandlers() });
      await openThemes();
      await until(() => rowsOf().length > 0);
      ($('[data-testid=rules-editor]') as HTMLDetailsElement).open = true;
      // The editor starts from the rules in use (built-in here) and previews them.
      await until(() => ($('[data-testid=rules-text]') as HTMLTextAreaElement).value.includes('Support'));
      await until(() => $('[data-testid=preview-status]'));

      setRules('{"themes": [{"name": ""}]}');
      const problems = await until(() => $('[data-testid=rules-problems]'));
      expect(problems.textContent).toContain('Line 1, column');
      expect(($('[data-testid=rules-apply]') as HTMLButtonElement).disabled).toBe(true);
      expect(rowsOf().length).toBeGreaterThan(2); // the dashboard keeps the rules in effect

      const text = '{"themes": [{"name": "<img src=x onerror=alert(1)>", "any": ["expensive"]}]}';
      setRules(text);
      const status = await until(() => ($('[data-testid=rules-problems]') ? null : $('[data-testid=preview-status]')));
      const expected = new MockRuleStore().themes(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none'), text);
      await until(() => status.dataset['uncategorized'] === String(expected.uncategorized));
      const marks = await until(() => {
        const m = [...document.querySelectorAll('[data-testid=preview-comments] mark')];
        return m.length > 0 ? m : null;
      });
      expect(marks.every((m) => m.textContent?.toLowerCase() === 'expensive')).toBe(true);
      expect($('[data-testid=themes-panel] img')).toBeNull();

      $('[data-testid=rules-apply]')!.click();
      await until(() => rowsOf().length === 1 && summary().endsWith('rules: unsaved'));
      const only = rowsOf()[0]!;
      expect(only.dataset['theme']).toBe('<img src=x onerror=alert(1)>');
      expect(only.querySelector('td')?.textContent?.trim()).toBe('<img src=x onerror=alert(1)>');
      expect($('[data-testid=themes-panel] img')).toBeNull();

      $('[data-testid=rules-save]')!.click();
      await until(() => summary().endsWith('rules: saved version 1'));
      expect($('[data-testid=rules-notice]')?.textContent).toContain('Saved as version 1');
    });

    it('opens a theme’s comments from its row, and the explorer filters by band and words', async () => {
      start({ ...base, ...analyticsHandlers() });
      await openThemes();
      const rows = await until(() => (rowsOf().length > 0 ? rowsOf() : null));
      const price = rows.find((r) => r.dataset['theme'] === 'Price')!;
      price.querySelector('button')!.click();
      flushSync();
      const total = () => Number($('[data-testid=comments-summary]')?.dataset['total'] ?? -1);
      await until(() => total() === Number(price.dataset['mentions']));
      const shown = () => [...document.querySelectorAll<HTMLElement>('[data-testid=comment-list] li')];
      expect(shown().length).toBe(Math.min(50, total()));
      expect(shown().every((li) => li.textContent?.includes('Price'))).toBe(true);

      // Detractors only: the page equals the band's count, every score ≤ 6.
      const rules = new MockRuleStore();
      const q = queryFor(DEFAULT_CONTROLS, [], 'none');
      const e = { theme: 'Price', matched: null, bands: [], search: null, sort: 'newest' as const, offset: 0, limit: 50, show: [] };
      const all = rules.comments(mockRows(), q, e, null);
      $('[data-testid=band-detractor]')!.click();
      flushSync();
      await until(() => total() === all.bands.detractors);
      expect(shown().every((li) => Number(li.dataset['score']) <= 6)).toBe(true);

      // Words: every shown comment has a marked word starting with the search.
      const search = $('[data-testid=comments-search]') as HTMLInputElement;
      search.value = 'expens';
      search.dispatchEvent(new Event('input', { bubbles: true }));
      const withWord = rules.comments(mockRows(), q, { ...e, bands: ['detractor'], search: 'expens' }, null);
      await until(() => total() === withWord.total, 4000);
      for (const li of shown()) expect(li.querySelector('mark')?.textContent?.toLowerCase().startsWith('expens')).toBe(true);
    });
  });
});


describe('follow-ups', () => {
  const rowsOf = () => [...document.querySelectorAll<HTMLElement>('[data-testid=followup-table] tr[data-followup-id]')];
  const openTab = async () => {
    await until(() => $('[data-testid=tab-followups]'));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '5', ctrlKey: true }));
    await until(() => rowsOf().length > 0);
  };
  const choose = (sel: string, value: string) => {
    const el = $<HTMLSelectElement>(sel)!;
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
  };
  const text = (sel: string) => $(sel)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  it('Ctrl+5 shows the queue as the backend lists it, with the counts and the median time to first contact', async () => {
    const loop = new MockLoop();
    start({ ...base, ...analyticsHandlers(loop) });
    await openTab();
    expect($('[data-testid=tab-followups]')!.getAttribute('aria-selected')).toBe('true');
    const expected = loop.followups(followupQuery(DEFAULT_QUEUE));
    expect(rowsOf().map((r) => Number(r.dataset['followupId']))).toEqual(expected.items.map((i) => i.id));
    expect(text('[data-testid=count-open] .value')).toBe(expected.counts.open.toLocaleString('en-US'));
    expect(text('[data-testid=count-overdue] .value')).toBe(String(expected.counts.overdue));
    expect(text('[data-testid=median-first-contact] .value')).toBe(formatHours(expected.counts.median_hours_to_first_contact));
    expect($('[data-testid=queue-showing]')!.dataset['matching']).toBe(String(expected.matching));
    expect(rowsOf()).toHaveLength(Math.min(50, expected.matching));
    // 50 at a time: with the resolved items too there are more than that.
    $('[data-testid=status-resolved]')!.click();
    flushSync();
    const wider = loop.followups(followupQuery({ ...DEFAULT_QUEUE, status: ['open', 'contacted', 'resolved'] }));
    expect(wider.matching).toBeGreaterThan(100);
    await until(() => $('[data-testid=queue-showing]')?.dataset['matching'] === String(wider.matching) && rowsOf().length === 50);
    $('[data-testid=queue-more]')!.click();
    await until(() => rowsOf().length === 100);
    expect(rowsOf().map((r) => Number(r.dataset['followupId']))).toEqual(
      loop.followups({ ...followupQuery({ ...DEFAULT_QUEUE, status: ['open', 'contacted', 'resolved'] }), limit: 100 }).items.map((i) => i.id),
    );
  });

  it('highlights overdue items: red due date and an Overdue badge on exactly those rows', async () => {
    start({ ...base, ...analyticsHandlers(new MockLoop()) });
    await openTab();
    const rows = rowsOf();
    const late = rows.filter((r) => r.dataset['overdue'] === 'true');
    expect(late.length).toBeGreaterThan(0);
    for (const r of rows) {
      const overdue = r.dataset['overdue'] === 'true';
      expect(r.classList.contains('overdue')).toBe(overdue);
      expect(Boolean(r.querySelector('[data-testid=overdue-badge]'))).toBe(overdue);
    }
    expect(late[0]!.querySelector('.due')!.textContent!.trim()).toMatch(/Overdue\s*\d+ days?$/);
  });

  it('sends the filters and the sort as the FollowupQuery', async () => {
    const loop = new MockLoop();
    const queries: FollowupQuery[] = [];
    start({ ...base, ...analyticsHandlers(loop), followups: (_id, q) => (queries.push(q), loop.followups(q)) });
    await openTab();
    expect(queries.at(-1)).toEqual({ status: ['open', 'contacted'], owner: null, account: null, overdue_only: false, sort: 'oldest_open', offset: 0, limit: 50 });
    $('[data-testid=status-contacted]')!.click();
    $('[data-testid=status-resolved]')!.click();
    flushSync();
    choose('[data-testid=queue-sort]', 'account_value');
    choose('[data-testid=queue-owner]', '__none__');
    $<HTMLInputElement>('[data-testid=queue-overdue]')!.click();
    flushSync();
    await until(() => queries.at(-1)?.overdue_only === true && queries.at(-1)?.owner === '');
    expect(queries.at(-1)).toEqual({ status: ['open', 'resolved'], owner: '', account: null, overdue_only: true, sort: 'account_value', offset: 0, limit: 50 });
    const account = $<HTMLInputElement>('[data-testid=queue-account]')!;
    account.value = 'ACME-0042';
    account.dispatchEvent(new Event('input', { bubbles: true }));
    await until(() => queries.at(-1)?.account === 'ACME-0042');
  });

  it('offers the moves in item.next only; a click sends that status and the list and counts are read again', async () => {
    const loop = new MockLoop();
    start({ ...base, ...analyticsHandlers(loop) });
    await openTab();
    const row = rowsOf().find((r) => r.dataset['status'] === 'open')!;
    const id = Number(row.dataset['followupId']);
    const before = loop.followups(followupQuery(DEFAULT_QUEUE)).counts;
    row.click();
    const detail = await until(() => $('[data-testid=followup-detail]'));
    const item = loop.followups({ ...followupQuery({ ...DEFAULT_QUEUE, status: [] }, 0, null) }).items.find((i) => i.id === id)!;
    expect(detail.textContent).toContain(item.comment ?? 'No comment.');
    const moves = [...detail.querySelectorAll<HTMLElement>('[data-testid^=detail-move-]')].map((b) => b.dataset['testid']!.slice('detail-move-'.length));
    expect(moves).toEqual(item.next);
    $('[data-testid=detail-move-contacted]')!.click();
    await until(() => loop.updates.length === 1);
    expect(loop.updates[0]).toEqual({ id, update: { status: 'contacted', owner: null, due: null, note: null, outcome: null } });
    await until(() => text('[data-testid=detail-status]') === 'Contacted');
    await until(() => text('[data-testid=count-contacted] .value') === (before.contacted + 1).toLocaleString('en-US'));
    expect(text('[data-testid=count-open] .value')).toBe((before.open - 1).toLocaleString('en-US'));
    // Resolving with an outcome sends both at once; a note is its own change.
    const outcome = $<HTMLTextAreaElement>('[data-testid=detail-outcome]')!;
    outcome.value = 'Refunded';
    outcome.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    $('[data-testid=detail-move-resolved]')!.click();
    await until(() => loop.updates.length === 2);
    expect(loop.updates[1]!.update).toEqual({ status: 'resolved', owner: null, due: null, note: null, outcome: 'Refunded' });
    // Resolved leaves the filtered list; the panel keeps the item, now with its moves back to open only.
    await until(() => text('[data-testid=detail-status]') === 'Resolved' && !$('[data-testid=followup-detail]')!.classList.contains('saving'));
    expect($('[data-testid=detail-move-open]')).not.toBeNull();
    const note = await until(() => $<HTMLTextAreaElement>('[data-testid=detail-note]'));
    note.value = '<img src=x onerror=alert(1)> called back';
    note.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    $('[data-testid=detail-add-note]')!.click();
    await until(() => $('[data-testid=detail-notes]')?.textContent?.includes('<img src=x onerror=alert(1)> called back'));
    expect($('[data-testid=followup-detail] img')).toBeNull();
    expect(loop.updates[2]!.update.note).toBe('<img src=x onerror=alert(1)> called back');
  });

  it('shows a refused change in the error banner', async () => {
    const loop = new MockLoop();
    start({
      ...base,
      ...analyticsHandlers(loop),
      updateFollowup: () => {
        throw { code: 'invalid_input', message: "follow-up 3 cannot go from contacted to open; allowed: resolved, won't fix" };
      },
    });
    await openTab();
    rowsOf()[0]!.click();
    (await until(() => $('[data-testid=detail-move-contacted]'))).click();
    const banner = await until(() => $('[data-testid=error-banner][data-code=invalid_input]'));
    expect(banner.textContent).toContain("allowed: resolved, won't fix");
  });

  it('changes a promoter’s ask from the Promoters view', async () => {
    const loop = new MockLoop();
    const calls: [number, PromoterUpdate][] = [];
    start({ ...base, ...analyticsHandlers(loop), updatePromoter: (id, u) => (calls.push([id, u]), loop.updatePromoter(id, u)) });
    await openTab();
    $('[data-testid=followups-mode-promoters]')!.click();
    const rows = await until(() => {
      const r = [...document.querySelectorAll<HTMLElement>('[data-testid=promoter-table] tr[data-response-id]')];
      return r.length > 0 ? r : null;
    });
    const counts = loop.promoters([], 0, 50).counts;
    expect($('[data-testid=ask-agreed]')!.dataset['count']).toBe(String(counts.agreed));
    const row = rows.find((r) => r.dataset['ask'] === 'not_asked')!;
    const id = Number(row.dataset['responseId']);
    const select = row.querySelector<HTMLSelectElement>('[data-testid=promoter-ask]')!;
    select.value = 'agreed';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => calls.length === 1);
    expect(calls[0]).toEqual([id, { ask: 'agreed', owner: null, note: null }]);
    await until(() => $('[data-testid=ask-agreed]')!.dataset['count'] === String(counts.agreed + 1));
    $('[data-testid=ask-agreed]')!.click();
    await until(() => [...document.querySelectorAll<HTMLElement>('[data-testid=promoter-table] tr[data-response-id]')].every((r) => r.dataset['ask'] === 'agreed'));
  });

  it('Ctrl+E on the Follow-ups tab exports the queue with its filters', async () => {
    const calls: TableRequest[] = [];
    start({ ...base, ...analyticsHandlers(new MockLoop()), pickSave: () => '/home/cs/queue', exportTable: (_id, request) => (calls.push(request), 321) });
    await openTab();
    $<HTMLInputElement>('[data-testid=queue-overdue]')!.click();
    flushSync();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'e', ctrlKey: true }));
    await until(() => calls.length === 1);
    expect(calls[0]).toEqual({ table: 'followups', query: { status: ['open', 'contacted'], owner: null, account: null, overdue_only: true, sort: 'oldest_open', offset: 0, limit: null } });
  });
});

describe('accounts file and weightings', () => {
  const openAccounts = async () => {
    (await until(() => $('[data-testid=tab-accounts]'))).click();
    flushSync();
    await until(() => $('[data-testid=accounts-table] tr[data-account]'));
  };

  it('imports an accounts file: the count line, then ARR, renewal and owner in the table and the revenue at risk', async () => {
    const loop = new MockLoop({ accounts: false });
    const paths: string[] = [];
    start({
      ...base,
      ...analyticsHandlers(loop),
      pickFiles: () => ['/home/cs/crm/accounts.csv'],
      importAccounts: (path) => (paths.push(path), loop.importAccounts(path)),
    });
    await openAccounts();
    expect($('[data-testid=revenue-at-risk]')!.textContent).toContain('import an accounts file');
    $('[data-testid=accounts-import]')!.click();
    const result = await until(() => $('[data-testid=accounts-import-result]'));
    expect(paths).toEqual(['/home/cs/crm/accounts.csv']);
    expect(result.textContent).toBe('420 accounts read (420 added, 0 updated)');
    expect($('[data-testid=error-banner][data-tone=info]')!.textContent).toContain('420 accounts read (420 added, 0 updated)');
    const expected = computeAccounts(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none'), (a) => loop.info(a));
    await until(() => $('[data-testid=revenue-at-risk]')!.dataset['value'] === String(expected.revenue_at_risk));
    const first = $('[data-testid=accounts-table] tr[data-account]')!;
    const row = expected.accounts.find((a) => a.account === first.dataset['account'])!;
    expect(first.querySelector('[data-testid=account-arr]')!.textContent).toBe(formatMoney(row.arr));
    expect(first.textContent).toContain(row.name!);
    expect(first.textContent).toContain(row.owner ?? '–');
  });

  it('a bad accounts file shows its line in the error banner and changes nothing', async () => {
    const loop = new MockLoop({ accounts: false });
    start({ ...base, ...analyticsHandlers(loop), pickFiles: () => ['/home/cs/bad.csv'] });
    await openAccounts();
    $('[data-testid=accounts-import]')!.click();
    const banner = await until(() => $('[data-testid=error-banner][data-code=invalid_input]'));
    expect(banner.textContent).toContain('line 37');
    expect(loop.accounts.size).toBe(0);
  });

  it('shows respondent, account- and ARR-weighted NPS, each with its 95 % CI and units', async () => {
    const loop = new MockLoop();
    start({ ...base, ...analyticsHandlers(loop) });
    await openAccounts();
    const w = computeAccounts(mockRows(), queryFor(DEFAULT_CONTROLS, [], 'none'), (a) => loop.info(a)).weightings;
    for (const [key, unit] of [['respondent', 'responses'], ['account', 'accounts'], ['arr', 'accounts']] as const) {
      const tile = await until(() => $(`[data-testid=weighting-${key}]`));
      const x = w[key]!;
      expect(Number(tile.dataset['nps'])).toBe(x.nps);
      expect(tile.querySelector('[data-testid=weighting-ci]')!.textContent).toBe(`95 % CI ${formatInterval(x.ci95!)}`);
      expect(tile.textContent?.replace(/\s+/g, ' ')).toContain(`over ${x.units.toLocaleString('en-US')} ${unit}`);
      expect(tile.title.length).toBeGreaterThan(40);
    }
  });
});

describe('follow-up settings', () => {
  afterEach(() => {
    settings.save({ ...DEFAULT_SETTINGS });
  });

  it('saves the SLA and passives to the workspace (checked 0–60), not to local storage', async () => {
    const loop = new MockLoop();
    const saved: FollowupSettings[] = [];
    start({ ...base, ...analyticsHandlers(loop), setFollowupSettings: (s) => (saved.push(s), loop.setSettings(s)) });
    await until(() => $('[data-testid=headline-nps]'));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ',', ctrlKey: true }));
    const sla = await until(() => $<HTMLInputElement>('[data-testid=set-sla]'));
    expect(sla.value).toBe('2');
    sla.value = '61';
    sla.dispatchEvent(new Event('input', { bubbles: true }));
    await until(() => $('[data-testid=problem-sla]'));
    expect($<HTMLButtonElement>('[data-testid=settings-save]')!.disabled).toBe(true);
    sla.value = '5';
    sla.dispatchEvent(new Event('input', { bubbles: true }));
    $<HTMLInputElement>('[data-testid=set-passives]')!.click();
    await until(() => !$('[data-testid=problem-sla]'));
    $<HTMLButtonElement>('[data-testid=settings-save]')!.click();
    await until(() => !$('[data-testid=settings-dialog]'));
    expect(saved).toEqual([{ sla_business_days: 5, include_passives: true }]);
    expect(loop.settings).toEqual({ sla_business_days: 5, include_passives: true });
    expect(localStorage.getItem('npsdesk.settings') ?? '').not.toContain('sla');
  });

  it('keeps the dialog open with the workspace’s refusal', async () => {
    start({
      ...base,
      ...analyticsHandlers(new MockLoop()),
      setFollowupSettings: () => {
        throw { code: 'workspace', message: 'the workspace is read-only' };
      },
    });
    await until(() => $('[data-testid=headline-nps]'));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ',', ctrlKey: true }));
    (await until(() => $<HTMLInputElement>('[data-testid=set-passives]'))).click();
    flushSync();
    $<HTMLButtonElement>('[data-testid=settings-save]')!.click();
    const problem = await until(() => $('[data-testid=problem-followups]'));
    expect(problem.textContent).toContain('read-only');
    expect($('[data-testid=settings-dialog]')).not.toBeNull();
  });
});

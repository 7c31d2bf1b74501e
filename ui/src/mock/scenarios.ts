// Scenarios of the mocked preview. Each installs a fake backend and may act on the app after it mounts.
import { emitDrag, emitProgress, installMockBackend } from '../api/devMock';
import { echarts } from '../charts/echarts';
import type { AppState } from '../lib/appState.svelte';
import { settings } from '../lib/settings.svelte';
import { MockLoop } from './followups';
import type { ImportReport } from '../api';
import { PLAN, REGION } from './engine';
import { genericInspection, recodedInspection } from '../lib/mappingFixtures';
import { analyticsHandlers, dashboardFor, importReport, npsSurvey, plainSurvey, qualtricsReport, workspace, WORKSPACE_PATH } from './fixtures';

export const SCENARIOS = [
  'dashboard',
  'single',
  'empty',
  'loading',
  'fatal',
  'nonps',
  'importing',
  'report',
  'report-qualtrics',
  'error',
  'drop',
  'drop-bad',
  'startup-import',
  'tooltip',
  'filters',
  'segments',
  'segments2',
  'rolling',
  'popover',
  'left-empty',
  'mapping',
  'mapping-scale',
  'followups',
  'followups-overdue',
  'followups-dark',
  'promoters',
  'accounts-arr',
  'accounts-none',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export function scenarioFromQuery(search: string): Scenario {
  const s = new URLSearchParams(search).get('scenario') ?? 'dashboard';
  return (SCENARIOS as readonly string[]).includes(s) ? (s as Scenario) : 'dashboard';
}

const never = <T>() => new Promise<T>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A slow fake import that reports progress like the Rust side. */
async function slowImport(paths: string[], stopAt = 1): Promise<ImportReport[]> {
  const file = paths[0] ?? 'export.csv';
  const total = 1_512_000;
  for (let i = 1; i <= 20; i++) {
    await sleep(60);
    const f = Math.min(i / 20, stopAt);
    await emitProgress({ file, rows_read: Math.round(5064 * f), bytes_read: Math.round(total * f), bytes_total: total });
    if (f >= stopAt && stopAt < 1) return never();
  }
  return [importReport({ file })];
}

/** Waits for an element of the window (the dashboard renders after the mocked startup). */
async function element<T extends HTMLElement = HTMLElement>(selector: string, tries = 100): Promise<T | null> {
  for (let i = 0; i < tries; i++) {
    const el = document.querySelector<T>(selector);
    if (el) return el;
    await sleep(50);
  }
  return null;
}

/** Ctrl+<key> as the user presses it (the window listens on `window`). */
function press(key: string): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: true, bubbles: true }));
}

/** The Follow-ups tab (Ctrl+5) once the dashboard is there. */
async function openFollowups(): Promise<void> {
  await element('[data-testid=tab-followups]');
  press('5');
  await element('[data-testid=followup-table] tr[data-followup-id]');
}

export function runScenario(s: Scenario, app: AppState): { afterMount: () => Promise<void> } {
  const ws = workspace();
  const base = {
    startup: () => ({ workspace: ws, imported: [], error: null }),
    dashboard: (id: number | null) => dashboardFor(id, ws),
    importFiles: (paths: string[]) => slowImport(paths),
    pickFiles: () => ['/home/dana/Downloads/Customer NPS relationship survey.csv'],
    // Save dialogs answer this path; what the window writes is kept for the browser tests to read back.
    pickSave: () => '/home/dana/Documents/board',
    writeExportFile: (path: string, bytes: Uint8Array) => {
      (window as unknown as { __npsdeskLastExport?: { path: string; bytes: number[] } }).__npsdeskLastExport = { path, bytes: Array.from(bytes) };
    },
    exportTable: () => 1234,
    ...analyticsHandlers(),
  };
  let afterMount = async () => undefined as void;

  switch (s) {
    case 'dashboard':
      installMockBackend(base);
      break;
    case 'single': {
      const one = workspace([npsSurvey()]);
      installMockBackend({ ...base, startup: () => ({ workspace: one, imported: [], error: null }), dashboard: (id) => dashboardFor(id, one) });
      break;
    }
    case 'empty': {
      const none = { path: WORKSPACE_PATH, surveys: [] };
      installMockBackend({ ...base, startup: () => ({ workspace: none, imported: [], error: null }) });
      break;
    }
    case 'loading':
      installMockBackend({ ...base, startup: () => never() });
      break;
    case 'fatal':
      installMockBackend({
        ...base,
        startup: () => {
          throw { code: 'workspace', message: 'database is locked: /home/dana/Documents/Customer Success/npsdesk/acme-2026.npsdesk' };
        },
      });
      break;
    case 'nonps':
      installMockBackend({ ...base, dashboard: () => dashboardFor(plainSurvey().id, ws) });
      break;
    case 'importing':
      installMockBackend({ ...base, importFiles: (paths) => slowImport(paths, 0.62) });
      afterMount = async () => {
        await sleep(300);
        void app.importPaths(['/home/dana/Downloads/Customer NPS relationship survey.csv']);
      };
      break;
    case 'report':
      installMockBackend({ ...base, importFiles: (paths) => [importReport({ file: paths[0] ?? '' })] });
      afterMount = async () => {
        await sleep(300);
        await app.importPaths(['/home/dana/Downloads/Acme NPS 2026/CSV/Customer NPS relationship survey.csv']);
      };
      break;
    case 'report-qualtrics':
      installMockBackend({ ...base, importFiles: (paths) => [qualtricsReport({ file: paths[0] ?? '' })] });
      afterMount = async () => {
        await sleep(300);
        await app.importPaths(['/home/dana/Downloads/Acme NPS 2026/Qualtrics/NPS_Q3_2026_DE.csv']);
      };
      break;
    case 'error':
      installMockBackend({
        ...base,
        importFiles: () => {
          throw {
            code: 'import_failed',
            message: 'Line 2 of “Q3 export.csv”: this looks like a condensed export (one column per question). Export again with columns “Expanded”.',
          };
        },
      });
      afterMount = async () => {
        await sleep(300);
        await app.importPaths(['/home/dana/Downloads/Q3 export.csv']);
      };
      break;
    case 'drop':
      installMockBackend(base);
      afterMount = async () => {
        await sleep(400);
        await emitDrag('enter', ['/home/dana/Downloads/Customer NPS relationship survey.csv']);
      };
      break;
    case 'mapping':
    case 'mapping-scale': {
      const file = s === 'mapping' ? '/home/dana/Downloads/generic_mapping_w1.csv' : '/home/dana/Downloads/nps_1_to_11.csv';
      installMockBackend({
        ...base,
        inspectFile: (path) => (s === 'mapping' ? genericInspection(path) : recodedInspection(path)),
        importWithMapping: (path) => importReport({ file: path, created_survey: true }),
      });
      afterMount = async () => {
        await sleep(400);
        await emitDrag('drop', [file]);
      };
      break;
    }
    case 'drop-bad':
      installMockBackend(base);
      afterMount = async () => {
        await sleep(400);
        await emitDrag('enter', ['/home/dana/Downloads/Board deck.pdf']);
      };
      break;
    case 'tooltip':
      installMockBackend(base);
      afterMount = async () => {
        for (let i = 0; i < 50; i++) {
          const el = document.querySelector<HTMLElement>('[data-testid=chart-trend]');
          const chart = el ? echarts.getInstanceByDom(el) : undefined;
          if (chart) {
            await sleep(600);
            chart.dispatchAction({ type: 'showTip', seriesIndex: 2, dataIndex: 5 });
            return;
          }
          await sleep(50);
        }
      };
      break;
    case 'filters':
      installMockBackend(base);
      afterMount = async () => {
        await sleep(200);
        app.analysis.addFilter({ column: REGION, value: 'EMEA', negate: false });
        app.analysis.addFilter({ column: PLAN, value: 'Free', negate: true });
        app.analysis.setGranularity('month');
      };
      break;
    case 'segments':
      installMockBackend(base);
      afterMount = async () => {
        await sleep(200);
        app.analysis.setSegment(0, PLAN);
      };
      break;
    case 'segments2':
      installMockBackend(base);
      afterMount = async () => {
        await sleep(200);
        app.analysis.setSegment(0, REGION);
        app.analysis.setSegment(1, PLAN);
        app.analysis.update({ level: 0.9 });
      };
      break;
    case 'rolling':
      installMockBackend(base);
      afterMount = async () => {
        await sleep(200);
        app.analysis.setRolling({ days: 90, step: 'week' });
        app.analysis.addFilter({ column: REGION, value: 'LATAM', negate: false });
      };
      break;
    case 'left-empty':
    case 'popover':
      installMockBackend(base);
      afterMount = async () => {
        const col = s === 'left-empty' ? REGION : PLAN;
        if (s === 'left-empty') {
          await sleep(200);
          app.analysis.addFilter({ column: REGION, value: '', negate: false });
        }
        for (let i = 0; i < 60; i++) {
          const b = document.querySelector<HTMLButtonElement>('[data-testid=add-filter]');
          if (b) {
            b.click();
            await sleep(50);
            const sel = document.querySelector<HTMLSelectElement>('[data-testid=filter-column]');
            if (sel) {
              sel.value = col;
              sel.dispatchEvent(new Event('change', { bubbles: true }));
            }
            return;
          }
          await sleep(50);
        }
      };
      break;
    case 'followups':
    case 'followups-dark':
      if (s === 'followups-dark') {
        settings.save({ ...settings.value, appearance: 'dark' });
      }
      installMockBackend(base);
      afterMount = async () => {
        await openFollowups();
        // An item with a log and an account: the panel beside the list shows every part.
        const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=followup-table] tr[data-followup-id]')];
        (rows.find((r) => r.querySelector('.acct')) ?? rows[0])?.click();
      };
      break;
    case 'followups-overdue':
      installMockBackend(base);
      afterMount = async () => {
        await openFollowups();
        (await element('[data-testid=count-overdue]'))?.click();
      };
      break;
    case 'promoters':
      installMockBackend(base);
      afterMount = async () => {
        await element('[data-testid=tab-followups]');
        press('5');
        (await element('[data-testid=followups-mode-promoters]'))?.click();
      };
      break;
    case 'accounts-arr':
    case 'accounts-none': {
      // accounts-none: a workspace without an accounts file yet (the Import accounts… button fills it).
      const loop = new MockLoop({ accounts: s === 'accounts-arr' });
      installMockBackend({ ...base, ...analyticsHandlers(loop), pickFiles: () => ['/home/dana/Documents/CRM/accounts-2026-10.csv'] });
      afterMount = async () => {
        await element('[data-testid=tab-accounts]');
        press('4');
      };
      break;
    }
    case 'startup-import':
      installMockBackend({
        ...base,
        startup: async () => {
          await slowImport(['/home/dana/Downloads/Customer NPS relationship survey.csv']);
          return { workspace: ws, imported: [importReport({ created_survey: true, skipped: [], column_warnings: [], updated: 0, unchanged: 0, new: 5064 })], error: null };
        },
      });
      break;
  }
  return { afterMount };
}

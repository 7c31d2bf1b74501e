// The mapping screen in the whole window against a mocked Rust side (happy-dom): opened by a drop of an export
// detection is unsure about, driven by the keyboard.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../App.svelte';
import { AppState } from '../lib/appState.svelte';
import { emitDrag, installMockBackend, uninstallMockBackend, type MockHandlers } from '../api/devMock';
import { analyticsHandlers, dashboardFor, importReport, workspace } from '../mock/fixtures';
import { genericInspection, recodedInspection } from '../lib/mappingFixtures';
import type { ImportMapping } from '../api';

let app: ReturnType<typeof mount> | null = null;

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

const $ = (sel: string) => document.querySelector<HTMLElement>(sel);
const ws = workspace();

function start(h: MockHandlers): void {
  installMockBackend({
    startup: () => ({ workspace: ws, imported: [], error: null }),
    dashboard: (id) => dashboardFor(id, ws),
    ...analyticsHandlers(),
    ...h,
  });
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(App, { target, props: { state: new AppState() } });
}

function key(el: Element, k: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
}

function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

describe('MappingDialog', () => {
  it('opens for a dropped table without a clear NPS column; roles by label; Enter imports with the mapping', async () => {
    const mapped: Array<[string, ImportMapping]> = [];
    const direct: string[][] = [];
    start({
      inspectFile: (path) => genericInspection(path),
      importFiles: (paths) => (direct.push(paths), []),
      importWithMapping: (path, m) => (mapped.push([path, m]), importReport({ file: path, created_survey: true })),
    });
    await until(() => $('[data-testid=headline-nps]'));
    await emitDrag('drop', ['/data/generic_mapping_w1.csv']);
    const dialog = await until(() => $('[data-testid=mapping-dialog]'));
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect($('#mapping-title')?.textContent).toContain('generic_mapping_w1.csv');
    expect(dialog.textContent).toContain('No column is clearly the 0–10 recommend question.');
    // Every column with its sample values and a labelled role picker.
    const rows = [...dialog.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-column'))).toEqual(['ref', 'answered', 'q7', 'free text', 'company']);
    expect([...(rows[2]?.querySelectorAll('.sample') ?? [])].map((e) => e.textContent)).toEqual(['9', '4', '10']);
    const picker = (name: string) => dialog.querySelector<HTMLSelectElement>(`select[aria-label="Role of the column ${name}"]`)!;
    expect(picker('q7')).not.toBeNull();
    choose(picker('q7'), 'nps');
    choose(picker('answered'), 'date');
    choose(picker('free text'), 'comment');
    // The preview reads the first values as 0–10 answers.
    expect($('[data-testid=mapping-preview]')?.textContent?.replace(/\s+/g, ' ')).toContain('9 → 9');
    key(picker('answered'), 'Enter');
    await until(() => mapped.length === 1);
    expect(mapped[0]).toEqual([
      '/data/generic_mapping_w1.csv',
      { id_column: null, date_column: 'answered', nps_column: 'q7', comment_column: 'free text', account_column: null, nps_scale: null },
    ]);
    await until(() => !$('[data-testid=mapping-dialog]'));
    await until(() => $('[data-testid=import-report]'));
    expect(direct).toEqual([]);
  });

  it('asks how to read a recoded scale, previews it, and Esc cancels without importing', async () => {
    const mapped: ImportMapping[] = [];
    start({
      inspectFile: (path) => recodedInspection(path),
      importWithMapping: (path, m) => (mapped.push(m), importReport({ file: path })),
    });
    await until(() => $('[data-testid=headline-nps]'));
    await emitDrag('drop', ['/data/nps_1_to_11.csv']);
    const dialog = await until(() => $('[data-testid=mapping-dialog]'));
    const scale = $('[data-testid=mapping-scale]')!;
    expect(scale.textContent).toContain('from 1 to 11');
    const importButton = $('[data-testid=mapping-import]') as HTMLButtonElement;
    expect(importButton.disabled).toBe(true);
    // Enter does nothing until a scale is chosen.
    key(dialog, 'Enter');
    flushSync();
    expect(mapped).toEqual([]);
    const radio = dialog.querySelector<HTMLInputElement>('input[type=radio][value="1-11"]')!;
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    expect(importButton.disabled).toBe(false);
    const pairs = [...dialog.querySelectorAll('.pair')].map((p) => p.textContent?.replace(/\s+/g, ''));
    expect(pairs.slice(0, 3)).toEqual(['11→10', '1→0', '8→7']);
    key(radio, 'Escape');
    await until(() => !$('[data-testid=mapping-dialog]'));
    expect(mapped).toEqual([]);
  });

  it('opens for an import that stopped for a scale, and for exports given at launch', async () => {
    start({
      startup: () => ({ workspace: ws, imported: [], error: null, needs_mapping: ['/cli/generic_mapping_w1.csv'] }),
      inspectFile: (path) => genericInspection(path),
    });
    const dialog = await until(() => $('[data-testid=mapping-dialog]'));
    expect(dialog.textContent).toContain('generic_mapping_w1.csv');
    expect($('[data-testid=error-banner]')).toBeNull();
    unmount(app!);
    app = null;
    uninstallMockBackend();
    document.body.innerHTML = '';

    // A later wave that turns out recoded: the import stops with needs_mapping and the dialog opens instead of a banner.
    const path = '/data/w/nps_weights.csv';
    start({
      inspectFile: (p) => ({ ...recodedInspection(p), needs_mapping: false, reasons: [] }),
      importFiles: () => {
        throw { code: 'needs_mapping', message: `the NPS column "NPS" of ${path} holds only −100, 0 and 100; say how to read it` };
      },
    });
    await until(() => $('[data-testid=headline-nps]'));
    await emitDrag('drop', [path]);
    const again = await until(() => $('[data-testid=mapping-dialog]'));
    expect(again.textContent).toContain('nps_weights.csv');
    expect($('[data-testid=error-banner]')).toBeNull();
  });
});

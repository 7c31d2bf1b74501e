// Every screen and state of the window, in chromium against the mocked Rust side: it renders, the CSP
// is never violated, no script error is thrown, nothing overflows the 1280 px window, and a screenshot is
// kept in target/browser-artifacts/screens/ (not committed) to look at.
import { expect, test, type Page } from '@playwright/test';
import JSZip from 'jszip';
import { writeFileSync } from 'node:fs';

const SHOTS = '../target/browser-artifacts/screens';

async function open(page: Page, scenario: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Failed loads are judged by their response below (the browser's own favicon request is not ours).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`mock.html?scenario=${scenario}`);
  return errors;
}

async function sound(page: Page, errors: string[], name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  expect(await page.locator('body').getAttribute('data-csp-violations'), 'CSP violations').toBeNull();
  expect(errors, 'script errors').toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
}

const STATES: [string, string][] = [
  ['dashboard', '[data-testid=themes-summary-card] [data-theme-summary]'],
  ['empty', '[data-testid=empty-state]'],
  ['loading', '[data-testid=loading-state]'],
  ['fatal', '[data-testid=fatal-state]'],
  ['nonps', '[data-testid=no-nps]'],
  ['importing', '[data-testid=import-cancel]'],
  ['report', '[data-testid=import-report]'],
  ['report-qualtrics', '[data-testid=import-report]'],
  ['error', '[data-testid=error-banner]'],
  ['drop', '[data-testid=drop-overlay]'],
  ['drop-bad', '[data-testid=drop-overlay]'],
  ['startup-import', '[data-testid=import-report]'],
  ['segments', '[data-testid=segment-view] svg'],
  ['segments2', '[data-testid=heatmap-view] svg'],
  ['rolling', '[data-testid=chart-trend] svg'],
  ['filters', '[data-testid=headline-nps]'],
  ['mapping', '[data-testid=mapping-dialog]'],
  ['mapping-scale', '[data-testid=mapping-dialog]'],
  ['followups', '[data-testid=followup-detail] [data-testid=detail-history]'],
  ['followups-overdue', '[data-testid=followup-table] tr[data-overdue=true]'],
  ['followups-dark', '[data-testid=followup-detail] [data-testid=detail-comment]'],
  ['promoters', '[data-testid=promoter-table] tr[data-response-id]'],
  ['accounts-arr', '[data-testid=weighting-arr] [data-testid=weighting-ci]'],
  ['accounts-none', '[data-testid=accounts-table] tr[data-account]'],
];

for (const [scenario, selector] of STATES) {
  test(`state ${scenario} renders`, async ({ page }) => {
    const errors = await open(page, scenario);
    await expect(page.locator(selector).first()).toBeVisible({ timeout: 10_000 });
    await sound(page, errors, scenario);
  });
}

test('views: Ctrl+2/3/4 switch to Themes, Comments and Accounts, each with its rows', async ({ page }) => {
  const errors = await open(page, 'dashboard');
  await expect(page.locator('[data-testid=headline-nps]')).toBeVisible();
  await page.keyboard.press('Control+2');
  await expect(page.locator('[data-testid=themes-table] tr[data-theme]').first()).toBeVisible();
  await sound(page, errors, 'view-themes');
  await page.keyboard.press('Control+3');
  await expect(page.locator('[data-testid=comment-list] li').first()).toBeVisible();
  await sound(page, errors, 'view-comments');
  await page.keyboard.press('Control+4');
  await expect(page.locator('[data-testid=accounts-table] tr[data-account]').first()).toBeVisible();
  await sound(page, errors, 'view-accounts');
  await page.locator('[data-testid=accounts-table] tr[data-account]').first().click();
  await expect(page.locator('[data-testid=account-comment-list] li').first()).toBeVisible();
  await sound(page, errors, 'account-history');
  await page.keyboard.press('Control+1');
  await expect(page.locator('[data-testid=headline-nps]')).toBeVisible();
});

test('Follow-ups: Ctrl+5 opens the queue; a status button moves an item and the counts follow', async ({ page }) => {
  const errors = await open(page, 'dashboard');
  await expect(page.locator('[data-testid=headline-nps]')).toBeVisible();
  await page.keyboard.press('Control+5');
  const counts = page.locator('[data-testid=followup-counts]');
  await expect(counts).toBeVisible();
  const first = page.locator('[data-testid=followup-table] tr[data-status=open]').first();
  await expect(first).toBeVisible();
  const id = await first.getAttribute('data-followup-id');
  const opened = Number((await page.locator('[data-testid=count-open] .value').textContent())?.replace(/,/g, ''));
  const contacted = Number((await page.locator('[data-testid=count-contacted] .value').textContent())?.replace(/,/g, ''));
  await first.click();
  const detail = page.locator('[data-testid=followup-detail]');
  await expect(detail).toHaveAttribute('data-followup-id', String(id));
  // Only the moves the backend allows are offered: an open item cannot be reopened.
  await expect(detail.locator('[data-testid=detail-move-open]')).toHaveCount(0);
  await detail.locator('[data-testid=detail-note]').fill('Called, left a voicemail.');
  await detail.locator('[data-testid=detail-add-note]').click();
  await expect(detail.locator('[data-testid=detail-notes] li')).toContainText('Called, left a voicemail.');
  await detail.locator('[data-testid=detail-move-contacted]').click();
  await expect(detail.locator('[data-testid=detail-status]')).toHaveText('Contacted');
  await expect(detail.locator('[data-testid=detail-move-contacted]')).toHaveCount(0);
  await expect(page.locator('[data-testid=count-open] .value')).toHaveText((opened - 1).toLocaleString('en-US'));
  await expect(page.locator('[data-testid=count-contacted] .value')).toHaveText((contacted + 1).toLocaleString('en-US'));
  await sound(page, errors, 'followups-moved');
  await page.locator('[data-testid=followups-mode-promoters]').click();
  const row = page.locator('[data-testid=promoter-table] tr[data-ask=not_asked]').first();
  const rid = await row.getAttribute('data-response-id');
  await row.locator('[data-testid=promoter-ask]').selectOption('agreed');
  await expect(page.locator(`[data-testid=promoter-table] tr[data-response-id="${rid}"]`)).toHaveAttribute('data-ask', 'agreed');
  await sound(page, errors, 'promoters-asked');
});

test('an empty date field reads "Any" (not the grey date of today); a date typed in filters and replaces it', async ({ page }) => {
  const errors = await open(page, 'dashboard');
  await expect(page.locator('[data-testid=headline-nps]')).toBeVisible();
  const from = page.locator('[data-testid=date-from]');
  const fromAny = page.locator('[data-testid=date-from-unset]');
  await expect(fromAny).toBeVisible();
  await expect(fromAny).toHaveText('Any');
  await expect(page.locator('[data-testid=date-to-unset]')).toBeVisible();
  // The tooltip, on the field itself (its accessible description), names the survey's first response
  // (fixtures: 2024-10-01T08:14:03).
  await expect(from).toHaveAttribute('title', 'No start date: from the first response, 1 Oct 2024');
  const n = page.locator('[data-testid=headline-n]');
  const before = Number(await n.getAttribute('data-n'));
  // Typed, as a user would: one click on the field selects its first part (a hidden part would take no focus
  // and the digits would go nowhere).
  await from.click({ position: { x: 12, y: 14 } });
  await expect(fromAny).toBeHidden();
  await page.keyboard.type('01012026');
  await page.keyboard.press('Tab');
  await expect(from).toHaveValue('2026-01-01');
  await expect(fromAny).toHaveCount(0);
  await expect(page.locator('[data-testid=date-to-unset]')).toBeVisible();
  await expect.poll(async () => Number(await n.getAttribute('data-n'))).toBeLessThan(before);
  await sound(page, errors, 'date-from-set');
  await from.fill('');
  await from.blur();
  await expect(fromAny).toBeVisible();
  await expect.poll(async () => Number(await n.getAttribute('data-n'))).toBe(before);
});

test('Ctrl+F searches the comments; the search narrows the list', async ({ page }) => {
  const errors = await open(page, 'dashboard');
  await expect(page.locator('[data-testid=headline-nps]')).toBeVisible();
  await page.keyboard.press('Control+f');
  const search = page.locator('[data-testid=comments-panel] input[type=search]');
  await expect(search).toBeFocused();
  const summary = page.locator('[data-testid=comments-summary]');
  await expect(summary).toHaveAttribute('data-total', /\d+/);
  const before = Number(await summary.getAttribute('data-total'));
  await search.fill('support');
  await expect.poll(async () => Number(await summary.getAttribute('data-total'))).toBeLessThan(before);
  await sound(page, errors, 'comments-search');
});

test('Settings: Dark applies to the whole window; thresholds are checked before saving', async ({ page }) => {
  const errors = await open(page, 'dashboard');
  await expect(page.locator('[data-testid=headline-nps]')).toBeVisible();
  await page.keyboard.press('Control+,');
  const dialog = page.locator('[data-testid=settings-dialog]');
  await expect(dialog).toBeVisible();
  await page.locator('[data-testid=set-min-n]').fill('99');
  await expect(page.locator('[data-testid=problem-min-n]')).toBeVisible();
  await expect(page.locator('[data-testid=settings-save]')).toBeDisabled();
  await page.locator('[data-testid=set-min-n]').fill('10');
  await page.locator('[data-testid=set-appearance-dark]').check();
  await sound(page, errors, 'settings');
  await page.locator('[data-testid=settings-save]').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('html')).toHaveAttribute('data-appearance', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
  expect((r ?? 255) + (g ?? 255) + (b ?? 255), `dark background, got ${bg}`).toBeLessThan(120);
  await sound(page, errors, 'dashboard-dark');
  // Kept for the next launch (local storage), then back to the system's choice.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-appearance', 'dark');
  await page.keyboard.press('Control+,');
  await page.locator('[data-testid=set-appearance-system]').check();
  await page.locator('[data-testid=settings-save]').click();
  await expect(page.locator('html')).toHaveAttribute('data-appearance', 'light');
});

test('the workspace menu opens and closes with Escape', async ({ page }) => {
  const errors = await open(page, 'dashboard');
  await page.locator('[data-testid=workspace-path]').click();
  await expect(page.locator('[data-testid=workspace-menu]')).toBeVisible();
  await sound(page, errors, 'workspace-menu');
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-testid=workspace-menu]')).toBeHidden();
});

type Exported = { path: string; bytes: number[] };

async function lastExport(page: Page): Promise<Exported> {
  await expect.poll(() => page.evaluate(() => Boolean((window as unknown as { __npsdeskLastExport?: unknown }).__npsdeskLastExport))).toBe(true);
  return page.evaluate(() => (window as unknown as { __npsdeskLastExport: Exported }).__npsdeskLastExport);
}

test('Export deck: native charts plus the heat map as SVG with its PNG fallback; pictures only has no chart part', async ({ page }) => {
  const errors = await open(page, 'segments');
  await expect(page.locator('[data-testid=chart-segments] svg')).toBeVisible();
  await page.locator('[data-testid=export-deck]').click();
  await expect(page.locator('[data-testid=deck-dialog]')).toBeVisible();
  await sound(page, errors, 'deck-dialog');
  await page.locator('[data-testid=deck-export]').click();
  const deck = await lastExport(page);
  expect(deck.path).toBe('/home/dana/Documents/board.pptx');
  writeFileSync(`${SHOTS}/../deck.pptx`, Buffer.from(deck.bytes));
  const zip = await JSZip.loadAsync(Buffer.from(deck.bytes));
  const names = Object.keys(zip.files);
  expect(names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n))).toHaveLength(6);
  expect(names.filter((n) => /^ppt\/charts\/chart\d+\.xml$/.test(n))).toHaveLength(4);
  const svg = names.filter((n) => /^ppt\/media\/.*\.svg$/.test(n));
  const png = names.filter((n) => /^ppt\/media\/.*\.png$/.test(n));
  expect(svg).toHaveLength(1);
  expect(png).toHaveLength(1);
  const fallback = await zip.file(png[0]!)!.async('uint8array');
  expect(fallback.length, 'the PNG fallback was drawn').toBeGreaterThan(1000);
  expect(Array.from(fallback.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  await expect(page.locator('[data-testid=error-banner][data-tone=info]')).toContainText('6 slides written');

  // Pictures only, and the template is remembered for next time.
  await page.evaluate(() => delete (window as unknown as { __npsdeskLastExport?: unknown }).__npsdeskLastExport);
  await page.locator('[data-testid=export-deck]').click();
  await page.locator('[data-testid=deck-pictures-only]').check();
  await page.locator('[data-testid=deck-slide-themes]').uncheck();
  await page.locator('[data-testid=deck-export]').click();
  const picturesDeck = Buffer.from((await lastExport(page)).bytes);
  writeFileSync(`${SHOTS}/../deck-pictures.pptx`, picturesDeck);
  const pictures = await JSZip.loadAsync(picturesDeck);
  const pnames = Object.keys(pictures.files);
  expect(pnames.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n))).toHaveLength(5);
  expect(pnames.filter((n) => /^ppt\/charts\/chart\d+\.xml$/.test(n))).toHaveLength(0);
  expect(pnames.filter((n) => /^ppt\/media\/.*\.svg$/.test(n))).toHaveLength(4);
  await page.locator('[data-testid=export-deck]').click();
  await expect(page.locator('[data-testid=deck-pictures-only]')).toBeChecked();
  await expect(page.locator('[data-testid=deck-slide-themes]')).not.toBeChecked();
  expect(errors).toEqual([]);
});

test('Save a chart: PNG at 3× the 16:9 deck size, SVG at 4:3 with the footnote, Copy PNG to the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors = await open(page, 'segments');
  await expect(page.locator('[data-testid=chart-segments] svg')).toBeVisible();
  await page.locator('[data-testid=chart-save]').first().click();
  const dialog = page.locator('[data-testid=chart-export-dialog]');
  await expect(dialog).toBeVisible();
  await expect.poll(() => page.locator('[data-testid=chart-export-preview]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1600);
  await sound(page, errors, 'chart-export');
  await page.locator('[data-testid=scale-3]').check();
  await page.locator('[data-testid=chart-export-save]').click();
  const png = await lastExport(page);
  expect(png.path).toBe('/home/dana/Documents/board.png');
  const bytes = Buffer.from(png.bytes);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([4800, 2700]);
  await expect(dialog).toBeHidden();

  await page.evaluate(() => delete (window as unknown as { __npsdeskLastExport?: unknown }).__npsdeskLastExport);
  await page.locator('[data-testid=chart-save]').nth(1).click();
  await page.locator('[data-testid=fmt-svg]').check();
  await page.locator('[data-testid=aspect-43]').check();
  await page.locator('[data-testid=chart-export-save]').click();
  const svg = await lastExport(page);
  expect(svg.path).toBe('/home/dana/Documents/board.svg');
  const text = Buffer.from(svg.bytes).toString('utf8');
  expect(text).toMatch(/^<svg width="1600" height="1200"/);
  expect(text).toMatch(/n = 5,110 · 95 % CI/);
  // Well-formed XML: a browser draws it as a stand-alone image (an ill-formed SVG fails to load).
  const drawn = await page.evaluate(
    (t) =>
      new Promise<number>((resolve) => {
        const img = new Image();
        img.onload = () => resolve(img.naturalHeight);
        img.onerror = () => resolve(-1);
        img.src = URL.createObjectURL(new Blob([t], { type: 'image/svg+xml' }));
      }),
    text,
  );
  expect(drawn).toBe(1200);

  await page.locator('[data-testid=chart-save]').first().click();
  await page.locator('[data-testid=chart-copy]').click();
  await expect(page.locator('[data-testid=error-banner][data-tone=info]')).toContainText('on the clipboard');
  const types = await page.evaluate(async () => (await navigator.clipboard.read()).flatMap((i) => i.types));
  expect(types).toContain('image/png');
  expect(errors).toEqual([]);
});

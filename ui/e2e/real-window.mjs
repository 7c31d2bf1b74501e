#!/usr/bin/env node
// End-to-end check of the real npsdesk window (Tauri + WebKitGTK) through tauri-driver.
//
// Run under a display, e.g. `xvfb-run -a node ui/e2e/real-window.mjs`, with:
//   NPSDESK_APP    the built app binary
//   NPSDESK_CLI    the npsdesk CLI binary
//   NPSDESK_GEN    the SurveyMonkey export generator (python3 script)
//   TAURI_DRIVER   tauri-driver
//   E2E_ARTIFACTS  folder for the screenshot and logs
//   NATIVE_DRIVER  optional: path of WebKitWebDriver, passed as --native-driver
//
// It generates an export, computes NPS with the CLI, opens the app on the same export and checks that the
// window shows the same NPS and n, and a chart with the quarters; then adds the filter Plan = Pro through the
// controls bar and checks the headline against the CLI's filtered answer, and opens the segment view.
// Every step has a time limit; the last line is "N passed, M failed".
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { remote } from 'webdriverio';

const DRIVER_PORT = 4444;
const NATIVE_PORT = 4445;
const OVERALL_LIMIT_MS = 12 * 60_000;
const PLAN_COLUMN = 'Which plan are you on?';
const PLAN_VALUE = 'Pro';

let passed = 0;
let failed = 0;
let browser = null;
let driver = null;
let tmp = null;
let finished = false;

const log = (...a) => console.log('[e2e]', ...a);

function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok   - ${name}${detail ? ` (${detail})` : ''}`);
  } else {
    failed += 1;
    console.log(`FAIL - ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

class StepError extends Error {}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new StepError(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}

function env(name) {
  const v = process.env[name];
  if (!v) throw new StepError(`environment variable ${name} is not set`);
  return v;
}

function run(cmd, args, { timeoutMs, what }) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new StepError(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new StepError(`${what} exited with ${r.status ?? r.signal}\n${(r.stderr || '').slice(-2000)}`);
  }
  return r.stdout;
}

function waitForPort(port, ms) {
  const end = Date.now() + ms;
  return new Promise((resolvePort, reject) => {
    const attempt = () => {
      if (driver && driver.exitCode !== null) {
        reject(new StepError(`tauri-driver exited early with code ${driver.exitCode} (see tauri-driver.log)`));
        return;
      }
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolvePort();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > end) reject(new StepError(`port ${port} did not open within ${Math.round(ms / 1000)} s`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

/** The headline's text for an NPS: one decimal, half away from zero, "+" or U+2212. */
function expectedHeadline(nps) {
  const r = (Math.sign(nps) * Math.round(Math.abs(nps) * 10 + Number.EPSILON * 10)) / 10;
  const text = Math.abs(r).toFixed(1);
  return r > 0 ? `+${text}` : r < 0 ? `\u2212${text}` : text;
}

function pickReport(json) {
  // `npsdesk nps --format json` prints an NpsReport; accept it wrapped too.
  for (const c of [json, json?.overall, json?.report, json?.total]) {
    if (c && typeof c.nps === 'number' && typeof c.n === 'number') return c;
  }
  throw new StepError(`CLI JSON has no numeric "nps" and "n": ${JSON.stringify(json).slice(0, 300)}`);
}

async function killDriver() {
  if (!driver || driver.exitCode !== null) return;
  const pid = driver.pid;
  const kill = (sig) => {
    try {
      process.kill(-pid, sig); // its process group: tauri-driver, WebKitWebDriver, the app
    } catch {
      try {
        driver.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  kill('SIGTERM');
  const gone = await new Promise((r) => {
    const t = setTimeout(() => r(false), 3000);
    driver.once('exit', () => {
      clearTimeout(t);
      r(true);
    });
  });
  if (!gone) kill('SIGKILL');
}

async function cleanup() {
  if (browser) {
    try {
      await withTimeout(browser.deleteSession(), 15_000, 'deleting the WebDriver session');
    } catch (e) {
      log(`could not delete the session: ${e.message}`);
    }
    browser = null;
  }
  await killDriver();
}

async function finish(code) {
  if (finished) return;
  finished = true;
  await cleanup();
  if (tmp && failed === 0 && code === 0) rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept ${tmp} for inspection`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code !== 0 || failed > 0 ? 1 : 0);
}

async function main() {
  const app = resolve(env('NPSDESK_APP'));
  const cli = resolve(env('NPSDESK_CLI'));
  const gen = resolve(env('NPSDESK_GEN'));
  const tauriDriver = env('TAURI_DRIVER');
  const artifacts = resolve(env('E2E_ARTIFACTS'));
  for (const [name, p] of [['NPSDESK_APP', app], ['NPSDESK_CLI', cli], ['NPSDESK_GEN', gen]]) {
    if (!existsSync(p)) throw new StepError(`${name} does not exist: ${p}`);
  }
  mkdirSync(artifacts, { recursive: true });

  tmp = mkdtempSync(join(tmpdir(), 'npsdesk-e2e-'));
  const file = join(tmp, 'nps_3000.csv');
  log(`temp dir ${tmp}`);

  // 1. The export, and the CLI's answer for it.
  run('python3', [gen, '--rows', '3000', '--seed', '7', '--out', file], { timeoutMs: 120_000, what: 'the generator' });
  run(cli, ['import', file, '--workspace', join(tmp, 'cli.npsdesk')], { timeoutMs: 120_000, what: 'npsdesk import' });
  const out = run(cli, ['nps', '--workspace', join(tmp, 'cli.npsdesk'), '--format', 'json'], {
    timeoutMs: 60_000,
    what: 'npsdesk nps',
  });
  let json;
  try {
    json = JSON.parse(out);
  } catch {
    throw new StepError(`npsdesk nps did not print JSON: ${out.slice(0, 300)}`);
  }
  const cliReport = pickReport(json);
  log(`CLI: nps = ${cliReport.nps}, n = ${cliReport.n}`);
  writeFileSync(join(artifacts, 'cli-nps.json'), out);

  // 2. tauri-driver, with the app's data dir in its environment (the app inherits it).
  const driverLog = createWriteStream(join(artifacts, 'tauri-driver.log'));
  const driverArgs = ['--port', String(DRIVER_PORT), '--native-port', String(NATIVE_PORT)];
  if (process.env.NATIVE_DRIVER) driverArgs.push('--native-driver', process.env.NATIVE_DRIVER);
  log(`$ ${tauriDriver} ${driverArgs.join(' ')}`);
  driver = spawn(tauriDriver, driverArgs, {
    env: { ...process.env, NPSDESK_DATA_DIR: join(tmp, 'appdata') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so cleanup can end it and its children together
  });
  driver.stdout.pipe(driverLog);
  driver.stderr.pipe(driverLog);
  driver.on('error', (e) => log(`tauri-driver: ${e.message}`));
  await waitForPort(DRIVER_PORT, 30_000);
  log(`tauri-driver listens on ${DRIVER_PORT}`);

  // 3. The window, opened on the export (only tauri:options: no browserName, so no BiDi).
  browser = await withTimeout(
    remote({
      hostname: '127.0.0.1',
      port: DRIVER_PORT,
      logLevel: 'warn',
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      capabilities: { 'tauri:options': { application: app, args: [file] } },
    }),
    90_000,
    'opening the WebDriver session (launching the app)',
  );
  log('session open');

  const headline = await browser.$('[data-testid=headline-nps]');
  try {
    await headline.waitForExist({ timeout: 60_000, interval: 250 });
  } catch {
    const banner = await browser.$('[data-testid=error-banner], [data-testid=fatal-state]');
    const why = (await banner.isExisting()) ? await banner.getText() : 'no error shown';
    throw new StepError(`the headline NPS did not appear within 60 s (${why})`);
  }

  // 4. Same NPS and n as the CLI.
  const npsAttr = await headline.getAttribute('data-nps');
  const appNps = Number(npsAttr);
  check(
    'headline NPS equals the CLI',
    Number.isFinite(appNps) && Math.abs(appNps - cliReport.nps) < 1e-9,
    `app ${npsAttr}, cli ${cliReport.nps}`,
  );
  const headlineText = (await headline.getText()).trim();
  check('headline shows it with sign and one decimal', headlineText === expectedHeadline(cliReport.nps), `"${headlineText}"`);

  const nEl = await browser.$('[data-testid=headline-n]');
  const nAttr = await nEl.getAttribute('data-n');
  const nText = await nEl.getText();
  const appN = nAttr !== null ? Number(nAttr) : Number((/n\s*=\s*([\d,]+)/.exec(nText)?.[1] ?? '').replace(/,/g, ''));
  check('n equals the CLI', appN === cliReport.n, `app ${appN}, cli ${cliReport.n}; "${nText.replace(/\s+/g, ' ')}"`);

  // The 0–10 distribution: every column's count equals the CLI's.
  const dist = await withTimeout(
    browser.execute(() => [...document.querySelectorAll('[data-testid=score-distribution] [data-score]')].map((c) => Number(c.getAttribute('data-count')))),
    10_000,
    'reading the distribution',
  );
  check(
    'the 0–10 distribution equals the CLI’s, score by score',
    Array.isArray(cliReport.distribution) && dist.length === 11 && dist.every((c, i) => c === cliReport.distribution[i]),
    `app ${dist.join(',')}, cli ${(cliReport.distribution ?? []).join(',')}`,
  );

  // The empty date fields read "Any", drawn over the field: WebKitGTK draws today's date there in grey,
  // which read as a filter set to today.
  const unset = await withTimeout(
    browser.execute(() => {
      const input = document.querySelector('[data-testid=date-from]');
      const any = document.querySelector('[data-testid=date-from-unset]');
      if (!input || !any) return { any: null };
      const a = any.getBoundingClientRect();
      const i = input.getBoundingClientRect();
      const inside = a.width > 0 && a.left >= i.left && a.right <= i.right && a.top >= i.top && a.bottom <= i.bottom;
      return { any: any.textContent, value: input.value, inside };
    }),
    10_000,
    'reading the date fields',
  );
  check('an empty From field reads "Any", drawn over the field', unset.any === 'Any' && unset.value === '' && unset.inside, JSON.stringify(unset));

  // 5. The quarterly chart is drawn (SVG renderer): 8 quarter labels, or at least some shapes.
  const chart = await browser.$('[data-testid=chart-trend]');
  const chartExists = await chart.waitForExist({ timeout: 15_000 }).then(() => true, () => false);
  let shape = { labels: 0, shapes: 0, svg: false };
  const deadline = Date.now() + 15_000;
  while (chartExists && Date.now() < deadline) {
    try {
      shape = await withTimeout(
        browser.execute(() => {
          const svg = document.querySelector('[data-testid=chart-trend] svg');
          if (!svg) return { labels: 0, shapes: 0, svg: false };
          const texts = [...svg.querySelectorAll('text, tspan')].map((t) => t.textContent || '');
          const labels = new Set(texts.filter((t) => /^(Q[1-4] \d{4}|\d{4}-?Q[1-4])$/.test(t.trim())));
          return { labels: labels.size, shapes: svg.querySelectorAll('path, rect').length, svg: true };
        }),
        10_000,
        'reading the chart',
      );
    } catch (e) {
      log(`execute failed (${e.message}); counting elements instead`);
      const svgs = await browser.$$('[data-testid=chart-trend] svg');
      const paths = await browser.$$('[data-testid=chart-trend] svg path');
      shape = { labels: 0, shapes: paths.length, svg: svgs.length > 0 };
    }
    if (shape.labels >= 8) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  check(
    'chart by quarter is an SVG with the 8 quarter labels and its shapes',
    chartExists && shape.svg && shape.labels === 8 && shape.shapes > 1,
    `svg ${shape.svg}, quarter labels ${shape.labels}, path/rect ${shape.shapes}`,
  );

  // 6. A picture of the window (X screenshot: WebDriver screenshots hang on WebKitGTK).
  await new Promise((r) => setTimeout(r, 3000)); // let the chart animation and repaint settle
  xshot(artifacts, 'dashboard');

  // 7. A filter: the CLI's answer for Plan = Pro, then the same filter through the controls bar.
  const filteredOut = run(
    cli,
    ['nps', '--workspace', join(tmp, 'cli.npsdesk'), '--where', `${PLAN_COLUMN}=${PLAN_VALUE}`, '--format', 'json'],
    { timeoutMs: 60_000, what: 'npsdesk nps --where' },
  );
  writeFileSync(join(artifacts, 'cli-nps-filtered.json'), filteredOut);
  let filteredJson;
  try {
    filteredJson = JSON.parse(filteredOut);
  } catch {
    throw new StepError(`npsdesk nps --where did not print JSON: ${filteredOut.slice(0, 300)}`);
  }
  const cliFiltered = pickReport(filteredJson);
  log(`CLI (${PLAN_COLUMN} = ${PLAN_VALUE}): nps = ${cliFiltered.nps}, n = ${cliFiltered.n}`);

  const before = await headline.getAttribute('data-nps');
  const add = await browser.$('[data-testid=add-filter]');
  await add.waitForExist({ timeout: 15_000 });
  await withTimeout(add.click(), 10_000, 'clicking Add filter');
  const columnSelect = await browser.$('[data-testid=filter-column]');
  await columnSelect.waitForExist({ timeout: 10_000 });
  await withTimeout(columnSelect.selectByAttribute('value', PLAN_COLUMN), 10_000, 'choosing the filter column');
  const valueItem = await browser.$(`[data-testid=filter-value][data-value="${PLAN_VALUE}"]`);
  await valueItem.waitForExist({ timeout: 20_000, interval: 250 }).catch(() => {
    throw new StepError(`the value "${PLAN_VALUE}" of "${PLAN_COLUMN}" did not appear in the filter popover within 20 s`);
  });
  await withTimeout(valueItem.click(), 10_000, 'clicking the filter value');

  const changed = await browser
    .waitUntil(async () => (await headline.getAttribute('data-nps')) !== before, { timeout: 30_000, interval: 250 })
    .then(() => true, () => false);
  check('headline NPS changes when the filter is added', changed, `before ${before}`);
  const fNpsAttr = await headline.getAttribute('data-nps');
  const fNps = Number(fNpsAttr);
  check(
    'filtered headline NPS equals the CLI with --where',
    Number.isFinite(fNps) && Math.abs(fNps - cliFiltered.nps) < 1e-9,
    `app ${fNpsAttr}, cli ${cliFiltered.nps}`,
  );
  const fN = Number(await nEl.getAttribute('data-n'));
  check('filtered n equals the CLI with --where', fN === cliFiltered.n, `app ${fN}, cli ${cliFiltered.n}`);
  const chips = await browser.$$('[data-testid=filter-chip]');
  // Read the chip's data attributes: WebKitWebDriver's getText() returns only part of the chip's inline spans.
  const chipValue = chips.length > 0 ? await chips[0].getAttribute('data-value') : null;
  const chipColumn = chips.length > 0 ? await chips[0].getAttribute('data-column') : null;
  check(
    'a filter chip is shown',
    chips.length === 1 && chipValue === PLAN_VALUE && chipColumn === PLAN_COLUMN,
    `${chips.length} chip(s): ${chipColumn} = ${chipValue}`,
  );
  await new Promise((r) => setTimeout(r, 2500));
  xshot(artifacts, 'dashboard-filtered');

  // 8. The segment view: NPS by plan, relative to the total.
  const segment = await browser.$('[data-testid=segment-1]');
  await segment.waitForExist({ timeout: 10_000 });
  await withTimeout(segment.selectByAttribute('value', PLAN_COLUMN), 10_000, 'choosing the segment column');
  const bars = await browser.$('[data-testid=chart-segments] svg');
  const barsShown = await bars.waitForExist({ timeout: 30_000, interval: 250 }).then(() => true, () => false);
  check('the segment comparison is drawn', barsShown);
  try {
    await withTimeout(
      browser.execute(() => document.querySelector('[data-testid=segment-view]')?.scrollIntoView({ block: 'start' })),
      10_000,
      'scrolling to the segment view',
    );
  } catch (e) {
    log(`could not scroll to the segment view: ${e.message}`);
  }
  await new Promise((r) => setTimeout(r, 2500));
  xshot(artifacts, 'segments');

  // 9. Themes of the comments, with the filter still on: every theme's mentions equal the CLI's.
  const themesOut = run(
    cli,
    ['themes', '--workspace', join(tmp, 'cli.npsdesk'), '--where', `${PLAN_COLUMN}=${PLAN_VALUE}`,
      '--resamples', '0', '--format', 'json'],
    { timeoutMs: 60_000, what: 'npsdesk themes --where' },
  );
  writeFileSync(join(artifacts, 'cli-themes-filtered.json'), themesOut);
  let cliThemes;
  try {
    cliThemes = JSON.parse(themesOut);
  } catch {
    throw new StepError(`npsdesk themes did not print JSON: ${themesOut.slice(0, 300)}`);
  }
  const themesTab = await browser.$('[data-testid=tab-themes]');
  await themesTab.waitForExist({ timeout: 15_000 });
  await withTimeout(themesTab.click(), 10_000, 'opening the Themes tab');
  const panel = await browser.$('[data-testid=themes-panel]');
  const panelShown = await panel.waitForExist({ timeout: 30_000, interval: 250 }).then(() => true, () => false);
  check('the themes panel is shown', panelShown);
  const rowsReady = await browser
    .waitUntil(async () => (await browser.$$('[data-theme]')).length > 0, { timeout: 60_000, interval: 500 })
    .then(() => true, () => false);
  const rows = rowsReady ? await browser.$$('[data-theme]') : [];
  const inWindow = {};
  for (const row of rows) inWindow[await row.getAttribute('data-theme')] = Number(await row.getAttribute('data-mentions'));
  const mismatches = cliThemes.themes.filter((t) => inWindow[t.theme] !== t.mentions).map(
    (t) => `${t.theme}: app ${inWindow[t.theme]}, cli ${t.mentions}`,
  );
  check(
    'every theme\'s mentions in the window equal `npsdesk themes --where` (filtered)',
    rows.length > 0 && cliThemes.themes.length > 0 && mismatches.length === 0,
    mismatches.length ? mismatches.slice(0, 5).join('; ') : `${cliThemes.themes.length} themes, ${rows.length} rows`,
  );
  try {
    await withTimeout(
      browser.execute(() => document.querySelector('[data-testid=themes-panel]')?.scrollIntoView({ block: 'start' })),
      10_000,
      'scrolling to the themes panel',
    );
  } catch (e) {
    log(`could not scroll to the themes panel: ${e.message}`);
  }
  await new Promise((r) => setTimeout(r, 2500));
  xshot(artifacts, 'themes');
  const heat = await browser.$('[data-testid=chart-theme-heatmap] svg');
  const heatShown = await heat.waitForExist({ timeout: 30_000, interval: 250 }).then(() => true, () => false);
  check('the theme × period heat map is drawn', heatShown);
  await withTimeout(
    browser.execute(() => document.querySelector('[data-testid=theme-heatmap]')?.scrollIntoView({ block: 'start' })),
    10_000,
    'scrolling to the theme heat map',
  );
  await new Promise((r) => setTimeout(r, 1500));
  xshot(artifacts, 'theme-heatmap');

  // 10. The rule editor's live preview counts what the CLI counts with the same (built-in) rules and filter.
  await withTimeout(
    browser.execute(() => {
      const d = document.querySelector('[data-testid=rules-editor]');
      if (d) d.open = true;
      d?.scrollIntoView({ block: 'start' });
    }),
    10_000,
    'opening the rule editor',
  );
  const status = await browser.$('[data-testid=preview-status]');
  const previewShown = await status.waitForExist({ timeout: 60_000, interval: 250 }).then(() => true, () => false);
  const previewUnc = previewShown ? Number(await status.getAttribute('data-uncategorized')) : NaN;
  check(
    'the rule editor previews the rules: uncategorized comments equal `npsdesk themes --where`',
    previewShown && previewUnc === cliThemes.uncategorized,
    `app ${previewUnc}, cli ${cliThemes.uncategorized}`,
  );
  await new Promise((r) => setTimeout(r, 1500));
  xshot(artifacts, 'rules-preview');

  // 11. A theme's row opens its comments: the same comments, newest first, as `npsdesk comments --theme`.
  const top = [...cliThemes.themes].filter((t) => t.parent !== null).sort((a, b) => b.mentions - a.mentions)[0];
  const commentsOut = run(
    cli,
    ['comments', '--workspace', join(tmp, 'cli.npsdesk'), '--where', `${PLAN_COLUMN}=${PLAN_VALUE}`,
      '--theme', top.theme, '--limit', '50', '--format', 'json'],
    { timeoutMs: 60_000, what: 'npsdesk comments --theme' },
  );
  writeFileSync(join(artifacts, 'cli-comments-theme.json'), commentsOut);
  const cliComments = JSON.parse(commentsOut);
  const rowButton = await browser.$(`tr[data-theme="${top.theme}"] button`);
  await rowButton.waitForExist({ timeout: 10_000 });
  await withTimeout(browser.execute((el) => el.scrollIntoView({ block: 'center' }), rowButton), 10_000, 'scrolling to the row');
  await withTimeout(rowButton.click(), 10_000, `clicking the theme ${top.theme}`);
  const summaryEl = await browser.$('[data-testid=comments-summary]');
  const totalOk = await browser
    .waitUntil(async () => (await summaryEl.isExisting()) && Number(await summaryEl.getAttribute('data-total')) === cliComments.total, {
      timeout: 60_000,
      interval: 250,
    })
    .then(() => true, () => false);
  const appTotal = (await summaryEl.isExisting()) ? await summaryEl.getAttribute('data-total') : 'none';
  check(
    `clicking "${top.theme}" shows its comments: the total equals \`npsdesk comments --theme --where\``,
    totalOk,
    `app ${appTotal}, cli ${cliComments.total}`,
  );
  const shownIds = [];
  for (const li of await browser.$$('[data-testid=comment-list] li')) shownIds.push(await li.getAttribute('data-respondent'));
  const cliIds = cliComments.comments.map((c) => c.respondent);
  check(
    'the explorer lists the same respondents in the same order as the CLI',
    shownIds.length === cliIds.length && shownIds.every((id, i) => id === cliIds[i]),
    `app ${shownIds.slice(0, 3).join(',')}… (${shownIds.length}), cli ${cliIds.slice(0, 3).join(',')}… (${cliIds.length})`,
  );
  const marks = await browser.$$('[data-testid=comment-list] mark');
  check('matched words are highlighted in the explorer', marks.length > 0, `${marks.length} marks`);
  await withTimeout(browser.execute(() => document.querySelector('main.content')?.scrollTo(0, 0)), 10_000, 'scrolling up');
  await new Promise((r) => setTimeout(r, 1500));
  xshot(artifacts, 'comments');

  // 12. Accounts: the same accounts and at-risk flags as `npsdesk accounts` under the same filter.
  const accountsOut = run(
    cli,
    ['accounts', '--workspace', join(tmp, 'cli.npsdesk'), '--where', `${PLAN_COLUMN}=${PLAN_VALUE}`, '--format', 'json'],
    { timeoutMs: 60_000, what: 'npsdesk accounts --where' },
  );
  writeFileSync(join(artifacts, 'cli-accounts-filtered.json'), accountsOut);
  const cliAccounts = JSON.parse(accountsOut);
  const accountsTab = await browser.$('[data-testid=tab-accounts]');
  await accountsTab.waitForExist({ timeout: 15_000 });
  await withTimeout(browser.execute(() => document.querySelector('main.content')?.scrollTo(0, 0)), 10_000, 'scrolling up');
  await withTimeout(accountsTab.click(), 10_000, 'opening the Accounts tab');
  const accSummary = await browser.$('[data-testid=accounts-summary]');
  const accOk = await browser
    .waitUntil(
      async () =>
        (await accSummary.isExisting()) &&
        Number(await accSummary.getAttribute('data-accounts')) === cliAccounts.accounts.length &&
        Number(await accSummary.getAttribute('data-at-risk')) === cliAccounts.at_risk,
      { timeout: 60_000, interval: 250 },
    )
    .then(() => true, () => false);
  const appAcc = (await accSummary.isExisting())
    ? `${await accSummary.getAttribute('data-accounts')} accounts, ${await accSummary.getAttribute('data-at-risk')} at risk`
    : 'none';
  check(
    'the Accounts tab shows the accounts and at-risk count of `npsdesk accounts --where`',
    accOk,
    `app ${appAcc}, cli ${cliAccounts.accounts.length} accounts, ${cliAccounts.at_risk} at risk`,
  );
  const firstRow = await browser.$('[data-testid=accounts-table] tr[data-account]');
  const firstAccount = (await firstRow.isExisting()) ? await firstRow.getAttribute('data-account') : null;
  check('accounts are listed in the CLI\'s order (at risk first)', firstAccount === cliAccounts.accounts[0]?.account,
    `app ${firstAccount}, cli ${cliAccounts.accounts[0]?.account}`);
  await new Promise((r) => setTimeout(r, 1500));
  xshot(artifacts, 'accounts');

  await checkFollowups(cli, artifacts);
  await checkMenuAndSettings(artifacts);
  await checkDateTyped(cli, artifacts);
  await checkMappingScreen(app, cli, artifacts);
  await checkHostileText(app, artifacts);
  await checkCancel(app, cli, artifacts);
}

/**
 * 13. Follow-ups: the queue holds the items `npsdesk followups` lists for the same export, and a status change
 * made in the window is what the CLI then reads from the window's workspace file (with its log entry).
 */
async function checkFollowups(cli, artifacts) {
  const cliOut = run(cli, ['followups', '--workspace', join(tmp, 'cli.npsdesk'), '--format', 'json'], {
    timeoutMs: 60_000,
    what: 'npsdesk followups',
  });
  writeFileSync(join(artifacts, 'cli-followups.json'), cliOut);
  const cliList = JSON.parse(cliOut);
  await withTimeout(browser.execute(() => document.querySelector('main.content')?.scrollTo(0, 0)), 10_000, 'scrolling up');
  await withTimeout((await browser.$('[data-testid=tab-followups]')).click(), 10_000, 'opening the Follow-ups tab');
  const counts = await browser.$('[data-testid=followup-counts]');
  const same = await browser
    .waitUntil(
      async () =>
        (await counts.isExisting()) &&
        Number(await counts.getAttribute('data-total')) === cliList.counts.total &&
        Number(await (await browser.$('[data-testid=count-open] .value')).getText().then((t) => t.replace(/\D/g, ''))) ===
          cliList.counts.open,
      { timeout: 30_000, interval: 250 },
    )
    .then(() => true, () => false);
  const appTotal = (await counts.isExisting()) ? await counts.getAttribute('data-total') : 'none';
  check('the Follow-ups tab holds the items and open count of `npsdesk followups`', same,
    `app ${appTotal}, cli ${cliList.counts.total} items (${cliList.counts.open} open)`);

  const first = await browser.$('[data-testid=followup-table] tr[data-followup-id]');
  if (!(await first.isExisting())) {
    check('a follow-up item opens and takes a status change', false, 'no row');
    return;
  }
  const id = Number(await first.getAttribute('data-followup-id'));
  // A table row has no clickable centre in WebKitWebDriver ("not interactable"): click its respondent cell.
  const cell = await first.$('td:nth-child(2)');
  await withTimeout(cell.scrollIntoView({ block: 'center' }), 10_000, 'scrolling to the item');
  await withTimeout(cell.click(), 10_000, 'opening a follow-up item');
  const contact = await browser.$('[data-testid=detail-move-contacted]');
  const offered = await contact.waitForExist({ timeout: 15_000 }).then(() => true, () => false);
  if (offered) await withTimeout(contact.click(), 10_000, 'marking it contacted');
  const shown = await browser
    .waitUntil(async () => (await (await browser.$('[data-testid=detail-status]')).getText()).toLowerCase().includes('contacted'), {
      timeout: 15_000,
      interval: 250,
    })
    .then(() => true, () => false);
  await new Promise((r) => setTimeout(r, 800));
  xshot(artifacts, 'followups');
  const appWs = join(tmp, 'appdata', 'default.npsdesk');
  const after = JSON.parse(
    run(cli, ['followups', '--workspace', appWs, '--status', 'contacted', '--format', 'json'], {
      timeoutMs: 60_000,
      what: 'npsdesk followups on the window\'s workspace',
    }),
  );
  const item = after.items.find((i) => i.id === id);
  check('a status change in the window is in the workspace, logged (CLI)',
    offered && shown && item !== undefined && item.events.some((e) => e.kind === 'status' && e.text === 'open → contacted'),
    `item ${id}: ${item ? JSON.stringify(item.events) : 'not contacted in the workspace'}`);
}

/** The workspace menu and the Settings dialog open, show what they offer, and close on Escape. */
async function checkMenuAndSettings(artifacts) {
  await withTimeout(browser.execute(() => document.querySelector('main.content')?.scrollTo(0, 0)), 10_000, 'scrolling up');
  await withTimeout((await browser.$('[data-testid=workspace-path]')).click(), 10_000, 'opening the workspace menu');
  const menu = await browser.$('[data-testid=workspace-menu]');
  const menuShown = await menu.waitForExist({ timeout: 10_000 }).then(() => true, () => false);
  const menuText = menuShown ? await menu.getText() : '';
  check('the workspace menu offers Open and New', /Open workspace/.test(menuText) && /New workspace/.test(menuText), menuText.replace(/\s+/g, ' '));
  await new Promise((r) => setTimeout(r, 500));
  xshot(artifacts, 'workspace-menu');
  await withTimeout(browser.keys(['Escape']), 10_000, 'Escape');
  const menuClosed = await menu.waitForExist({ timeout: 5_000, reverse: true }).then(() => true, () => false);
  check('Escape closes the workspace menu', menuClosed);

  await withTimeout((await browser.$('[data-testid=settings-button]')).click(), 10_000, 'opening Settings');
  const dialog = await browser.$('[data-testid=settings-dialog]');
  const shown = await dialog.waitForExist({ timeout: 10_000 }).then(() => true, () => false);
  const low = shown ? await (await browser.$('[data-testid=set-low-n]')).getValue() : null;
  check('Settings opens with the small-sample flag at 30', String(low) === '30', `low n = ${low}`);
  await new Promise((r) => setTimeout(r, 500));
  xshot(artifacts, 'settings');
  await withTimeout(browser.keys(['Escape']), 10_000, 'Escape');
  const closed = await dialog.waitForExist({ timeout: 5_000, reverse: true }).then(() => true, () => false);
  check('Escape closes Settings', closed);

  // The export dialogs draw in WebKitGTK too (the save dialog itself is the system's and is not driven here).
  await withTimeout((await browser.$('[data-testid=tab-overview]')).click(), 10_000, 'opening the Overview');
  await withTimeout((await browser.$('[data-testid=export-deck]')).click(), 10_000, 'opening Export deck');
  const deck = await browser.$('[data-testid=deck-dialog]');
  const deckShown = await deck.waitForExist({ timeout: 10_000 }).then(() => true, () => false);
  check('Export deck offers its slides', deckShown && (await browser.$$('[data-testid^=deck-slide-]')).length === 5);
  // WebKitGTK under Xvfb may not repaint a new overlay until something moves: hover it, then wait.
  await withTimeout((await browser.$('[data-testid=deck-export]')).moveTo(), 10_000, 'hovering Save deck').catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1500));
  xshot(artifacts, 'deck-dialog');
  await withTimeout(browser.keys(['Escape']), 10_000, 'Escape');
  await deck.waitForExist({ timeout: 5_000, reverse: true }).catch(() => undefined);

  await withTimeout((await browser.$('[data-testid=chart-save]')).click(), 10_000, 'opening Save chart');
  const size = () =>
    browser.execute(() => {
      const img = document.querySelector('[data-testid=chart-export-preview]');
      return img && img.complete ? `${img.naturalWidth}x${img.naturalHeight}` : 'not loaded';
    });
  let seen = 'not loaded';
  const drawn = await browser
    .waitUntil(async () => {
      seen = await size();
      return /^[1-9]\d*x[1-9]\d*$/.test(seen);
    }, { timeout: 15_000, interval: 250 })
    .then(() => true, () => false);
  check('the chart export preview (the SVG file drawn as an image) renders in the real window', drawn, seen);
  await new Promise((r) => setTimeout(r, 500));
  xshot(artifacts, 'chart-export');
  await withTimeout(browser.keys(['Escape']), 10_000, 'Escape');
}

/**
 * A date typed into the empty From field (it reads "Any" until it has the focus): the field's parts take the
 * focus and the digits, and the dashboard then counts from that day, as `npsdesk nps --from` does under the
 * filter still set from step 7. The export's dates run from 2024-Q4 to 2026-Q3.
 */
async function checkDateTyped(cli, artifacts) {
  const day = '2026-01-01';
  const out = run(
    cli,
    ['nps', '--workspace', join(tmp, 'cli.npsdesk'), '--where', `${PLAN_COLUMN}=${PLAN_VALUE}`, '--from', day, '--format', 'json'],
    { timeoutMs: 60_000, what: 'npsdesk nps --where --from' },
  );
  const cliReport = pickReport(JSON.parse(out));
  log(`CLI (${PLAN_COLUMN} = ${PLAN_VALUE}, from ${day}): n = ${cliReport.n}`);
  await withTimeout(browser.execute(() => document.querySelector('main.content')?.scrollTo(0, 0)), 10_000, 'scrolling up');
  await withTimeout((await browser.$('[data-testid=tab-overview]')).click(), 10_000, 'opening the Overview');
  const from = await browser.$('[data-testid=date-from]');
  // By the keyboard, from the control before it: a click would open WebKitGTK's calendar, which takes the keys.
  // Its parts (month, day, year in this locale) do not advance by themselves: Tab goes from one to the next.
  await withTimeout(browser.execute(() => document.querySelector('[data-testid=rolling]')?.focus()), 10_000, 'focusing Rolling');
  for (const key of ['Tab', '0', '1', 'Tab', '0', '1', 'Tab', '2', '0', '2', '6', 'Tab']) {
    await withTimeout(browser.keys([key]), 10_000, `pressing ${key}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const nEl = await browser.$('[data-testid=headline-n]');
  const same = await browser
    .waitUntil(async () => Number(await nEl.getAttribute('data-n')) === cliReport.n, { timeout: 30_000, interval: 250 })
    .then(() => true, () => false);
  const value = await from.getValue();
  check(
    'a date typed into the empty From field filters the dashboard: n equals the CLI with --from',
    value === day && same && cliReport.n > 0,
    `field "${value}", app n ${await nEl.getAttribute('data-n')}, cli n ${cliReport.n}`,
  );
  await new Promise((r) => setTimeout(r, 1000));
  xshot(artifacts, 'date-typed');
}

/**
 * Cancel: the window is started on a 200,000-row export; its Cancel button stops the import, the window says
 * so, and the workspace holds exactly what it held before (checked with the CLI, which opens the same file).
 */
async function checkCancel(app, cli, artifacts) {
  const big = join(tmp, 'nps_200k.csv');
  run(cli, ['demo', '--rows', '200000', '--seed', '11', '--out', big], { timeoutMs: 300_000, what: 'npsdesk demo (200k)' });
  const ws = join(tmp, 'appdata', 'default.npsdesk');
  const surveys = () => {
    const out = run(cli, ['surveys', '--workspace', ws, '--format', 'json'], { timeoutMs: 60_000, what: 'npsdesk surveys' });
    return JSON.parse(out).surveys.map((x) => `${x.id}:${x.responses}`).join(',');
  };
  const before = surveys();

  await withTimeout(browser.deleteSession(), 15_000, 'closing the window');
  browser = null;
  browser = await withTimeout(
    remote({
      hostname: '127.0.0.1',
      port: DRIVER_PORT,
      logLevel: 'warn',
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      capabilities: { 'tauri:options': { application: app, args: [big] } },
    }),
    90_000,
    'opening a window on the 200k export',
  );
  const cancel = await browser.$('[data-testid=import-cancel]');
  const offered = await cancel.waitForExist({ timeout: 60_000, interval: 100 }).then(() => true, () => false);
  check('a running import offers Cancel', offered);
  if (!offered) return;
  const rowsAt = await (await browser.$('[data-testid=import-progress]')).getText();
  xshot(artifacts, 'import-progress');
  await withTimeout(cancel.click(), 10_000, 'clicking Cancel');
  const banner = await browser.$('[data-testid=error-banner]');
  const said = await banner.waitForExist({ timeout: 60_000, interval: 250 }).then(() => true, () => false);
  const code = said ? await banner.getAttribute('data-code') : null;
  const text = said ? await banner.getText() : '';
  check('after Cancel the window says the import was cancelled and nothing written', code === 'cancelled' && /nothing from it was written/.test(text),
    `${code}: ${text.replace(/\s+/g, ' ').slice(0, 160)} (progress was: ${rowsAt.replace(/\s+/g, ' ').slice(0, 80)})`);
  await new Promise((r) => setTimeout(r, 1000));
  xshot(artifacts, 'import-cancelled');
  const after = surveys();
  check('the workspace holds exactly what it held before the cancelled import (CLI)', after === before, `before ${before}, after ${after}`);
}

/**
 * Hostile text: comments and a header carrying script, event-handler and javascript: payloads, an RTL override,
 * emoji, formula prefixes and a 100 KB comment. In the real window they must show as text: no element injected,
 * no payload run (each would set `window.__pwned`).
 */
async function checkHostileText(app, artifacts) {
  const header = 'Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,' +
    'How likely is it that you would recommend Acme to a friend or colleague?,Why?,"<img src=x onerror=window.__pwned=4>"\r\n' +
    ',,,,,,,,,Response,Open-Ended Response,Response\r\n';
  const comments = [
    '<script>window.__pwned=2</script> great support',
    '<img src=x onerror="window.__pwned=1"> billing is slow',
    '<a href="javascript:window.__pwned=5">click</a> refund please',
    '=HYPERLINK("http://evil.example","x") +cmd -2 @SUM(A1)',
    '\u202Egnp.exe support',
    '👍 love it 😀 support',
    '<svg onload=window.__pwned=3> onboarding',
    `support ${'word '.repeat(20_000)}end`, // 100,011 characters
  ];
  const rows = comments.map((c, i) =>
    `${900 + i},1,2025-03-0${i + 1} 09:00:00,2025-03-0${i + 1} 10:00:00,,,,,,${i % 11},"${c.replaceAll('"', '""')}",<b>x</b>\r\n`);
  const file = join(tmp, 'hostile.csv');
  writeFileSync(file, header + rows.join(''));

  await withTimeout(browser.deleteSession(), 15_000, 'closing the previous window');
  browser = null;
  browser = await withTimeout(
    remote({
      hostname: '127.0.0.1',
      port: DRIVER_PORT,
      logLevel: 'warn',
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      capabilities: { 'tauri:options': { application: app, args: [file] } },
    }),
    90_000,
    'opening a window on the hostile export',
  );
  const tab = await browser.$('[data-testid=tab-comments]');
  const ready = await tab.waitForExist({ timeout: 60_000, interval: 250 }).then(() => true, () => false);
  check('the hostile export imports and shows its views', ready);
  if (!ready) return;
  // The newest survey is the hostile one once the report is shown.
  await browser.waitUntil(async () => (await browser.$('[data-testid=headline-nps]').isExisting()), { timeout: 60_000 }).catch(() => {});
  await withTimeout(tab.click(), 10_000, 'opening the Comments tab');
  const list = await browser.$('[data-testid=comment-list]');
  const listed = await browser
    .waitUntil(async () => (await list.isExisting()) && (await browser.$$('[data-testid=comment-list] li')).length === comments.length, {
      timeout: 60_000,
      interval: 250,
    })
    .then(() => true, () => false);
  const probe = await withTimeout(
    browser.execute(() => {
      const l = document.querySelector('[data-testid=comment-list]');
      const texts = [...(l?.querySelectorAll('li .text') ?? [])].map((e) => e.textContent ?? '');
      return {
        pwned: window.__pwned ?? null,
        injected: l ? l.querySelectorAll('script, img, svg, a, iframe').length : -1,
        scriptText: texts.some((t) => t.includes('<script>window.__pwned=2</script>')),
        longest: Math.max(0, ...texts.map((t) => t.length)),
        formula: texts.some((t) => t.startsWith('=HYPERLINK(')),
        headerOption: [...document.querySelectorAll('option')].some((o) => o.textContent === '<img src=x onerror=window.__pwned=4>'),
        anyImg: document.querySelectorAll('img[src=x]').length,
      };
    }),
    15_000,
    'probing the comment list',
  );
  log(`hostile probe: ${JSON.stringify(probe)}`);
  check(
    'hostile comments render as inert text in the real window (no element injected, no payload ran)',
    listed && probe.pwned === null && probe.injected === 0 && probe.anyImg === 0 && probe.scriptText && probe.formula,
    JSON.stringify(probe),
  );
  check('a 100 KB comment is shown whole', probe.longest === 100_011, `${probe.longest} characters`);
  check('a hostile column header is a plain option in the pickers', probe.headerOption);
  await new Promise((r) => setTimeout(r, 1500));
  xshot(artifacts, 'hostile');
}

/**
 * The mapping screen: a new window opened on a generic table whose score column is not recognisable asks for
 * the mapping; completing it in the window gives the headline NPS that `npsdesk import` with the same flags and
 * `npsdesk nps` give.
 */
async function checkMappingScreen(app, cli, artifacts) {
  const file = resolve(import.meta.dirname, '../../tests/fixtures/generic_mapping_w1.csv');
  const roles = { ref: 'id', answered: 'date', q7: 'nps', 'free text': 'comment', company: 'account' };
  const flags = ['--id-column', 'ref', '--date-column', 'answered', '--nps-column', 'q7', '--comment-column', 'free text',
    '--account-column', 'company'];
  const ws = join(tmp, 'cli-mapping.npsdesk');
  run(cli, ['import', file, '--workspace', ws, ...flags], { timeoutMs: 60_000, what: 'npsdesk import (mapping flags)' });
  const cliReport = pickReport(JSON.parse(run(cli, ['nps', '--workspace', ws, '--format', 'json'], {
    timeoutMs: 60_000,
    what: 'npsdesk nps (mapping)',
  })));
  log(`CLI (mapped): nps = ${cliReport.nps}, n = ${cliReport.n}`);

  await withTimeout(browser.deleteSession(), 15_000, 'closing the first window');
  browser = null;
  browser = await withTimeout(
    remote({
      hostname: '127.0.0.1',
      port: DRIVER_PORT,
      logLevel: 'warn',
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      capabilities: { 'tauri:options': { application: app, args: [file] } },
    }),
    90_000,
    'opening a window on the generic export',
  );
  const dialog = await browser.$('[data-testid=mapping-dialog]');
  const asked = await dialog.waitForExist({ timeout: 60_000, interval: 250 }).then(() => true, () => false);
  check('a generic export without a clear NPS column opens the mapping screen', asked);
  if (!asked) return;
  for (const [column, role] of Object.entries(roles)) {
    const picker = await browser.$(`select[aria-label="Role of the column ${column}"]`);
    await withTimeout(picker.selectByAttribute('value', role), 10_000, `choosing the role of ${column}`);
  }
  await new Promise((r) => setTimeout(r, 1000));
  xshot(artifacts, 'mapping');
  // The window shows the workspace's earlier survey behind the dialog; wait for the new one.
  const surveyId = async () => {
    const d = await browser.$('[data-testid=dashboard]');
    return (await d.isExisting()) ? await d.getAttribute('data-survey-id') : null;
  };
  const before = await surveyId();
  const importButton = await browser.$('[data-testid=mapping-import]');
  await withTimeout(importButton.click(), 10_000, 'clicking Import');
  const headline = await browser.$('[data-testid=headline-nps]');
  const shown = await browser
    .waitUntil(async () => {
      const id = await surveyId();
      return id !== null && id !== before && (await headline.isExisting()) && !(await dialog.isExisting());
    }, { timeout: 60_000, interval: 250 })
    .then(() => true, () => false);
  const npsAttr = shown ? await headline.getAttribute('data-nps') : null;
  check(
    'after the mapping, the headline NPS equals `npsdesk nps` imported with the same flags',
    shown && Math.abs(Number(npsAttr) - cliReport.nps) < 1e-9,
    `app ${npsAttr}, cli ${cliReport.nps}`,
  );
  const n = shown ? Number(await (await browser.$('[data-testid=headline-n]')).getAttribute('data-n')) : null;
  check('after the mapping, n equals the CLI', n === cliReport.n, `app ${n}, cli ${cliReport.n}`);
  await new Promise((r) => setTimeout(r, 2500));
  xshot(artifacts, 'mapped');
}

/** An X screenshot of the whole screen into E2E_ARTIFACTS/<name>.png (never a WebDriver screenshot). */
function xshot(artifacts, name) {
  const png = join(artifacts, `${name}.png`);
  const shot = spawnSync('import', ['-window', 'root', png], { timeout: 20_000 });
  if (shot.error || shot.status !== 0) log(`screenshot ${name} failed: ${shot.error?.message ?? shot.stderr?.toString()}`);
  else log(`screenshot ${png}`);
}

const watchdog = setTimeout(() => {
  console.log(`FAIL - the whole run took longer than ${OVERALL_LIMIT_MS / 60_000} min`);
  failed += 1;
  void finish(1);
}, OVERALL_LIMIT_MS);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    failed += 1;
    console.log(`FAIL - interrupted by ${sig}`);
    void finish(1);
  });
}

main().then(
  async () => {
    clearTimeout(watchdog);
    if (failed > 0 && browser) {
      try {
        const html = await withTimeout(browser.getPageSource(), 10_000, 'reading the page');
        writeFileSync(join(resolve(process.env.E2E_ARTIFACTS || '.'), 'page.html'), html);
      } catch {
        // best effort
      }
    }
    await finish(0);
  },
  async (e) => {
    clearTimeout(watchdog);
    failed += 1;
    console.log(`FAIL - ${e instanceof StepError ? e.message : e?.stack || e}`);
    await finish(1);
  },
);

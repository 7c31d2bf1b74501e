#!/usr/bin/env node
// Benchmark (not a test): the real window's time from launch to a painted dashboard, on a given workspace.
//
//   xvfb-run -a -s "-screen 0 1280x900x24" node ui/e2e/app-launch.mjs WORKSPACE.npsdesk [RUNS]
//
// with NPSDESK_APP (the app binary, a release build for figures worth quoting) and TAURI_DRIVER set, and
// NATIVE_DRIVER optionally (WebKitWebDriver). Each run opens a new WebDriver session, which launches a new app
// process on the workspace, and waits until the headline NPS has its value and the trend chart has drawn its
// lines. The time runs from just before the session is requested to that moment, so it also holds
// tauri-driver's and WebKitWebDriver's start: run it on a tiny workspace too to see that fixed part.
// Prints one line per run and the median, in seconds.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { remote } from 'webdriverio';

const DRIVER_PORT = 4444;
const NATIVE_PORT = 4445;

function waitForPort(port, ms) {
  const end = Date.now() + ms;
  return new Promise((ok, fail) => {
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.end();
        ok();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) fail(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

async function main() {
  const [workspaceArg, runsArg] = process.argv.slice(2);
  if (!workspaceArg) throw new Error('usage: app-launch.mjs WORKSPACE.npsdesk [RUNS]');
  const workspace = resolve(workspaceArg);
  const runs = Number(runsArg ?? 3);
  const app = resolve(process.env.NPSDESK_APP ?? '');
  if (!existsSync(app) || !existsSync(workspace)) throw new Error(`missing: ${app} or ${workspace}`);
  const data = mkdtempSync(join(tmpdir(), 'npsdesk-launch-'));
  const args = ['--port', String(DRIVER_PORT), '--native-port', String(NATIVE_PORT)];
  if (process.env.NATIVE_DRIVER) args.push('--native-driver', process.env.NATIVE_DRIVER);
  const driver = spawn(process.env.TAURI_DRIVER ?? 'tauri-driver', args, {
    env: { ...process.env, NPSDESK_DATA_DIR: data },
    stdio: 'ignore',
    detached: true,
  });
  const times = [];
  try {
    await waitForPort(DRIVER_PORT, 30_000);
    for (let i = 0; i < runs; i += 1) {
      const t0 = performance.now();
      const browser = await remote({
        hostname: '127.0.0.1',
        port: DRIVER_PORT,
        logLevel: 'error',
        capabilities: { 'tauri:options': { application: app, args: [workspace] } },
      });
      const painted = () =>
        browser.execute(() => {
          const h = document.querySelector('[data-testid=headline-nps]');
          const lines = document.querySelectorAll('[data-testid=chart-trend] svg path');
          return Boolean(h && h.getAttribute('data-nps') && lines.length > 0);
        });
      await browser.waitUntil(painted, { timeout: 60_000, interval: 20 });
      const s = (performance.now() - t0) / 1000;
      const nps = await (await browser.$('[data-testid=headline-nps]')).getText();
      times.push(s);
      console.log(`run ${i + 1}: ${s.toFixed(2)} s (headline ${nps.trim()})`);
      await browser.deleteSession();
    }
  } finally {
    try {
      process.kill(-driver.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(data, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} s over ${runs} launches of ${workspace}`);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});

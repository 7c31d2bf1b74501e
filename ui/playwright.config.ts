// Broad UI tests: every screen of the mocked preview (mock.html + src/mock/scenarios.ts) in Debian's
// chromium. The real Tauri window is tested separately (e2e/real-window.mjs); these cover the screens and
// states that window test does not reach, in a real browser engine with the app's CSP.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'browser',
  outputDir: '../target/browser-artifacts/results',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:4179/',
    viewport: { width: 1280, height: 860 },
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  },
  webServer: {
    command: 'npx vite preview --config vite.mock.config.ts --host 127.0.0.1',
    url: 'http://127.0.0.1:4179/mock.html',
    reuseExistingServer: false,
    timeout: 60_000,
  },
});

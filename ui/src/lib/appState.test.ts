import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from './appState.svelte';
import { installMockBackend, uninstallMockBackend } from '../api/devMock';
import { dashboardFor, workspace } from '../mock/fixtures';

afterEach(() => uninstallMockBackend());

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('AppState.progress', () => {
  it('computes rows per second per file from the time the import started', () => {
    const c = clock();
    const s = new AppState(c.now);
    s.run = { files: ['/a.csv'], progress: null, startedAt: 0, fileStartedAt: 0, rowsPerSecond: null };
    c.advance(2000);
    s.progress({ file: '/a.csv', rows_read: 10_000, bytes_read: 3e6, bytes_total: 6e6 });
    expect(s.run?.rowsPerSecond).toBe(5000);
    c.advance(2000);
    s.progress({ file: '/a.csv', rows_read: 30_000, bytes_read: 6e6, bytes_total: 6e6 });
    expect(s.run?.rowsPerSecond).toBe(7500);
    // A second file starts its own clock.
    c.advance(1000);
    s.progress({ file: '/b.csv', rows_read: 0, bytes_read: 0, bytes_total: 1e6 });
    c.advance(500);
    s.progress({ file: '/b.csv', rows_read: 2000, bytes_read: 5e5, bytes_total: 1e6 });
    expect(s.run?.rowsPerSecond).toBe(4000);
    expect(s.run?.progress?.file).toBe('/b.csv');
  });

  it('shows an import the Rust side started at launch', () => {
    const s = new AppState(clock().now);
    s.progress({ file: '/cli.csv', rows_read: 100, bytes_read: 10, bytes_total: 100 });
    expect(s.run?.progress?.file).toBe('/cli.csv');
    expect(s.busy).toBe(true);
  });
});

describe('AppState.loadDashboard', () => {
  it('ignores a slow answer that a newer request overtook', async () => {
    const ws = workspace();
    let release: () => void = () => undefined;
    installMockBackend({
      dashboard: async (id) => {
        if (id === 1) await new Promise<void>((r) => (release = r));
        return dashboardFor(id, ws);
      },
    });
    const s = new AppState();
    const slow = s.loadDashboard(1);
    await s.loadDashboard(2);
    release();
    await slow;
    expect(s.dashboard?.survey?.id).toBe(2);
    expect(s.dashboardLoading).toBe(false);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { columnValues, comments, dashboard, explain, importFiles, nps, openWorkspace, previewRules, readRulesFile, ruleHistory, rulesText, saveRules, startup, themes, writeRulesFile } from './backend';
import { AppError, errorTitle } from './errors';
import { onFileDrop, onImportProgress, pickExportFiles, type FileDrop } from './events';
import type { Dashboard, ImportProgress, NpsQuery, Startup } from './types';

afterEach(() => {
  clearMocks();
});

const WS = { path: '/tmp/w.npsdesk', surveys: [] };

describe('commands', () => {
  it('startup calls the startup command without arguments', async () => {
    const calls: Array<[string, unknown]> = [];
    const reply: Startup = { workspace: WS, imported: [], error: null };
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return reply;
    });
    await expect(startup()).resolves.toEqual(reply);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('startup');
  });

  it('dashboard passes surveyId (camelCase), including null for the latest survey', async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== 'dashboard') throw new Error(cmd);
      seen.push(args);
      return { workspace: WS, survey: null, overall: null, by_quarter: null } satisfies Dashboard;
    });
    await dashboard(42);
    await dashboard(null);
    expect(seen).toEqual([{ surveyId: 42 }, { surveyId: null }]);
  });

  it('import_files passes the paths and open_workspace the path', async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === 'import_files' ? [] : WS;
    });
    await importFiles(['/a.csv', '/b.csv']);
    await openWorkspace('/w.npsdesk');
    expect(seen).toEqual([
      ['import_files', { paths: ['/a.csv', '/b.csv'] }],
      ['open_workspace', { path: '/w.npsdesk' }],
    ]);
  });
});

describe('analytics commands', () => {
  const query: NpsQuery = {
    by: [], per: 'month', rolling: null, from: null, to: '2025-12-31', filters: [{ column: 'Plan', value: 'Pro', negate: false }],
    count: 'all', account_column: null, level: 0.9, low_n: 30, min_n: 10,
  };

  it('nps, column_values and explain pass camelCase arguments and the whole query', async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === 'column_values' ? [{ value: 'Pro', n: 3 }] : {};
    });
    await nps(3, query);
    await expect(columnValues(null, 'Plan')).resolves.toEqual([{ value: 'Pro', n: 3 }]);
    await explain(3, query, '2025-Q1', '2025-Q2', 'Region');
    expect(seen).toEqual([
      ['nps', { surveyId: 3, query }],
      ['column_values', { surveyId: null, column: 'Plan' }],
      ['explain', { surveyId: 3, query, fromPeriod: '2025-Q1', toPeriod: '2025-Q2', by: 'Region' }],
    ]);
  });

  it('themes, save_rules and rule_history pass camelCase arguments (rules and note default to null)', async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === 'rule_history' ? [] : {};
    });
    await themes(3, query);
    await themes(null, query, '{"themes": []}', 0);
    await saveRules('[[themes]]\nname = "Price"\n');
    await saveRules('x', 'first try');
    await expect(ruleHistory()).resolves.toEqual([]);
    expect(seen).toEqual([
      ['themes', { surveyId: 3, query, rules: null, resamples: null }],
      ['themes', { surveyId: null, query, rules: '{"themes": []}', resamples: 0 }],
      ['save_rules', { text: '[[themes]]\nname = "Price"\n', note: null }],
      ['save_rules', { text: 'x', note: 'first try' }],
      ['rule_history', {}],
    ]);
  });

  it('comments, preview_rules and the rule files pass camelCase arguments', async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === 'rules_text' || cmd === 'read_rules_file' ? 'text' : {};
    });
    const explorer = { theme: 'Billing', matched: null, bands: ['detractor' as const], search: 'slow', sort: 'lowest' as const, offset: 50, limit: 50, show: ['Plan'] };
    await comments(2, query, explorer);
    await previewRules(null, query, '[[themes]]', explorer);
    await expect(rulesText()).resolves.toBe('text');
    await expect(readRulesFile('/home/u/rules.toml')).resolves.toBe('text');
    await writeRulesFile('/home/u/out.json', '{}');
    expect(seen).toEqual([
      ['comments', { surveyId: 2, query, explorer, rules: null }],
      ['preview_rules', { surveyId: null, query, text: '[[themes]]', explorer }],
      ['rules_text', {}],
      ['read_rules_file', { path: '/home/u/rules.toml' }],
      ['write_rules_file', { path: '/home/u/out.json', text: '{}' }],
    ]);
  });

  it('bad rules reject with invalid_input and the positioned message', async () => {
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'the rule set has problems: line 2, column 8: empty name' };
    });
    const e = await themes(null, query, 'x').catch((r: unknown) => r);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('invalid_input');
    expect((e as AppError).message).toContain('line 2, column 8');
  });

  it('an invalid query rejects with its AppError code', async () => {
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'per and rolling exclude each other' };
    });
    const err = await nps(null, { ...query, rolling: { days: 30, step: 'week' } }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('invalid_input');
  });
});

describe('errors', () => {
  it('a rejection with {code, message} becomes an AppError with that code', async () => {
    mockIPC(() => {
      throw { code: 'import_failed', message: 'Line 3: not a SurveyMonkey export' };
    });
    const err = await importFiles(['/x.csv']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toBeInstanceOf(Error);
    expect((err as AppError).code).toBe('import_failed');
    expect((err as AppError).message).toBe('Line 3: not a SurveyMonkey export');
    expect((err as AppError).toPayload()).toEqual({ code: 'import_failed', message: 'Line 3: not a SurveyMonkey export' });
  });

  it('a plain string rejection becomes an internal AppError', async () => {
    mockIPC(() => Promise.reject('command dashboard not found'));
    const err = await dashboard(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('internal');
    expect((err as AppError).message).toBe('command dashboard not found');
  });

  it('unknown codes and odd values are mapped safely', () => {
    expect(AppError.from({ code: 'teapot', message: 'x' }).code).toBe('internal');
    expect(AppError.from(new TypeError('boom')).message).toBe('boom');
    expect(AppError.from(undefined).message).toBe('Something went wrong.');
    const e = new AppError('no_nps', 'none');
    expect(AppError.from(e)).toBe(e);
    expect(errorTitle('not_found')).toBe('Not found');
  });
});

describe('events', () => {
  it('import progress events reach the listener with their payload', async () => {
    mockIPC(() => undefined, { shouldMockEvents: true });
    const got: ImportProgress[] = [];
    const unlisten = await onImportProgress((p) => got.push(p));
    const p: ImportProgress = { file: '/a.csv', rows_read: 3000, bytes_read: 900_000, bytes_total: 1_800_000 };
    await emit('import-progress', p);
    expect(got).toEqual([p]);
    unlisten();
  });

  it('native drag-and-drop events are translated', async () => {
    mockWindows('main');
    mockIPC(() => undefined, { shouldMockEvents: true });
    const got: FileDrop[] = [];
    const unlisten = await onFileDrop((e) => got.push(e));
    await emit('tauri://drag-enter', { paths: ['/a.csv'], position: { x: 1, y: 2 } });
    await emit('tauri://drag-over', { position: { x: 3, y: 4 } });
    await emit('tauri://drag-drop', { paths: ['/a.csv'], position: { x: 3, y: 4 } });
    await emit('tauri://drag-leave', null);
    expect(got).toEqual([
      { type: 'enter', paths: ['/a.csv'] },
      { type: 'over' },
      { type: 'drop', paths: ['/a.csv'] },
      { type: 'leave' },
    ]);
    unlisten();
  });

  it('the file dialog asks for survey exports, several at once', async () => {
    const handler = vi.fn((cmd: string, _args?: unknown) => (cmd === 'plugin:dialog|open' ? ['/a.csv', '/b.tsv'] : null));
    mockIPC(handler);
    await expect(pickExportFiles()).resolves.toEqual(['/a.csv', '/b.tsv']);
    const args = handler.mock.calls[0]?.[1] as { options: { multiple: boolean; filters: unknown } };
    expect(args.options.multiple).toBe(true);
    expect(args.options.filters).toEqual([{ name: 'Survey exports', extensions: ['csv', 'tsv', 'txt', 'xlsx', 'xls'] }]);
  });

  it('a cancelled dialog gives no paths', async () => {
    mockIPC(() => null);
    await expect(pickExportFiles()).resolves.toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROLS } from './analysis.svelte';
import { NO_FILTERS } from './comments.svelte';
import { tableRequestFor } from './exportTable';
import { DEFAULT_QUEUE, daysBetween, dueText, lateBy, excerpt, followupQuery, formatHours, formatMoney, formatStamp, slaProblem, toggleStatus, weightedText } from './followups';
import { change } from './followups.svelte';

describe('follow-up helpers', () => {
  it('turns the filter bar into the backend’s query: blank account = any, owner "" = unassigned, paging', () => {
    expect(followupQuery(DEFAULT_QUEUE)).toEqual({ status: ['open', 'contacted'], owner: null, account: null, overdue_only: false, sort: 'oldest_open', offset: 0, limit: 50 });
    const q = followupQuery({ status: ['resolved'], owner: '', account: '  ACME-0001 ', overdueOnly: true, sort: 'account_value' }, 100, null);
    expect(q).toEqual({ status: ['resolved'], owner: '', account: 'ACME-0001', overdue_only: true, sort: 'account_value', offset: 100, limit: null });
    expect(followupQuery({ ...DEFAULT_QUEUE, account: '   ', owner: ' Dana ' }).account).toBeNull();
    expect(followupQuery({ ...DEFAULT_QUEUE, owner: ' Dana ' }).owner).toBe('Dana');
  });

  it('toggles status chips and keeps them in their usual order', () => {
    expect(toggleStatus(['contacted'], 'open')).toEqual(['open', 'contacted']);
    expect(toggleStatus(['open', 'contacted'], 'open')).toEqual(['contacted']);
    expect(toggleStatus([], 'wont_fix')).toEqual(['wont_fix']);
  });

  it('words the median time to first contact in minutes, hours or days', () => {
    expect(formatHours(null)).toBe('–');
    expect(formatHours(0.25)).toBe('15 min');
    expect(formatHours(0)).toBe('1 min');
    expect(formatHours(5.2)).toBe('5 h');
    expect(formatHours(23.4)).toBe('23 h');
    expect(formatHours(55.2)).toBe('2.3 days');
  });

  it('says how far the due date is, for open items only', () => {
    const today = '2026-10-01';
    expect(daysBetween('2026-09-28', '2026-10-01T12:00:00')).toBe(3);
    expect(dueText({ due: '2026-10-01', status: 'open', overdue: false }, today)).toBe('due today');
    expect(dueText({ due: '2026-10-02', status: 'open', overdue: false }, today)).toBe('due tomorrow');
    expect(dueText({ due: '2026-10-06', status: 'open', overdue: false }, today)).toBe('due in 5 days');
    expect(dueText({ due: '2026-09-30', status: 'open', overdue: true }, today)).toBe('1 day overdue');
    expect(dueText({ due: '2026-09-20', status: 'open', overdue: true }, today)).toBe('11 days overdue');
    expect(dueText({ due: '2026-09-20', status: 'contacted', overdue: false }, today)).toBe('');
    expect(lateBy('2026-09-30', today)).toBe('1 day');
    expect(lateBy('2026-08-26', today)).toBe('36 days');
  });

  it('formats ARR compactly, and the rest of the view’s text', () => {
    expect(formatMoney(null)).toBe('–');
    expect(formatMoney(950)).toBe('$950');
    expect(formatMoney(9_999)).toBe('$9,999');
    expect(formatMoney(84_500)).toBe('$84.5k');
    expect(formatMoney(120_000)).toBe('$120k');
    expect(formatMoney(1_250_000)).toBe('$1.25M');
    expect(formatMoney(49_460_000)).toBe('$49.46M');
    expect(formatMoney(2_000_000_000)).toBe('$2B');
    expect(formatStamp('2026-10-01T09:05:00')).toBe('1 Oct 2026, 09:05');
    expect(formatStamp('yesterday')).toBe('yesterday');
    expect(excerpt('  a\n\nb  ')).toBe('a b');
    expect(excerpt('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(excerpt(null)).toBe('');
    expect(weightedText({ nps: 12.34, ci95: [4, 20.06], units: 42 })).toEqual({ nps: '+12.3', ci: '4.0 to 20.1' });
    expect(weightedText(null).nps).toBe('–');
  });

  it('checks the SLA as the workspace does (0–60 whole business days)', () => {
    expect(slaProblem(0)).toBeNull();
    expect(slaProblem(60)).toBeNull();
    expect(slaProblem(61)).toMatch(/0 to 60/);
    expect(slaProblem(-1)).not.toBeNull();
    expect(slaProblem(2.5)).not.toBeNull();
    expect(slaProblem(Number.NaN)).not.toBeNull();
  });

  it('sends only the fields a change names', () => {
    expect(change({ status: 'contacted' })).toEqual({ status: 'contacted', owner: null, due: null, note: null, outcome: null });
  });

  it('exports the queue with its filters, every matching item', () => {
    const ctx = { controls: DEFAULT_CONTROLS, rules: null, explorer: NO_FILTERS, surveyName: 'Acme', followups: followupQuery({ ...DEFAULT_QUEUE, owner: 'Dana', overdueOnly: true }, 50, 50) };
    const { request, suggested } = tableRequestFor('followups', ctx);
    expect(request).toEqual({ table: 'followups', query: { status: ['open', 'contacted'], owner: 'Dana', account: null, overdue_only: true, sort: 'oldest_open', offset: 0, limit: null } });
    expect(suggested).toBe('Acme - follow-ups.xlsx');
  });
});

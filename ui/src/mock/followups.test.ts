// The mock's follow-up double behaves like store/followups.rs where the window depends on it.
import { describe, expect, it } from 'vitest';
import { MockLoop, MOCK_TODAY, addBusinessDays } from './followups';
import { followupQuery, DEFAULT_QUEUE } from '../lib/followups';
import { computeAccounts, mockQuery, mockRows, overAccounts } from './engine';

const all = (loop: MockLoop, patch = {}) => loop.followups({ ...followupQuery({ ...DEFAULT_QUEUE, status: [] }, 0, null), ...patch });

describe('mock follow-ups', () => {
  it('adds business days as core/followup.rs does', () => {
    expect(addBusinessDays('2026-11-26', 2)).toBe('2026-11-30');
    expect(addBusinessDays('2026-11-28', 2)).toBe('2026-12-01');
    expect(addBusinessDays('2026-11-29', 0)).toBe('2026-11-30');
    expect(addBusinessDays('2026-12-31', 2)).toBe('2027-01-04');
  });

  it('has an item per detractor, counts over all of them, and overdue = open past due', () => {
    const loop = new MockLoop();
    const list = all(loop);
    expect(list.counts.total).toBeGreaterThanOrEqual(mockRows().filter((r) => r.score <= 6).length);
    expect(list.counts.score_changed).toBeLessThan(list.counts.total / 5);
    expect(list.counts.open + list.counts.contacted + list.counts.resolved + list.counts.wont_fix).toBe(list.counts.total);
    expect(list.items.filter((i) => i.overdue).every((i) => i.status === 'open' && i.due < MOCK_TODAY)).toBe(true);
    expect(list.counts.overdue).toBeGreaterThan(0);
    expect(list.counts.median_hours_to_first_contact).toBeGreaterThan(0);
    const page = loop.followups(followupQuery(DEFAULT_QUEUE, 10, 5));
    expect(page.items).toHaveLength(5);
    expect(page.matching).toBe(list.counts.open + list.counts.contacted);
  });

  it('sorts open items oldest first, then by due date; by ARR with unknown ARR last', () => {
    const loop = new MockLoop();
    const q = all(loop).items;
    const firstClosed = q.findIndex((i) => i.status !== 'open');
    expect(q.slice(firstClosed).every((i) => i.status !== 'open')).toBe(true);
    const open = q.slice(0, firstClosed).map((i) => i.created_at);
    expect(open).toEqual([...open].sort());
    const byArr = all(loop, { sort: 'account_value' }).items.map((i) => i.arr ?? -1);
    expect(byArr).toEqual([...byArr].sort((a, b) => b - a));
  });

  it('refuses a move the status does not allow, naming the allowed ones, and logs each change', () => {
    const loop = new MockLoop();
    const item = all(loop, { status: ['contacted'] }).items[0]!;
    expect(item.next).toEqual(['resolved', 'wont_fix']);
    expect(() => loop.update(item.id, { status: 'open', owner: null, due: null, note: null, outcome: null })).toThrow();
    try {
      loop.update(item.id, { status: 'open', owner: null, due: null, note: null, outcome: null });
    } catch (e) {
      expect(e).toMatchObject({ code: 'invalid_input' });
      expect((e as { message: string }).message).toContain("allowed: resolved, won't fix");
    }
    const done = loop.update(item.id, { status: 'resolved', owner: '', due: null, note: 'Sorted', outcome: 'Refund' });
    expect(done.status).toBe('resolved');
    expect(done.owner).toBeNull();
    expect(done.outcome).toBe('Refund');
    expect(done.events.slice(-4).map((e) => e.kind)).toEqual(['status', 'owner', 'outcome', 'note']);
    expect(done.notes.at(-1)?.text).toBe('Sorted');
  });

  it('makes the passives’ items when they are switched on, and drops the untouched ones when off', () => {
    const loop = new MockLoop();
    const before = all(loop).counts.total;
    loop.setSettings({ sla_business_days: 5, include_passives: true });
    const after = all(loop);
    const made = after.items.filter((i) => i.created_at.startsWith(MOCK_TODAY));
    // Items follow the response's current score (a later wave may have moved it into the range).
    expect(made.length).toBe(after.counts.total - before);
    expect(made.length).toBeGreaterThan(0.8 * mockRows().filter((r) => r.score === 7 || r.score === 8).length);
    expect(made.every((i) => i.score_at_creation <= 8 && i.status === 'open' && i.due === addBusinessDays(MOCK_TODAY, 5))).toBe(true);
    loop.setSettings({ sla_business_days: 5, include_passives: false });
    expect(all(loop).counts.total).toBe(before);
    expect(() => loop.setSettings({ sla_business_days: 61, include_passives: false })).toThrow();
  });

  it('lists promoters with a comment newest first and records asks', () => {
    const loop = new MockLoop();
    const list = loop.promoters([], 0, 50);
    expect(list.counts.total).toBe(mockRows().filter((r) => r.score >= 9 && (r.comment ?? '').trim() !== '').length);
    expect(list.items.map((p) => p.responded_at)).toEqual([...list.items.map((p) => p.responded_at)].sort().reverse());
    const p = list.items.find((x) => x.ask === 'not_asked')!;
    const row = loop.updatePromoter(p.response_id, { ask: 'agreed', owner: 'Dana', note: null });
    expect(row).toMatchObject({ ask: 'agreed', owner: 'Dana' });
    expect(loop.promoters(['agreed'], 0, null).items.some((x) => x.response_id === p.response_id)).toBe(true);
  });

  it('reads the accounts file into the accounts answer: ARR, revenue at risk, weightings', () => {
    const loop = new MockLoop({ accounts: false });
    const bare = computeAccounts(mockRows(), mockQuery(), (a) => loop.info(a));
    expect(bare.arr_total).toBeNull();
    expect(bare.weightings.arr).toBeNull();
    expect(bare.weightings.account?.units).toBe(bare.accounts.length);
    expect(loop.importAccounts('/x/accounts.csv')).toMatchObject({ rows: 420, added: 420, updated: 0 });
    expect(loop.importAccounts('/x/accounts.csv')).toMatchObject({ added: 0, updated: 420 });
    expect(() => loop.importAccounts('/x/bad.csv')).toThrow();
    const full = computeAccounts(mockRows(), mockQuery(), (a) => loop.info(a));
    const arr = full.accounts.filter((a) => a.arr !== null);
    expect(full.arr_total).toBe(arr.reduce((s, a) => s + a.arr!, 0));
    expect(full.revenue_at_risk).toBe(arr.filter((a) => a.at_risk).reduce((s, a) => s + a.arr!, 0));
    expect(full.weightings.arr?.units).toBe(arr.length);
  });

  it('weights NPS over accounts like WeightedNps::over_accounts (the Rust test by hand)', () => {
    const a = overAccounts([[1, 1], [0, 1], [-0.5, 1]])!;
    expect(a.nps).toBeCloseTo(16.6667, 3);
    expect(a.ci95![0]).toBeCloseTo(16.6667 - 86.4262, 1);
    expect(a.ci95![1]).toBe(100);
    const b = overAccounts([[1, 100e3], [0, 300e3], [-0.5, 600e3]])!;
    expect(b.nps).toBeCloseTo(-20, 9);
    expect(b.ci95![0]).toBeCloseTo(-20 - 53.89, 1);
    expect(overAccounts([[0.5, 2]])!.ci95).toBeNull();
    expect(overAccounts([[0.5, 0]])).toBeNull();
  });
});

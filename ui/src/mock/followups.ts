// Closing the loop in the mocked preview and the App tests: the follow-up queue over the mocked survey's
// detractors (and passives when switched on), the promoter asks, and the accounts file. A test double of
// store/followups.rs: the same sort orders, counts and transition rules (spelled out here because a double has
// no Rust to ask; the window itself only ever reads `FollowupItem.next`). Unlike the store, which reads
// untouched items from their responses and writes a row only when an item is first worked on, the double keeps
// every item in a list (`#sync`); what the window sees is the same. Never in the build.
import type {
  AccountInfo,
  AccountsImportReport,
  FollowupEvent,
  FollowupEventKind,
  FollowupItem,
  FollowupList,
  FollowupQuery,
  FollowupSettings,
  FollowupStatus,
  FollowupUpdate,
  PromoterAsk,
  PromoterCounts,
  PromoterList,
  PromoterRow,
  PromoterUpdate,
} from '../api';
import { ACCOUNT, mockRows, type Row } from './engine';

/** The date overdue is judged against in the mock (a Thursday, two days after the survey's last answer). */
export const MOCK_TODAY = '2026-10-01';
/** "Now" for changes made in the mock. */
const MOCK_NOW = `${MOCK_TODAY}T10:30:00`;

const OWNERS = ['Dana Whitfield', 'Marco Ruiz', 'Priya Shah', 'Tom Becker'] as const;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const utc = (d: string) => Date.parse(`${d.slice(0, 10)}T00:00:00Z`);
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
/** Local time as the backend writes it: `YYYY-MM-DDTHH:MM:SS` (the mock's clock is UTC throughout). */
const isoTime = (t: number) => new Date(t).toISOString().slice(0, 19);

/** As `add_business_days` in core/followup.rs: Monday–Friday only; a weekend start counts from Monday. */
export function addBusinessDays(date: string, days: number): string {
  const weekend = (t: number) => [0, 6].includes(new Date(t).getUTCDay());
  let t = utc(date);
  if (days === 0) {
    while (weekend(t)) t += DAY;
    return isoDay(t);
  }
  for (let left = days; left > 0; ) {
    t += DAY;
    if (!weekend(t)) left--;
  }
  return isoDay(t);
}

/** The transition table of `FollowupStatus::can_move_to` (a test double may repeat it; the window may not). */
const MOVES: Record<FollowupStatus, FollowupStatus[]> = {
  open: ['contacted', 'resolved', 'wont_fix'],
  contacted: ['resolved', 'wont_fix'],
  resolved: ['open'],
  wont_fix: ['open'],
};
const LABEL: Record<FollowupStatus, string> = { open: 'open', contacted: 'contacted', resolved: 'resolved', wont_fix: "won't fix" };

// ── The accounts file ────────────────────────────────────────────────────────────────────────────────────

const FIRST = ['North', 'Blue', 'Silver', 'Bright', 'Iron', 'Cedar', 'Harbor', 'Summit', 'Pioneer', 'Granite', 'Maple', 'Atlas', 'Lumen', 'Vertex', 'Oak', 'Crescent'];
const SECOND = ['wind', 'field', 'stone', 'bridge', 'point', 'gate', 'brook', 'line', 'ridge', 'works'];
const KIND = ['Logistics', 'Health', 'Retail', 'Labs', 'Foods', 'Energy', 'Media', 'Capital', 'Systems', 'Travel', 'Insurance', 'Robotics'];

/** What the CRM export of the mock knows: every ACME account with a name, and most with ARR, renewal, owner. */
export function accountDirectory(): AccountInfo[] {
  const rand = mulberry32(4242);
  const out: AccountInfo[] = [];
  for (let i = 1; i <= 420; i++) {
    const id = `ACME-${String(i).padStart(4, '0')}`;
    const name = `${FIRST[Math.floor(rand() * FIRST.length)]}${SECOND[Math.floor(rand() * SECOND.length)]} ${KIND[Math.floor(rand() * KIND.length)]}`;
    // Log-normal ARR between ~5k and ~600k, rounded to hundreds; a few accounts have no ARR in the CRM.
    const arr = rand() < 0.07 ? null : Math.round(Math.exp(9.2 + rand() * 2.2 + rand() * 2.1) / 100) * 100;
    const renewal = rand() < 0.05 ? null : isoDay(utc('2026-10-05') + Math.floor(rand() * 365) * DAY);
    const owner = rand() < 0.04 ? null : OWNERS[Math.floor(rand() * OWNERS.length)]!;
    out.push({ id, name, renewal_date: renewal, arr, owner });
  }
  return out;
}

/** The columns an accounts file was read from (what `import_accounts` reports). */
export const MOCK_ACCOUNT_COLUMNS = ['Account ID', 'Account name', 'Renewal date', 'ARR (USD)', 'CSM'];

// ── The workspace's follow-up data ───────────────────────────────────────────────────────────────────────

type Item = {
  id: number;
  row: Row;
  responseId: number;
  scoreAtCreation: number;
  status: FollowupStatus;
  owner: string | null;
  due: string;
  createdAt: string;
  firstContactAt: string | null;
  outcome: string | null;
  events: FollowupEvent[];
};

type Ask = { ask: PromoterAsk; owner: string | null; note: string | null; updatedAt: string };

const NOTES = [
  'Left a voicemail, will try again tomorrow.',
  'Emailed to book a call.',
  'Called: the billing error is real, escalated to finance.',
  'Spoke with their admin; the slowness is their VPN, sent our network guide.',
  'Asked for screenshots of the crash.',
];
const RESOLVED = ['Refunded the double charge; customer confirmed.', 'Walked them through the report builder.', 'Fix shipped in 4.2; customer is happy again.', 'Moved them to the Pro plan at the Starter price for a quarter.'];
const WONT_FIX = ['No response after three tries.', 'Churned to a competitor on price.', 'Asks for an on-premise version: not on the roadmap.'];

/** The follow-up queue, the promoter asks and the accounts file of one mocked workspace, in memory. */
export class MockLoop {
  settings: FollowupSettings = { sla_business_days: 2, include_passives: false };
  accounts = new Map<string, AccountInfo>();
  items: Item[] = [];
  asks = new Map<number, Ask>();
  #nextId = 1;
  /** Every change the window made, for tests to read back. */
  updates: { id: number; update: FollowupUpdate }[] = [];

  constructor(opts: { accounts?: boolean; worked?: boolean } = {}) {
    if (opts.accounts ?? true) for (const a of accountDirectory()) this.accounts.set(a.id.toLowerCase(), a);
    this.#sync(opts.worked ?? true);
    this.#seedAsks();
  }

  /** The accounts-file line of a survey's account cell (by id or name, case and outer spaces ignored). */
  info(account: string | null | undefined): AccountInfo | undefined {
    if (!account) return undefined;
    const key = account.trim().toLowerCase();
    return this.accounts.get(key) ?? [...this.accounts.values()].find((a) => a.name?.trim().toLowerCase() === key);
  }

  /**
   * The items the store would read: responses in range that have none yet; untouched items whose response
   * left the range go. The first sync also plays out months of work on the older items (`worked`), so the preview
   * shows a queue a team has been using.
   */
  #sync(worked = false): void {
    const rows = mockRows();
    const max = this.settings.include_passives ? 8 : 6;
    const have = new Set(this.items.map((i) => i.responseId));
    const rand = mulberry32(99);
    rows.forEach((row, index) => {
      const responseId = index + 1;
      // The first sync plays the past: an item was made when the response came in (its own score), or when a
      // later wave moved it into the range; later syncs see the current score only, as the Rust sync does.
      const current = worked && row.score <= max ? row.score : currentScore(rows, index);
      if (have.has(responseId) || current > max) return;
      const created = worked ? `${row.date}T18:05:00` : MOCK_NOW;
      const item: Item = {
        id: this.#nextId++,
        row,
        responseId,
        scoreAtCreation: current,
        status: 'open',
        owner: null,
        due: addBusinessDays(created, this.settings.sla_business_days),
        createdAt: created,
        firstContactAt: null,
        outcome: null,
        events: [],
      };
      if (worked) playOut(item, rand);
      this.items.push(item);
    });
    this.items = this.items.filter((it) => {
      const untouched = it.status === 'open' && it.owner === null && it.outcome === null && it.events.length === 0;
      return !(untouched && currentScore(rows, it.responseId - 1) > max);
    });
  }

  #seedAsks(): void {
    const rand = mulberry32(17);
    this.promoterRows().slice(0, 80).forEach(({ responseId, row }) => {
      const r = rand();
      const at = `${row.date}T16:00:00`;
      if (r < 0.16) this.asks.set(responseId, { ask: 'asked', owner: OWNERS[Math.floor(rand() * 4)]!, note: 'Sent the case-study brief.', updatedAt: at });
      else if (r < 0.24) this.asks.set(responseId, { ask: 'agreed', owner: OWNERS[Math.floor(rand() * 4)]!, note: 'Happy to be a reference for EMEA prospects.', updatedAt: at });
      else if (r < 0.28) this.asks.set(responseId, { ask: 'declined', owner: OWNERS[Math.floor(rand() * 4)]!, note: 'Legal does not allow logos.', updatedAt: at });
    });
  }

  #item(it: Item): FollowupItem {
    const rows = mockRows();
    const score = currentScore(rows, it.responseId - 1);
    const account = it.row.values[ACCOUNT] ?? null;
    return {
      id: it.id,
      response_id: it.responseId,
      respondent_id: it.row.respondent,
      account,
      arr: this.info(account)?.arr ?? null,
      score,
      score_at_creation: it.scoreAtCreation,
      score_changed: score !== it.scoreAtCreation,
      comment: it.row.comment ?? null,
      responded_at: `${it.row.date}T09:00:00`,
      status: it.status,
      next: [...MOVES[it.status]],
      owner: it.owner,
      due: it.due,
      overdue: it.status === 'open' && it.due < MOCK_TODAY,
      created_at: it.createdAt,
      first_contact_at: it.firstContactAt,
      outcome: it.outcome,
      notes: it.events.filter((e) => e.kind === 'note'),
      events: [...it.events],
    };
  }

  /** `followups`: the page, how many match, the counts over every item. */
  followups(q: FollowupQuery): FollowupList {
    const all = this.items.map((it) => this.#item(it));
    const hours = this.items
      .filter((it) => it.firstContactAt !== null)
      .map((it) => (Date.parse(`${it.firstContactAt}Z`) - Date.parse(`${it.createdAt}Z`)) / 3_600_000)
      .sort((a, b) => a - b);
    const n = hours.length;
    const counts = {
      total: all.length,
      open: all.filter((i) => i.status === 'open').length,
      contacted: all.filter((i) => i.status === 'contacted').length,
      resolved: all.filter((i) => i.status === 'resolved').length,
      wont_fix: all.filter((i) => i.status === 'wont_fix').length,
      overdue: all.filter((i) => i.overdue).length,
      score_changed: all.filter((i) => i.score_changed).length,
      median_hours_to_first_contact: n === 0 ? null : n % 2 ? hours[(n - 1) / 2]! : (hours[n / 2 - 1]! + hours[n / 2]!) / 2,
    };
    const owner = q.owner?.trim() ?? null;
    const items = all
      .filter((i) => q.status.length === 0 || q.status.includes(i.status))
      .filter((i) => owner === null || (owner === '' ? i.owner === null : i.owner?.toLowerCase() === owner.toLowerCase()))
      .filter((i) => q.account === null || i.account === q.account.trim())
      .filter((i) => !q.overdue_only || i.overdue);
    const oldest = (a: FollowupItem, b: FollowupItem) => a.created_at.localeCompare(b.created_at) || a.id - b.id;
    const waiting = (i: FollowupItem) => (i.status === 'open' ? 0 : 1);
    switch (q.sort) {
      case 'oldest_open':
        items.sort((a, b) => waiting(a) - waiting(b) || (a.status === 'open' ? oldest(a, b) : a.due.localeCompare(b.due)) || a.id - b.id);
        break;
      case 'due':
        items.sort((a, b) => a.due.localeCompare(b.due) || oldest(a, b));
        break;
      case 'account_value':
        items.sort((a, b) => (b.arr ?? -1) - (a.arr ?? -1) || oldest(a, b));
        break;
      case 'score':
        items.sort((a, b) => (a.score ?? 11) - (b.score ?? 11) || oldest(a, b));
        break;
    }
    const start = Math.min(q.offset, items.length);
    const end = q.limit === null ? items.length : Math.min(items.length, start + q.limit);
    return { items: items.slice(start, end), matching: items.length, counts, settings: { ...this.settings }, today: MOCK_TODAY };
  }

  /** `update_followup`, with the backend's checks and log entries. */
  update(id: number, u: FollowupUpdate): FollowupItem {
    this.updates.push({ id, update: u });
    const it = this.items.find((x) => x.id === id);
    if (!it) throw { code: 'not_found', message: `no follow-up item ${id}` };
    if (u.status === null && u.owner === null && u.due === null && u.note === null && u.outcome === null) {
      throw { code: 'invalid_input', message: 'nothing to change: give a status, owner, due date, outcome or note' };
    }
    if (u.note !== null && u.note.trim() === '') throw { code: 'invalid_input', message: 'the note is empty' };
    if (u.due !== null && !/^\d{4}-\d{2}-\d{2}$/.test(u.due.trim())) {
      throw { code: 'invalid_input', message: `the due date "${u.due}" is not a date like 2026-11-25` };
    }
    if (u.status !== null && u.status !== it.status && !MOVES[it.status].includes(u.status)) {
      throw {
        code: 'invalid_input',
        message: `follow-up ${id} cannot go from ${LABEL[it.status]} to ${LABEL[u.status]}; allowed: ${MOVES[it.status].map((s) => LABEL[s]).join(', ')}`,
      };
    }
    const log = (kind: FollowupEventKind, text: string) => it.events.push({ at: MOCK_NOW, kind, text });
    if (u.status !== null && u.status !== it.status) {
      if (it.status === 'open' && it.firstContactAt === null) it.firstContactAt = MOCK_NOW;
      log('status', `${LABEL[it.status]} → ${LABEL[u.status]}`);
      it.status = u.status;
    }
    const owner = u.owner?.trim();
    if (owner !== undefined && owner !== (it.owner ?? '')) {
      it.owner = owner === '' ? null : owner;
      log('owner', owner === '' ? 'owner cleared' : owner);
    }
    const due = u.due?.trim();
    if (due !== undefined && due !== it.due) {
      log('due', `due ${it.due} → ${due}`);
      it.due = due;
    }
    const outcome = u.outcome?.trim();
    if (outcome !== undefined && outcome !== (it.outcome ?? '')) {
      it.outcome = outcome === '' ? null : outcome;
      log('outcome', outcome === '' ? 'outcome cleared' : outcome);
    }
    if (u.note !== null) log('note', u.note.trim());
    return this.#item(it);
  }

  setSettings(s: FollowupSettings): FollowupSettings {
    if (!Number.isInteger(s.sla_business_days) || s.sla_business_days < 0 || s.sla_business_days > 60) {
      throw { code: 'invalid_input', message: `the follow-up SLA is 0 to 60 business days, not ${s.sla_business_days}` };
    }
    this.settings = { ...s };
    this.#sync();
    return { ...this.settings };
  }

  /** Promoters (9–10) with a comment, newest first. */
  promoterRows(): { responseId: number; row: Row }[] {
    return mockRows()
      .map((row, i) => ({ responseId: i + 1, row }))
      .filter(({ row }) => row.score >= 9 && (row.comment ?? '').trim() !== '')
      .sort((a, b) => b.row.date.localeCompare(a.row.date) || b.responseId - a.responseId);
  }

  #promoter(responseId: number, row: Row): PromoterRow {
    const a = this.asks.get(responseId);
    const account = row.values[ACCOUNT] ?? null;
    return {
      response_id: responseId,
      respondent_id: row.respondent,
      account,
      arr: this.info(account)?.arr ?? null,
      score: row.score,
      comment: row.comment ?? '',
      responded_at: `${row.date}T09:00:00`,
      ask: a?.ask ?? 'not_asked',
      owner: a?.owner ?? null,
      note: a?.note ?? null,
      updated_at: a?.updatedAt ?? null,
    };
  }

  promoters(asks: PromoterAsk[], offset: number, limit: number | null): PromoterList {
    const all = this.promoterRows().map(({ responseId, row }) => this.#promoter(responseId, row));
    const counts: PromoterCounts = { total: all.length, not_asked: 0, asked: 0, agreed: 0, declined: 0 };
    for (const p of all) counts[p.ask]++;
    const matching = all.filter((p) => asks.length === 0 || asks.includes(p.ask));
    const end = limit === null ? matching.length : offset + limit;
    return { items: matching.slice(offset, end), matching: matching.length, counts };
  }

  updatePromoter(responseId: number, u: PromoterUpdate): PromoterRow {
    const row = mockRows()[responseId - 1];
    if (!row || row.score < 9 || (row.comment ?? '').trim() === '') {
      throw { code: 'invalid_input', message: `response ${responseId} is not a promoter with a comment` };
    }
    const was = this.asks.get(responseId) ?? { ask: 'not_asked' as PromoterAsk, owner: null, note: null, updatedAt: MOCK_NOW };
    const clean = (v: string | null, old: string | null) => (v === null ? old : v.trim() === '' ? null : v.trim());
    this.asks.set(responseId, { ask: u.ask ?? was.ask, owner: clean(u.owner, was.owner), note: clean(u.note, was.note), updatedAt: MOCK_NOW });
    return this.#promoter(responseId, row);
  }

  /** `import_accounts`: every line of the mock's CRM export, all or nothing (a path with "bad" fails). */
  importAccounts(path: string): AccountsImportReport {
    if (/bad/i.test(path)) {
      throw { code: 'invalid_input', message: `${path}, line 37: ARR "12,5k" is not a number` };
    }
    let added = 0;
    let updated = 0;
    const lines = accountDirectory();
    for (const a of lines) {
      const key = a.id.toLowerCase();
      if (this.accounts.has(key)) updated++;
      else added++;
      this.accounts.set(key, a);
    }
    return { file: path, rows: lines.length, added, updated, columns: [...MOCK_ACCOUNT_COLUMNS] };
  }
}

let later: Map<number, number> | null = null;
/**
 * The response's current score. The Rust side updates a response in place when a later wave answers again;
 * the mock's rows are separate answers, so one respondent in five is taken to be re-surveyed: their answer
 * in a later quarter replaces the score of their earlier one.
 */
function currentScore(rows: Row[], index: number): number {
  if (!later) {
    later = new Map();
    const last = new Map<string, { index: number; quarter: string }>();
    rows.forEach((r, i) => {
      const quarter = `${r.date.slice(0, 4)}-${Math.ceil(Number(r.date.slice(5, 7)) / 3)}`;
      const prev = last.get(r.respondent);
      const resurveyed = Number(r.respondent.slice(1)) % 5 === 0;
      if (prev && resurveyed && prev.quarter !== quarter) later!.set(prev.index, r.score);
      last.set(r.respondent, { index: i, quarter });
    });
  }
  return later.get(index) ?? rows[index]!.score;
}

/** Months of a team's work on an older item: contacted after some hours, then mostly closed with an outcome. */
function playOut(it: Item, rand: () => number): void {
  const created = Date.parse(`${it.createdAt}Z`);
  const age = (utc(MOCK_TODAY) - created) / DAY;
  const r = rand();
  const owner = OWNERS[Math.floor(rand() * OWNERS.length)]!;
  const stillOpen = age > 60 ? false : age > 21 ? r < 0.04 : age > 4 ? r < 0.3 : r < 0.7;
  if (stillOpen) {
    if (rand() < 0.5) {
      it.owner = owner;
      it.events.push({ at: isoTime(created + 3_600_000), kind: 'owner', text: owner });
    }
    return;
  }
  const hours = 1 + Math.floor(Math.exp(rand() * 4.6)); // 2 h … 4 days, median about 10 h
  const contact = Math.min(created + hours * 3_600_000, utc(MOCK_TODAY) + 9 * 3_600_000);
  it.owner = owner;
  it.firstContactAt = isoTime(contact);
  it.events.push({ at: isoTime(created + 3_600_000), kind: 'owner', text: owner });
  it.events.push({ at: isoTime(contact), kind: 'status', text: 'open → contacted' });
  it.status = 'contacted';
  if (rand() < 0.5) it.events.push({ at: isoTime(contact + 600_000), kind: 'note', text: NOTES[Math.floor(rand() * NOTES.length)]! });
  const closeIf = age > 120 ? 1 : age > 30 ? 0.93 : age > 7 ? 0.6 : 0.2;
  if (rand() < closeIf) {
    const to: FollowupStatus = rand() < 0.78 ? 'resolved' : 'wont_fix';
    const at = Math.min(contact + (24 + Math.floor(rand() * 200)) * 3_600_000, utc(MOCK_TODAY) + 10 * 3_600_000);
    const outcome = (to === 'resolved' ? RESOLVED : WONT_FIX)[Math.floor(rand() * (to === 'resolved' ? RESOLVED : WONT_FIX).length)]!;
    it.events.push({ at: isoTime(at), kind: 'status', text: `contacted → ${LABEL[to]}` });
    it.events.push({ at: isoTime(at), kind: 'outcome', text: outcome });
    it.status = to;
    it.outcome = outcome;
  }
}

// Pure helpers of the Follow-ups view: labels, the query the filters stand for, and the wording of durations,
// due dates, money and the item log. Which status an item may move to is never decided here: the backend
// sends it with every item (`FollowupItem.next`).
import type { FollowupItem, FollowupQuery, FollowupSort, FollowupStatus, PromoterAsk, WeightedNps } from '../api';
import { formatCount, formatInterval, formatNps } from './format';

export const PAGE = 50;

export const STATUSES: { status: FollowupStatus; label: string }[] = [
  { status: 'open', label: 'Open' },
  { status: 'contacted', label: 'Contacted' },
  { status: 'resolved', label: 'Resolved' },
  { status: 'wont_fix', label: 'Won’t fix' },
];

export const STATUS_LABEL: Record<FollowupStatus, string> = Object.fromEntries(STATUSES.map((s) => [s.status, s.label])) as Record<FollowupStatus, string>;

/** The button that moves an item to a status, worded as the action a person takes. */
export const MOVE_LABEL: Record<FollowupStatus, string> = {
  open: 'Reopen',
  contacted: 'Mark contacted',
  resolved: 'Resolve',
  wont_fix: 'Won’t fix',
};

export const SORTS: { sort: FollowupSort; label: string }[] = [
  { sort: 'oldest_open', label: 'Oldest open first' },
  { sort: 'due', label: 'Due date' },
  { sort: 'account_value', label: 'Account value (ARR)' },
  { sort: 'score', label: 'Lowest score first' },
];

export const ASKS: { ask: PromoterAsk; label: string }[] = [
  { ask: 'not_asked', label: 'Not asked' },
  { ask: 'asked', label: 'Asked' },
  { ask: 'agreed', label: 'Agreed' },
  { ask: 'declined', label: 'Declined' },
];

export const ASK_LABEL: Record<PromoterAsk, string> = Object.fromEntries(ASKS.map((a) => [a.ask, a.label])) as Record<PromoterAsk, string>;

/** What the queue's filter bar holds (the page is added by `followupQuery`). */
export type QueueFilters = {
  status: FollowupStatus[];
  /** `null`: everyone's; `""`: items nobody owns. */
  owner: string | null;
  account: string | null;
  overdueOnly: boolean;
  sort: FollowupSort;
};

/** The queue as it opens: work still to do (open and contacted), the oldest waiting first. */
export const DEFAULT_QUEUE: QueueFilters = { status: ['open', 'contacted'], owner: null, account: null, overdueOnly: false, sort: 'oldest_open' };

/** The filters as the backend's query; a blank account box is no account filter; `limit: null` = every item. */
export function followupQuery(f: QueueFilters, offset = 0, limit: number | null = PAGE): FollowupQuery {
  const account = f.account?.trim() ?? '';
  return {
    status: [...f.status],
    owner: f.owner === null ? null : f.owner.trim(),
    account: account === '' ? null : account,
    overdue_only: f.overdueOnly,
    sort: f.sort,
    offset,
    limit,
  };
}

/** A status chip toggled on or off, the chips kept in their usual order. */
export function toggleStatus(list: readonly FollowupStatus[], s: FollowupStatus): FollowupStatus[] {
  const on = new Set(list);
  if (on.has(s)) on.delete(s);
  else on.add(s);
  return STATUSES.map((x) => x.status).filter((x) => on.has(x));
}

/** "45 min", "5 h", "2.3 days": how long first contact took. */
export function formatHours(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return '–';
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 24) return `${Math.round(hours)} h`;
  const days = hours / 24;
  return `${days.toFixed(1)} days`;
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD…`; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const t = (d: string) => Date.parse(`${d.slice(0, 10)}T00:00:00Z`);
  return Math.round((t(to) - t(from)) / 86_400_000);
}

/** "due today", "due tomorrow", "due in 3 days", "2 days overdue"; closed items just say when it was due. */
export function dueText(item: Pick<FollowupItem, 'due' | 'status' | 'overdue'>, today: string): string {
  if (item.status !== 'open') return '';
  const d = daysBetween(today, item.due);
  if (item.overdue || d < 0) return d === -1 ? '1 day overdue' : `${-d} days overdue`;
  if (d === 0) return 'due today';
  if (d === 1) return 'due tomorrow';
  return `due in ${d} days`;
}

/** How late an overdue item is, beside its Overdue badge: "1 day", "36 days". */
export function lateBy(due: string, today: string): string {
  const d = Math.max(1, daysBetween(due, today));
  return d === 1 ? '1 day' : `${d} days`;
}

/**
 * ARR as a person reads it in a table: "$1.25M", "$84.5k", "$950". The accounts file states no currency, so
 * the sign is the dollar CS teams use; the exported table keeps the plain number.
 */
export function formatMoney(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  const trim = (s: string) => s.replace(/\.0+$/, '').replace(/(\.\d*[1-9])0+$/, '$1');
  if (abs >= 1e9) return `${sign}$${trim((abs / 1e9).toFixed(2))}B`;
  if (abs >= 1e6) return `${sign}$${trim((abs / 1e6).toFixed(2))}M`;
  if (abs >= 1e4) return `${sign}$${trim((abs / 1e3).toFixed(1))}k`;
  return `${sign}$${formatCount(Math.round(abs))}`;
}

/** "+12.3 (95 % CI +4.0 to +20.1)" for a weighted NPS; without an interval, the estimate alone. */
export function weightedText(w: WeightedNps | null): { nps: string; ci: string } {
  if (!w) return { nps: '–', ci: '' };
  return { nps: formatNps(w.nps), ci: w.ci95 ? formatInterval(w.ci95) : 'no interval with one unit' };
}

/** "YYYY-MM-DDTHH:MM:SS" → "1 Oct 2026, 10:30" (the log's timestamps, local time as stored). */
export function formatStamp(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(iso);
  if (!m) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}, ${m[4]}:${m[5]}`;
}

/** The first `max` characters of a comment on one line, for the queue's rows (the panel shows it whole). */
export function excerpt(text: string | null, max = 160): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** Statuses whose move asks what came of the follow-up. */
export function wantsOutcome(to: FollowupStatus): boolean {
  return to === 'resolved' || to === 'wont_fix';
}

/** Largest SLA the workspace accepts (`FollowupSettings::MAX_SLA`: a quarter of working days). */
export const MAX_SLA = 60;

/** The Settings dialog's check of the SLA field (`null`: fine). */
export function slaProblem(days: number): string | null {
  return Number.isInteger(days) && days >= 0 && days <= MAX_SLA ? null : `A whole number of business days from 0 to ${MAX_SLA}.`;
}

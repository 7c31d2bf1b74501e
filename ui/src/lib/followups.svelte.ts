// The Follow-ups view's state: the queue (filters, the pages loaded, the item opened) and the promoter list.
// Kept by the App so the filters survive a trip to another tab and Ctrl+E exports what the queue shows.
import {
  AppError,
  followups,
  promoters,
  updateFollowup,
  updatePromoter,
  type FollowupItem,
  type FollowupList,
  type FollowupUpdate,
  type PromoterAsk,
  type PromoterList,
  type PromoterRow,
  type PromoterUpdate,
} from '../api';
import { DEFAULT_QUEUE, PAGE, followupQuery, toggleStatus, type QueueFilters } from './followups';

/** An update that changes only the given fields (the backend logs each field it is given). */
export function change(patch: Partial<FollowupUpdate>): FollowupUpdate {
  return { status: null, owner: null, due: null, note: null, outcome: null, ...patch };
}

export class QueueView {
  filters = $state<QueueFilters>({ ...DEFAULT_QUEUE, status: [...DEFAULT_QUEUE.status] });
  /** The latest answer: counts, `matching`, `today`, settings (its `items` is only the last page asked). */
  list = $state.raw<FollowupList | null>(null);
  items = $state.raw<FollowupItem[]>([]);
  loading = $state(false);
  error = $state<AppError | null>(null);
  /** The item open in the side panel, as the backend last returned it (it may have left the filtered list). */
  open = $state.raw<FollowupItem | null>(null);
  /** Owners seen on any item so far: the owner filter's choices. */
  owners = $state.raw<string[]>([]);
  saving = $state(false);
  #request = 0;

  get hasMore(): boolean {
    return this.list !== null && this.items.length < this.list.matching;
  }

  set(patch: Partial<QueueFilters>): void {
    this.filters = { ...this.filters, ...patch };
  }

  toggleStatus(s: FollowupItem['status']): void {
    this.set({ status: toggleStatus(this.filters.status, s) });
  }

  #learn(items: readonly FollowupItem[]): void {
    const known = new Set(this.owners);
    for (const i of items) if (i.owner) known.add(i.owner);
    if (known.size !== this.owners.length) this.owners = [...known].sort((a, b) => a.localeCompare(b));
  }

  /** The first page (or as many rows as are shown, after a change, so the list does not jump back). */
  async load(surveyId: number | null, keep = false): Promise<void> {
    const mine = ++this.#request;
    this.loading = true;
    const limit = keep ? Math.max(PAGE, this.items.length) : PAGE;
    try {
      const list = await followups(surveyId, followupQuery(this.filters, 0, limit));
      if (mine !== this.#request) return;
      this.list = list;
      this.items = list.items;
      this.error = null;
      this.#learn(list.items);
      // The open item follows the list when it is in it (fresh counts of its log); otherwise it stays as it was.
      const fresh = this.open ? list.items.find((i) => i.id === this.open!.id) : undefined;
      if (fresh) this.open = fresh;
    } catch (reason) {
      if (mine === this.#request) this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  async more(surveyId: number | null): Promise<void> {
    if (!this.hasMore || this.loading) return;
    const mine = ++this.#request;
    this.loading = true;
    try {
      const list = await followups(surveyId, followupQuery(this.filters, this.items.length, PAGE));
      if (mine !== this.#request) return;
      this.list = list;
      this.items = [...this.items, ...list.items];
      this.#learn(list.items);
    } catch (reason) {
      if (mine === this.#request) this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  /**
   * Sends one change, shows the item as the backend returns it, then asks for the list and counts again
   * (a status change moves the item between filters and counts). A refusal is thrown for the caller to show.
   */
  async update(surveyId: number | null, id: number, update: FollowupUpdate): Promise<FollowupItem> {
    this.saving = true;
    try {
      const item = await updateFollowup(id, update);
      if (this.open?.id === id) this.open = item;
      this.items = this.items.map((i) => (i.id === id ? item : i));
      this.#learn([item]);
      await this.load(surveyId, true);
      return item;
    } finally {
      this.saving = false;
    }
  }
}

export class PromotersView {
  ask = $state<PromoterAsk[]>([]);
  list = $state.raw<PromoterList | null>(null);
  items = $state.raw<PromoterRow[]>([]);
  loading = $state(false);
  error = $state<AppError | null>(null);
  #request = 0;

  get hasMore(): boolean {
    return this.list !== null && this.items.length < this.list.matching;
  }

  toggle(a: PromoterAsk): void {
    this.ask = this.ask.includes(a) ? this.ask.filter((x) => x !== a) : [...this.ask, a];
  }

  async load(surveyId: number | null, keep = false): Promise<void> {
    const mine = ++this.#request;
    this.loading = true;
    try {
      const list = await promoters(surveyId, [...this.ask], 0, keep ? Math.max(PAGE, this.items.length) : PAGE);
      if (mine !== this.#request) return;
      this.list = list;
      this.items = list.items;
      this.error = null;
    } catch (reason) {
      if (mine === this.#request) this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  async more(surveyId: number | null): Promise<void> {
    if (!this.hasMore || this.loading) return;
    const mine = ++this.#request;
    this.loading = true;
    try {
      const list = await promoters(surveyId, [...this.ask], this.items.length, PAGE);
      if (mine !== this.#request) return;
      this.list = list;
      this.items = [...this.items, ...list.items];
    } catch (reason) {
      if (mine === this.#request) this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  /** Records the change, shows the row as returned, then refreshes the counts (and the filtered list). */
  async update(surveyId: number | null, responseId: number, update: PromoterUpdate): Promise<PromoterRow> {
    const row = await updatePromoter(responseId, update);
    this.items = this.items.map((p) => (p.response_id === responseId ? row : p));
    await this.load(surveyId, true);
    return row;
  }
}

/** The whole tab: which view is shown (the segmented control) and both views' state. */
export class FollowupsState {
  mode = $state<'queue' | 'promoters'>('queue');
  queue = new QueueView();
  promoters = new PromotersView();
}

// The comment explorer's state (filters, the loaded pages) and the pure helpers that render a comment's
// highlights. Comments are untrusted: they are cut into plain-text pieces here and rendered as text nodes,
// never as HTML.
import { AppError, comments, type Band, type CommentPage, type CommentQuery, type CommentRow, type CommentSort, type Highlight, type NpsQuery } from '../api';

export const PAGE_SIZE = 50;

export const BANDS: { band: Band; label: string; key: 'promoters' | 'passives' | 'detractors' | 'unanswered' }[] = [
  { band: 'promoter', label: 'Promoters', key: 'promoters' },
  { band: 'passive', label: 'Passives', key: 'passives' },
  { band: 'detractor', label: 'Detractors', key: 'detractors' },
  { band: 'unanswered', label: 'No score', key: 'unanswered' },
];

export const SORTS: { sort: CommentSort; label: string }[] = [
  { sort: 'newest', label: 'Newest first' },
  { sort: 'oldest', label: 'Oldest first' },
  { sort: 'lowest', label: 'Lowest score first' },
  { sort: 'highest', label: 'Highest score first' },
];

/** A piece of a comment: plain text, and what marked it (theme names; `search` for a search match). */
export type Piece = { text: string; themes: string[]; search: boolean };

/**
 * Cuts `text` at every highlight boundary (UTF-16 offsets, as the backend sends them), so overlapping
 * highlights become pieces marked by all of them. Offsets outside the text are clamped.
 */
export function pieces(text: string, highlights: readonly Highlight[]): Piece[] {
  const clamp = (i: number) => Math.max(0, Math.min(text.length, i));
  const cuts = new Set<number>([0, text.length]);
  for (const h of highlights) {
    cuts.add(clamp(h.start));
    cuts.add(clamp(h.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i]!, points[i + 1]!];
    if (a === b) continue;
    const over = highlights.filter((h) => clamp(h.start) <= a && clamp(h.end) >= b && h.end > h.start);
    const themes = [...new Set(over.flatMap((h) => (h.theme === null ? [] : [h.theme])))];
    const piece = { text: text.slice(a, b), themes, search: over.some((h) => h.theme === null) };
    const last = out[out.length - 1];
    // Adjacent plain pieces merge (fewer nodes); marked ones stay apart so each keeps its title.
    if (last && piece.themes.length === 0 && !piece.search && last.themes.length === 0 && !last.search) last.text += piece.text;
    else out.push(piece);
  }
  return out;
}

/** "9 · Promoter" / "– · No score": the band of a score. */
export function bandOf(score: number | null): Band {
  if (score === null) return 'unanswered';
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/** What the explorer is filtered by, on top of the dashboard's selection. */
export type ExplorerFilters = {
  theme: string | null;
  matched: boolean | null;
  bands: Band[];
  search: string;
  sort: CommentSort;
};

export const NO_FILTERS: ExplorerFilters = { theme: null, matched: null, bands: [], search: '', sort: 'newest' };

export function explorerQuery(f: ExplorerFilters, offset: number, show: string[], limit = PAGE_SIZE): CommentQuery {
  const search = f.search.trim();
  return {
    theme: f.theme,
    matched: f.matched,
    bands: [...f.bands],
    search: search === '' ? null : search,
    sort: f.sort,
    offset,
    limit,
    show,
  };
}

/** The explorer: one request per filter change (stale answers dropped), further pages appended. */
export class CommentsView {
  filters = $state<ExplorerFilters>({ ...NO_FILTERS });
  page = $state.raw<CommentPage | null>(null);
  rows = $state.raw<CommentRow[]>([]);
  loading = $state(false);
  error = $state<AppError | null>(null);
  /** Bumped to ask the search box for focus (Ctrl+F). */
  focusSearch = $state(0);

  #request = 0;

  set(patch: Partial<ExplorerFilters>): void {
    this.filters = { ...this.filters, ...patch };
  }

  /** Shows one theme's comments (from a click in the Themes view); other filters are cleared. */
  showTheme(theme: string | null): void {
    this.filters = { ...NO_FILTERS, theme, sort: this.filters.sort };
  }

  toggleBand(band: Band): void {
    const bands = this.filters.bands.includes(band) ? this.filters.bands.filter((b) => b !== band) : [...this.filters.bands, band];
    this.set({ bands });
  }

  /** The first page for the current filters over `query`'s selection. */
  async load(surveyId: number | null, query: NpsQuery, show: string[], rules: string | null = null): Promise<void> {
    const mine = ++this.#request;
    this.loading = true;
    try {
      const page = await comments(surveyId, query, explorerQuery(this.filters, 0, show), rules);
      if (mine !== this.#request) return;
      this.page = page;
      this.rows = page.comments;
      this.error = null;
    } catch (reason) {
      if (mine !== this.#request) return;
      this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  get hasMore(): boolean {
    return this.page !== null && this.rows.length < this.page.total;
  }

  /** Appends the next page (same filters). */
  async more(surveyId: number | null, query: NpsQuery, show: string[], rules: string | null = null): Promise<void> {
    if (!this.hasMore || this.loading) return;
    const mine = ++this.#request;
    this.loading = true;
    try {
      const page = await comments(surveyId, query, explorerQuery(this.filters, this.rows.length, show), rules);
      if (mine !== this.#request) return;
      this.page = page;
      this.rows = [...this.rows, ...page.comments];
    } catch (reason) {
      if (mine === this.#request) this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }
}

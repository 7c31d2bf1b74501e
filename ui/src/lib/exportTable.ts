// "Export table…" (Ctrl+E): which table the view on screen stands for, asked with the view's own selection.
import type { FollowupQuery, TableRequest } from '../api';
import { queryFor, type Controls } from './analysis.svelte';
import { explorerQuery, type ExplorerFilters } from './comments.svelte';

export type View = 'overview' | 'themes' | 'comments' | 'accounts' | 'followups';

export type ExportContext = {
  controls: Controls;
  /** The rule text the Themes view applied (`null`: the saved or built-in rules). */
  rules: string | null;
  explorer: ExplorerFilters;
  surveyName: string;
  /** The follow-up queue's filters as a query (its paging is ignored: every matching item is written). */
  followups?: FollowupQuery;
};

/**
 * The request and a file name. Overview: NPS by the chosen segments and period (the trend's grouping, so the
 * rows are what the charts show); Themes: the theme table; Comments: every comment the explorer's filters
 * select, with the segment columns beside it; Accounts: every account of the selection; Follow-ups: every item
 * the queue's filters select, in its order (the whole survey: the dashboard's filters do not apply).
 */
export function tableRequestFor(view: View, ctx: ExportContext): { request: TableRequest; suggested: string } {
  const c = ctx.controls;
  const base = queryFor(c, [], 'none');
  const stem = fileStem(ctx.surveyName);
  switch (view) {
    case 'overview':
      return { request: { table: 'nps', query: queryFor(c, c.segments, 'trend') }, suggested: `${stem} - NPS.xlsx` };
    case 'themes':
      return { request: { table: 'themes', query: base, rules: ctx.rules }, suggested: `${stem} - themes.xlsx` };
    case 'comments':
      return {
        request: { table: 'comments', query: base, explorer: explorerQuery(ctx.explorer, 0, [...c.segments]), rules: ctx.rules },
        suggested: `${stem} - comments.xlsx`,
      };
    case 'accounts':
      return { request: { table: 'accounts', query: base, at_risk: false }, suggested: `${stem} - accounts.xlsx` };
    case 'followups': {
      const q = ctx.followups ?? { status: [], owner: null, account: null, overdue_only: false, sort: 'oldest_open', offset: 0, limit: null };
      return { request: { table: 'followups', query: { ...q, offset: 0, limit: null } }, suggested: `${stem} - follow-ups.xlsx` };
    }
  }
}

/** A survey name as a file name: no path separators or characters Windows refuses. */
export function fileStem(name: string): string {
  const clean = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return clean === '' ? 'npsdesk' : clean;
}

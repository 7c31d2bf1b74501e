// One typed async function per Tauri command. Arguments are camelCase on this side (Tauri maps them to snake_case).
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { AppError } from './errors';
import type {
  AccountsAnswer,
  AccountsImportReport,
  FollowupItem,
  FollowupList,
  FollowupQuery,
  FollowupSettings,
  FollowupUpdate,
  PromoterAsk,
  PromoterList,
  PromoterRow,
  PromoterUpdate,
  CommentPage,
  CommentQuery,
  RulesPreview,
  Dashboard,
  Explanation,
  FileInspection,
  ImportMapping,
  ImportReport,
  NpsQuery,
  NpsReport,
  RecentWorkspace,
  RuleVersion,
  TableRequest,
  Startup,
  ThemesAnswer,
  ValueCount,
  WorkspaceInfo,
} from './types';

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** Called once when the window opens: the workspace, and what was imported from the command line (if anything). */
export function startup(): Promise<Startup> {
  return call<Startup>('startup');
}

/** Everything the dashboard shows for one survey; `null` = the latest survey. */
export function dashboard(surveyId: number | null): Promise<Dashboard> {
  return call<Dashboard>('dashboard', { surveyId });
}

/**
 * Imports exports into the workspace. Emits `import-progress` events while it runs.
 * Each file is one transaction: a file that fails is not imported at all (files before it stay) and the
 * promise rejects with its AppError.
 */
export function importFiles(paths: string[]): Promise<ImportReport[]> {
  return call<ImportReport[]>('import_files', { paths });
}

/**
 * What an export looks like before importing it: columns with detected roles and sample values, a recoded NPS
 * scale, a mapping remembered for its survey, and whether the window should ask (`needs_mapping`).
 */
export function inspectFile(path: string): Promise<FileInspection> {
  return call<FileInspection>('inspect_file', { path });
}

/**
 * Imports one export read with the user's mapping (remembered for its survey). Emits `import-progress`.
 * A mapping that contradicts the survey's remembered one rejects with `invalid_input`.
 */
export function importWithMapping(path: string, mapping: ImportMapping): Promise<ImportReport> {
  return call<ImportReport>('import_with_mapping', { path, mapping });
}

/** Opens (or creates) another workspace file. */
export function openWorkspace(path: string): Promise<WorkspaceInfo> {
  return call<WorkspaceInfo>('open_workspace', { path });
}

/** NPS for a query (filters, grouping, periods or rolling windows, count mode, level); `null` = the latest survey. */
export function nps(surveyId: number | null, query: NpsQuery): Promise<NpsReport> {
  return call<NpsReport>('nps', { surveyId, query });
}

/** The values of one column with their counts, most frequent first (`value: null` = left empty). */
export function columnValues(surveyId: number | null, column: string): Promise<ValueCount[]> {
  return call<ValueCount[]>('column_values', { surveyId, column });
}

/** Why NPS changed between two periods: mix and within effects by a segment column (`mix + within == delta`). */
export function explain(
  surveyId: number | null,
  query: NpsQuery,
  fromPeriod: string,
  toPeriod: string,
  by: string,
): Promise<Explanation> {
  return call<Explanation>('explain', { surveyId, query, fromPeriod, toPeriod, by });
}

/**
 * Themes of the survey's comments over the query's selection. `rules`: a JSON or TOML rule set's text;
 * `null` = the rules saved in the workspace, else the built-in set. Bad rules reject with `invalid_input`
 * (the message names line and column). `resamples`: bootstrap resamples for the impact intervals (`null` = 1,000;
 * 0 = no intervals, much faster on a large survey).
 */
export function themes(
  surveyId: number | null,
  query: NpsQuery,
  rules: string | null = null,
  resamples: number | null = null,
): Promise<ThemesAnswer> {
  return call<ThemesAnswer>('themes', { surveyId, query, rules, resamples });
}

/** Checks a rule set's text and saves it as the workspace's next (default) rules version. */
export function saveRules(text: string, note: string | null = null): Promise<RuleVersion> {
  return call<RuleVersion>('save_rules', { text, note });
}

/** Every saved version of the workspace's rules, newest first. */
export function ruleHistory(): Promise<RuleVersion[]> {
  return call<RuleVersion[]>('rule_history');
}

/**
 * A page of the comment explorer over the query's selection (its dates and filters), tagged by `rules`
 * (`null` = the saved rules, else built-in). Unknown themes reject with `invalid_input`.
 */
export function comments(
  surveyId: number | null,
  query: NpsQuery,
  explorer: CommentQuery,
  rules: string | null = null,
): Promise<CommentPage> {
  return call<CommentPage>('comments', { surveyId, query, explorer, rules });
}

/**
 * The rule editor's live preview: the text's problems (line and column), or its themes (no bootstrap) and a
 * page of the comments it matches with highlights. Never rejects because of the text itself.
 */
export function previewRules(
  surveyId: number | null,
  query: NpsQuery,
  text: string,
  explorer: CommentQuery,
): Promise<RulesPreview> {
  return call<RulesPreview>('preview_rules', { surveyId, query, text, explorer });
}

/** The rules the editor starts from: the saved version in use, else the built-in set's TOML. */
export function rulesText(): Promise<string> {
  return call<string>('rules_text');
}

/** Reads and checks a rule file the user chose (problems reject with `invalid_input`). */
export function readRulesFile(path: string): Promise<string> {
  return call<string>('read_rules_file', { path });
}

/** Checks the rule text and writes it to a `.toml` or `.json` file the user chose. */
export function writeRulesFile(path: string, text: string): Promise<void> {
  return call<void>('write_rules_file', { path, text });
}

/** Account health over the query's selection: one row per account, at-risk first. */
export function accounts(surveyId: number | null, query: NpsQuery): Promise<AccountsAnswer> {
  return call<AccountsAnswer>('accounts', { surveyId, query });
}

/**
 * Reads an accounts file (CSV: id, name, renewal date, ARR, owner) into the workspace, all or nothing; a bad
 * line rejects with `invalid_input` naming the file, the line and why.
 */
export function importAccounts(path: string): Promise<AccountsImportReport> {
  return call<AccountsImportReport>('import_accounts', { path });
}

/**
 * The survey's follow-up queue: the page `query` selects (`matching` counts every match), the counts over all
 * of the survey's items, the workspace's settings and the date overdue is judged against.
 */
export function followups(surveyId: number | null, query: FollowupQuery): Promise<FollowupList> {
  return call<FollowupList>('followups', { surveyId, query });
}

/**
 * Changes one item (status, owner, due date, outcome, a note), each change logged. A move the item's status
 * does not allow (see `FollowupItem.next`) rejects with `invalid_input` naming the allowed ones.
 */
export function updateFollowup(id: number, update: FollowupUpdate): Promise<FollowupItem> {
  return call<FollowupItem>('update_followup', { id, update });
}

/** How the workspace makes follow-up items (SLA in business days, passives or not). */
export function followupSettings(): Promise<FollowupSettings> {
  return call<FollowupSettings>('followup_settings');
}

/** Saves the workspace's follow-up settings; every survey's items are re-synced (passives on makes theirs). */
export function setFollowupSettings(settings: FollowupSettings): Promise<FollowupSettings> {
  return call<FollowupSettings>('set_followup_settings', { settings });
}

/** Promoters (9–10) with a comment, newest first; `ask` empty = every ask status; `limit: null` = all. */
export function promoters(surveyId: number | null, ask: PromoterAsk[], offset: number, limit: number | null): Promise<PromoterList> {
  return call<PromoterList>('promoters', { surveyId, ask, offset, limit });
}

/** Records a promoter's testimonial or reference ask (`""` clears the owner or note). */
export function updatePromoter(responseId: number, update: PromoterUpdate): Promise<PromoterRow> {
  return call<PromoterRow>('update_promoter', { responseId, update });
}

/** Asks the running import to stop. It rolls back; the import's promise rejects with code `cancelled`. */
export function cancelImport(): Promise<void> {
  return call<void>('cancel_import');
}

/** Workspaces opened lately, newest first (`exists: false` when the file was moved or deleted). */
export function recentWorkspaces(): Promise<RecentWorkspace[]> {
  return call<RecentWorkspace[]>('recent_workspaces');
}

/** Drops a workspace from the recent list (the file itself is not touched). */
export function forgetWorkspace(path: string): Promise<RecentWorkspace[]> {
  return call<RecentWorkspace[]>('forget_workspace', { path });
}

/** Creates a new, empty workspace file (never replaces one) and switches to it. */
export function createWorkspace(path: string): Promise<WorkspaceInfo> {
  return call<WorkspaceInfo>('create_workspace', { path });
}

/** Writes the table of a view (all its rows) to a .csv or .xlsx path from the save dialog; resolves to the row count. */
export function exportTable(surveyId: number | null, request: TableRequest, path: string): Promise<number> {
  return call<number>('export_table', { surveyId, request, path });
}

/** Writes a chart picture or deck the window rendered (.png, .svg or .pptx) to a path from the save dialog. */
export function writeExportFile(path: string, bytes: Uint8Array): Promise<void> {
  return call<void>('write_export_file', { path, bytes: Array.from(bytes) });
}

// A fake Rust side for the browser preview (mock.html) and component tests. Not imported by the app itself,
// so it never reaches the production bundle.
import { clearMocks, mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
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
  ImportProgress,
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
import type { AppErrorPayload } from './types';

export type MockHandlers = {
  startup?: () => Startup | Promise<Startup>;
  dashboard?: (surveyId: number | null) => Dashboard | Promise<Dashboard>;
  importFiles?: (paths: string[]) => ImportReport[] | Promise<ImportReport[]>;
  inspectFile?: (path: string) => FileInspection | Promise<FileInspection>;
  importWithMapping?: (path: string, mapping: ImportMapping) => ImportReport | Promise<ImportReport>;
  openWorkspace?: (path: string) => WorkspaceInfo | Promise<WorkspaceInfo>;
  createWorkspace?: (path: string) => WorkspaceInfo | Promise<WorkspaceInfo>;
  recentWorkspaces?: () => RecentWorkspace[] | Promise<RecentWorkspace[]>;
  forgetWorkspace?: (path: string) => RecentWorkspace[] | Promise<RecentWorkspace[]>;
  cancelImport?: () => void | Promise<void>;
  writeExportFile?: (path: string, bytes: Uint8Array) => void | Promise<void>;
  exportTable?: (surveyId: number | null, request: TableRequest, path: string) => number | Promise<number>;
  /** The save dialog's answer (`null`: cancelled). */
  pickSave?: () => string | null;
  pickFiles?: () => string[] | null;
  nps?: (surveyId: number | null, query: NpsQuery) => NpsReport | Promise<NpsReport>;
  columnValues?: (surveyId: number | null, column: string) => ValueCount[] | Promise<ValueCount[]>;
  explain?: (
    surveyId: number | null,
    query: NpsQuery,
    fromPeriod: string,
    toPeriod: string,
    by: string,
  ) => Explanation | Promise<Explanation>;
  themes?: (
    surveyId: number | null,
    query: NpsQuery,
    rules: string | null,
    resamples: number | null,
  ) => ThemesAnswer | Promise<ThemesAnswer>;
  saveRules?: (text: string, note: string | null) => RuleVersion | Promise<RuleVersion>;
  ruleHistory?: () => RuleVersion[] | Promise<RuleVersion[]>;
  comments?: (
    surveyId: number | null,
    query: NpsQuery,
    explorer: CommentQuery,
    rules: string | null,
  ) => CommentPage | Promise<CommentPage>;
  previewRules?: (
    surveyId: number | null,
    query: NpsQuery,
    text: string,
    explorer: CommentQuery,
  ) => RulesPreview | Promise<RulesPreview>;
  rulesText?: () => string | Promise<string>;
  accounts?: (surveyId: number | null, query: NpsQuery) => AccountsAnswer | Promise<AccountsAnswer>;
  importAccounts?: (path: string) => AccountsImportReport | Promise<AccountsImportReport>;
  followups?: (surveyId: number | null, query: FollowupQuery) => FollowupList | Promise<FollowupList>;
  updateFollowup?: (id: number, update: FollowupUpdate) => FollowupItem | Promise<FollowupItem>;
  followupSettings?: () => FollowupSettings | Promise<FollowupSettings>;
  setFollowupSettings?: (settings: FollowupSettings) => FollowupSettings | Promise<FollowupSettings>;
  promoters?: (surveyId: number | null, ask: PromoterAsk[], offset: number, limit: number | null) => PromoterList | Promise<PromoterList>;
  updatePromoter?: (responseId: number, update: PromoterUpdate) => PromoterRow | Promise<PromoterRow>;
};

/** Installs a fake `window.__TAURI_INTERNALS__` answering npsdesk's commands with the given handlers. */
export function installMockBackend(h: MockHandlers): void {
  mockWindows('main');
  mockIPC(
    async (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      switch (cmd) {
        case 'startup':
          if (h.startup) return h.startup();
          break;
        case 'dashboard':
          if (h.dashboard) return h.dashboard((args['surveyId'] as number | null | undefined) ?? null);
          break;
        case 'import_files':
          if (h.importFiles) return h.importFiles((args['paths'] as string[] | undefined) ?? []);
          break;
        case 'inspect_file':
          if (h.inspectFile) return h.inspectFile(String(args['path']));
          break;
        case 'import_with_mapping':
          if (h.importWithMapping) return h.importWithMapping(String(args['path']), args['mapping'] as ImportMapping);
          break;
        case 'open_workspace':
          if (h.openWorkspace) return h.openWorkspace(String(args['path']));
          break;
        case 'nps':
          if (h.nps) return h.nps((args['surveyId'] as number | null | undefined) ?? null, args['query'] as NpsQuery);
          break;
        case 'column_values':
          if (h.columnValues) return h.columnValues((args['surveyId'] as number | null | undefined) ?? null, String(args['column']));
          break;
        case 'explain':
          if (h.explain) {
            return h.explain(
              (args['surveyId'] as number | null | undefined) ?? null,
              args['query'] as NpsQuery,
              String(args['fromPeriod']),
              String(args['toPeriod']),
              String(args['by']),
            );
          }
          break;
        case 'themes':
          if (h.themes) {
            return h.themes(
              (args['surveyId'] as number | null | undefined) ?? null,
              args['query'] as NpsQuery,
              (args['rules'] as string | null | undefined) ?? null,
              (args['resamples'] as number | null | undefined) ?? null,
            );
          }
          break;
        case 'save_rules':
          if (h.saveRules) return h.saveRules(String(args['text']), (args['note'] as string | null | undefined) ?? null);
          break;
        case 'rule_history':
          if (h.ruleHistory) return h.ruleHistory();
          break;
        case 'comments':
          if (h.comments) {
            return h.comments(
              (args['surveyId'] as number | null | undefined) ?? null,
              args['query'] as NpsQuery,
              args['explorer'] as CommentQuery,
              (args['rules'] as string | null | undefined) ?? null,
            );
          }
          break;
        case 'preview_rules':
          if (h.previewRules) {
            return h.previewRules(
              (args['surveyId'] as number | null | undefined) ?? null,
              args['query'] as NpsQuery,
              String(args['text']),
              args['explorer'] as CommentQuery,
            );
          }
          break;
        case 'accounts':
          if (h.accounts) return h.accounts((args['surveyId'] as number | null | undefined) ?? null, args['query'] as NpsQuery);
          break;
        case 'import_accounts':
          if (h.importAccounts) return h.importAccounts(String(args['path']));
          break;
        case 'followups':
          if (h.followups) return h.followups((args['surveyId'] as number | null | undefined) ?? null, args['query'] as FollowupQuery);
          break;
        case 'update_followup':
          if (h.updateFollowup) return h.updateFollowup(Number(args['id']), args['update'] as FollowupUpdate);
          break;
        case 'followup_settings':
          if (h.followupSettings) return h.followupSettings();
          break;
        case 'set_followup_settings':
          if (h.setFollowupSettings) return h.setFollowupSettings(args['settings'] as FollowupSettings);
          break;
        case 'promoters':
          if (h.promoters) {
            return h.promoters(
              (args['surveyId'] as number | null | undefined) ?? null,
              (args['ask'] as PromoterAsk[] | undefined) ?? [],
              Number(args['offset'] ?? 0),
              (args['limit'] as number | null | undefined) ?? null,
            );
          }
          break;
        case 'update_promoter':
          if (h.updatePromoter) return h.updatePromoter(Number(args['responseId']), args['update'] as PromoterUpdate);
          break;
        case 'rules_text':
          if (h.rulesText) return h.rulesText();
          break;
        case 'create_workspace':
          if (h.createWorkspace) return h.createWorkspace(String(args['path']));
          break;
        case 'recent_workspaces':
          return h.recentWorkspaces ? h.recentWorkspaces() : [];
        case 'forget_workspace':
          if (h.forgetWorkspace) return h.forgetWorkspace(String(args['path']));
          break;
        case 'write_export_file':
          if (h.writeExportFile) return h.writeExportFile(String(args['path']), Uint8Array.from(args['bytes'] as number[]));
          break;
        case 'export_table':
          if (h.exportTable) {
            return h.exportTable((args['surveyId'] as number | null | undefined) ?? null, args['request'] as TableRequest, String(args['path']));
          }
          break;
        case 'cancel_import':
          return h.cancelImport ? h.cancelImport() : null;
        case 'plugin:dialog|open':
          return h.pickFiles ? h.pickFiles() : null;
        case 'plugin:dialog|save':
          return h.pickSave ? h.pickSave() : null;
      }
      throw { code: 'internal', message: `mock backend: no handler for ${cmd}` } satisfies AppErrorPayload;
    },
    { shouldMockEvents: true },
  );
}

export function uninstallMockBackend(): void {
  clearMocks();
}

/** Emits an `import-progress` event as the Rust side would. */
export function emitProgress(p: ImportProgress): Promise<void> {
  return emit('import-progress', p);
}

/** Emits the webview's native drag-and-drop events. */
export function emitDrag(kind: 'enter' | 'over' | 'drop' | 'leave', paths: string[] = []): Promise<void> {
  const position = { x: 400, y: 300 };
  switch (kind) {
    case 'enter':
      return emit('tauri://drag-enter', { paths, position });
    case 'over':
      return emit('tauri://drag-over', { position });
    case 'drop':
      return emit('tauri://drag-drop', { paths, position });
    case 'leave':
      return emit('tauri://drag-leave', null);
  }
}

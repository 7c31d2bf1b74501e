// The only door to the Rust side: nothing outside `src/api/` imports `@tauri-apps/*`.
export * from './types';
export { AppError, errorTitle } from './errors';
export { inspectFile, importWithMapping, cancelImport, recentWorkspaces, forgetWorkspace, createWorkspace, exportTable, writeExportFile } from './backend';
export { importAccounts, followups, updateFollowup, followupSettings, setFollowupSettings, promoters, updatePromoter } from './backend';
export { accounts, comments, previewRules, rulesText, readRulesFile, writeRulesFile } from './backend';
export { startup, dashboard, importFiles, openWorkspace, nps, columnValues, explain, themes, saveRules, ruleHistory } from './backend';
export {
  onImportProgress,
  onFileDrop,
  pickExportFiles,
  pickRulesFile,
  pickAccountsFile,
  pickWorkspaceFile,
  pickNewWorkspace,
  pickTableTarget,
  pickDeckTarget,
  pickChartTarget,
  pickRulesTarget,
  IMPORT_PROGRESS_EVENT,
  EXPORT_EXTENSIONS,
  type FileDrop,
  type Unlisten,
} from './events';

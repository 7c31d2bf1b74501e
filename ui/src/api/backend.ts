// One typed async function per Tauri command. Arguments are camelCase on this side (Tauri maps them to snake_case).
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { AppError } from './errors';
import type { Dashboard, ImportReport, Startup, WorkspaceInfo } from './types';

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

/** Opens (or creates) another workspace file. */
export function openWorkspace(path: string): Promise<WorkspaceInfo> {
  return call<WorkspaceInfo>('open_workspace', { path });
}

// Events from the Rust side and the window: import progress, files dragged onto the window, the open-file dialog.
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open, save } from '@tauri-apps/plugin-dialog';
import { AppError } from './errors';
import type { ImportProgress } from './types';

export type Unlisten = () => void;

/** The event the `import_files` and `startup` commands emit while an import runs. */
export const IMPORT_PROGRESS_EVENT = 'import-progress';

/** File extensions the importer accepts. */
export const EXPORT_EXTENSIONS = ['csv', 'tsv', 'txt', 'xlsx', 'xls'] as const;

export type FileDrop =
  | { type: 'enter'; paths: string[] }
  | { type: 'over' }
  | { type: 'drop'; paths: string[] }
  | { type: 'leave' };

function detach(unlisten: () => void | Promise<void>): Unlisten {
  return () => {
    try {
      void Promise.resolve(unlisten()).catch(() => undefined);
    } catch {
      // The webview is going away; nothing to clean up.
    }
  };
}

export async function onImportProgress(handler: (progress: ImportProgress) => void): Promise<Unlisten> {
  try {
    const unlisten = await listen<ImportProgress>(IMPORT_PROGRESS_EVENT, (event) => handler(event.payload));
    return detach(unlisten);
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** Files dragged over and dropped anywhere on the window (native paths). */
export async function onFileDrop(handler: (event: FileDrop) => void): Promise<Unlisten> {
  try {
    const unlisten = await getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      switch (p.type) {
        case 'enter':
          handler({ type: 'enter', paths: [...p.paths] });
          break;
        case 'over':
          handler({ type: 'over' });
          break;
        case 'drop':
          handler({ type: 'drop', paths: [...p.paths] });
          break;
        case 'leave':
          handler({ type: 'leave' });
          break;
      }
    });
    return detach(unlisten);
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The native open dialog for survey exports. Resolves to the chosen paths, or `[]` when cancelled. */
export async function pickExportFiles(): Promise<string[]> {
  try {
    const chosen = await open({
      title: 'Import a SurveyMonkey export',
      multiple: true,
      directory: false,
      filters: [{ name: 'Survey exports', extensions: [...EXPORT_EXTENSIONS] }],
    });
    if (chosen === null) return [];
    return Array.isArray(chosen) ? chosen : [chosen];
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The open-file dialog for a rule set (`.toml` / `.json`); `null` when cancelled. */
export async function pickRulesFile(): Promise<string | null> {
  try {
    const chosen = await open({
      title: 'Import theme rules',
      multiple: false,
      directory: false,
      filters: [{ name: 'Theme rules', extensions: ['toml', 'json'] }],
    });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The open-file dialog for an accounts file (CSV from the CRM); `null` when cancelled. */
export async function pickAccountsFile(): Promise<string | null> {
  try {
    const chosen = await open({
      title: 'Import accounts (id, name, renewal date, ARR, owner)',
      multiple: false,
      directory: false,
      filters: [{ name: 'Accounts file (CSV)', extensions: ['csv'] }],
    });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The save-file dialog for exporting a rule set; `null` when cancelled. */
export async function pickRulesTarget(suggested: string): Promise<string | null> {
  try {
    return await save({
      title: 'Export theme rules',
      defaultPath: suggested,
      filters: [{ name: 'Theme rules', extensions: ['toml', 'json'] }],
    });
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The open-file dialog for a workspace (`.npsdesk`); `null` when cancelled. */
export async function pickWorkspaceFile(): Promise<string | null> {
  try {
    const chosen = await open({
      title: 'Open a workspace',
      multiple: false,
      directory: false,
      filters: [{ name: 'npsdesk workspace', extensions: ['npsdesk'] }],
    });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The save dialog for a new workspace; `null` when cancelled. Adds `.npsdesk` when the name has none. */
export async function pickNewWorkspace(): Promise<string | null> {
  try {
    const chosen = await save({
      title: 'New workspace',
      defaultPath: 'NPS.npsdesk',
      filters: [{ name: 'npsdesk workspace', extensions: ['npsdesk'] }],
    });
    if (chosen === null) return null;
    return chosen.endsWith('.npsdesk') ? chosen : `${chosen}.npsdesk`;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The save dialog for a table (`.xlsx` or `.csv`); `null` when cancelled. Adds `.xlsx` when the name has neither. */
export async function pickTableTarget(suggested: string): Promise<string | null> {
  try {
    const chosen = await save({
      title: 'Export table',
      defaultPath: suggested,
      filters: [
        { name: 'Excel workbook', extensions: ['xlsx'] },
        { name: 'CSV (UTF-8)', extensions: ['csv'] },
      ],
    });
    if (chosen === null) return null;
    return /\.(xlsx|csv)$/i.test(chosen) ? chosen : `${chosen}.xlsx`;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The save dialog for a deck (`.pptx`); `null` when cancelled. */
export async function pickDeckTarget(suggested: string): Promise<string | null> {
  try {
    const chosen = await save({ title: 'Export deck', defaultPath: suggested, filters: [{ name: 'PowerPoint', extensions: ['pptx'] }] });
    if (chosen === null) return null;
    return /\.pptx$/i.test(chosen) ? chosen : `${chosen}.pptx`;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

/** The save dialog for one chart (`.png` or `.svg`); `null` when cancelled. */
export async function pickChartTarget(suggested: string, format: 'png' | 'svg'): Promise<string | null> {
  try {
    const chosen = await save({
      title: 'Save chart',
      defaultPath: suggested,
      filters: [format === 'png' ? { name: 'PNG picture', extensions: ['png'] } : { name: 'SVG (vector)', extensions: ['svg'] }],
    });
    if (chosen === null) return null;
    return chosen.toLowerCase().endsWith(`.${format}`) ? chosen : `${chosen}.${format}`;
  } catch (reason) {
    throw AppError.from(reason);
  }
}

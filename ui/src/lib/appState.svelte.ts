// The window's state and what the user can do with it. Components read it and call its methods;
// only this module and src/api talk to the Rust side.
import {
  AppError,
  EXPORT_EXTENSIONS,
  cancelImport,
  createWorkspace,
  forgetWorkspace,
  pickNewWorkspace,
  recentWorkspaces,
  type RecentWorkspace,
  dashboard,
  errorTitle,
  importFiles,
  importWithMapping,
  onFileDrop,
  onImportProgress,
  pickExportFiles,
  pickWorkspaceFile,
  openWorkspace,
  startup,
  type Dashboard,
  type FileDrop,
  type ImportMapping,
  type ImportProgress,
  type ImportReport,
  type Unlisten,
  type WorkspaceInfo,
} from '../api';
import { baseName, partitionExportPaths } from './format';
import { Analysis } from './analysis.svelte';
import { fileInMessage } from './mapping';
import { MappingFlow } from './mappingFlow.svelte';

export type Phase = 'starting' | 'ready' | 'failed';

export type Banner = {
  title: string;
  message: string;
  hint?: string;
  code?: string;
  /** `info`: news (an export written), shown calmly. */
  tone?: 'info';
};

export type ImportRun = {
  /** The files being imported (empty for an import the Rust side started at launch). */
  files: string[];
  progress: ImportProgress | null;
  startedAt: number;
  /** When the current file's first progress event arrived. */
  fileStartedAt: number;
  rowsPerSecond: number | null;
  /** Cancel was pressed; the import stops at its next progress report and rolls back. */
  cancelling?: boolean;
};

export type ImportOutcome = {
  reports: ImportReport[];
  /** Dropped or chosen files that were not imported because they are not survey exports. */
  ignored: string[];
};

type Clock = () => number;

export class AppState {
  phase = $state<Phase>('starting');
  fatal = $state<AppError | null>(null);
  workspace = $state<WorkspaceInfo | null>(null);
  dashboard = $state<Dashboard | null>(null);
  dashboardLoading = $state(false);
  banner = $state<Banner | null>(null);
  run = $state<ImportRun | null>(null);
  outcome = $state<ImportOutcome | null>(null);
  dragging = $state(false);
  dragPaths = $state<string[]>([]);
  /** Workspaces opened lately, newest first (the workspace menu). */
  recent = $state<RecentWorkspace[]>([]);

  readonly surveys = $derived(this.workspace?.surveys ?? []);
  readonly selectedSurveyId = $derived(this.dashboard?.survey?.id ?? null);
  readonly busy = $derived(this.run !== null);
  /** The controls bar and the filtered reports. */
  readonly analysis = new Analysis();
  /** The mapping screen: exports whose detection is unsure wait here for the user's column mapping. */
  readonly mapping: MappingFlow = new MappingFlow({
    importer: (path, m) => this.#importMapped(path, m),
    onerror: (e) => this.#showError(e),
  });

  #unlisten: Unlisten[] = [];
  #dashboardRequest = 0;
  #now: Clock;

  constructor(now: Clock = () => performance.now()) {
    this.#now = now;
  }

  /** Subscribes to progress and drag-and-drop, then asks the Rust side for the workspace. */
  async init(): Promise<void> {
    await this.#listen();
    await this.#startup();
  }

  async retry(): Promise<void> {
    await this.#startup();
  }

  dispose(): void {
    for (const u of this.#unlisten.splice(0)) u();
    this.analysis.dispose();
  }

  async selectSurvey(id: number): Promise<void> {
    if (id === this.selectedSurveyId) return;
    await this.loadDashboard(id);
  }

  async loadDashboard(surveyId: number | null): Promise<void> {
    const request = ++this.#dashboardRequest;
    this.dashboardLoading = true;
    try {
      const d = await dashboard(surveyId);
      if (request !== this.#dashboardRequest) return;
      this.dashboard = d;
      this.workspace = d.workspace;
      const id = d.survey?.id ?? null;
      // Another survey: controls back to defaults. The same one (after an import): keep them, ask again.
      if (id !== this.analysis.surveyId) this.analysis.reset(id, d.overall !== null);
      else if (d.overall !== null) this.analysis.requery();
    } catch (reason) {
      if (request !== this.#dashboardRequest) return;
      this.#showError(AppError.from(reason));
    } finally {
      if (request === this.#dashboardRequest) this.dashboardLoading = false;
    }
  }

  /** Opens the file dialog for a workspace, then shows its latest survey (Ctrl+O). */
  async chooseAndOpenWorkspace(): Promise<void> {
    if (this.busy) return;
    try {
      const path = await pickWorkspaceFile();
      if (path !== null) await this.openWorkspaceAt(path);
    } catch (reason) {
      this.#showError(AppError.from(reason));
    }
  }

  /** Switches to a workspace file (from the dialog or the recent list) and shows its latest survey. */
  async openWorkspaceAt(path: string): Promise<void> {
    if (this.busy) return;
    try {
      await this.#switchTo(await openWorkspace(path));
    } catch (reason) {
      this.#showError(AppError.from(reason));
      await this.refreshRecent();
    }
  }

  /** The save dialog, then a new empty workspace there (the window shows its import screen). */
  async chooseAndCreateWorkspace(): Promise<void> {
    if (this.busy) return;
    try {
      const path = await pickNewWorkspace();
      if (path !== null) await this.#switchTo(await createWorkspace(path));
    } catch (reason) {
      this.#showError(AppError.from(reason));
    }
  }

  async forgetRecent(path: string): Promise<void> {
    try {
      this.recent = await forgetWorkspace(path);
    } catch (reason) {
      this.#showError(AppError.from(reason));
    }
  }

  /** Best effort: the recent list is a convenience, never a reason to show an error. */
  async refreshRecent(): Promise<void> {
    try {
      this.recent = await recentWorkspaces();
    } catch {
      // keep the list we have
    }
  }

  async #switchTo(info: WorkspaceInfo): Promise<void> {
    this.workspace = info;
    this.dashboard = null;
    this.outcome = null;
    this.banner = null;
    void this.refreshRecent();
    await this.loadDashboard(null);
  }

  /** A notice that is not an error (an export was written). */
  notify(title: string, message: string): void {
    this.banner = { title, message, tone: 'info' };
  }

  /** Shows an error from a component's action in the banner. */
  fail(reason: unknown): void {
    this.#showError(AppError.from(reason));
  }

  /** The import panel's Cancel button. The import's own promise then rejects with `cancelled`. */
  async cancelImport(): Promise<void> {
    if (!this.run || this.run.cancelling) return;
    this.run = { ...this.run, cancelling: true };
    try {
      await cancelImport();
    } catch (reason) {
      this.#showError(AppError.from(reason));
    }
  }

  /** Opens the file dialog and imports what was chosen. */
  async chooseAndImport(): Promise<void> {
    if (this.busy) return;
    let paths: string[];
    try {
      paths = await pickExportFiles();
    } catch (reason) {
      this.#showError(AppError.from(reason));
      return;
    }
    if (paths.length > 0) await this.importPaths(paths);
  }

  async importPaths(paths: string[]): Promise<void> {
    if (this.busy) {
      this.banner = {
        title: 'An import is already running',
        message: 'Wait until it finishes, then drop the file again.',
      };
      return;
    }
    const { accepted, rejected } = partitionExportPaths(paths, EXPORT_EXTENSIONS);
    if (accepted.length === 0) {
      this.banner = {
        title: 'Not a survey export',
        message: `${rejected.map(baseName).join(', ')} can’t be imported.`,
        hint: 'npsdesk reads SurveyMonkey exports saved as CSV (.csv, .tsv or .txt).',
      };
      return;
    }
    this.banner = null;
    this.outcome = null;
    const direct = await this.mapping.triage(accepted);
    if (direct.length === 0) return this.mapping.next();
    const now = this.#now();
    this.run = { files: direct, progress: null, startedAt: now, fileStartedAt: now, rowsPerSecond: null };
    try {
      const reports = await importFiles(direct);
      this.outcome = { reports, ignored: rejected };
      const last = reports[reports.length - 1];
      await this.loadDashboard(last ? last.survey_id : this.selectedSurveyId);
    } catch (reason) {
      const err = AppError.from(reason);
      const ask = err.code === 'needs_mapping' ? fileInMessage(direct, err.message) : null;
      if (ask) this.mapping.enqueue([ask]);
      else {
        const earlier = direct.indexOf(direct.find((f) => err.message.includes(baseName(f))) ?? '');
        this.banner = {
          title: errorTitle(err.code),
          message: err.message,
          hint:
            earlier > 0
              ? `The ${earlier === 1 ? 'file' : `${earlier} files`} before it were imported; nothing of this one was written.`
              : 'Nothing was imported: your workspace is unchanged.',
          code: err.code,
        };
        // Files before the failed one did land: show them.
        if (earlier > 0) await this.loadDashboard(null);
      }
    } finally {
      this.run = null;
    }
    await this.mapping.next();
  }

  /** One export imported with the mapping screen's mapping; rejects (for the dialog) when it fails. */
  async #importMapped(path: string, mapping: ImportMapping): Promise<void> {
    const now = this.#now();
    this.outcome = null;
    this.run = { files: [path], progress: null, startedAt: now, fileStartedAt: now, rowsPerSecond: null };
    try {
      const report = await importWithMapping(path, mapping);
      this.outcome = { reports: [report], ignored: [] };
      await this.loadDashboard(report.survey_id);
    } finally {
      this.run = null;
    }
  }

  dismissBanner(): void {
    this.banner = null;
  }

  dismissOutcome(): void {
    this.outcome = null;
  }

  /** Applies one `import-progress` event. */
  progress(p: ImportProgress): void {
    const now = this.#now();
    let run = this.run;
    if (!run) {
      // An import the Rust side started by itself (a file given on the command line).
      run = { files: [], progress: null, startedAt: now, fileStartedAt: now, rowsPerSecond: null };
    }
    const sameFile = run.progress?.file === p.file;
    const fileStartedAt = sameFile ? run.fileStartedAt : run.progress ? now : run.startedAt;
    const seconds = (now - fileStartedAt) / 1000;
    const rowsPerSecond = seconds >= 0.25 && p.rows_read > 0 ? p.rows_read / seconds : run.rowsPerSecond;
    this.run = { ...run, progress: p, fileStartedAt, rowsPerSecond };
  }

  /** Applies one drag-and-drop event from the window. */
  drop(e: FileDrop): void {
    switch (e.type) {
      case 'enter':
        this.dragging = true;
        this.dragPaths = e.paths;
        break;
      case 'over':
        this.dragging = true;
        break;
      case 'leave':
        this.dragging = false;
        this.dragPaths = [];
        break;
      case 'drop':
        this.dragging = false;
        this.dragPaths = [];
        void this.importPaths(e.paths);
        break;
    }
  }

  async #listen(): Promise<void> {
    if (this.#unlisten.length > 0) return;
    const results = await Promise.allSettled([
      onImportProgress((p) => this.progress(p)),
      onFileDrop((e) => this.drop(e)),
    ]);
    for (const r of results) {
      if (r.status === 'fulfilled') this.#unlisten.push(r.value);
    }
  }

  async #startup(): Promise<void> {
    this.phase = 'starting';
    this.fatal = null;
    try {
      const s = await startup();
      this.workspace = s.workspace;
      void this.refreshRecent();
      if (s.imported.length > 0) this.outcome = { reports: s.imported, ignored: [] };
      if (s.error) {
        const err = AppError.from(s.error);
        this.banner = {
          title: errorTitle(err.code),
          message: err.message,
          hint: 'The file given at launch was not imported.',
          code: err.code,
        };
      }
      if (s.needs_mapping) this.mapping.enqueue(s.needs_mapping);
      this.run = null;
      if (s.workspace.surveys.length > 0) {
        const last = s.imported[s.imported.length - 1];
        await this.loadDashboard(last ? last.survey_id : null);
      }
      this.phase = 'ready';
      void this.mapping.next();
    } catch (reason) {
      this.run = null;
      this.fatal = AppError.from(reason);
      this.phase = 'failed';
    }
  }

  #showError(err: AppError): void {
    this.banner = { title: errorTitle(err.code), message: err.message, code: err.code };
  }
}

// The mapping screen's state: which export it is about, the user's draft, and the files still waiting for it.
// The import itself runs through the function the window state passes in (progress, report, dashboard).
import { AppError, inspectFile, type FileInspection, type ImportMapping, type ScaleChoice } from '../api';
import { assignRole, check, initialDraft, partitionByMapping, toImportMapping, type MappingDraft, type Role } from './mapping';

export type MappingHooks = {
  /** Runs the import (progress, report, dashboard); rejects with the reason it failed. */
  importer: (path: string, mapping: ImportMapping) => Promise<void>;
  /** A queued file that cannot be shown (it vanished, or is no export). */
  onerror: (error: AppError) => void;
};

export class MappingFlow {
  /** The export the dialog is showing; `null` when closed. */
  inspection = $state<FileInspection | null>(null);
  draft = $state<MappingDraft | null>(null);
  /** Why the last Import failed (the dialog stays open). */
  error = $state<string | null>(null);
  importing = $state(false);
  /** Files waiting for the dialog, in order. */
  queue = $state<(FileInspection | string)[]>([]);

  readonly open = $derived(this.inspection !== null);
  readonly status = $derived(this.inspection && this.draft ? check(this.inspection, this.draft) : null);

  #hooks: MappingHooks;

  constructor(hooks: MappingHooks) {
    this.#hooks = hooks;
  }

  /**
   * Looks at each file before importing: returns the ones that import as they are, and queues the ones the
   * dialog asks about. A file that cannot be inspected imports directly, so the import reports its error.
   */
  async triage(paths: string[]): Promise<string[]> {
    const inspected = [];
    for (const path of paths) {
      let inspection: FileInspection | null = null;
      try {
        inspection = await inspectFile(path);
      } catch {
        inspection = null;
      }
      inspected.push({ path, inspection });
    }
    const { direct, ask } = partitionByMapping(inspected);
    this.queue = [...this.queue, ...ask];
    return direct;
  }

  /** Queues files by path (given at launch, or an import that stopped for a scale). */
  enqueue(paths: string[]): void {
    this.queue = [...this.queue, ...paths];
  }

  /** Shows the next queued file, unless the dialog is already open. */
  async next(): Promise<void> {
    while (!this.inspection && this.queue.length > 0) {
      const [head, ...rest] = this.queue;
      this.queue = rest;
      if (head === undefined) break;
      try {
        this.show(typeof head === 'string' ? await inspectFile(head) : head);
      } catch (reason) {
        this.#hooks.onerror(AppError.from(reason));
      }
    }
  }

  show(i: FileInspection): void {
    this.inspection = i;
    this.draft = initialDraft(i);
    this.error = null;
    this.importing = false;
  }

  setRole(column: string, role: Role | null): void {
    if (this.draft) this.draft = assignRole(this.draft, column, role);
  }

  setScale(scale: ScaleChoice): void {
    if (this.draft) this.draft = { ...this.draft, scale };
  }

  /** Imports with the draft; closes and moves to the next queued file on success, else shows the error. */
  async submit(): Promise<void> {
    const i = this.inspection;
    const d = this.draft;
    if (!i || !d || this.importing || !check(i, d).ok) return;
    this.importing = true;
    this.error = null;
    try {
      await this.#hooks.importer(i.path, toImportMapping(i, d));
      this.close();
      await this.next();
    } catch (reason) {
      this.error = AppError.from(reason).message;
    } finally {
      this.importing = false;
    }
  }

  /** Closes without importing this file; the next queued one (if any) opens. */
  async cancel(): Promise<void> {
    if (this.importing) return;
    this.close();
    await this.next();
  }

  close(): void {
    this.inspection = null;
    this.draft = null;
    this.error = null;
  }
}

// The rule editor: the text being edited, its live preview (problems with line and column, or coverage,
// per-theme counts and the matched comments with highlights), and saving, importing and exporting rule files.
import {
  AppError,
  pickRulesFile,
  pickRulesTarget,
  previewRules,
  readRulesFile,
  rulesText,
  saveRules,
  writeRulesFile,
  type NpsQuery,
  type RulesPreview,
} from '../api';

export const PREVIEW_DEBOUNCE_MS = 250;
export const PREVIEW_COMMENTS = 20;

/** Which comments the preview lists: the ones the rules match (by one theme), or the ones they miss. */
export type PreviewList = { kind: 'matched'; theme: string | null } | { kind: 'uncategorized' };

/** The index in `text` of a 1-based line and 1-based column (in characters), clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', at);
    if (next < 0) return text.length;
    at = next + 1;
  }
  const end = text.indexOf('\n', at);
  const lineText = text.slice(at, end < 0 ? text.length : end);
  // Columns count characters (code points), as the backend does; JS indices count UTF-16 units.
  const chars = [...lineText].slice(0, Math.max(0, column - 1));
  return at + chars.join('').length;
}

/** `rules.toml` or `rules.json`, after the text's format (JSON starts with `{`). */
export function suggestedFileName(text: string): string {
  return text.trimStart().startsWith('{') ? 'npsdesk-rules.json' : 'npsdesk-rules.toml';
}

export class RulesEditor {
  text = $state('');
  preview = $state.raw<RulesPreview | null>(null);
  /** The preview request itself failed (not a problem in the text). */
  previewError = $state<AppError | null>(null);
  list = $state<PreviewList>({ kind: 'matched', theme: null });
  busy = $state(false);
  notice = $state<string | null>(null);
  problem = $state<string | null>(null);
  previewing = $state(false);

  #request = 0;
  #started = false;

  /** Fills the editor with the rules in use (the saved version, else the built-in set), once. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    try {
      const text = await rulesText();
      if (this.text === '') this.text = text;
    } catch (reason) {
      this.problem = AppError.from(reason).message;
    }
  }

  /** What the current text would do to the selection's comments. Stale answers are dropped. */
  async runPreview(surveyId: number | null, query: NpsQuery): Promise<void> {
    if (this.text.trim() === '') return;
    const mine = ++this.#request;
    const l = this.list;
    this.previewing = true;
    try {
      const p = await previewRules(surveyId, query, this.text, {
        theme: l.kind === 'matched' ? l.theme : null,
        matched: l.kind === 'uncategorized' ? false : l.theme === null ? true : null,
        bands: [],
        search: null,
        sort: 'newest',
        offset: 0,
        limit: PREVIEW_COMMENTS,
        show: [],
      });
      if (mine !== this.#request) return;
      this.preview = p;
      this.previewError = null;
      // A theme the edit removed: back to all matched comments.
      if (l.kind === 'matched' && l.theme !== null && p.themes && !p.themes.themes.some((t) => t.theme === l.theme)) {
        this.list = { kind: 'matched', theme: null };
      }
    } catch (reason) {
      if (mine === this.#request) this.previewError = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.previewing = false;
    }
  }

  get valid(): boolean {
    return this.preview !== null && this.preview.errors.length === 0;
  }

  /** Saves the text as the workspace's next rules version (the default from now on). */
  async save(): Promise<boolean> {
    this.busy = true;
    this.notice = null;
    this.problem = null;
    try {
      const v = await saveRules(this.text, null);
      this.notice = `Saved as version ${String(v.id)}: the default for this workspace.`;
      return true;
    } catch (reason) {
      this.problem = AppError.from(reason).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Replaces the text with a rule file the user picks (checked on the way in). */
  async importFile(): Promise<boolean> {
    this.notice = null;
    this.problem = null;
    try {
      const path = await pickRulesFile();
      if (path === null) return false;
      this.text = await readRulesFile(path);
      this.notice = `Loaded ${path}. Apply or save to use it.`;
      return true;
    } catch (reason) {
      this.problem = AppError.from(reason).message;
      return false;
    }
  }

  /** Writes the text to a file the user picks (checked first). */
  async exportFile(): Promise<boolean> {
    this.notice = null;
    this.problem = null;
    try {
      const path = await pickRulesTarget(suggestedFileName(this.text));
      if (path === null) return false;
      await writeRulesFile(path, this.text);
      this.notice = `Exported to ${path}.`;
      return true;
    } catch (reason) {
      this.problem = AppError.from(reason).message;
      return false;
    }
  }
}

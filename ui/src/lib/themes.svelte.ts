// The Themes view's state: the answer for the dashboard's current selection, and the rule set being edited.
// Rules apply only on "Apply" (no live preview); a rejected rule set keeps the last good answer on screen.
import { AppError, ruleHistory, saveRules, themes, type NpsQuery, type ThemesAnswer } from '../api';

export class ThemesView {
  answer = $state.raw<ThemesAnswer | null>(null);
  /** Loading the themes failed (not a rules problem). */
  error = $state<AppError | null>(null);
  /** The rule set was rejected (its message names line and column), or saving failed. */
  rulesError = $state<string | null>(null);
  /** A short confirmation after saving. */
  notice = $state<string | null>(null);
  loading = $state(false);
  busy = $state(false);
  /** The textarea's text (empty = the workspace's saved rules, else built-in). */
  rulesText = $state('');
  /** The rule text in effect; `null` = the workspace's saved rules, else built-in. */
  applied = $state<string | null>(null);

  #request = 0;
  #historyAsked = false;

  /** The themes for a selection with the applied rules. Stale answers are dropped. */
  async load(surveyId: number | null, query: NpsQuery): Promise<void> {
    const mine = ++this.#request;
    this.loading = true;
    try {
      const a = await themes(surveyId, query, this.applied);
      if (mine !== this.#request) return;
      this.answer = a;
      this.error = null;
    } catch (reason) {
      if (mine !== this.#request) return;
      this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  /** Puts the newest saved rules in the textarea (once, and only if the user hasn't typed anything). */
  async loadHistory(): Promise<void> {
    if (this.#historyAsked) return;
    this.#historyAsked = true;
    try {
      const [newest] = await ruleHistory();
      if (newest && this.rulesText === '') this.rulesText = newest.text;
    } catch {
      // No history is no problem: the textarea stays empty (= built-in).
    }
  }

  /** Runs the textarea's rules on the selection; on success they stay in effect for later selections. */
  async apply(surveyId: number | null, query: NpsQuery): Promise<boolean> {
    const text = this.rulesText.trim() === '' ? null : this.rulesText;
    const mine = ++this.#request;
    this.busy = true;
    this.notice = null;
    try {
      const a = await themes(surveyId, query, text);
      if (mine === this.#request) {
        this.answer = a;
        this.error = null;
        this.loading = false;
      }
      this.applied = text;
      this.rulesError = null;
      return true;
    } catch (reason) {
      const e = AppError.from(reason);
      if (e.code === 'invalid_input') this.rulesError = e.message;
      else if (mine === this.#request) this.error = e;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Saves the textarea's rules as the workspace default, then shows the themes with them. */
  async saveDefault(surveyId: number | null, query: NpsQuery): Promise<boolean> {
    this.busy = true;
    this.notice = null;
    try {
      const v = await saveRules(this.rulesText, null);
      this.rulesError = null;
      this.applied = null; // the saved version is now the default
      this.notice = `Saved as version ${String(v.id)}.`;
    } catch (reason) {
      this.rulesError = AppError.from(reason).message;
      return false;
    } finally {
      this.busy = false;
    }
    await this.load(surveyId, query);
    return true;
  }
}

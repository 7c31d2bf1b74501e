// The Themes view's state: the answer for the dashboard's current selection (first without the bootstrap
// intervals, so a large survey paints at once, then with them), the same themes per period for the heat map,
// and the rules in effect. Editing rules lives in `rulesEditor.svelte.ts`.
import { AppError, themes, type NpsQuery, type Period, type ThemesAnswer } from '../api';

export class ThemesView {
  answer = $state.raw<ThemesAnswer | null>(null);
  /** The same selection grouped by period (no bootstrap): the heat map's cells. */
  periods = $state.raw<ThemesAnswer | null>(null);
  /** The answer on screen still lacks its impact intervals (the bootstrap is running). */
  intervalsPending = $state(false);
  /** Loading the themes failed (not a rules problem). */
  error = $state<AppError | null>(null);
  loading = $state(false);
  /** The rule text in effect; `null` = the workspace's saved rules, else built-in. */
  applied = $state<string | null>(null);

  #request = 0;

  /** The themes for a selection with the applied rules. Stale answers are dropped. */
  async load(surveyId: number | null, query: NpsQuery, per: Period = 'quarter'): Promise<void> {
    const mine = ++this.#request;
    const rules = this.applied;
    this.loading = true;
    try {
      const quick = await themes(surveyId, query, rules, 0);
      if (mine !== this.#request) return;
      this.answer = quick;
      this.error = null;
      this.loading = false;
      this.intervalsPending = true;
      const byPeriod = await themes(surveyId, { ...query, by: [], per, rolling: null, min_n: 0 }, rules, 0);
      if (mine !== this.#request) return;
      this.periods = byPeriod;
      const full = await themes(surveyId, query, rules, null);
      if (mine !== this.#request) return;
      this.answer = full;
    } catch (reason) {
      if (mine !== this.#request) return;
      this.error = AppError.from(reason);
    } finally {
      if (mine === this.#request) {
        this.loading = false;
        this.intervalsPending = false;
      }
    }
  }

  /** New rules in effect (`null` = saved, else built-in); the caller reloads. */
  use(rules: string | null): void {
    this.applied = rules;
  }
}

// What the user set once and expects to stay: small-sample thresholds, the default confidence level, the
// account column, and the appearance. Kept in the webview's local storage (per machine, like window size);
// a damaged or missing entry reads as the defaults.
import type { Level } from './analysis.svelte';

export type Appearance = 'system' | 'light' | 'dark';

export type Settings = {
  /** Groups with fewer answers are flagged `low n` (the engine's `low_n`). */
  lowN: number;
  /** Groups with fewer answers are hidden (the engine's `min_n`); never above `lowN`. */
  minN: number;
  /** The confidence level a survey opens with (the controls bar changes it for the session). */
  level: Level;
  /** The column that names the account (per-account counting, the Accounts view); `null` = `Custom Data 1`. */
  accountColumn: string | null;
  appearance: Appearance;
};

export const DEFAULT_SETTINGS: Settings = { lowN: 30, minN: 10, level: 0.95, accountColumn: null, appearance: 'system' };

const KEY = 'npsdesk.settings';
const LEVELS: readonly Level[] = [0.8, 0.9, 0.95, 0.99];
const APPEARANCES: readonly Appearance[] = ['system', 'light', 'dark'];
/** Beyond this a threshold hides everything a CS team has; it is a typo. */
export const MAX_THRESHOLD = 10_000;

function count(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_THRESHOLD ? v : fallback;
}

/** Reads settings from untrusted JSON: every field checked, anything odd replaced by its default. */
export function parseSettings(text: string | null): Settings {
  let raw: Record<string, unknown> = {};
  try {
    const v: unknown = text === null ? {} : JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) raw = v as Record<string, unknown>;
  } catch {
    // defaults
  }
  const d = DEFAULT_SETTINGS;
  const lowN = count(raw['lowN'], d.lowN);
  const minN = Math.min(count(raw['minN'], d.minN), lowN);
  const level = LEVELS.includes(raw['level'] as Level) ? (raw['level'] as Level) : d.level;
  const accountColumn = typeof raw['accountColumn'] === 'string' && raw['accountColumn'] !== '' ? raw['accountColumn'] : null;
  const appearance = APPEARANCES.includes(raw['appearance'] as Appearance) ? (raw['appearance'] as Appearance) : d.appearance;
  return { lowN, minN, level, accountColumn, appearance };
}

/** Problems with a draft, by field, for the settings dialog (empty = it can be saved). */
export function checkSettings(s: Settings): Partial<Record<keyof Settings, string>> {
  const problems: Partial<Record<keyof Settings, string>> = {};
  if (!Number.isInteger(s.lowN) || s.lowN < 0 || s.lowN > MAX_THRESHOLD) problems.lowN = `A whole number from 0 to ${MAX_THRESHOLD}.`;
  if (!Number.isInteger(s.minN) || s.minN < 0 || s.minN > MAX_THRESHOLD) problems.minN = `A whole number from 0 to ${MAX_THRESHOLD}.`;
  else if (!problems.lowN && s.minN > s.lowN) problems.minN = 'Hiding must start at or below the small-sample flag.';
  return problems;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

function localStore(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled
  }
}

export class SettingsStore {
  value = $state<Settings>({ ...DEFAULT_SETTINGS });
  #storage: Storage | null;

  constructor(storage: Storage | null = localStore()) {
    this.#storage = storage;
    this.value = parseSettings(storage?.getItem(KEY) ?? null);
  }

  /** Saves a checked draft; returns its problems instead when it has some. */
  save(next: Settings): Partial<Record<keyof Settings, string>> {
    const problems = checkSettings(next);
    if (Object.keys(problems).length > 0) return problems;
    this.value = { ...next };
    try {
      this.#storage?.setItem(KEY, JSON.stringify(this.value));
    } catch {
      // quota or disabled storage: the settings hold for this session
    }
    return {};
  }
}

export const settings = new SettingsStore();

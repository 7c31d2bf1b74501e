import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore, checkSettings, parseSettings } from './settings.svelte';

function memory(initial: string | null = null) {
  const data = new Map<string, string>();
  if (initial !== null) data.set('npsdesk.settings', initial);
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('settings', () => {
  it('reads anything odd as the default, field by field', () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('{not json')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('[1,2]')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings(JSON.stringify({ lowN: 50, minN: 5, level: 0.9, accountColumn: 'Company', appearance: 'dark' }))).toEqual({
      lowN: 50,
      minN: 5,
      level: 0.9,
      accountColumn: 'Company',
      appearance: 'dark',
    });
    const odd = parseSettings(JSON.stringify({ lowN: -3, minN: 2.5, level: 0.5, accountColumn: 7, appearance: 'neon' }));
    expect(odd).toEqual(DEFAULT_SETTINGS);
    // Hiding never starts above the flag, even in a hand-edited entry.
    expect(parseSettings(JSON.stringify({ lowN: 20, minN: 25 })).minN).toBe(20);
  });

  it('checks a draft: whole numbers in range, hide ≤ flag', () => {
    expect(checkSettings(DEFAULT_SETTINGS)).toEqual({});
    expect(Object.keys(checkSettings({ ...DEFAULT_SETTINGS, lowN: Number.NaN }))).toEqual(['lowN']);
    expect(Object.keys(checkSettings({ ...DEFAULT_SETTINGS, lowN: 1e6 }))).toEqual(['lowN']);
    expect(checkSettings({ ...DEFAULT_SETTINGS, lowN: 10, minN: 11 }).minN).toMatch(/at or below/);
    expect(checkSettings({ ...DEFAULT_SETTINGS, lowN: 0, minN: 0 })).toEqual({});
  });

  it('saves only a valid draft, and a new store reads it back', () => {
    const storage = memory();
    const store = new SettingsStore(storage);
    expect(store.value).toEqual(DEFAULT_SETTINGS);
    const problems = store.save({ ...DEFAULT_SETTINGS, minN: 40 });
    expect(Object.keys(problems)).toEqual(['minN']);
    expect(storage.data.size).toBe(0);
    expect(store.value).toEqual(DEFAULT_SETTINGS);
    expect(store.save({ ...DEFAULT_SETTINGS, lowN: 50, appearance: 'light' })).toEqual({});
    expect(new SettingsStore(storage).value).toEqual({ ...DEFAULT_SETTINGS, lowN: 50, appearance: 'light' });
  });

  it('keeps working when the storage refuses to write', () => {
    const store = new SettingsStore({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(store.save({ ...DEFAULT_SETTINGS, lowN: 45 })).toEqual({});
    expect(store.value.lowN).toBe(45);
  });
});

// The dashboard's own reports (computed by the Rust side with the default controls and thresholds) stand in
// for the window's answers only while those are the window's controls and thresholds too.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONTROLS, isDefault } from './analysis.svelte';
import { DEFAULT_SETTINGS, settings } from './settings.svelte';

describe('isDefault', () => {
  afterEach(() => {
    settings.value = { ...DEFAULT_SETTINGS };
  });

  it('holds only with the controls and the thresholds the dashboard was answered with', () => {
    settings.value = { ...DEFAULT_SETTINGS };
    expect(isDefault(DEFAULT_CONTROLS)).toBe(true);
    // A lower "hide below": the window's quarters would keep groups the dashboard's answer left out.
    settings.value = { ...DEFAULT_SETTINGS, minN: 5 };
    expect(isDefault(DEFAULT_CONTROLS)).toBe(false);
    settings.value = { ...DEFAULT_SETTINGS, lowN: 50 };
    expect(isDefault(DEFAULT_CONTROLS)).toBe(false);
    settings.value = { ...DEFAULT_SETTINGS };
    expect(isDefault({ ...DEFAULT_CONTROLS, from: '2025-01-01' })).toBe(false);
    expect(isDefault({ ...DEFAULT_CONTROLS, count: 'latest-per-respondent' })).toBe(false);
  });
});

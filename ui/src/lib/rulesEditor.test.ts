import { describe, expect, it } from 'vitest';
import { offsetOf, suggestedFileName } from './rulesEditor.svelte';

describe('rule editor helpers', () => {
  it('turns a 1-based line and column (in characters) into a text index', () => {
    const text = '[[themes]]\nname = "Café"\nany = ["x"]';
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 1)).toBe(11);
    expect(text.slice(offsetOf(text, 3, 8))).toBe('"x"]');
    // Past the end of a line or the text: clamped.
    expect(offsetOf(text, 2, 99)).toBe(text.indexOf('\nany'));
    expect(offsetOf(text, 9, 1)).toBe(text.length);
    // Characters, not UTF-16 units: the emoji is one column.
    expect('😀 slow'.slice(offsetOf('😀 slow', 1, 3))).toBe('slow');
  });

  it('suggests a file name after the format of the text', () => {
    expect(suggestedFileName(' {"themes": []}')).toBe('npsdesk-rules.json');
    expect(suggestedFileName('[[themes]]')).toBe('npsdesk-rules.toml');
  });
});

// The explorer's pure helpers: cutting a comment at its highlights (overlaps, surrogate pairs, bad offsets)
// and the query sent for a set of filters.
import { describe, expect, it } from 'vitest';
import { bandOf, explorerQuery, NO_FILTERS, pieces } from './comments.svelte';
import type { Highlight } from '../api';

const h = (start: number, end: number, theme: string | null = 'T'): Highlight => ({ start, end, theme, term: 't' });

describe('pieces', () => {
  it('marks the highlighted stretches and keeps the rest as plain text', () => {
    expect(pieces('Great support team', [h(6, 13, 'Support')])).toEqual([
      { text: 'Great ', themes: [], search: false },
      { text: 'support', themes: ['Support'], search: false },
      { text: ' team', themes: [], search: false },
    ]);
  });

  it('splits overlapping highlights so each piece carries every mark over it', () => {
    // "refunds late": Billing on 0..7, the search on 0..3.
    const p = pieces('refunds late', [h(0, 7, 'Billing'), h(0, 3, null)]);
    expect(p).toEqual([
      { text: 'ref', themes: ['Billing'], search: true },
      { text: 'unds', themes: ['Billing'], search: false },
      { text: ' late', themes: [], search: false },
    ]);
    expect(p.map((x) => x.text).join('')).toBe('refunds late');
  });

  it('counts UTF-16 units like the backend, and clamps offsets outside the text', () => {
    const text = '😀 slow sync';
    // The emoji is two UTF-16 units: "slow" starts at 3.
    expect(pieces(text, [h(3, 7)]).find((x) => x.themes.length > 0)?.text).toBe('slow');
    expect(pieces('abc', [h(2, 99)]).map((x) => x.text)).toEqual(['ab', 'c']);
    expect(pieces('abc', [h(5, 2)]).map((x) => x.text).join('')).toBe('abc');
  });

  it('keeps hostile text as text', () => {
    const text = '<img src=x onerror=alert(1)> =cmd';
    expect(pieces(text, []).map((x) => x.text).join('')).toBe(text);
  });
});

describe('explorer query', () => {
  it('sends trimmed words, null for an empty search, and the page window', () => {
    expect(explorerQuery({ ...NO_FILTERS, search: '  slow  ' }, 50, ['Plan'])).toEqual({
      theme: null,
      matched: null,
      bands: [],
      search: 'slow',
      sort: 'newest',
      offset: 50,
      limit: 50,
      show: ['Plan'],
    });
    expect(explorerQuery({ ...NO_FILTERS, search: '   ' }, 0, []).search).toBeNull();
  });

  it('bands follow the NPS categories', () => {
    expect([0, 6, 7, 8, 9, 10, null].map(bandOf)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter', 'unanswered']);
  });
});

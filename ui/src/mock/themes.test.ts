// The mock's themes: a tiny keyword matcher whose figures are checked here against numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import { computeNps, computeThemes, mockQuery, mockRows, MockRuleStore, parseMockRules, PLAN, tagComment, type Row } from './engine';
import type { ThemeStats } from '../api';

const RULES = JSON.stringify({
  themes: [
    { name: 'Commercial' },
    { name: 'Price', parent: 'Commercial', any: ['expensive', 'price*'] },
    { name: 'Support', any: ['support'] },
  ],
});

const row = (score: number, comment: string | null, plan = 'Pro'): Row => ({
  date: '2025-01-15',
  respondent: `R${score}`,
  score,
  values: { [PLAN]: plan },
  comment,
});

// 7 answers: P = 2 (10, 9), passives 2 (7, 8), D = 3 (3, 0, 2) → NPS (2 − 3) / 7 = −14.2857…
const ROWS: Row[] = [
  row(10, 'Great support'), // Support
  row(9, 'Fair prices'), // Price (+ Commercial)
  row(7, 'Too expensive, support ok'), // Price, Commercial, Support
  row(3, 'Expensive!'), // Price, Commercial
  row(0, 'meh', 'Free'), // uncategorized
  row(8, null), // no comment
  row(2, '   '), // blank = no comment
];

const theme = (themes: ThemeStats[], name: string) => themes.find((t) => t.theme === name)!;

describe('mock themes matcher', () => {
  it('matches whole words, prefixes with *, and tags the parent of a matching child', () => {
    const themes = parseMockRules(RULES);
    expect([...tagComment(themes, 'Too EXPENSIVE, support ok')].sort()).toEqual(['Commercial', 'Price', 'Support']);
    expect([...tagComment(themes, 'pricey')]).toEqual(['Price', 'Commercial']);
    expect(tagComment(themes, 'supportive').size).toBe(0); // whole words only
  });

  it('computes coverage, mentions, share, theme NPS and impact as worked out by hand', () => {
    const a = computeThemes(ROWS, mockQuery(), parseMockRules(RULES), 'unsaved');
    expect(a.comments).toBe(5);
    expect(a.uncategorized).toBe(1);
    expect(a.coverage).toBe(0.8);
    expect(a.nps).toBeCloseTo(-100 / 7, 12);
    expect(a.rules).toBe('unsaved');
    expect(a.themes.map((t) => t.theme)).toEqual(['Commercial', 'Price', 'Support']);

    const price = theme(a.themes, 'Price');
    expect([price.mentions, price.share, price.n, price.promoters, price.passives, price.detractors]).toEqual([3, 0.6, 3, 1, 1, 1]);
    expect(price.nps).toBe(0);
    expect(price.detractor_share).toBe(0.5); // 1 of the 2 detractors with a comment
    // Without rows 2–4: scores 10, 0, 8, 2 → (1 − 2) / 4 = −25; impact = −14.2857 + 25.
    expect(price.impact).toBeCloseTo(-100 / 7 + 25, 12);
    // Adjusted Wald on (1, 1, 1): centre 0, half = 1.959964 · √((3.5/6) / 6) = 0.611126.
    expect(price.ci95![0]).toBeCloseTo(-61.1126, 3);
    expect(price.ci95![1]).toBeCloseTo(61.1126, 3);
    expect(price.impact_ci95).toBeNull();
    expect(theme(a.themes, 'Commercial')).toMatchObject({ mentions: 3, parent: null, nps: 0 });
    expect(price.parent).toBe('Commercial');

    const support = theme(a.themes, 'Support');
    expect([support.mentions, support.share, support.promoters, support.passives, support.detractors]).toEqual([2, 0.4, 1, 1, 0]);
    expect(support.nps).toBe(50);
    expect(support.detractor_share).toBe(0);
    // Without rows 1 and 3: scores 9, 3, 0, 8, 2 → (1 − 3) / 5 = −40.
    expect(support.impact).toBeCloseTo(-100 / 7 + 40, 12);
  });

  it('applies the query’s filters; a theme nobody mentions has no NPS', () => {
    const a = computeThemes(ROWS, mockQuery({ filters: [{ column: PLAN, value: 'Free', negate: false }] }), parseMockRules(RULES), 'x');
    expect([a.comments, a.uncategorized, a.coverage, a.nps]).toEqual([1, 1, 0, -100]);
    const price = theme(a.themes, 'Price');
    expect([price.mentions, price.n, price.nps, price.ci95, price.impact]).toEqual([0, 0, null, null, 0]);
  });

  it('rejects bad rules with line and column', () => {
    expect(() => parseMockRules('{"themes": [\n  {"name": "A"},\n  {"name": ""}\n]}')).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining('line 3, column 3: themes[1].name: empty theme name') }),
    );
    expect(() => parseMockRules('{"themes": [\n  {"name": "A", "parent": "Nope"}\n]}')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('line 2, column 27: themes[0].parent: unknown parent') }),
    );
    expect(() => parseMockRules('[[themes]]\nname = "A"')).toThrow(expect.objectContaining({ message: expect.stringContaining('line 1, column 1') }));
  });

  it('uses the given text, else the newest saved version, else the built-in rules', () => {
    const store = new MockRuleStore();
    const rows = mockRows();
    expect(store.themes(rows, mockQuery(), null).rules).toBe('built-in');
    expect(() => store.save('{"themes": [{"name": ""}]}', null)).toThrow();
    expect(store.history()).toEqual([]);
    const v = store.save(RULES, 'first');
    expect(v).toMatchObject({ id: 1n, format: 'json', note: 'first', text: RULES });
    const saved = store.themes(rows, mockQuery(), null);
    expect(saved.rules).toBe('saved version 1');
    expect(saved.themes.map((t) => t.theme)).toEqual(['Commercial', 'Price', 'Support']);
    expect(store.themes(rows, mockQuery(), '{"themes": [{"name": "X", "any": ["okay"]}]}').rules).toBe('unsaved');
  });

  it('agrees with nps on the mocked survey and keeps its rows intact', () => {
    const q = mockQuery();
    const a = new MockRuleStore().themes(mockRows(), q, null);
    expect(a.nps).toBeCloseTo(computeNps(mockRows(), q).nps, 12);
    expect(a.comments).toBeGreaterThan(0.8 * mockRows().length);
    for (const t of a.themes) {
      expect(t.promoters + t.passives + t.detractors).toBe(t.mentions);
      expect(t.share).toBeCloseTo(t.mentions / a.comments, 12);
    }
    const service = theme(a.themes, 'Service');
    expect(service.mentions).toBeGreaterThanOrEqual(Math.max(theme(a.themes, 'Support').mentions, theme(a.themes, 'Onboarding').mentions));
  });
});

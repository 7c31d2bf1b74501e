import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROLS } from './analysis.svelte';
import { NO_FILTERS } from './comments.svelte';
import { fileStem, tableRequestFor } from './exportTable';

const ctx = {
  controls: { ...DEFAULT_CONTROLS, segments: ['Plan'], filters: [{ column: 'Region', value: 'EMEA', negate: false }] },
  rules: null,
  explorer: { ...NO_FILTERS, theme: 'Support' },
  surveyName: 'Acme NPS: Q3/Q4',
};

describe('export table', () => {
  it('asks each view’s table with the view’s selection', () => {
    const o = tableRequestFor('overview', ctx);
    if (o.request.table !== 'nps') throw new Error('nps');
    expect(o.request.query.by).toEqual(['Plan']);
    expect(o.request.query.per).toBe('quarter');
    expect(o.request.query.filters).toEqual(ctx.controls.filters);
    expect(o.suggested).toBe('Acme NPS Q3 Q4 - NPS.xlsx');

    const c = tableRequestFor('comments', ctx);
    if (c.request.table !== 'comments') throw new Error('comments');
    expect(c.request.explorer.theme).toBe('Support');
    expect(c.request.explorer.show).toEqual(['Plan']);
    expect(c.request.query.by).toEqual([]);

    const t = tableRequestFor('themes', { ...ctx, rules: '[[theme]]' });
    expect(t.request).toMatchObject({ table: 'themes', rules: '[[theme]]' });
    expect(tableRequestFor('accounts', ctx).request).toMatchObject({ table: 'accounts', at_risk: false });
  });

  it('makes file names from any survey name', () => {
    expect(fileStem('a/b\\c:d*e?"f<g>h|i')).toBe('a b c d e f g h i');
    expect(fileStem('  \u0007 ')).toBe('npsdesk');
    expect(fileStem('x'.repeat(200))).toHaveLength(80);
  });
});

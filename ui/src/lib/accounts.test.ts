import { describe, expect, it } from 'vitest';
import { RISK_LABELS, sparklinePath } from './accounts';

describe('sparklinePath', () => {
  it('puts 10 at the top and 0 at the bottom, evenly spaced', () => {
    // Box 72 × 20, padding 2: x from 2 to 70, y from 2 (score 10) to 18 (score 0).
    expect(sparklinePath([10, 0, 5])).toBe('M2.0,2.0L36.0,18.0L70.0,10.0');
  });

  it('draws one score as a flat line, none as nothing, and clamps out-of-range scores', () => {
    expect(sparklinePath([7])).toBe('M2,6.8H70');
    expect(sparklinePath([])).toBe('');
    expect(sparklinePath([12, -3])).toBe('M2.0,2.0L70.0,18.0');
  });

  it('words every risk reason', () => {
    expect(Object.keys(RISK_LABELS).sort()).toEqual(['category-fell', 'dropped', 'latest-detractor']);
  });
});

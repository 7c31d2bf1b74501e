import { describe, expect, it } from 'vitest';
import {
  MINUS,
  baseName,
  formatBytes,
  formatCount,
  formatDate,
  formatDateRange,
  formatDuration,
  formatInterval,
  formatNps,
  formatNumber,
  formatPercent,
  formatQuarter,
  partitionExportPaths,
  percentages,
  roundTo,
  shortenPath,
} from './format';

describe('formatNps', () => {
  it('shows a sign and one decimal', () => {
    expect(formatNps(20)).toBe('+20.0');
    expect(formatNps(-12.5)).toBe(`${MINUS}12.5`);
    expect(formatNps(-12.46)).toBe(`${MINUS}12.5`);
    expect(formatNps(7.04)).toBe('+7.0');
    expect(formatNps(100)).toBe('+100.0');
    expect(formatNps(-100)).toBe(`${MINUS}100.0`);
  });

  it('shows zero without a sign, including values that round to zero', () => {
    expect(formatNps(0)).toBe('0.0');
    expect(formatNps(-0)).toBe('0.0');
    expect(formatNps(0.04)).toBe('0.0');
    expect(formatNps(-0.04)).toBe('0.0');
  });

  it('uses the true minus sign, not a hyphen', () => {
    expect(formatNps(-3)).not.toContain('-');
    expect(formatNps(-3).codePointAt(0)).toBe(0x2212);
  });

  it('rounds half away from zero', () => {
    expect(formatNps(2.25)).toBe('+2.3');
    expect(formatNps(-2.25)).toBe(`${MINUS}2.3`);
    expect(roundTo(-0.04, 1)).toBe(0);
    expect(Object.is(roundTo(-0.04, 1), -0)).toBe(false);
  });

  it('accepts other precisions and non-finite values', () => {
    expect(formatNps(19.964, 2)).toBe('+19.96');
    expect(formatNps(30, 0)).toBe('+30');
    expect(formatNps(Number.NaN)).toBe('–');
  });
});

describe('numbers and intervals', () => {
  it('formats counts with thousand separators', () => {
    expect(formatCount(4912)).toBe('4,912');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
  });

  it('formats numbers and intervals with a true minus', () => {
    expect(formatNumber(8.46)).toBe('8.5');
    expect(formatNumber(-3.21)).toBe(`${MINUS}3.2`);
    expect(formatNumber(1234.5)).toBe('1,234.5');
    expect(formatInterval([8.46, 30.94])).toBe('8.5 to 30.9');
    expect(formatInterval([-12.04, 3])).toBe(`${MINUS}12.0 to 3.0`);
  });

  it('formats percentages, bytes and durations', () => {
    expect(formatPercent(44.8)).toBe('44.8\u202F%');
    expect(formatPercent(50, 0)).toBe('50\u202F%');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_512_000)).toBe('1.5 MB');
    expect(formatBytes(30_100_000)).toBe('30 MB');
    expect(formatDuration(0.4)).toBe('< 1 ms');
    expect(formatDuration(42.4)).toBe('42 ms');
    expect(formatDuration(99.4)).toBe('99 ms');
    expect(formatDuration(99.6)).toBe('0.1 s');
    expect(formatDuration(100)).toBe('0.1 s');
    expect(formatDuration(834)).toBe('0.8 s');
    expect(formatDuration(1_840)).toBe('1.8 s');
    expect(formatDuration(9_949)).toBe('9.9 s');
    expect(formatDuration(9_950)).toBe('10 s');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

describe('percentages', () => {
  const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1000) / 1000;

  it('adds up to exactly 100 where naive rounding does not', () => {
    // 1/3 each: naive rounding gives 33.3 × 3 = 99.9.
    expect(percentages([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
    expect(sum(percentages([1, 1, 1]))).toBe(100);
    // 2/3 and 1/3 at 0 dp: 67 + 33.
    expect(percentages([2, 1], 0)).toEqual([67, 33]);
  });

  it('matches exact shares when they are exact', () => {
    expect(percentages([50, 30, 20])).toEqual([50, 30, 20]);
    expect(percentages([2290, 1483, 1337])).toEqual([44.8, 29, 26.2]);
  });

  it('sums to 100 for many random splits and never gives a share to an empty group', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 500; i++) {
      const counts = [0, 0, 0].map(() => (rnd() < 0.1 ? 0 : Math.floor(rnd() * 5000)));
      if (counts.reduce((a, b) => a + b, 0) === 0) counts[0] = 1;
      const p = percentages(counts);
      expect(sum(p)).toBe(100);
      counts.forEach((c, j) => {
        if (c === 0) expect(p[j]).toBe(0);
        expect(Math.abs((p[j] ?? 0) - (c / counts.reduce((a, b) => a + b, 0)) * 100)).toBeLessThanOrEqual(0.1 + 1e-9);
      });
    }
  });

  it('gives zeros when there is nothing', () => {
    expect(percentages([0, 0, 0])).toEqual([0, 0, 0]);
  });
});

describe('dates, periods and paths', () => {
  it('formats ISO dates without time-zone shifts', () => {
    expect(formatDate('2025-07-03T23:59:59')).toBe('3 Jul 2025');
    expect(formatDate('2024-12-31 00:00:01')).toBe('31 Dec 2024');
    expect(formatDate('yesterday')).toBe('yesterday');
    expect(formatDate(null)).toBe('–');
    expect(formatDateRange('2024-10-01T08:00:00', '2026-09-29T17:00:00')).toBe('1 Oct 2024 – 29 Sep 2026');
    expect(formatDateRange('2024-10-01T08:00:00', '2024-10-01T09:00:00')).toBe('1 Oct 2024');
    expect(formatDateRange(null, null)).toBeNull();
  });

  it('formats quarter keys', () => {
    expect(formatQuarter('2025-Q3')).toBe('Q3 2025');
    expect(formatQuarter('2025Q1')).toBe('Q1 2025');
    expect(formatQuarter('2025-07')).toBe('2025-07');
  });

  it('shortens long paths from the left and keeps the file name', () => {
    const p = '/home/ana/Documents/Customer Success/npsdesk/acme-2026.npsdesk';
    const s = shortenPath(p, 40);
    expect(s.length).toBeLessThanOrEqual(40);
    expect(s.startsWith('…/')).toBe(true);
    expect(s.endsWith('acme-2026.npsdesk')).toBe(true);
    expect(shortenPath('/tmp/a.npsdesk')).toBe('/tmp/a.npsdesk');
    expect(shortenPath('C:\\Users\\ana\\Documents\\Customer Success\\npsdesk\\acme.npsdesk', 30)).toBe('…\\npsdesk\\acme.npsdesk');
    expect(baseName('C:\\x\\y.csv')).toBe('y.csv');
    expect(baseName('/x/y.csv')).toBe('y.csv');
  });

  it('keeps only survey exports from dropped paths', () => {
    const r = partitionExportPaths(['/a/x.CSV', '/a/y.tsv', '/a/deck.pdf', '/a/notes.txt', '/a/noext'], ['csv', 'tsv', 'txt']);
    expect(r.accepted).toEqual(['/a/x.CSV', '/a/y.tsv', '/a/notes.txt']);
    expect(r.rejected).toEqual(['/a/deck.pdf', '/a/noext']);
  });
});

import { formatPeriod } from './format';

describe('formatPeriod', () => {
  it('formats every period key of the engine', () => {
    expect(formatPeriod('2025-Q3')).toBe('Q3 2025');
    expect(formatPeriod('2025-07')).toBe('Jul 2025');
    expect(formatPeriod('2025-W07')).toBe('W07 2025');
    expect(formatPeriod('2025')).toBe('2025');
    expect(formatPeriod('2025-09-30')).toBe('30 Sep 2025');
    expect(formatPeriod('whatever')).toBe('whatever');
  });
});

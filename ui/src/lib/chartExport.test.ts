import { describe, expect, it } from 'vitest';
import { chartSvg, frame, pngSize, DEFAULT_CHART_EXPORT } from './chartExport';
import { buildSegmentOption } from '../charts/segments';
import { PICTURE_PALETTE } from './chartPictures';
import { computeNps, mockRows, PLAN } from '../mock/engine';
import { DEFAULT_CONTROLS, queryFor } from './analysis.svelte';

describe('chart export', () => {
  const report = computeNps(mockRows(), { ...queryFor(DEFAULT_CONTROLS, [PLAN], 'none'), min_n: 0 });
  const option = buildSegmentOption(report, { palette: PICTURE_PALETTE, column: PLAN, animation: false });

  it('draws at the deck size, with the footnote as escaped text on a white sheet', () => {
    const note = 'n = 5,110 · 95 % CI 16.4 to 20.9 · Filters: Plan = <script>alert(1)</script> & "Pro"';
    const svg = chartSvg(option, { ...DEFAULT_CHART_EXPORT, aspect: '4:3' }, note);
    expect(svg).toMatch(/^<svg width="1600" height="1200"[^>]*viewBox="0 0 1067 800"/);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Pro&quot;');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('<rect x="0" y="0" width="1067" height="800" fill="#ffffff"/>');
    expect(svg).toContain('Enterprise');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('leaves out the sheet when transparent and the footnote when off', () => {
    const svg = chartSvg(option, { ...DEFAULT_CHART_EXPORT, transparent: true, footnote: false }, 'never shown');
    expect(svg).toMatch(/^<svg width="1600" height="900"/);
    expect(svg).not.toContain('never shown');
    expect(svg).not.toContain('fill="#ffffff"/>');
    expect(svg, 'no background sheet from ECharts either').not.toMatch(/<rect width="1067" height="\d+" x="0" y="0" fill="#ffffff">/);
    const white = chartSvg(option, { ...DEFAULT_CHART_EXPORT, footnote: false }, '');
    expect(white).toMatch(/<rect width="1067" height="600" x="0" y="0" fill="#ffffff">/);
    expect(() => frame('not svg', { width: 1, height: 1 }, 1, { width: 1, height: 1 }, null, true)).toThrow();
  });

  it('reads a PNG’s size from its header', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0x0c, 0x80, 0, 0, 0x07, 0x08]);
    expect(pngSize(png)).toEqual({ width: 3200, height: 1800 });
    expect(pngSize(new Uint8Array(30))).toBeNull();
  });
});

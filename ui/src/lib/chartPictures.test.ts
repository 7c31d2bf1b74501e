import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROLS, queryFor } from './analysis.svelte';
import { pictureRenderer } from './chartPictures';
import { computeNps, mockRows, MockRuleStore, PLAN } from '../mock/engine';
import type { ChartSlide } from './deck';

describe('chart pictures', () => {
  it('renders every deck chart as a stand-alone SVG of the asked size whose attributes are well-formed', () => {
    const rows = mockRows();
    const controls = { ...DEFAULT_CONTROLS, segments: [PLAN] };
    const base = queryFor(controls, [], 'none');
    const render = pictureRenderer({
      surveyName: 'Acme',
      sourceFile: null,
      controls,
      overall: computeNps(rows, base),
      trend: computeNps(rows, { ...queryFor(controls, [], 'trend'), min_n: 0 }),
      segments: computeNps(rows, { ...base, by: [PLAN], min_n: 0 }),
      segmentColumn: PLAN,
      grid: computeNps(rows, { ...queryFor(controls, [PLAN], 'per'), min_n: 0 }),
      themes: new MockRuleStore().themes(rows, base, null),
      generatedAt: new Date(),
    });
    for (const kind of ['trend', 'split', 'segments', 'themes', 'heatmap'] as ChartSlide[]) {
      const svg = render(kind, 1600, 667);
      expect(svg, kind).toMatch(/^<svg width="1600" height="667"/);
      // Every attribute value is closed before the next attribute or the tag's end (no stray double quote).
      const tags = svg!.match(/<[a-zA-Z][^>]*>/g) ?? [];
      for (const t of tags) expect(t, `${kind}: ${t.slice(0, 120)}`).toMatch(/^<[\w:-]+(\s+[\w:-]+="[^"]*")*\s*\/?>$/);
    }
  });
});

// The deck: what each slide says and plots (pure outline), then the .pptx itself read back as a zip: one
// slide per outline entry plus the title, native chart parts holding the exact series values, speaker notes.
import { describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { DEFAULT_CONTROLS, queryFor } from './analysis.svelte';
import { buildDeck, deckOutline, footnote, type DeckInput } from './deck';
import { computeNps, mockRows, MockRuleStore, PLAN, REGION } from '../mock/engine';
import { formatNps } from './format';

function input(): DeckInput {
  const rows = mockRows();
  const controls = { ...DEFAULT_CONTROLS, segments: [PLAN], filters: [{ column: REGION, value: 'EMEA', negate: false }] };
  const base = queryFor(controls, [], 'none');
  return {
    surveyName: 'Acme customer NPS',
    sourceFile: 'Customer NPS relationship survey.csv',
    controls,
    overall: computeNps(rows, base),
    trend: computeNps(rows, { ...queryFor(controls, [], 'trend'), min_n: 0 }),
    segments: computeNps(rows, { ...base, by: [PLAN], min_n: 0 }),
    segmentColumn: PLAN,
    grid: computeNps(rows, { ...queryFor(controls, [PLAN], 'per'), min_n: 0 }),
    themes: new MockRuleStore().themes(rows, base, null),
    generatedAt: new Date('2026-11-23T10:00:00Z'),
  };
}

const ALL = { slides: ['trend', 'split', 'segments', 'themes', 'heatmap'] as const, picturesOnly: false };

async function unzip(bytes: Uint8Array) {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files);
  const read = (n: string) => zip.file(n)!.async('string');
  return { names, read };
}

describe('deck', () => {
  it('says on every slide what a board needs to read it: n, interval, period, filters, source', () => {
    const i = input();
    const f = footnote(i);
    expect(f).toContain(`n = ${i.overall.n.toLocaleString('en-US')}`);
    expect(f).toContain('95 % CI');
    expect(f).toMatch(/period Q\d \d{4} – Q\d \d{4}/);
    expect(f).toContain(`Filters: ${REGION} = EMEA`);
    expect(f).toContain('source: Customer NPS relationship survey.csv');
    const outline = deckOutline(i, { ...ALL, slides: [...ALL.slides] });
    expect(outline.slides.map((s) => s.kind)).toEqual(['trend', 'split', 'segments', 'themes', 'heatmap']);
    expect(outline.slides.every((s) => s.footnote === f)).toBe(true);
    expect(outline.title.headline).toBe(`NPS ${formatNps(i.overall.nps)}`);
  });

  it('plots the engine’s numbers, best segment on top, and puts the exact figures in the notes', () => {
    const i = input();
    const outline = deckOutline(i, { ...ALL, slides: [...ALL.slides] });
    const split = outline.slides.find((s) => s.kind === 'split')!;
    const shares = split.chart!.series.map((s) => s.values[0]!);
    expect(shares[0]).toBeCloseTo(i.overall.promoters_pct, 1);
    expect(shares[2]).toBeCloseTo(i.overall.detractors_pct, 1);
    expect(split.notes).toContain(`Promoters (9–10): ${i.overall.promoters.toLocaleString('en-US')}`);

    const seg = outline.slides.find((s) => s.kind === 'segments')!;
    const values = seg.chart!.series[0]!.values;
    expect(values[values.length - 1]).toBe(Math.max(...values)); // drawn bottom-up: the last is the top bar
    for (const g of i.segments!.groups) expect(seg.notes).toContain(`NPS ${formatNps(g.nps)} (n = ${g.n.toLocaleString('en-US')}`);

    const trend = outline.slides.find((s) => s.kind === 'trend')!;
    const [nps, low, high] = trend.chart!.series;
    expect(nps!.values.length).toBe(i.trend!.groups.length);
    nps!.values.forEach((v, k) => {
      expect(low!.values[k]!).toBeLessThanOrEqual(v);
      expect(high!.values[k]!).toBeGreaterThanOrEqual(v);
    });
    expect(outline.slides.find((s) => s.kind === 'heatmap')!.picture).toBe(true);
  });

  it('writes a .pptx with a title slide, one slide per chart, native charts with the series values, and notes', async () => {
    const i = input();
    const outline = deckOutline(i, { ...ALL, slides: [...ALL.slides] });
    const bytes = await buildDeck(outline, null);
    const { names, read } = await unzip(bytes);
    const slides = names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n));
    expect(slides).toHaveLength(1 + outline.slides.length);
    const charts = names.filter((n) => /^ppt\/charts\/chart\d+\.xml$/.test(n));
    expect(charts).toHaveLength(outline.slides.filter((s) => s.chart).length);
    // Each native chart's cached values are the outline's numbers (what PowerPoint shows and Edit Data opens).
    const xml = await Promise.all(charts.map(read));
    for (const s of outline.slides.filter((x) => x.chart)) {
      const first = s.chart!.series[0]!;
      const holder = xml.find((x) => first.labels.every((l) => x.includes(escapeXml(l))) && x.includes(`<c:v>${first.values[0]}</c:v>`));
      expect(holder, `${s.kind}: a chart part with its labels and values`).toBeTruthy();
    }
    const embedded = names.filter((n) => /^ppt\/embeddings\/.*\.xlsx$/.test(n));
    expect(embedded.length, 'each native chart carries its data workbook (Edit Data)').toBe(charts.length);
    const notes = await Promise.all(names.filter((n) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(n)).map(read));
    expect(notes.some((n) => n.includes(escapeXml(outline.slides[1]!.notes.split('\n')[0]!)))).toBe(true);
  });

  it('pictures only: no native chart part; a picture renderer’s SVG is embedded with its PNG fallback slot', async () => {
    const outline = deckOutline(input(), { slides: ['split', 'segments'], picturesOnly: true });
    expect(outline.slides.every((s) => s.chart === null && s.picture)).toBe(true);
    const { names } = await unzip(await buildDeck(outline, null));
    expect(names.filter((n) => /^ppt\/charts\/chart\d+\.xml$/.test(n))).toHaveLength(0);
  });
});

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// A generated deck opens in LibreOffice: converted headless to PDF, it has one page per slide, and every page
// has ink on it (rendered with pdftoppm to PPM and counted pixel by pixel).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONTROLS, queryFor } from './analysis.svelte';
import { buildDeck, deckOutline, type ChartSlide } from './deck';
import { computeNps, mockRows, MockRuleStore, PLAN } from '../mock/engine';

/** Share of pixels that are not (near) white in a binary PPM (P6). */
function ink(ppm: Buffer): number {
  const header = ppm.subarray(0, 64).toString('latin1');
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  if (!m) throw new Error('not a P6 PPM');
  const [w, h] = [Number(m[1]), Number(m[2])];
  const start = m[0].length;
  let dark = 0;
  for (let i = start; i + 2 < ppm.length; i += 3) {
    if (ppm[i]! < 235 || ppm[i + 1]! < 235 || ppm[i + 2]! < 235) dark++;
  }
  return dark / (w * h);
}

describe('deck in LibreOffice', () => {
  it('converts to a PDF with one non-blank page per slide', async () => {
    const rows = mockRows();
    const controls = { ...DEFAULT_CONTROLS, segments: [PLAN] };
    const base = queryFor(controls, [], 'none');
    const slides: ChartSlide[] = ['trend', 'split', 'segments', 'themes'];
    const outline = deckOutline(
      {
        surveyName: 'Acme customer NPS',
        sourceFile: 'Customer NPS relationship survey.csv',
        controls,
        overall: computeNps(rows, base),
        trend: computeNps(rows, { ...queryFor(controls, [], 'trend'), min_n: 0 }),
        segments: computeNps(rows, { ...base, by: [PLAN], min_n: 0 }),
        segmentColumn: PLAN,
        grid: null,
        themes: new MockRuleStore().themes(rows, base, null),
        generatedAt: new Date('2026-11-23T10:00:00Z'),
      },
      { slides, picturesOnly: false },
    );
    const dir = mkdtempSync(join(tmpdir(), 'npsdesk-deck-'));
    const pptx = join(dir, 'deck.pptx');
    writeFileSync(pptx, await buildDeck(outline, null));
    execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, pptx], {
      timeout: 150_000,
      stdio: 'pipe',
    });
    const info = execFileSync('pdfinfo', [join(dir, 'deck.pdf')], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBe(1 + outline.slides.length);
    execFileSync('pdftoppm', ['-r', '30', join(dir, 'deck.pdf'), join(dir, 'page')]);
    const images = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.ppm')).sort();
    expect(images).toHaveLength(pages);
    for (const f of images) {
      const share = ink(readFileSync(join(dir, f)));
      // A title and a chart cover well over 2 % of a slide; an empty or failed page is ~0.
      expect(share, `${f} has ink`).toBeGreaterThan(0.02);
    }
  });
});

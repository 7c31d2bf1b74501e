// @vitest-environment node
// The trend option rendered with ECharts' server-side SVG renderer: proves the option is valid for the real library
// and that labels, the band and the small-sample styling reach the picture.
import { describe, expect, it } from 'vitest';
import { echarts } from './echarts';
import { buildTrendOption, lowNLegend } from './trend';
import { LIGHT_PALETTE } from './palette';
import { EIGHT, group, report } from './fixtures.test-data';

function render(option: ReturnType<typeof buildTrendOption>): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 400 });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A small well-formedness check: every tag opened is closed in order. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g;
  for (const m of svg.matchAll(re)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      const top = stack.pop();
      expect(top, `</${name}> closes <${top}>`).toBe(name);
    } else {
      stack.push(name!);
    }
  }
  expect(stack).toEqual([]);
}

describe('trend by quarter, rendered to SVG', () => {
  const svg = render(buildTrendOption(EIGHT, { animation: false, heading: 'NPS by quarter', overallNps: EIGHT.nps }));

  it('is one well-formed <svg> document', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('width="800"');
    expect(svg).toContain('height="400"');
    assertWellFormed(svg);
  });

  it('contains every quarter label, its n and the period range in the title', () => {
    for (const q of ['Q4 2024', 'Q1 2025', 'Q2 2025', 'Q3 2025', 'Q4 2025', 'Q1 2026', 'Q2 2026', 'Q3 2026']) {
      expect(svg).toContain(`>${q}<`);
    }
    expect(svg).toContain('n = 636');
    expect(svg).toContain('NPS by quarter · Q4 2024 – Q3 2026');
  });

  it('draws the line, the band and the value labels', () => {
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(3);
    // The CI band: one closed area in the band colour, up along the lows and back along the highs of 8 quarters.
    const band = /<path d="(M[^"]*Z)" fill="rgb\(0,114,178\)" fill-opacity="0\.14"/.exec(svg);
    expect(band, 'band area').not.toBeNull();
    expect(band![1]!.match(/[ML]/g)).toHaveLength(16);
    expect(svg).toContain('+20.4');
    expect(svg).toMatch(/Overall \+\d+\.\d/);
  });

  it('renders a single quarter and negative values', () => {
    const one = render(buildTrendOption(report([group('2025-Q2', 1, 2, 7)]), { animation: false }));
    assertWellFormed(one);
    expect(one).toContain('>Q2 2025<');
    expect(one).toContain('\u221260.0');
  });

  it('draws a small-sample point hollow with the low-n stroke and names it in the legend', () => {
    const r = report([group('2025-Q1', 40, 10, 10), group('2025-Q2', 5, 3, 4), group('2025-Q3', 30, 10, 9)]);
    const s = render(buildTrendOption(r, { animation: false }));
    assertWellFormed(s);
    expect(s).toContain(lowNLegend(30).replace('<', '&lt;'));
    // The small-sample point: white fill, low-n stroke, drawn by the line (series 2) and the low-n series (5).
    const hollow = new RegExp(
      `<path [^>]*fill="${LIGHT_PALETTE.surface}"[^>]*stroke="${LIGHT_PALETTE.lowN}"[^>]*ecmeta_series_index="(2|5)" ecmeta_data_index="(\\d+)" ecmeta_ssr_type="chart"`,
      'g',
    );
    expect([...s.matchAll(hollow)].map((m) => `${m[1]}:${m[2]}`).sort()).toEqual(['2:1', '5:1']); // Q2 only
    expect(s).toMatch(/font-style:italic;[^>]*>n = 12</); // its n label in the small-sample style
    const none = render(buildTrendOption(EIGHT, { animation: false }));
    expect([...none.matchAll(hollow)]).toHaveLength(0);
    expect(none).not.toContain('font-style:italic');
  });
});

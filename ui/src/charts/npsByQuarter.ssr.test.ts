// @vitest-environment node
// Renders the option with ECharts' server-side SVG renderer: proves the option is valid for the real library.
import { describe, expect, it } from 'vitest';
import { echarts } from './echarts';
import { buildNpsByQuarterOption } from './npsByQuarter';
import { EIGHT, group, report } from './fixtures.test-data';

function render(option: ReturnType<typeof buildNpsByQuarterOption>): string {
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

describe('NPS by quarter, rendered to SVG', () => {
  const svg = render(buildNpsByQuarterOption(EIGHT, { animation: false, overallNps: EIGHT.nps }));

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
    expect(svg).toContain('+20.4');
    expect(svg).toMatch(/Overall \+\d+\.\d/);
  });

  it('renders a single quarter and negative values', () => {
    const one = render(
      buildNpsByQuarterOption(
        report([group('2025-Q2', 1, 2, 7)]),
        { animation: false },
      ),
    );
    assertWellFormed(one);
    expect(one).toContain('>Q2 2025<');
    expect(one).toContain('\u221260.0');
  });
});

// `npsdesk export chart`: the window's chart builders run in Node (ECharts server-side rendering), so a chart
// from the command line is the same chart as in the app and its deck. Reads one JSON request on stdin, writes
// the SVG on stdout. Built to ui/dist-cli/chart.mjs (`npm run build:cli`); the CLI rasterises PNGs itself.
import type { NpsReport, ThemesAnswer } from '../api';
import { buildTrendOption } from '../charts/trend';
import { buildSegmentOption } from '../charts/segments';
import { buildThemesOption } from '../charts/themes';
import type { EChartsOption } from '../charts/echarts';
import { PICTURE_PALETTE, splitOption } from '../lib/chartPictures';
import { chartSvg } from '../lib/chartExport';

export type ChartRequest = {
  kind: 'trend' | 'split' | 'segments' | 'themes';
  /** trend: the report by period; split: the overall report; segments: the report by `column`. */
  report?: NpsReport;
  themes?: ThemesAnswer;
  column?: string;
  heading?: string;
  /** One line on the selection (filters, dates, count mode). */
  context?: string;
  footnote?: string | null;
  width: number;
  height: number;
  transparent?: boolean;
};

export function optionFor(r: ChartRequest): EChartsOption {
  const palette = PICTURE_PALETTE;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`a ${r.kind} chart needs ${what}`);
    return v;
  };
  switch (r.kind) {
    case 'trend':
      return buildTrendOption(need(r.report, 'a report'), { palette, heading: r.heading, context: r.context, animation: false });
    case 'split':
      return splitOption(need(r.report, 'a report'));
    case 'segments':
      return buildSegmentOption(need(r.report, 'a report'), { palette, column: need(r.column, 'a column'), context: r.context, animation: false });
    case 'themes':
      return buildThemesOption(need(r.themes, 'a themes answer'), { palette, animation: false });
  }
}

export function render(r: ChartRequest): string {
  return chartSvg(
    optionFor(r),
    { format: 'svg', aspect: '16:9', scale: 1, transparent: r.transparent ?? false, footnote: Boolean(r.footnote), size: { width: r.width, height: r.height } },
    r.footnote ?? '',
  );
}

async function main() {
  // stdout carries the SVG alone: any library chatter goes to stderr.
  for (const k of ['log', 'info', 'warn', 'debug'] as const) console[k] = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChartRequest;
  process.stdout.write(render(request));
}

main().catch((e: unknown) => {
  process.stderr.write(`npsdesk chart renderer: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

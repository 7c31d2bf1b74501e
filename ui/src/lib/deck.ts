// "Export deck…": a PowerPoint deck built in the window with pptxgenjs. Charts are native PowerPoint charts
// (Edit Data works) unless "pictures only" is chosen (for Keynote and Google Slides, whose native-chart import
// is patchy); the heat map is always a picture (SVG with a PNG fallback). Every chart slide carries a footnote
// with n, interval, period, filters and source file, and speaker notes with the exact numbers.
//
// `deckOutline` is pure (what each slide says and plots) and unit-tested; `buildDeck` only lays it out.
import PptxGenJS from 'pptxgenjs';
import type { NpsGroup, NpsReport, ThemesAnswer } from '../api';
import { trendPoints, trendRange } from '../charts/trend';
import { segmentBars } from '../charts/segments';
import { NPS_COLORS } from '../charts/palette';
import { describeSelection, trendHeading, type Controls } from './analysis.svelte';
import { formatCount, formatNps, formatNumber } from './format';

export type ChartSlide = 'trend' | 'split' | 'segments' | 'themes' | 'heatmap';

export const CHART_SLIDES: { kind: ChartSlide; label: string }[] = [
  { kind: 'trend', label: 'NPS trend' },
  { kind: 'split', label: 'Promoters, passives and detractors' },
  { kind: 'segments', label: 'NPS by segment' },
  { kind: 'themes', label: 'Themes of the comments' },
  { kind: 'heatmap', label: 'Segment × period heat map (picture)' },
];

export type DeckInput = {
  surveyName: string;
  /** The export the survey came from, for the footnote. */
  sourceFile: string | null;
  controls: Controls;
  overall: NpsReport;
  trend: NpsReport | null;
  /** By the first segment column. */
  segments: NpsReport | null;
  segmentColumn: string | null;
  /** First segment × period (the heat map). */
  grid: NpsReport | null;
  themes: ThemesAnswer | null;
  generatedAt: Date;
};

export type DeckOptions = {
  /** Which chart slides, in this order. */
  slides: ChartSlide[];
  picturesOnly: boolean;
};

export type Series = { name: string; labels: string[]; values: number[] };

export type SlideSpec = {
  kind: ChartSlide;
  title: string;
  subtitle: string;
  footnote: string;
  notes: string;
  /** A native chart (absent: the slide is a picture, or there is nothing to plot). */
  chart: { type: 'line' | 'bar'; horizontal: boolean; stacked: 'none' | 'percent'; series: Series[]; colors: string[]; format: string } | null;
  /** Drawn as a picture (SVG with a PNG fallback) instead of a native chart. */
  picture: boolean;
};

export type DeckOutline = { title: { title: string; headline: string; lines: string[] }; slides: SlideSpec[] };

const pct = (x: number) => `${formatNumber(x, 1)} %`;
const ci = (g: { ci: [number, number] }) => `${formatNps(g.ci[0])} to ${formatNps(g.ci[1])}`;
const hex = (c: string) => c.replace('#', '').toUpperCase();
const round1 = (x: number) => Math.round(x * 10) / 10;

function levelLabel(level: number): string {
  return `${Math.round(level * 100)} %`;
}

/** The context a board needs under every chart, so nobody misreads a 12-response segment. */
export function footnote(input: DeckInput): string {
  const o = input.overall;
  const period = input.trend ? trendRange(trendPoints(input.trend)) : '';
  const parts = [
    `n = ${formatCount(o.n)}`,
    `${levelLabel(o.level)} CI ${ci(o)}`,
    period ? `period ${period}` : null,
    describeSelection(input.controls),
    `groups under n = ${o.low_n_threshold} flagged`,
    input.sourceFile ? `source: ${input.sourceFile}` : null,
  ];
  return parts.filter((p): p is string => p !== null).join(' · ');
}

function groupLine(label: string, g: NpsGroup, level: number): string {
  return `${label}: NPS ${formatNps(g.nps)} (n = ${formatCount(g.n)}, ${levelLabel(level)} CI ${ci(g)}; ${g.promoters} promoters, ${g.passives} passives, ${g.detractors} detractors)${g.low_n ? ' — small sample' : ''}`;
}

export function deckOutline(input: DeckInput, options: DeckOptions): DeckOutline {
  const o = input.overall;
  const foot = footnote(input);
  const selection = describeSelection(input.controls);
  const slides: SlideSpec[] = [];
  const pictures = options.picturesOnly;

  for (const kind of options.slides) {
    if (kind === 'trend' && input.trend) {
      const points = trendPoints(input.trend).filter((p) => p.group !== null);
      if (points.length === 0) continue;
      const labels = points.map((p) => p.label);
      const level = input.trend.level;
      slides.push({
        kind,
        title: `${trendHeading(input.controls)} · ${trendRange(points)}`,
        subtitle: `${selection} · light lines: the ${levelLabel(level)} interval`,
        footnote: foot,
        notes: points.map((p) => groupLine(p.label, p.group!, level)).join('\n'),
        picture: pictures,
        chart: pictures
          ? null
          : {
              type: 'line',
              horizontal: false,
              stacked: 'none',
              series: [
                { name: 'NPS', labels, values: points.map((p) => round1(p.group!.nps)) },
                { name: `${levelLabel(level)} CI low`, labels, values: points.map((p) => round1(p.group!.ci[0])) },
                { name: `${levelLabel(level)} CI high`, labels, values: points.map((p) => round1(p.group!.ci[1])) },
              ],
              colors: ['0072B2', '9CC9E6', '9CC9E6'],
              format: '+0.0;−0.0;0.0',
            },
      });
    } else if (kind === 'split') {
      const labels = ['All responses'];
      slides.push({
        kind,
        title: 'Promoters, passives and detractors',
        subtitle: `NPS ${formatNps(o.nps)} = ${pct(o.promoters_pct)} promoters − ${pct(o.detractors_pct)} detractors · ${selection}`,
        footnote: foot,
        notes: [
          `Promoters (9–10): ${formatCount(o.promoters)} (${pct(o.promoters_pct)})`,
          `Passives (7–8): ${formatCount(o.passives)} (${pct(o.passives_pct)})`,
          `Detractors (0–6): ${formatCount(o.detractors)} (${pct(o.detractors_pct)})`,
          `NPS ${formatNps(o.nps)}, n = ${formatCount(o.n)}, ${levelLabel(o.level)} CI ${ci(o)}`,
        ].join('\n'),
        picture: pictures,
        chart: pictures
          ? null
          : {
              type: 'bar',
              horizontal: true,
              stacked: 'percent',
              series: [
                { name: 'Promoters', labels, values: [round1(o.promoters_pct)] },
                { name: 'Passives', labels, values: [round1(o.passives_pct)] },
                { name: 'Detractors', labels, values: [round1(o.detractors_pct)] },
              ],
              colors: [hex(NPS_COLORS.promoters), hex(NPS_COLORS.passives), hex(NPS_COLORS.detractors)],
              format: '0.0"%"',
            },
      });
    } else if (kind === 'segments' && input.segments && input.segmentColumn) {
      const bars = segmentBars(input.segments, input.segmentColumn);
      if (bars.length === 0) continue;
      // PowerPoint draws horizontal bars bottom-up: reverse so the best is on top, as in the window.
      const shown = [...bars].reverse();
      const labels = shown.map((b) => `${b.label} (n = ${formatCount(b.group.n)})${b.group.low_n ? ' *' : ''}`);
      slides.push({
        kind,
        title: `NPS by ${input.segmentColumn}`,
        subtitle: `Total ${formatNps(input.segments.nps)} · ${selection}${bars.some((b) => b.group.low_n) ? ` · * fewer than ${input.segments.low_n_threshold} answers` : ''}`,
        footnote: foot,
        notes: bars
          .map((b) => {
            const t = b.group.vs_total;
            const sig = t ? ` · vs total ${formatNps(t.delta)} pts, p = ${t.p_value.toFixed(3)}${t.significant ? ' (significant)' : ''}` : '';
            return groupLine(b.label, b.group, input.segments!.level) + sig;
          })
          .join('\n'),
        picture: pictures,
        chart: pictures
          ? null
          : {
              type: 'bar',
              horizontal: true,
              stacked: 'none',
              series: [{ name: 'NPS', labels, values: shown.map((b) => round1(b.group.nps)) }],
              colors: ['0072B2'],
              format: '+0.0;−0.0;0.0',
            },
      });
    } else if (kind === 'themes' && input.themes && input.themes.themes.length > 0) {
      const r = input.themes;
      const top = r.themes
        .filter((t) => t.parent === null)
        .sort((a, b) => b.mentions - a.mentions)
        .slice(0, 12);
      const shown = [...top].reverse();
      const labels = shown.map((t) => t.theme);
      slides.push({
        kind,
        title: 'What the comments are about',
        subtitle: `${formatCount(r.comments)} comments · ${pct(r.coverage * 100)} matched a theme · rules: ${input.themes.rules} · ${selection}`,
        footnote: foot,
        notes: top
          .map(
            (t) =>
              `${t.theme}: ${formatCount(t.mentions)} mentions (${pct(t.share * 100)} of comments)` +
              (t.nps !== null ? `, theme NPS ${formatNps(t.nps)}` : '') +
              (t.impact !== null ? `, impact ${formatNps(t.impact, 2)} pts` : ''),
          )
          .join('\n'),
        picture: pictures,
        chart: pictures
          ? null
          : {
              type: 'bar',
              horizontal: true,
              stacked: 'none',
              series: [{ name: 'Mentions', labels, values: shown.map((t) => t.mentions) }],
              colors: ['56B4E9'],
              format: '#,##0',
            },
      });
    } else if (kind === 'heatmap' && input.grid && input.segmentColumn) {
      slides.push({
        kind,
        title: `NPS by ${input.segmentColumn} and ${input.controls.segments[1] ?? input.controls.per}`,
        subtitle: `${selection} · empty cells: no answers`,
        footnote: foot,
        notes: input.grid.groups.map((g) => groupLine(Object.values(g.key).map((v) => v ?? '(no answer)').join(' · '), g, input.grid!.level)).join('\n'),
        picture: true,
        chart: null,
      });
    }
  }

  const when = input.generatedAt.toISOString().slice(0, 10);
  return {
    title: {
      title: input.surveyName,
      headline: `NPS ${formatNps(o.nps)}`,
      lines: [
        `n = ${formatCount(o.n)} · ${levelLabel(o.level)} CI ${ci(o)}`,
        input.trend ? `Period ${trendRange(trendPoints(input.trend))}` : '',
        selection,
        `Made with npsdesk on ${when}${input.sourceFile ? ` from ${input.sourceFile}` : ''}`,
      ].filter((l) => l !== ''),
    },
    slides,
  };
}

/** An SVG of one chart at deck size, for picture slides (the app renders it with ECharts; `null`: skip). */
export type PictureRenderer = (kind: ChartSlide, width: number, height: number) => string | null;

const FONT = 'Arial';

/** Lays the outline out on 16:9 slides (10 × 5.625 in) and returns the .pptx bytes. */
export async function buildDeck(outline: DeckOutline, picture: PictureRenderer | null): Promise<Uint8Array> {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_16x9';
  pptx.title = outline.title.title;
  pptx.company = 'npsdesk';

  const first = pptx.addSlide();
  first.addText(outline.title.title, { x: 0.6, y: 1.0, w: 8.8, h: 0.9, fontFace: FONT, fontSize: 30, bold: true, color: '1D2433' });
  first.addText(outline.title.headline, { x: 0.6, y: 2.0, w: 8.8, h: 0.9, fontFace: FONT, fontSize: 40, bold: true, color: '0072B2' });
  first.addText(outline.title.lines.join('\n'), { x: 0.6, y: 3.0, w: 8.8, h: 1.6, fontFace: FONT, fontSize: 14, color: '475467', valign: 'top' });

  for (const s of outline.slides) {
    const slide = pptx.addSlide();
    slide.addText(s.title, { x: 0.5, y: 0.25, w: 9, h: 0.55, fontFace: FONT, fontSize: 22, bold: true, color: '1D2433' });
    slide.addText(s.subtitle, { x: 0.5, y: 0.8, w: 9, h: 0.35, fontFace: FONT, fontSize: 11, color: '667085' });
    const area = { x: 0.5, y: 1.25, w: 9, h: 3.75 };
    if (s.chart) {
      const c = s.chart;
      const type = c.type === 'line' ? pptx.ChartType.line : pptx.ChartType.bar;
      // pptxgenjs rewrites the data it is given (labels become nested arrays): give it copies.
      const data = c.series.map((x) => ({ name: x.name, labels: [...x.labels], values: [...x.values] }));
      slide.addChart(type, data, {
        ...area,
        barDir: c.horizontal ? 'bar' : 'col',
        barGrouping: c.stacked === 'percent' ? 'percentStacked' : 'clustered',
        chartColors: c.colors,
        showLegend: c.series.length > 1,
        legendPos: 'b',
        legendFontFace: FONT,
        legendFontSize: 11,
        showValue: c.type === 'bar',
        dataLabelFormatCode: c.format,
        dataLabelFontSize: 10,
        // A 100 % bar's axis runs 0–1; labels of other charts are in the data's own unit.
        valAxisLabelFormatCode: c.stacked === 'percent' ? '0%' : c.format,
        // Category labels at the low edge (left, or bottom), clear of negative bars and lines below zero.
        catAxisLabelPos: 'low',
        catAxisLabelFontFace: FONT,
        catAxisLabelFontSize: 11,
        valAxisLabelFontSize: 10,
        lineDataSymbol: 'circle',
        lineSize: 2,
        altText: `${s.title}. ${s.notes.split('\n')[0] ?? ''}`,
      });
    } else if (s.picture && picture) {
      // Drawn at 1200 px across 9 inches, so its text reads like the slide’s own 11–13 pt.
      const svg = picture(s.kind, 1200, 500);
      if (svg) {
        slide.addImage({ data: `data:image/svg+xml;base64,${base64(svg)}`, ...area, altText: s.title });
      }
    }
    slide.addText(s.footnote, { x: 0.5, y: 5.1, w: 9, h: 0.35, fontFace: FONT, fontSize: 9, color: '667085' });
    slide.addNotes(s.notes);
  }
  const out = await pptx.write({ outputType: 'uint8array' });
  return out as Uint8Array;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The deck template: which slides, in which order, and pictures only or not (kept for next quarter). */
export type DeckTemplate = DeckOptions;

export const DEFAULT_TEMPLATE: DeckTemplate = { slides: ['trend', 'split', 'segments', 'themes', 'heatmap'], picturesOnly: false };

const TEMPLATE_KEY = 'npsdesk.deck';

/** Reads a saved template from untrusted JSON: unknown slides dropped, duplicates dropped, else the default. */
export function parseTemplate(text: string | null): DeckTemplate {
  try {
    const v = JSON.parse(text ?? 'null') as unknown;
    if (!v || typeof v !== 'object') return { ...DEFAULT_TEMPLATE };
    const r = v as Record<string, unknown>;
    const known = CHART_SLIDES.map((c) => c.kind);
    const slides = Array.isArray(r['slides'])
      ? [...new Set(r['slides'].filter((x): x is ChartSlide => known.includes(x as ChartSlide)))]
      : DEFAULT_TEMPLATE.slides;
    return { slides, picturesOnly: r['picturesOnly'] === true };
  } catch {
    return { ...DEFAULT_TEMPLATE };
  }
}

export function loadTemplate(): DeckTemplate {
  try {
    return parseTemplate(localStorage.getItem(TEMPLATE_KEY));
  } catch {
    return { ...DEFAULT_TEMPLATE };
  }
}

export function saveTemplate(t: DeckTemplate): void {
  try {
    localStorage.setItem(TEMPLATE_KEY, JSON.stringify(t));
  } catch {
    // storage refused: the template holds for this session
  }
}

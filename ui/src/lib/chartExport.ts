// One chart out of the window: SVG or PNG at a fixed deck size (16:9 or 4:3, whatever the window's size), 1–3×,
// white or transparent, with an optional footnote that states n, interval, period, filters and source.
import type { EChartsOption } from '../charts/echarts';
import { renderSvg } from './chartPictures';

export type ChartFormat = 'png' | 'svg';
export type Aspect = '16:9' | '4:3';

export type ChartExportOptions = {
  format: ChartFormat;
  aspect: Aspect;
  /** PNG only: pixel density. */
  scale: 1 | 2 | 3;
  transparent: boolean;
  footnote: boolean;
  /** Another size than the aspect's deck size (the CLI's --width/--height). */
  size?: { width: number; height: number };
};

export const DEFAULT_CHART_EXPORT: ChartExportOptions = { format: 'png', aspect: '16:9', scale: 2, transparent: false, footnote: true };

export const SIZES: Record<Aspect, { width: number; height: number }> = {
  '16:9': { width: 1600, height: 900 },
  '4:3': { width: 1600, height: 1200 },
};

/** The chart is laid out at 1/ZOOM of the file's size and scaled up, so its 12–17 px text reads on a slide. */
const ZOOM = 1.5;
const FOOT_HEIGHT = 28;
const FONT = "'Segoe UI', 'Helvetica Neue', Arial, sans-serif";

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * The chart's SVG at the asked size: the chart drawn `FOOT_HEIGHT` px shorter when a footnote goes under it,
 * the footnote as real text (escaped: survey text is untrusted), and a white sheet unless transparent.
 */
export function chartSvg(option: EChartsOption, o: ChartExportOptions, footnote: string): string {
  const out = o.size ?? SIZES[o.aspect];
  const width = Math.round(out.width / ZOOM);
  const height = Math.round(out.height / ZOOM);
  const chartHeight = o.footnote ? height - FOOT_HEIGHT : height;
  const svg = renderSvg({ ...option, backgroundColor: o.transparent ? 'transparent' : '#ffffff' }, width, chartHeight);
  return frame(svg, { width, height }, chartHeight, out, o.footnote ? footnote : null, o.transparent);
}

/**
 * Grows an SVG laid out at `view` (the chart taking `chartHeight` of it) into a file of size `out`: the footnote
 * line under the chart and, unless transparent, a white sheet.
 */
export function frame(
  svg: string,
  view: { width: number; height: number },
  chartHeight: number,
  out: { width: number; height: number },
  footnote: string | null,
  transparent: boolean,
): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error('not an SVG document');
  const { width, height } = view;
  const head = open[0]
    .replace(/\bwidth="[^"]*"/, `width="${out.width}"`)
    .replace(/\bheight="[^"]*"/, `height="${out.height}"`)
    .replace(/\bviewBox="[^"]*"/, `viewBox="0 0 ${width} ${height}"`);
  const sheet = transparent ? '' : `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`;
  const foot =
    footnote === null
      ? ''
      : `<text x="16" y="${chartHeight + 18}" font-size="11" fill="#475467" font-family="${FONT}">${escapeXml(footnote)}</text>`;
  const body = svg.slice(open[0].length).replace(/<\/svg>\s*$/, '');
  return `${head}${sheet}<g>${body}</g>${foot}</svg>`;
}

/** Rasterises an SVG in the browser (an <img> from a blob: URL onto a canvas) at `scale`× its size. */
export async function svgToPng(svg: string, width: number, height: number, scale: number): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart picture could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
    if (!blob) throw new Error('the PNG could not be made');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The width and height a PNG declares in its IHDR chunk (for checks). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || sig.some((b, i) => bytes[i] !== b)) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** The file bytes for the chosen format. */
export async function chartFile(option: EChartsOption, o: ChartExportOptions, footnote: string): Promise<Uint8Array> {
  const svg = chartSvg(option, o, footnote);
  if (o.format === 'svg') return new TextEncoder().encode(svg);
  const { width, height } = o.size ?? SIZES[o.aspect];
  return svgToPng(svg, width, height, o.scale);
}

// Tooltips built as DOM (never HTML strings: the CSP and untrusted text both forbid it), shared by the charts.
import type { NpsGroup } from '../api';
import type { ChartPalette } from './palette';
import { formatCount, formatInterval, formatNps, formatNumber, formatPercent, percentages } from '../lib/format';

/**
 * The frame every chart's tooltip shares (class, colours, padding, text); the caller adds its `formatter`
 * (and the trend chart its `axisPointer`).
 */
export function tooltipFrame(palette: ChartPalette, trigger: 'item' | 'axis') {
  return {
    trigger,
    className: 'nps-tooltip',
    backgroundColor: palette.tooltipBg,
    borderColor: palette.tooltipBorder,
    borderWidth: 1,
    padding: [10, 12],
    textStyle: { fontFamily: palette.fontFamily, fontSize: 13, color: palette.text },
  };
}

/** The tooltip note on a small-sample group (trend points, segment bars, heat-map cells). */
export function lowNNote(threshold: number): string {
  return `Small sample (n < ${threshold}): read with care`;
}

/** Small-sample bars and cells: surface-filled, with a dashed low-n outline. */
export function lowNItemStyle(palette: ChartPalette) {
  return { color: palette.surface, borderColor: palette.lowN, borderWidth: 1.5, borderType: 'dashed' as const };
}

export type TipRow = { key: string; value: string; cls?: string };

export function tipElement(title: string, rows: TipRow[], notes: string[] = [], doc: Document = document): HTMLElement {
  const root = doc.createElement('div');
  root.className = 'nps-tip';
  const t = doc.createElement('div');
  t.className = 'nps-tip__title';
  t.textContent = title;
  root.appendChild(t);
  for (const row of rows) {
    const r = doc.createElement('div');
    r.className = `nps-tip__row ${row.cls ?? ''}`.trim();
    const k = doc.createElement('span');
    k.className = 'nps-tip__key';
    k.textContent = row.key;
    const v = doc.createElement('span');
    v.className = 'nps-tip__value';
    v.textContent = row.value;
    r.append(k, v);
    root.appendChild(r);
  }
  for (const note of notes) {
    const n = doc.createElement('div');
    n.className = 'nps-tip__muted';
    n.textContent = note;
    root.appendChild(n);
  }
  return root;
}

export const levelLabel = (level: number) => `${Math.round(level * 100)} %`;

/** NPS, CI at the level, n and the three shares of a group. */
export function groupRows(g: NpsGroup, level: number): TipRow[] {
  const [pp, pa, pd] = percentages([g.promoters, g.passives, g.detractors]);
  return [
    { key: 'NPS', value: formatNps(g.nps), cls: 'nps-tip__row--strong' },
    { key: `${levelLabel(level)} CI`, value: formatInterval(g.ci) },
    { key: 'n', value: formatCount(g.n) },
    { key: 'Promoters', value: `${formatPercent(pp ?? 0)} · ${formatCount(g.promoters)}`, cls: 'nps-tip__row--promoters' },
    { key: 'Passives', value: `${formatPercent(pa ?? 0)} · ${formatCount(g.passives)}`, cls: 'nps-tip__row--passives' },
    { key: 'Detractors', value: `${formatPercent(pd ?? 0)} · ${formatCount(g.detractors)}`, cls: 'nps-tip__row--detractors' },
  ];
}

export function comparisonText(c: NpsGroup['vs_total'], against: string): string {
  if (!c) return `No ${against.replace(/^the /, '')} to compare with`; // "No previous period to compare with"
  const arrow = c.significant ? (c.delta > 0 ? '▲ ' : '▼ ') : '';
  const p = c.p_value < 0.001 ? 'p < 0.001' : `p = ${c.p_value.toFixed(3)}`;
  return `${arrow}${formatNumber(c.delta) === '0.0' ? '0.0' : formatNps(c.delta)} vs ${against} · ${c.significant ? 'significant' : 'not significant'} (${p})`;
}

export function firstDataIndex(params: unknown): number | null {
  const p = Array.isArray(params) ? params[0] : params;
  if (typeof p === 'object' && p !== null && 'dataIndex' in p) {
    const i = (p as { dataIndex: unknown }).dataIndex;
    return typeof i === 'number' ? i : null;
  }
  return null;
}

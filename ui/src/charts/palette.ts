// Colours shared by the CSS theme (src/app.css) and the charts. Okabe–Ito for the NPS categories,
// so promoters/passives/detractors stay distinguishable with the common colour-vision deficiencies.

export const NPS_COLORS = {
  promoters: '#009E73',
  passives: '#9E9E9E',
  detractors: '#D55E00',
} as const;

export type ChartPalette = {
  text: string;
  textMuted: string;
  axis: string;
  grid: string;
  line: string;
  band: string;
  zero: string;
  reference: string;
  surface: string;
  tooltipBg: string;
  tooltipBorder: string;
  /** Small-sample points, bars and cells. */
  lowN: string;
  /** Bars of segments not significantly different from the total. */
  neutral: string;
  /** Middle of the heat-map scale (NPS 0). */
  heatMid: string;
  fontFamily: string;
};

export const FONT_FAMILY = '"Segoe UI", "Helvetica Neue", Inter, Arial, sans-serif';

export const LIGHT_PALETTE: ChartPalette = {
  text: '#1d2433',
  textMuted: '#667085',
  axis: '#d0d5dd',
  grid: '#eceef2',
  line: '#0072B2',
  band: 'rgba(0, 114, 178, 0.14)',
  zero: '#98a2b3',
  reference: '#E69F00',
  surface: '#ffffff',
  tooltipBg: '#ffffff',
  tooltipBorder: '#e4e7ec',
  lowN: '#98a2b3',
  neutral: '#7fa7c9',
  heatMid: '#f2f4f7',
  fontFamily: FONT_FAMILY,
};

export const DARK_PALETTE: ChartPalette = {
  text: '#e6e9ef',
  textMuted: '#98a2b3',
  axis: '#3a4150',
  grid: '#262b36',
  line: '#56B4E9',
  band: 'rgba(86, 180, 233, 0.20)',
  zero: '#667085',
  reference: '#F0C05A',
  surface: '#171a21',
  tooltipBg: '#1f232c',
  tooltipBorder: '#343a46',
  lowN: '#667085',
  neutral: '#4f7da3',
  heatMid: '#2a303b',
  fontFamily: FONT_FAMILY,
};

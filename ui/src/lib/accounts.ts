// Pure helpers of the Accounts view: the sparkline path of an account's latest scores and the wording of its
// risk reasons.
import type { RiskReason } from '../api';

export const RISK_LABELS: Record<RiskReason, string> = {
  'latest-detractor': 'latest is a detractor',
  dropped: 'fell 3+ points',
  'category-fell': 'fell a category',
};

/**
 * An SVG path through the scores (0–10, oldest first) in a `width` × `height` box, 10 at the top; one point
 * per score, evenly spaced. A single score is a short flat line; no scores, an empty path.
 */
export function sparklinePath(scores: readonly number[], width = 72, height = 20, pad = 2): string {
  if (scores.length === 0) return '';
  const y = (s: number) => pad + ((10 - Math.max(0, Math.min(10, s))) / 10) * (height - 2 * pad);
  if (scores.length === 1) return `M${pad},${y(scores[0]!).toFixed(1)}H${width - pad}`;
  const step = (width - 2 * pad) / (scores.length - 1);
  return scores.map((s, i) => `${i === 0 ? 'M' : 'L'}${(pad + i * step).toFixed(1)},${y(s).toFixed(1)}`).join('');
}

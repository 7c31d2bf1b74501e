// Number, date and path formatting. Pure functions, no locale surprises: the app formats as en-US
// with a true minus sign (U+2212), so the same survey looks the same on every machine and projector.

export const MINUS = '\u2212';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function fixed(decimals: number): Intl.NumberFormat {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Rounds half away from zero, at `decimals` places, and never yields −0. */
export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.sign(value) * Math.round(Math.abs(value) * f + Number.EPSILON * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** 4912 → "4,912". */
export function formatCount(value: number): string {
  return integer.format(Math.round(value));
}

/** A plain number with fixed decimals and a true minus: −3.25 → "−3.3" (1 dp). */
export function formatNumber(value: number, decimals = 1): string {
  if (!Number.isFinite(value)) return '–';
  const r = roundTo(value, decimals);
  const text = fixed(decimals).format(Math.abs(r));
  return r < 0 ? MINUS + text : text;
}

/** NPS in points with sign and one decimal: 20 → "+20.0", −12.46 → "−12.5", 0 → "0.0". */
export function formatNps(value: number, decimals = 1): string {
  if (!Number.isFinite(value)) return '–';
  const r = roundTo(value, decimals);
  const text = fixed(decimals).format(Math.abs(r));
  if (r > 0) return '+' + text;
  if (r < 0) return MINUS + text;
  return text;
}

/** A 95 % interval in points: [8.46, 30.9] → "8.5 to 30.9". */
export function formatInterval(interval: readonly [number, number], decimals = 1): string {
  return `${formatNumber(interval[0], decimals)} to ${formatNumber(interval[1], decimals)}`;
}

/**
 * Shares of a whole as percentages that add up to exactly 100 at the given precision
 * (largest-remainder method). All zeros → all zeros.
 */
export function percentages(counts: readonly number[], decimals = 1): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return counts.map(() => 0);
  const unit = 10 ** decimals;
  const target = 100 * unit;
  const exact = counts.map((c) => (c / total) * target);
  const floors = exact.map((x) => Math.floor(x + 1e-9));
  let left = target - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, rem: x - Math.floor(x + 1e-9) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if ((counts[i] ?? 0) > 0) {
      floors[i] = (floors[i] ?? 0) + 1;
      left -= 1;
    }
  }
  return floors.map((f) => f / unit);
}

/** 43.2 → "43.2 %" (one decimal by default; the narrow no-break space keeps the sign with its number). */
export function formatPercent(value: number, decimals = 1): string {
  return `${fixed(decimals).format(value)}\u202F%`;
}

/** 3_200_000 → "3.2 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${formatCount(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${fixed(v < 10 ? 1 : 0).format(v)} ${units[u]}`;
}

/** Milliseconds as "42 ms", "0.8 s", "1.8 s", "12 s", "2 min 5 s": a small import reads "42 ms", not "0.0 s",
 * and seconds keep their tenth while there are few of them (1.8 s is not 2 s). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1) return '< 1 ms';
  if (ms < 99.5) return `${Math.round(ms)} ms`; // 99.5 would round to "100 ms": it reads "0.1 s"
  if (ms < 9950) return `${fixed(1).format(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2025-07-03T14:05:00" (or "2025-07-03 …") → "3 Jul 2025"; anything else is returned as given. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso.trim());
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return iso;
  return `${Number(m[3])} ${month} ${m[1]}`;
}

/** "3 Jul 2025 – 28 Sep 2026", or one date, or null when neither is known. */
export function formatDateRange(first: string | null | undefined, last: string | null | undefined): string | null {
  if (!first && !last) return null;
  if (!first || !last) return formatDate(first ?? last);
  const a = formatDate(first);
  const b = formatDate(last);
  return a === b ? a : `${a} – ${b}`;
}

/** "2025-Q3" → "Q3 2025"; other period keys are returned as given. */
export function formatQuarter(key: string): string {
  const m = /^(\d{4})-?Q([1-4])$/i.exec(key.trim());
  return m ? `Q${m[2]} ${m[1]}` : key;
}

/**
 * Any period key of the engine for people: "2025-Q3" → "Q3 2025", "2025-07" → "Jul 2025",
 * "2025-W07" → "W07 2025", "2025" → "2025", a rolling end date "2025-09-30" → "30 Sep 2025".
 */
export function formatPeriod(key: string): string {
  const k = key.trim();
  let m = /^(\d{4})-?Q([1-4])$/i.exec(k);
  if (m) return `Q${m[2]} ${m[1]}`;
  m = /^(\d{4})-W(\d{2})$/.exec(k);
  if (m) return `W${m[2]} ${m[1]}`;
  m = /^(\d{4})-(\d{2})$/.exec(k);
  if (m) {
    const month = MONTHS[Number(m[2]) - 1];
    return month ? `${month} ${m[1]}` : k;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(k)) return formatDate(k);
  return k;
}

/** The last part of a path, for either separator. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}

/** Shortens a long path for the top bar: "/home/ana/Documents/cs/acme.npsdesk" → "…/cs/acme.npsdesk". */
export function shortenPath(path: string, maxLength = 42): string {
  if (path.length <= maxLength) return path;
  const sep = path.includes('\\') && !path.includes('/') ? '\\' : '/';
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  let out = parts[parts.length - 1] ?? path;
  for (let i = parts.length - 2; i >= 0; i--) {
    const next = `${parts[i]}${sep}${out}`;
    if (next.length + 2 > maxLength) break;
    out = next;
  }
  if (out.length + 2 > maxLength) {
    return '…' + out.slice(out.length - (maxLength - 1));
  }
  return `…${sep}${out}`;
}

/** Splits dropped or chosen paths into those the importer reads and the rest. */
export function partitionExportPaths(
  paths: readonly string[],
  extensions: readonly string[],
): { accepted: string[]; rejected: string[] } {
  const accepted: string[] = [];
  const rejected: string[] = [];
  const allowed = new Set(extensions.map((e) => e.toLowerCase()));
  for (const p of paths) {
    const name = baseName(p);
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
    (allowed.has(ext) ? accepted : rejected).push(p);
  }
  return { accepted, rejected };
}

/** "1 response" / "2 responses". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

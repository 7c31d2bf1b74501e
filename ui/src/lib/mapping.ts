// The mapping screen's logic, free of Svelte and IPC: which column plays which role, how a recoded NPS column
// is read, what the dialog previews, and the mapping sent to `import_with_mapping`.
import type { FileInspection, ImportMapping, MappingColumn, ScaleChoice } from '../api';

/** The roles a user assigns; each goes to at most one column. Every other column stays a segment. */
export type Role = 'id' | 'date' | 'nps' | 'comment' | 'account';

export const ROLES: readonly { role: Role; label: string; hint: string }[] = [
  { role: 'nps', label: 'NPS score', hint: 'The 0–10 “How likely are you to recommend…” answer.' },
  { role: 'date', label: 'Response date', hint: 'When the response was given; used for periods and trends.' },
  { role: 'id', label: 'Respondent ID', hint: 'Identifies a respondent, so a later export updates their answer.' },
  { role: 'comment', label: 'Comment', hint: 'The open “why?” answer, for themes.' },
  { role: 'account', label: 'Account', hint: 'The customer account, for counting NPS per account.' },
];

/** The label of a column that plays none of the roles: it is kept, and can segment or filter the results. */
export const SEGMENT_LABEL = 'Segment';

export type MappingDraft = Record<Role, string | null> & {
  /** How to read the NPS column's numbers; `null` until chosen (as written when the column is not recoded). */
  scale: ScaleChoice | null;
};

export const SCALES: readonly { scale: ScaleChoice; label: string; explain: string }[] = [
  {
    scale: '1-11',
    label: '1–11: choice positions',
    explain: 'The tool numbered the 11 choices from 1. One is subtracted: 1 is a 0, 11 is a 10.',
  },
  {
    scale: 'weights',
    label: '−100 / 0 / 100: NPS weights',
    explain: 'Each answer was replaced by its NPS weight. −100 is read as a detractor (0), 0 as a passive (7), 100 as a promoter (10).',
  },
  {
    scale: '0-10',
    label: '0–10: as written',
    explain: 'The numbers are the answers. Values outside 0–10 (such as 11 or −100) are skipped and listed in the report.',
  },
];

const FIELD: Record<Role, keyof ImportMapping> = {
  id: 'id_column',
  date: 'date_column',
  nps: 'nps_column',
  comment: 'comment_column',
  account: 'account_column',
};

/** The draft the dialog opens with: the survey's remembered mapping, else what detection found. No scale. */
export function initialDraft(i: FileInspection): MappingDraft {
  const d = i.detected;
  const r = i.remembered;
  const known = (name: string | null | undefined): string | null =>
    name != null && i.columns.some((c) => c.name === name) ? name : null;
  return {
    id: known(d.id_column),
    date: known(d.date_column),
    nps: known(r ? r.nps_column : d.nps_column),
    comment: known(r ? r.comment_column : d.comment_column),
    account: known(r ? r.account_column : d.account_column),
    scale: null,
  };
}

/** The role a column plays in the draft, or `null` (a segment). */
export function roleOf(draft: MappingDraft, column: string): Role | null {
  return ROLES.find(({ role }) => draft[role] === column)?.role ?? null;
}

/**
 * Gives `column` the role (`null`: back to a segment). A role held by another column moves here, and the
 * column's previous role is left empty. Choosing another NPS column asks for its scale again.
 */
export function assignRole(draft: MappingDraft, column: string, role: Role | null): MappingDraft {
  const next: MappingDraft = { ...draft };
  for (const { role: r } of ROLES) {
    if (next[r] === column) next[r] = null;
  }
  if (role) next[role] = column;
  if (next.nps !== draft.nps) next.scale = null;
  return next;
}

export function column(i: FileInspection, name: string | null): MappingColumn | null {
  return name == null ? null : (i.columns.find((c) => c.name === name) ?? null);
}

/** The chosen NPS column's values look recoded (1–11 or −100/0/100): a scale must be chosen. */
export function scaleNeeded(i: FileInspection, draft: MappingDraft): ScaleChoice | null {
  return column(i, draft.nps)?.recode ?? null;
}

export type Category = 'promoter' | 'passive' | 'detractor';

export type PreviewRow = { raw: string; score: number | null; category: Category | null };

export function category(score: number): Category {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** The column's first values and the 0–10 answer each becomes under `scale` (`null`: as written). */
export function scalePreview(c: MappingColumn, scale: ScaleChoice | null): PreviewRow[] {
  const read = scale === '1-11' ? c.as_1_11 : scale === 'weights' ? c.as_weights : c.as_0_10;
  return c.first_values.map((raw, k) => {
    const score = read[k] ?? null;
    return { raw, score, category: score === null ? null : category(score) };
  });
}

/** Columns whose sampled answers are mostly 0–10 scores (or a recode of them): likely NPS questions. */
export function looksLikeNps(c: MappingColumn): boolean {
  return c.recode !== null || c.score_share >= 0.8;
}

export type Check = {
  /** Import is possible. */
  ok: boolean;
  /** Why not (blocking), shown next to the Import button. */
  problem: string | null;
  /** Worth knowing, not blocking. */
  notes: string[];
};

export function check(i: FileInspection, draft: MappingDraft): Check {
  const notes: string[] = [];
  const needed = scaleNeeded(i, draft);
  if (needed && draft.scale === null) {
    return { ok: false, problem: 'Choose how to read the NPS numbers.', notes };
  }
  if (draft.nps === null) notes.push('Without an NPS column the survey is imported without NPS.');
  else {
    const preview = scalePreview(column(i, draft.nps) as MappingColumn, needed ? draft.scale : null);
    const skipped = preview.filter((p) => p.score === null).length;
    if (preview.length > 0 && skipped === preview.length) {
      notes.push('None of the first values reads as a 0–10 answer: those rows would be skipped.');
    }
  }
  if (draft.date === null) notes.push('Without a date column there are no periods or trends.');
  return { ok: true, problem: null, notes };
}

/** What `import_with_mapping` receives. The scale is sent only for a recoded column (else: as written). */
export function toImportMapping(i: FileInspection, draft: MappingDraft): ImportMapping {
  const m: ImportMapping = {
    id_column: null,
    date_column: null,
    nps_column: null,
    comment_column: null,
    account_column: null,
    nps_scale: scaleNeeded(i, draft) ? draft.scale : null,
  };
  for (const { role } of ROLES) {
    (m[FIELD[role]] as string | null) = draft[role];
  }
  return m;
}

/** The same mapping as `npsdesk import` flags, for people who script the next wave. */
export function cliFlags(m: ImportMapping): string {
  const q = (s: string) => (/^[\w.-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);
  const parts: string[] = [];
  const add = (flag: string, v: string | null) => {
    if (v !== null) parts.push(`${flag} ${q(v)}`);
  };
  add('--id-column', m.id_column);
  add('--date-column', m.date_column);
  add('--nps-column', m.nps_column);
  add('--comment-column', m.comment_column);
  add('--account-column', m.account_column);
  add('--nps-scale', m.nps_scale);
  return parts.join(' ');
}

const SOURCES: Record<string, string> = {
  surveymonkey: 'SurveyMonkey',
  qualtrics: 'Qualtrics',
  typeform: 'Typeform',
  'google-forms': 'Google Forms',
  delighted: 'Delighted',
  generic: 'Table',
};

/** One line about the file: `Table · semicolon-separated · UTF-8 · 3 rows read`. */
export function describeFile(i: FileInspection): string {
  const parts = [SOURCES[i.source] ?? i.source];
  if (i.delimiter) parts.push(`${i.delimiter}-separated`);
  parts.push(i.encoding);
  parts.push(`${i.sampled_rows.toLocaleString('en-US')} ${i.sampled_rows === 1 ? 'row' : 'rows'} previewed`);
  return parts.join(' · ');
}

/** Which dropped or opened files open the mapping screen (`needs_mapping`) and which import directly. */
export function partitionByMapping(
  inspected: { path: string; inspection: FileInspection | null }[],
): { direct: string[]; ask: FileInspection[] } {
  const direct: string[] = [];
  const ask: FileInspection[] = [];
  for (const { path, inspection } of inspected) {
    if (inspection?.needs_mapping) ask.push(inspection);
    else direct.push(path);
  }
  return { direct, ask };
}

/** The file a failed multi-file import was about: its path appears in the Rust message. */
export function fileInMessage(paths: string[], message: string): string | null {
  return [...paths].sort((a, b) => b.length - a.length).find((p) => message.includes(p)) ?? null;
}

// Made-up but plausible data for the mocked preview (mock.html) and for tests. Never in the production build.
import type {
  ColumnInfo,
  ColumnWarning,
  Dashboard,
  ImportReport,
  NpsReport,
  SurveySummary,
  WorkspaceInfo,
} from '../api';
import { computeAccounts, computeColumnValues, computeExplain, computeNps, computePreview, mockQuery, mockRows, MockRuleStore } from './engine';
import type { MockHandlers } from '../api/devMock';
import { MockLoop } from './followups';

/** The dashboard's quarterly report, computed from the mocked rows (whose quarters have `QUARTER_COUNTS`). */
export function byQuarter(): NpsReport {
  return computeNps(mockRows(), mockQuery({ per: 'quarter' }));
}

/** The dashboard's headline report: the whole survey, no grouping. */
export function overall(): NpsReport {
  return computeNps(mockRows(), mockQuery());
}

const col = (position: number, question: string, role: ColumnInfo['role'], sub_label: string | null = null): ColumnInfo => ({
  position,
  name: sub_label ? `${question} | ${sub_label}` : question,
  question,
  sub_label,
  role,
});

const COLUMNS: ColumnInfo[] = [
  col(0, 'Respondent ID', 'respondent_id'),
  col(1, 'Collector ID', 'collector_id'),
  col(2, 'Start Date', 'start_date'),
  col(3, 'End Date', 'end_date'),
  col(4, 'Custom Data 1', 'metadata'),
  col(9, 'How likely is it that you would recommend Acme to a friend or colleague?', 'nps'),
  col(10, 'What is the main reason for your score?', 'comment'),
  col(11, 'Which plan are you on?', 'segment'),
  col(12, 'Which region are you in?', 'segment'),
];

export function npsSurvey(): SurveySummary {
  const o = overall();
  return {
    id: 1,
    name: 'Acme customer NPS — relationship survey',
    source: '/home/dana/Downloads/Acme NPS 2026/CSV/Customer NPS relationship survey.csv',
    responses: o.n + 73,
    answered_nps: o.n,
    nps_column: COLUMNS[5]!.name,
    comment_column: COLUMNS[6]!.name,
    first_response: '2024-10-01T08:14:03',
    last_response: '2026-09-29T17:42:51',
    columns: COLUMNS,
  };
}

export function plainSurvey(): SurveySummary {
  return {
    id: 2,
    name: 'Onboarding feedback (no NPS)',
    source: '/home/dana/Downloads/Onboarding feedback.csv',
    responses: 418,
    answered_nps: 0,
    nps_column: null,
    comment_column: 'Anything else you would like to tell us?',
    first_response: '2026-04-02T10:00:00',
    last_response: '2026-09-12T16:20:00',
    columns: [
      col(0, 'Respondent ID', 'respondent_id'),
      col(2, 'Start Date', 'start_date'),
      col(3, 'End Date', 'end_date'),
      col(9, 'How easy was it to get started?', 'segment'),
      col(10, 'Which features did you set up in week one?', 'segment', 'Dashboards'),
      col(11, 'Which features did you set up in week one?', 'segment', 'Alerts'),
      col(12, 'Anything else you would like to tell us?', 'comment'),
    ],
  };
}

export const WORKSPACE_PATH = '/home/dana/Documents/Customer Success/npsdesk/acme-2026.npsdesk';

export function workspace(surveys: SurveySummary[] = [npsSurvey(), plainSurvey()]): WorkspaceInfo {
  return { path: WORKSPACE_PATH, surveys };
}

export function dashboardFor(surveyId: number | null, ws: WorkspaceInfo = workspace()): Dashboard {
  const survey = ws.surveys.find((s) => s.id === surveyId) ?? ws.surveys[0] ?? null;
  if (!survey) return { workspace: ws, survey: null, overall: null, by_quarter: null };
  if (survey.nps_column === null) return { workspace: ws, survey, overall: null, by_quarter: null };
  return { workspace: ws, survey, overall: overall(), by_quarter: byQuarter() };
}

/** Excel damage as the Rust reader words it (`column_warnings` in crates/npsdesk-import/src/reader.rs). */
const DAMAGE = {
  date: 'look like ranges or codes Excel turned into dates (6-25 → 25-Jun, 1-5 → 5-Jan); the original text is lost',
  scientific: 'are numbers in scientific notation (1.18111E+11): Excel dropped digits of long ids',
  boolean: 'are TRUE/FALSE: Excel (or the tool) may have turned Yes/No into booleans',
} as const;

/** One column's Excel damage: `{n} value(s) such as {example:?} {message}`, as the reader reports it. */
export function columnWarning(column: string, count: number, example: string, kind: keyof typeof DAMAGE): ColumnWarning {
  return { column, message: `${count} value(s) such as ${JSON.stringify(example)} ${DAMAGE[kind]}` };
}

/** The summary line the reader adds to `warnings` for each column warning (`column {name:?}: {message}`). */
export function columnWarningSummary(w: ColumnWarning): string {
  return `column ${JSON.stringify(w.column)}: ${w.message}`;
}

/** What the importer would report for the file's kind: workbooks have no delimiter, `.tsv` is tab-separated. */
function delimiterOf(file: string): string | null {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'xlsx' || ext === 'xls') return null;
  return ext === 'tsv' ? 'tab' : 'comma';
}

const SKIPPED: ImportReport['skipped'] = [
  { line: 1204, reason: 'NPS answer “11” is not on the 0–10 scale' },
  { line: 2877, reason: 'Respondent ID is empty' },
  { line: 3015, reason: 'Row has 14 fields, the header has 23' },
  ...Array.from({ length: 9 }, (_, i) => ({ line: 4100 + i * 7, reason: 'End Date “—” is not a date' })),
];

/**
 * A SurveyMonkey import merged into the NPS survey. Derived fields follow the overrides: `rows_read` is
 * new + updated + unchanged + skipped (the Rust invariant), `delimiter` comes from the file's extension and
 * `warnings` summarise the skipped rows and the column warnings, unless given.
 */
export function importReport(overrides: Partial<ImportReport> = {}): ImportReport {
  const file = overrides.file ?? '/home/dana/Downloads/Acme NPS 2026/CSV/Customer NPS relationship survey.csv';
  const skipped = overrides.skipped ?? SKIPPED;
  const counts = { new: overrides.new ?? 812, updated: overrides.updated ?? 37, unchanged: overrides.unchanged ?? 4203 };
  const column_warnings = overrides.column_warnings ?? [
    columnWarning('Custom Data 2', 14, '25-Jun', 'date'),
    columnWarning('Respondent ID', 3, '1.18111E+11', 'scientific'),
  ];
  const warnings = [
    ...(skipped.length > 0 ? [`${skipped.length} ${skipped.length === 1 ? 'row was' : 'rows were'} skipped (details below).`] : []),
    ...column_warnings.map(columnWarningSummary),
  ];
  return {
    source: 'SurveyMonkey',
    encoding: 'UTF-8',
    header_rows: 2,
    survey_id: 1,
    survey_name: 'Acme customer NPS — relationship survey',
    created_survey: false,
    nps_column: COLUMNS[5]!.name,
    comment_column: COLUMNS[6]!.name,
    elapsed_ms: 1834,
    date_order: 'month-first',
    dropped_test_rows: 0,
    dropped_unfinished_rows: 0,
    ...overrides,
    file,
    skipped,
    ...counts,
    rows_read: overrides.rows_read ?? counts.new + counts.updated + counts.unchanged + skipped.length,
    delimiter: overrides.delimiter !== undefined ? overrides.delimiter : delimiterOf(file),
    column_warnings,
    warnings: overrides.warnings ?? warnings,
  };
}

/** A Qualtrics wave from a German Excel: semicolons, day-first dates, preview and unfinished rows dropped. */
export function qualtricsReport(overrides: Partial<ImportReport> = {}): ImportReport {
  return importReport({
    file: '/home/dana/Downloads/Acme NPS 2026/Qualtrics/NPS_Q3_2026_DE.csv',
    source: 'Qualtrics',
    encoding: 'Windows-1252',
    header_rows: 3,
    delimiter: 'semicolon',
    date_order: 'day-first',
    dropped_test_rows: 6,
    dropped_unfinished_rows: 143,
    new: 1290,
    updated: 0,
    unchanged: 0,
    skipped: [{ line: 88, reason: 'NPS answer “k. A.” is not on the 0–10 scale' }],
    column_warnings: [
      columnWarning('Q7 - Which plan are you on? - Other', 22, '6-25', 'date'),
      columnWarning('Q9_Renewal', 41, 'TRUE', 'boolean'),
    ],
    ...overrides,
  });
}

/** The follow-up queue, promoter asks, accounts file and follow-up settings of one mocked workspace (see followups.ts). */
export function loopHandlers(
  loop: MockLoop = new MockLoop(),
): Pick<MockHandlers, 'followups' | 'updateFollowup' | 'followupSettings' | 'setFollowupSettings' | 'promoters' | 'updatePromoter' | 'importAccounts'> {
  return {
    followups: (_id, query) => loop.followups(query),
    updateFollowup: (id, update) => loop.update(id, update),
    followupSettings: () => ({ ...loop.settings }),
    setFollowupSettings: (s) => loop.setSettings(s),
    promoters: (_id, ask, offset, limit) => loop.promoters(ask, offset, limit),
    updatePromoter: (id, update) => loop.updatePromoter(id, update),
    importAccounts: (path) => loop.importAccounts(path),
  };
}

/**
 * `nps`, `column_values`, `explain`, the themes commands and accounts answered from the mocked survey's rows
 * (see engine.ts), and the follow-up commands over `loop` (its accounts file feeds `accounts` too).
 */
export function analyticsHandlers(
  loop: MockLoop = new MockLoop(),
): Pick<
  MockHandlers,
  | 'nps'
  | 'columnValues'
  | 'explain'
  | 'themes'
  | 'saveRules'
  | 'ruleHistory'
  | 'comments'
  | 'previewRules'
  | 'rulesText'
  | 'accounts'
  | 'followups'
  | 'updateFollowup'
  | 'followupSettings'
  | 'setFollowupSettings'
  | 'promoters'
  | 'updatePromoter'
  | 'importAccounts'
> {
  const rules = new MockRuleStore();
  return {
    ...loopHandlers(loop),
    comments: (_id, query, explorer, text) => rules.comments(mockRows(), query, explorer, text),
    previewRules: (_id, query, text, explorer) => computePreview(mockRows(), query, text, explorer),
    rulesText: () => rules.text(),
    accounts: (_id, query) => computeAccounts(mockRows(), query, (a) => loop.info(a)),
    themes: (_id, query, text) => rules.themes(mockRows(), query, text),
    saveRules: (text, note) => rules.save(text, note),
    ruleHistory: () => rules.history(),
    nps: (_id, query) => computeNps(mockRows(), query),
    columnValues: (_id, column) => computeColumnValues(mockRows(), column),
    explain: (_id, query, from, to, by) => computeExplain(mockRows(), query, from, to, by),
  };
}

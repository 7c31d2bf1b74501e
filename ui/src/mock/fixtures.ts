// Made-up but plausible data for the mocked preview (mock.html) and for tests. Never in the production build.
import type {
  ColumnInfo,
  Dashboard,
  ImportReport,
  NpsGroup,
  NpsReport,
  SurveySummary,
  WorkspaceInfo,
} from '../api';
import { computeColumnValues, computeExplain, computeNps, mockRows } from './engine';
import type { MockHandlers } from '../api/devMock';

/** NPS and a normal-approximation 95 % interval from counts (the app gets real ones from Rust). */
export function counts(promoters: number, passives: number, detractors: number): Omit<NpsGroup, 'key'> {
  const n = promoters + passives + detractors;
  const p = promoters / n;
  const d = detractors / n;
  const nps = (p - d) * 100;
  const se = Math.sqrt((p + d - (p - d) ** 2) / n) * 100;
  const ci95: [number, number] = [nps - 1.96 * se, nps + 1.96 * se];
  return {
    n, promoters, passives, detractors, nps, ci95,
    share: 1, distribution: [], low_n: n < 30, ci: ci95, vs_total: null, vs_previous: null, window: null,
  };
}

const QUARTERS: Array<[string, number, number, number]> = [
  ['2024-Q4', 201, 170, 181],
  ['2025-Q1', 232, 181, 182],
  ['2025-Q2', 262, 180, 170],
  ['2025-Q3', 290, 186, 160],
  ['2025-Q4', 318, 190, 150],
  ['2026-Q1', 246, 182, 236],
  ['2026-Q2', 352, 196, 138],
  ['2026-Q3', 389, 198, 120],
];

export function byQuarter(): NpsReport {
  const groups: NpsGroup[] = QUARTERS.map(([period, p, pa, d]) => ({ key: { period }, ...counts(p, pa, d) }));
  const t = groups.reduce(
    (a, g) => ({ p: a.p + g.promoters, pa: a.pa + g.passives, d: a.d + g.detractors }),
    { p: 0, pa: 0, d: 0 },
  );
  const { n, promoters, passives, detractors, nps, ci95, distribution, ci } = counts(t.p, t.pa, t.d);
  return {
    n, promoters, passives, detractors, nps, ci95, groups, distribution, ci,
    level: 0.95, count: 'all', low_n_threshold: 30, hidden_groups: 0,
  };
}

export function overall(): NpsReport {
  const q = byQuarter();
  return { ...q, groups: [] };
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

export function importReport(overrides: Partial<ImportReport> = {}): ImportReport {
  // Cast: the Rust side may add fields to ImportReport (e.g. source, encoding) before this fixture learns them.
  return {
    source: 'SurveyMonkey',
    encoding: 'UTF-8',
    file: '/home/dana/Downloads/Acme NPS 2026/CSV/Customer NPS relationship survey.csv',
    survey_id: 1,
    survey_name: 'Acme customer NPS — relationship survey',
    created_survey: false,
    nps_column: COLUMNS[5]!.name,
    comment_column: COLUMNS[6]!.name,
    rows_read: 5064,
    new: 812,
    updated: 37,
    unchanged: 4203,
    skipped: [
      { line: 1204, reason: 'NPS answer “11” is not on the 0–10 scale' },
      { line: 2877, reason: 'Respondent ID is empty' },
      { line: 3015, reason: 'Row has 14 fields, the header has 23' },
      ...Array.from({ length: 9 }, (_, i) => ({ line: 4100 + i * 7, reason: 'End Date “—” is not a date' })),
    ],
    warnings: ['12 rows were skipped (details below).', 'Column “Custom Data 2” is empty in every row and was ignored.'],
    elapsed_ms: 1834,
    ...overrides,
  } as ImportReport;
}

/** `nps`, `column_values` and `explain` answered from the mocked survey's rows (see engine.ts). */
export function analyticsHandlers(): Pick<MockHandlers, 'nps' | 'columnValues' | 'explain'> {
  return {
    nps: (_id, query) => computeNps(mockRows(), query),
    columnValues: (_id, column) => computeColumnValues(mockRows(), column),
    explain: (_id, query, from, to, by) => computeExplain(mockRows(), query, from, to, by),
  };
}

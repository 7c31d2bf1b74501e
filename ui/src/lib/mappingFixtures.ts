// Inspections as `inspect_file` returns them for two of the repository's test exports
// (tests/fixtures/generic_mapping_w1.csv and nps_1_to_11.csv), for unit tests and the mocked preview.
import type { FileInspection, MappingColumn } from '../api';

function col(position: number, name: string, values: string[], extra: Partial<MappingColumn> = {}): MappingColumn {
  const asInt = (v: string) => (/^-?\d+$/.test(v.trim()) ? Number(v) : null);
  const scores = values.map((v) => {
    const n = asInt(v);
    return n !== null && n >= 0 && n <= 10 ? n : null;
  });
  return {
    position,
    name,
    question: name,
    sub_label: null,
    role: 'segment',
    samples: [...new Set(values)].slice(0, 3),
    first_values: values,
    as_0_10: scores,
    as_1_11: values.map((v) => {
      const n = asInt(v);
      return n !== null && n >= 1 && n <= 11 ? n - 1 : null;
    }),
    as_weights: values.map((v) => ({ '-100': 0, '0': 7, '100': 10 })[v.trim()] ?? null),
    score_share: values.length === 0 ? 0 : scores.filter((s) => s !== null).length / values.length,
    recode: null,
    ...extra,
  };
}

/** A semicolon-separated table whose score column is called `q7`: nothing is detected. */
export function genericInspection(path = '/home/dana/Downloads/generic_mapping_w1.csv'): FileInspection {
  return {
    path,
    file_name: path.split('/').pop() ?? path,
    source: 'generic',
    header_rows: 1,
    encoding: 'UTF-8',
    delimiter: 'semicolon',
    date_order: null,
    sampled_rows: 3,
    columns: [
      col(0, 'ref', ['T-1', 'T-2', 'T-3']),
      col(1, 'answered', ['31/01/2025 14:00', '15/02/2025 09:30', '03/03/2025 17:45']),
      col(2, 'q7', ['9', '4', '10']),
      col(3, 'free text', ['quick answers', 'slow']),
      col(4, 'company', ['Globex', 'Initech', 'Globex']),
    ],
    detected: {
      id_column: null,
      date_column: null,
      nps_column: null,
      comment_column: null,
      account_column: null,
      nps_scale: null,
    },
    nps_detected_by: null,
    nps_recode: null,
    remembered: null,
    needs_mapping: true,
    reasons: ['No column is clearly the 0–10 recommend question.'],
  };
}

/** A recommend question answered as choice positions 1–11. */
export function recodedInspection(path = '/home/dana/Downloads/nps_1_to_11.csv'): FileInspection {
  return {
    path,
    file_name: path.split('/').pop() ?? path,
    source: 'generic',
    header_rows: 1,
    encoding: 'UTF-8',
    delimiter: 'comma',
    date_order: null,
    sampled_rows: 6,
    columns: [
      col(0, 'id', ['1', '2', '3', '4', '5', '6']),
      col(1, 'How likely are you to recommend us?', ['11', '1', '8', '10', '9', '11'], { role: 'nps', recode: '1-11' }),
    ],
    detected: {
      id_column: null,
      date_column: null,
      nps_column: 'How likely are you to recommend us?',
      comment_column: null,
      account_column: null,
      nps_scale: null,
    },
    nps_detected_by: 'question text',
    nps_recode: '1-11',
    remembered: null,
    needs_mapping: true,
    reasons: [
      'The NPS column “How likely are you to recommend us?” holds numbers from 1 to 11 (choice positions of a 0–10 scale?): say how to read it.',
    ],
  };
}

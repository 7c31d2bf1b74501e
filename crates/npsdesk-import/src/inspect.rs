//! `npsdesk inspect FILE`: what the importer sees in a file (source, header rows, encoding, delimiter, date
//! order, columns with their roles and sample values, warnings), read through once without touching any
//! workspace.

use std::path::Path;

use serde::Serialize;

use crate::reader::{ExportReader, ImportOptions, RowOutcome};
use crate::Result;

/// How many distinct sample values are shown per column.
const SAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectedColumn {
    pub position: usize,
    /// Unique name (what `--by` and the mapping flags accept).
    pub name: String,
    pub question: String,
    pub sub_label: Option<String>,
    /// `respondent_id`, `end_date`, `nps`, `comment`, `segment`, … (see `ColumnRole`).
    pub role: &'static str,
    /// The first few distinct non-empty values (shortened).
    pub samples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub file: String,
    pub source: &'static str,
    pub header_rows: usize,
    pub encoding: String,
    /// `comma`, `semicolon` or `tab`; `null` for workbooks.
    pub delimiter: Option<&'static str>,
    /// `month-first` or `day-first`, when the file has a date column.
    pub date_order: Option<&'static str>,
    /// Data rows that would be imported (skipped and dropped rows not included).
    pub rows: u64,
    pub skipped: u64,
    pub dropped_test_rows: u64,
    pub dropped_unfinished_rows: u64,
    /// ISO local date-times of the earliest and latest readable response date.
    pub first_response: Option<String>,
    pub last_response: Option<String>,
    pub id_column: Option<String>,
    pub date_column: Option<String>,
    pub nps_column: Option<String>,
    pub nps_detected_by: Option<&'static str>,
    /// `0-10`, `1-11` or `weights` when given; `null` otherwise.
    pub nps_scale: Option<&'static str>,
    pub comment_column: Option<String>,
    pub account_column: Option<String>,
    pub columns: Vec<InspectedColumn>,
    pub warnings: Vec<String>,
}

/// Reads `path` through without importing it. Errors are the ones an import would give (wrong file, unknown
/// override column); a recoded NPS column without `nps_scale` is a warning here, not an error.
pub fn inspect(path: &Path, options: &ImportOptions) -> Result<Inspection> {
    let mut reader = ExportReader::open(path, options)?;
    let layout = reader.layout().clone();
    let mut samples: Vec<Vec<String>> = vec![Vec::new(); layout.columns.len()];
    let scale_problem = reader.check_nps_scale().err().map(|e| e.to_string());
    let (mut rows, mut skipped) = (0u64, 0u64);
    let (mut first, mut last) = (None, None);
    while let Some(outcome) = reader.next_row() {
        match outcome? {
            RowOutcome::Row(r) => {
                rows += 1;
                if let Some(d) = r.responded_at {
                    first = Some(first.map_or(d, |f: chrono::NaiveDateTime| f.min(d)));
                    last = Some(last.map_or(d, |l: chrono::NaiveDateTime| l.max(d)));
                }
                for (i, cell) in r.cells.iter().enumerate() {
                    let v = cell.trim();
                    let s = &mut samples[i];
                    if s.len() < SAMPLES && !v.is_empty() {
                        let short = shorten(v, 40);
                        if !s.contains(&short) {
                            s.push(short);
                        }
                    }
                }
            }
            RowOutcome::Skipped(_) => skipped += 1,
        }
    }
    let (dropped_test_rows, dropped_unfinished_rows) = reader.dropped();
    let mut warnings = reader.warnings();
    if let Some(p) = scale_problem {
        warnings.insert(0, p);
    }
    let iso = |d: Option<chrono::NaiveDateTime>| d.map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string());
    Ok(Inspection {
        file: path.display().to_string(),
        source: layout.source,
        header_rows: layout.header_rows,
        encoding: reader.encoding(),
        delimiter: reader.delimiter(),
        date_order: layout.date.map(|_| reader.date_evidence().order.as_str()),
        rows,
        skipped,
        dropped_test_rows,
        dropped_unfinished_rows,
        first_response: iso(first),
        last_response: iso(last),
        id_column: layout.column_name(layout.respondent_id),
        date_column: layout.column_name(layout.date),
        nps_column: layout.column_name(layout.nps),
        nps_detected_by: layout.nps_detected_by,
        nps_scale: reader.nps_scale().map(|s| s.as_str()),
        comment_column: layout.column_name(layout.comment),
        account_column: layout.column_name(layout.account),
        columns: layout
            .columns
            .iter()
            .zip(samples)
            .map(|(c, samples)| InspectedColumn {
                position: c.position,
                name: c.name.clone(),
                question: c.question.clone(),
                sub_label: c.sub_label.clone(),
                role: c.role.as_str(),
                samples,
            })
            .collect(),
        warnings,
    })
}

fn shorten(s: &str, max: usize) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!("{}…", one_line.chars().take(max).collect::<String>())
    }
}

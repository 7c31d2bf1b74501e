//! `npsdesk inspect FILE`: what the importer sees in a file (source, header rows, encoding, delimiter, date
//! order, columns with their roles and sample values, warnings), read through once without touching any
//! workspace.

use std::path::Path;

use npsdesk_core::Score;
use serde::Serialize;

use crate::layout::Recode;
use crate::reader::{ExportReader, ImportOptions, NpsScale, RowOutcome};
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

/// How many leading non-empty values of each column [`preview`] reads under every NPS scale.
const PREVIEW_VALUES: usize = 6;

/// A column as the app's mapping screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewColumn {
    pub position: usize,
    /// Unique name (what the mapping options accept).
    pub name: String,
    pub question: String,
    pub sub_label: Option<String>,
    /// The detected role (`ColumnRole::as_str`).
    pub role: &'static str,
    /// The first few distinct non-empty values (shortened).
    pub samples: Vec<String>,
    /// The first non-empty values in file order (shortened), for the scale preview.
    pub first_values: Vec<String>,
    /// `first_values` read as 0–10 answers under each scale (`None`: that value would be skipped).
    pub as_0_10: Vec<Option<u8>>,
    pub as_1_11: Vec<Option<u8>>,
    pub as_weights: Vec<Option<u8>>,
    /// Share of the sampled non-empty values that read as a 0–10 answer as written (0 when all are empty).
    pub score_share: f64,
    /// The column's sampled values look recoded (`1-11` or `weights`) if it were the NPS column.
    pub recode: Option<&'static str>,
}

/// What the file looks like from its header rows and first data rows (up to 2,000), without reading the rest:
/// fast enough to run before every import the app starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub source: &'static str,
    pub header_rows: usize,
    pub encoding: String,
    pub delimiter: Option<&'static str>,
    pub date_order: Option<&'static str>,
    /// The survey's identity across waves (a hash of the header rows).
    pub signature: String,
    /// Data rows read for the preview.
    pub sampled_rows: usize,
    pub id_column: Option<String>,
    pub date_column: Option<String>,
    pub nps_column: Option<String>,
    pub nps_detected_by: Option<&'static str>,
    /// `1-11` or `weights` when the detected NPS column looks recoded (an import then needs a scale).
    pub nps_recode: Option<&'static str>,
    pub comment_column: Option<String>,
    pub account_column: Option<String>,
    pub columns: Vec<PreviewColumn>,
}

/// Reads the header rows and the detection sample of `path` with `options` (the same detection an import
/// makes) and describes every column for a mapping screen.
pub fn preview(path: &Path, options: &ImportOptions) -> Result<Preview> {
    let reader = ExportReader::open(path, options)?;
    let layout = reader.layout();
    let n = layout.columns.len();
    let mut samples: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut firsts: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut recode_values: Vec<Vec<String>> = vec![Vec::new(); n];
    let (mut non_empty, mut scores) = (vec![0u32; n], vec![0u32; n]);
    let mut sampled_rows = 0;
    for row in reader.sample() {
        sampled_rows += 1;
        for (i, cell) in row.iter().enumerate().take(n) {
            let v = cell.trim();
            if v.is_empty() {
                continue;
            }
            non_empty[i] += 1;
            if looks_like_score(v) {
                scores[i] += 1;
            }
            if firsts[i].len() < PREVIEW_VALUES {
                firsts[i].push(v.to_string());
            }
            if samples[i].len() < SAMPLES {
                let short = shorten(v, 40);
                if !samples[i].contains(&short) {
                    samples[i].push(short);
                }
            }
            recode_values[i].push(v.to_string());
        }
    }
    let recode_name = |r: Recode| match r {
        Recode::OneToEleven => NpsScale::OneToEleven.as_str(),
        Recode::Weights => NpsScale::Weights.as_str(),
    };
    let columns = layout
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let first = std::mem::take(&mut firsts[i]);
            let read = |scale: NpsScale| first.iter().map(|v| read_as(scale, v)).collect::<Vec<_>>();
            let values: Vec<&str> = recode_values[i].iter().map(String::as_str).collect();
            PreviewColumn {
                position: c.position,
                name: c.name.clone(),
                question: c.question.clone(),
                sub_label: c.sub_label.clone(),
                role: c.role.as_str(),
                samples: std::mem::take(&mut samples[i]),
                as_0_10: read(NpsScale::ZeroToTen),
                as_1_11: read(NpsScale::OneToEleven),
                as_weights: read(NpsScale::Weights),
                first_values: first.iter().map(|v| shorten(v, 40)).collect(),
                score_share: if non_empty[i] == 0 { 0.0 } else { f64::from(scores[i]) / f64::from(non_empty[i]) },
                recode: crate::layout::detect_recode(&values).map(recode_name),
            }
        })
        .collect();
    Ok(Preview {
        source: layout.source,
        header_rows: layout.header_rows,
        encoding: reader.encoding(),
        delimiter: reader.delimiter(),
        date_order: layout.date.map(|_| reader.date_evidence().order.as_str()),
        signature: layout.signature.clone(),
        sampled_rows,
        id_column: layout.column_name(layout.respondent_id),
        date_column: layout.column_name(layout.date),
        nps_column: layout.column_name(layout.nps),
        nps_detected_by: layout.nps_detected_by,
        nps_recode: layout.nps_recode.map(recode_name),
        comment_column: layout.column_name(layout.comment),
        account_column: layout.column_name(layout.account),
        columns,
    })
}

/// A cell read as a 0–10 answer under `scale`, as an import reads the NPS column (a test pins this to the
/// reader's own reading).
pub fn read_as(scale: NpsScale, text: &str) -> Option<u8> {
    let t = text.trim();
    match scale {
        NpsScale::ZeroToTen => parse_score(t).map(Score::value),
        NpsScale::OneToEleven => t.parse::<u8>().ok().filter(|v| (1..=11).contains(v)).map(|v| v - 1),
        NpsScale::Weights => match t {
            "-100" => Some(0),
            "0" => Some(7),
            "100" => Some(10),
            _ => None,
        },
    }
}

/// A 0–10 answer as exports write them: a bare number, or a number and a label around a spaced dash
/// (`Not at all likely - 0`). Stricter than [`Score::parse`], which also reads codes such as `T-1` as 1.
fn looks_like_score(v: &str) -> bool {
    let t = v.trim();
    let labelled = [" - ", " – "].iter().any(|d| t.contains(d));
    (labelled || t.bytes().all(|b| b.is_ascii_digit())) && parse_score(t).is_some()
}

/// [`Score::parse`], except that text whose last non-digit character is not ASCII is no score: there
/// `Score::parse` slices inside that character and panics (`bread👍`, `likely –10`). The preview reads every
/// column, so it meets such text; an import only reads the NPS column.
fn parse_score(t: &str) -> Option<Score> {
    let before_digits = t.trim().trim_end_matches(|c: char| c.is_ascii_digit());
    if before_digits.chars().next_back().is_some_and(|c| !c.is_ascii()) {
        return None;
    }
    Score::parse(t)
}

fn shorten(s: &str, max: usize) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!("{}…", one_line.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
    }

    #[test]
    fn preview_of_a_generic_export_without_a_clear_nps_column() {
        let p = preview(&fixture("generic_mapping_w1.csv"), &ImportOptions::default()).unwrap();
        assert_eq!((p.source, p.header_rows, p.delimiter, p.sampled_rows), ("generic", 1, Some("semicolon"), 3));
        assert_eq!(p.nps_column, None);
        let names: Vec<&str> = p.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ref", "answered", "q7", "free text", "company"]);
        let q7 = &p.columns[2];
        assert_eq!(q7.first_values, ["9", "4", "10"]);
        assert_eq!(q7.as_0_10, [Some(9), Some(4), Some(10)]);
        assert_eq!(q7.score_share, 1.0);
        assert_eq!(q7.recode, None);
        assert_eq!(p.columns[4].score_share, 0.0);
        assert_eq!(p.columns[0].score_share, 0.0, "T-1 is a code, not a labelled answer");
        assert!(!p.signature.is_empty());
    }

    #[test]
    fn preview_shows_recoded_values_the_import_would_skip() {
        let p = preview(&fixture("nps_1_to_11.csv"), &ImportOptions::default()).unwrap();
        assert_eq!(p.nps_recode, Some("1-11"));
        let nps = &p.columns[1];
        assert_eq!(nps.recode, Some("1-11"));
        assert_eq!(nps.first_values[..2], ["11", "1"]);
        assert_eq!(nps.as_1_11[..2], [Some(10), Some(0)]);
        assert_eq!(nps.as_0_10[..2], [None, Some(1)], "11 is no 0–10 answer as written");
        let w = preview(&fixture("nps_weights.csv"), &ImportOptions::default()).unwrap();
        assert_eq!(w.nps_recode, Some("weights"));
        assert_eq!(w.columns[1].as_weights[..3], [Some(10), Some(0), Some(7)]);
    }

    #[test]
    fn scores_are_read_without_panicking_on_any_text() {
        assert_eq!(parse_score("its between bread👍"), None);
        assert_eq!(parse_score("très 👍 - 9"), Score::new(9));
        assert_eq!(read_as(NpsScale::ZeroToTen, "Extremely likely - 10"), Some(10));
        assert!(looks_like_score("Extremely likely - 10") && looks_like_score(" 7 ") && !looks_like_score("T-1"));
    }

    #[test]
    fn read_as_reads_like_the_import() {
        for (file, scale) in [
            ("nps_1_to_11.csv", NpsScale::OneToEleven),
            ("nps_weights.csv", NpsScale::Weights),
            ("nps_1_to_11.csv", NpsScale::ZeroToTen),
            ("sm_label_last_crlf.csv", NpsScale::ZeroToTen),
        ] {
            let options = ImportOptions { nps_scale: Some(scale), ..ImportOptions::default() };
            let mut reader = ExportReader::open(&fixture(file), &options).unwrap();
            let nps = reader.layout().nps.expect("an NPS column");
            let mut compared = 0;
            while let Some(outcome) = reader.next_row() {
                if let RowOutcome::Row(r) = outcome.unwrap() {
                    assert_eq!(r.score.map(Score::value), read_as(scale, &r.cells[nps]), "{file}: {:?}", r.cells[nps]);
                    compared += 1;
                }
            }
            assert!(compared > 0, "{file}");
        }
    }
}

//! The mapping screen's side of the session: what a file looks like before it is imported (columns, detected
//! roles, sample values, a recoded NPS scale, a mapping remembered for its survey), and an import with the
//! mapping the user chose. Plain Rust, like the rest of the session.

use std::path::{Path, PathBuf};

use npsdesk_core::{ColumnRole, ImportProgress, ImportReport, SurveySummary};
use npsdesk_import::inspect::{Preview, PreviewColumn};
use npsdesk_import::{ImportOptions, NpsScale};
use npsdesk_store::Workspace;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Session;
use crate::error::AppError;

/// How the numbers of the NPS column map to 0–10 (the CLI's `--nps-scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ScaleChoice {
    /// As written: the numbers are the answers.
    #[serde(rename = "0-10")]
    ZeroToTen,
    /// Choice positions: 1 means 0, 11 means 10 (one is subtracted).
    #[serde(rename = "1-11")]
    OneToEleven,
    /// NPS weights: −100 detractor, 0 passive, 100 promoter (read as 0, 7 and 10).
    #[serde(rename = "weights")]
    Weights,
}

impl ScaleChoice {
    fn parse(s: &str) -> Option<ScaleChoice> {
        match NpsScale::parse(s)? {
            NpsScale::ZeroToTen => Some(ScaleChoice::ZeroToTen),
            NpsScale::OneToEleven => Some(ScaleChoice::OneToEleven),
            NpsScale::Weights => Some(ScaleChoice::Weights),
        }
    }

    fn scale(self) -> NpsScale {
        match self {
            ScaleChoice::ZeroToTen => NpsScale::ZeroToTen,
            ScaleChoice::OneToEleven => NpsScale::OneToEleven,
            ScaleChoice::Weights => NpsScale::Weights,
        }
    }
}

/// The columns a user maps, by unique column name (what the CLI's mapping flags accept). `null` leaves a role
/// to detection (the NPS column: none, when nothing looks like one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportMapping {
    pub id_column: Option<String>,
    pub date_column: Option<String>,
    pub nps_column: Option<String>,
    pub comment_column: Option<String>,
    pub account_column: Option<String>,
    /// Required when the NPS column looks recoded (1–11, −100/0/100).
    pub nps_scale: Option<ScaleChoice>,
}

impl ImportMapping {
    fn options(&self) -> ImportOptions {
        let given = |c: &Option<String>| c.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        ImportOptions {
            id_column: given(&self.id_column),
            date_column: given(&self.date_column),
            nps_column: given(&self.nps_column),
            comment_column: given(&self.comment_column),
            account_column: given(&self.account_column),
            nps_scale: self.nps_scale.map(ScaleChoice::scale),
            ..ImportOptions::default()
        }
    }
}

/// One column of a file, for the mapping screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MappingColumn {
    pub position: u32,
    pub name: String,
    pub question: String,
    pub sub_label: Option<String>,
    /// The role detection gave it.
    pub role: ColumnRole,
    /// The first few distinct non-empty values.
    pub samples: Vec<String>,
    /// The first non-empty values in file order, and each read as a 0–10 answer under every scale
    /// (`null`: the import would skip that row as having no valid answer).
    pub first_values: Vec<String>,
    pub as_0_10: Vec<Option<u8>>,
    pub as_1_11: Vec<Option<u8>>,
    pub as_weights: Vec<Option<u8>>,
    /// Share of the sampled non-empty values that are 0–10 answers as written.
    pub score_share: f64,
    /// Set when the values look recoded if this were the NPS column: a scale must be chosen.
    pub recode: Option<ScaleChoice>,
}

impl From<PreviewColumn> for MappingColumn {
    fn from(c: PreviewColumn) -> Self {
        MappingColumn {
            position: c.position as u32,
            role: ColumnRole::parse(c.role).unwrap_or(ColumnRole::Segment),
            name: c.name,
            question: c.question,
            sub_label: c.sub_label,
            samples: c.samples,
            first_values: c.first_values,
            as_0_10: c.as_0_10,
            as_1_11: c.as_1_11,
            as_weights: c.as_weights,
            score_share: c.score_share,
            recode: c.recode.and_then(ScaleChoice::parse),
        }
    }
}

/// The survey a file is a later wave of, and what its first wave mapped.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RememberedMapping {
    #[ts(type = "number")]
    pub survey_id: i64,
    pub survey_name: String,
    pub nps_column: Option<String>,
    pub comment_column: Option<String>,
    pub account_column: Option<String>,
}

/// What an export looks like before it is imported (`inspect_file`), read from its header rows and first
/// 2,000 data rows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FileInspection {
    pub path: String,
    pub file_name: String,
    /// `surveymonkey`, `qualtrics`, `typeform`, `google-forms`, `delighted` or `generic`.
    pub source: String,
    pub header_rows: u32,
    pub encoding: String,
    /// `comma`, `semicolon` or `tab`; `null` for workbooks.
    pub delimiter: Option<String>,
    pub date_order: Option<String>,
    pub sampled_rows: u32,
    pub columns: Vec<MappingColumn>,
    /// What detection chose (no scale).
    pub detected: ImportMapping,
    /// How the NPS column was found (`question text`, `0–10 values`, …).
    pub nps_detected_by: Option<String>,
    /// The detected NPS column looks recoded: importing needs a scale.
    pub nps_recode: Option<ScaleChoice>,
    /// Set when the workspace already has this survey: its mapping is used again.
    pub remembered: Option<RememberedMapping>,
    /// Whether the app asks before importing, and why (empty when it does not).
    pub needs_mapping: bool,
    pub reasons: Vec<String>,
}

impl Session {
    /// What `path` looks like, and whether importing it needs the user's mapping first.
    pub fn inspect_file(&self, path: &Path) -> Result<FileInspection, AppError> {
        let preview = npsdesk_import::inspect::preview(path, &ImportOptions::default())
            .map_err(|e| AppError::from(npsdesk_store::StoreError::Import(e)))?;
        let ws = self.open()?;
        let remembered = match remembered_survey(&ws, &preview)? {
            Some(s) => Some(RememberedMapping {
                account_column: ws.account_column(s.id)?,
                survey_id: s.id,
                survey_name: s.name,
                nps_column: s.nps_column,
                comment_column: s.comment_column,
            }),
            None => None,
        };
        let reasons = if remembered.is_some() { Vec::new() } else { reasons_to_ask(&preview) };
        Ok(FileInspection {
            path: path.display().to_string(),
            file_name: path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into()),
            source: preview.source.to_string(),
            header_rows: preview.header_rows as u32,
            encoding: preview.encoding,
            delimiter: preview.delimiter.map(str::to_string),
            date_order: preview.date_order.map(str::to_string),
            sampled_rows: preview.sampled_rows as u32,
            detected: ImportMapping {
                id_column: preview.id_column,
                date_column: preview.date_column,
                nps_column: preview.nps_column,
                comment_column: preview.comment_column,
                account_column: preview.account_column,
                nps_scale: None,
            },
            nps_detected_by: preview.nps_detected_by.map(str::to_string),
            nps_recode: preview.nps_recode.and_then(ScaleChoice::parse),
            columns: preview.columns.into_iter().map(MappingColumn::from).collect(),
            remembered,
            needs_mapping: !reasons.is_empty(),
            reasons,
        })
    }

    /// Imports one file read with the user's mapping (remembered for its survey, so the next wave imports
    /// without asking).
    pub fn import_with_mapping(
        &self,
        path: &Path,
        mapping: &ImportMapping,
        progress: &mut dyn FnMut(&ImportProgress),
    ) -> Result<ImportReport, AppError> {
        let mut ws = self.open()?;
        self.cancel.store(false, std::sync::atomic::Ordering::SeqCst);
        let report = ws
            .import_file(path, &mapping.options(), &mut |p| self.import_control(p, progress))
            .map_err(|e| super::cancelled(e, path))?;
        *self.frame.lock().expect("frame lock") = None;
        Ok(report)
    }

    /// Splits exports given at launch into those that import as they are and those the window asks about
    /// first. A file that cannot be read stays with the first group, so its import reports the error.
    pub(super) fn split_unsure(&self, files: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
        let (mut sure, mut unsure) = (Vec::new(), Vec::new());
        for f in files {
            match self.inspect_file(f) {
                Ok(i) if i.needs_mapping => unsure.push(f.display().to_string()),
                _ => sure.push(f.clone()),
            }
        }
        (sure, unsure)
    }
}

/// The workspace's survey this file is a wave of: same source and the same columns in the same order (the
/// store keys surveys by a hash of the header rows, from which the column names are made).
fn remembered_survey(ws: &Workspace, preview: &Preview) -> Result<Option<SurveySummary>, AppError> {
    Ok(ws.surveys()?.into_iter().find(|s| {
        s.source == preview.source
            && s.columns.len() == preview.columns.len()
            && s.columns
                .iter()
                .zip(&preview.columns)
                .all(|(a, b)| a.position as usize == b.position && a.name == b.name)
    }))
}

/// Why detection is unsure about a new survey: a recoded NPS column (which scale?), or a generic table whose
/// NPS column was not found, or only guessed from its values.
fn reasons_to_ask(p: &Preview) -> Vec<String> {
    let mut reasons = Vec::new();
    if let (Some(column), Some(recode)) = (&p.nps_column, p.nps_recode) {
        let what = match recode {
            "weights" => "only −100, 0 and 100 (NPS weights, not answers)",
            _ => "numbers from 1 to 11 (choice positions of a 0–10 scale?)",
        };
        reasons.push(format!("The NPS column “{column}” holds {what}: say how to read it."));
    }
    if p.source == "generic" {
        match (&p.nps_column, p.nps_detected_by) {
            (None, _) => reasons.push("No column is clearly the 0–10 recommend question.".to_string()),
            (Some(column), Some("0–10 values")) => {
                reasons.push(format!("“{column}” was taken for the NPS question from its 0–10 values only."))
            }
            _ => {}
        }
    }
    reasons
}

#[cfg(test)]
mod tests {

    use npsdesk_core::NpsQuery;

    use super::super::{Launch, Session};
    use super::*;
    use crate::error::ErrorCode;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
    }

    fn session(dir: &Path, launch: Option<Launch>) -> Session {
        Session::for_test(launch, dir.join("w.npsdesk"))
    }

    /// NPS of a list of 0–10 scores, computed here (not by the analytics).
    fn nps_of(scores: &[u8]) -> f64 {
        let p = scores.iter().filter(|s| **s >= 9).count() as f64;
        let d = scores.iter().filter(|s| **s <= 6).count() as f64;
        100.0 * (p - d) / scores.len() as f64
    }

    fn w1_mapping() -> ImportMapping {
        ImportMapping {
            id_column: Some("ref".into()),
            date_column: Some("answered".into()),
            nps_column: Some("q7".into()),
            comment_column: Some("free text".into()),
            account_column: Some("company".into()),
            nps_scale: None,
        }
    }

    #[test]
    fn a_generic_export_asks_then_imports_with_the_mapping_and_the_next_wave_does_not_ask() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path(), None);
        let w1 = fixture("generic_mapping_w1.csv");
        let i = s.inspect_file(&w1).unwrap();
        assert!(i.needs_mapping, "no NPS column in a generic table: ask");
        assert_eq!(i.source, "generic");
        assert_eq!(i.delimiter.as_deref(), Some("semicolon"));
        assert_eq!(i.file_name, "generic_mapping_w1.csv");
        assert_eq!(i.detected.nps_column, None);
        assert!(i.remembered.is_none());
        let q7 = i.columns.iter().find(|c| c.name == "q7").unwrap();
        assert_eq!(q7.first_values, ["9", "4", "10"]);
        assert_eq!(q7.score_share, 1.0);

        let report = s.import_with_mapping(&w1, &w1_mapping(), &mut |_| {}).unwrap();
        assert_eq!((report.new, report.nps_column.as_deref()), (3, Some("q7")));
        assert_eq!(report.comment_column.as_deref(), Some("free text"));
        assert_eq!(report.date_order.as_deref(), Some("day-first"));
        let d = s.dashboard(Some(report.survey_id)).unwrap();
        let overall = d.overall.expect("the survey has NPS now");
        assert_eq!(overall.n, 3);
        assert!((overall.nps - nps_of(&[9, 4, 10])).abs() < 1e-9);
        let survey = d.survey.unwrap();
        assert_eq!(survey.first_response.as_deref(), Some("2025-01-31T14:00:00"));

        // The second wave: the survey is remembered, nothing to ask; a plain import uses the mapping.
        let w2 = fixture("generic_mapping_w2.csv");
        let again = s.inspect_file(&w2).unwrap();
        assert!(!again.needs_mapping, "{:?}", again.reasons);
        let r = again.remembered.expect("remembered");
        assert_eq!(r.survey_id, report.survey_id);
        assert_eq!(r.nps_column.as_deref(), Some("q7"));
        assert_eq!(r.account_column.as_deref(), Some("company"));
        let (sure, unsure) = s.split_unsure(std::slice::from_ref(&w2));
        assert_eq!((sure.len(), unsure.len()), (1, 0));
        let second = s.import_files(&[w2], &mut |_| {}).unwrap();
        assert_eq!((second[0].survey_id, second[0].created_survey, second[0].new), (report.survey_id, false, 2));
        let all = s.nps(Some(report.survey_id), &NpsQuery::default()).unwrap();
        assert!((all.nps - nps_of(&[9, 4, 10, 8, 2])).abs() < 1e-9);
    }

    #[test]
    fn a_later_wave_cannot_map_the_score_to_another_column() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path(), None);
        s.import_with_mapping(&fixture("generic_mapping_w1.csv"), &w1_mapping(), &mut |_| {}).unwrap();
        let other = ImportMapping { nps_column: Some("company".into()), ..ImportMapping::default() };
        let e = s.import_with_mapping(&fixture("generic_mapping_w2.csv"), &other, &mut |_| {}).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
        let unknown = ImportMapping { nps_column: Some("nope".into()), ..ImportMapping::default() };
        let e = s.import_with_mapping(&fixture("nps_weights.csv"), &unknown, &mut |_| {}).unwrap_err();
        assert_eq!(e.code, ErrorCode::ImportFailed);
        assert!(e.message.contains("nope"), "{}", e.message);
    }

    #[test]
    fn a_recoded_scale_is_asked_for_and_never_shifted_silently() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path(), None);
        for (file, scale, expected) in [
            // 1–11 choice positions: 11, 1, 8, 10, and two rows the sample shows.
            ("nps_1_to_11.csv", ScaleChoice::OneToEleven, "1-11"),
            ("nps_weights.csv", ScaleChoice::Weights, "weights"),
        ] {
            let path = fixture(file);
            let e = s.import_files(std::slice::from_ref(&path), &mut |_| {}).unwrap_err();
            assert_eq!(e.code, ErrorCode::NeedsMapping, "{file}: {}", e.message);
            assert!(e.message.contains(&path.display().to_string()), "the message names the file: {}", e.message);
            let i = s.inspect_file(&path).unwrap();
            assert!(i.needs_mapping && i.reasons.len() == 1, "{file}: {:?}", i.reasons);
            assert_eq!(i.nps_recode, Some(scale));
            let nps = i.columns.iter().find(|c| Some(&c.name) == i.detected.nps_column.as_ref()).unwrap();
            assert_eq!(serde_json::to_value(nps.recode).unwrap(), serde_json::json!(expected));

            let mapping = ImportMapping { nps_scale: Some(scale), ..i.detected.clone() };
            let report = s.import_with_mapping(&path, &mapping, &mut |_| {}).unwrap();
            assert!(report.skipped.is_empty(), "{file}: {:?}", report.skipped);
            // Every row's score, read independently from the file with the chosen scale.
            let text = std::fs::read_to_string(&path).unwrap();
            let scores: Vec<u8> = text
                .lines()
                .skip(1)
                .filter_map(|l| l.split(',').nth(1))
                .filter_map(|v| match (scale, v.trim()) {
                    (ScaleChoice::OneToEleven, v) => v.parse::<u8>().ok().map(|v| v - 1),
                    (_, "-100") => Some(0),
                    (_, "0") => Some(7),
                    (_, "100") => Some(10),
                    _ => None,
                })
                .collect();
            let got = s.nps(Some(report.survey_id), &NpsQuery::default()).unwrap();
            assert_eq!(got.n as usize, scores.len(), "{file}");
            assert!((got.nps - nps_of(&scores)).abs() < 1e-9, "{file}: {} vs {}", got.nps, nps_of(&scores));
            // The preview showed the same reading of the first values.
            let preview: Vec<u8> = match scale {
                ScaleChoice::OneToEleven => nps.as_1_11.iter().flatten().copied().collect(),
                _ => nps.as_weights.iter().flatten().copied().collect(),
            };
            assert_eq!(preview[..], scores[..preview.len()], "{file}");
        }
    }

    #[test]
    fn exports_given_at_launch_that_need_a_mapping_wait_for_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let unsure = fixture("generic_mapping_w1.csv");
        let sure = fixture("delighted.csv");
        let s = session(dir.path(), Some(Launch::Exports(vec![unsure.clone(), sure])));
        let started = s.startup(&mut |_| {}).unwrap();
        assert_eq!(started.needs_mapping, Some(vec![unsure.display().to_string()]));
        assert_eq!(started.imported.len(), 1, "the sure file was imported");
        assert!(started.error.is_none());
        assert_eq!(started.workspace.surveys.len(), 1);
    }

    /// Every real export: the inspection names the columns and the NPS column the import then uses, and a
    /// file the app would not ask about imports without a mapping.
    #[test]
    fn real_exports_inspect_like_they_import() {
        let root = std::env::var_os("NPSDESK_SHARED")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"), PathBuf::from)
            .join("fixtures/real");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
            .flatten()
            .filter(|d| d.path().is_dir())
            .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten().map(|f| f.path()))
            .collect();
        files.sort();
        assert!(files.len() >= 15, "{} real exports", files.len());
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path(), None);
        let mut asked = Vec::new();
        for f in &files {
            let name = f.display().to_string();
            match s.inspect_file(f) {
                Err(e) => {
                    let import = s.import_files(std::slice::from_ref(f), &mut |_| {}).unwrap_err();
                    assert_eq!(e, import, "{name}: inspect and import fail alike");
                }
                Ok(i) if i.needs_mapping => asked.push((name, i.reasons)),
                Ok(i) => {
                    let report = s.import_files(std::slice::from_ref(f), &mut |_| {}).unwrap();
                    assert_eq!(report[0].nps_column, i.detected.nps_column, "{name}");
                    assert_eq!(report[0].source, i.source, "{name}");
                    let survey = s.dashboard(Some(report[0].survey_id)).unwrap().survey.unwrap();
                    let names: Vec<&str> = survey.columns.iter().map(|c| c.name.as_str()).collect();
                    let inspected: Vec<&str> = i.columns.iter().map(|c| c.name.as_str()).collect();
                    assert_eq!(names, inspected, "{name}");
                    // Now remembered: inspecting again finds the survey.
                    let again = s.inspect_file(f).unwrap();
                    assert_eq!(again.remembered.map(|r| r.survey_id), Some(report[0].survey_id), "{name}");
                }
            }
        }
        // The real generic tables name their NPS question ("nps", "Likely-To-Recommend"); the tools' exports
        // are read by their known layouts. None needs the mapping screen.
        assert!(asked.is_empty(), "{asked:?}");
    }
}

//! What each column of an export is: header rows → questions, sub-labels, unique names and roles.

use npsdesk_core::{ColumnInfo, ColumnRole, Score};
use sha2::{Digest, Sha256};

/// Row-2 labels SurveyMonkey writes under single-answer and text questions: they add nothing to a name.
const TRIVIAL_SUB_LABELS: &[&str] = &["Response", "Open-Ended Response"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub position: usize,
    /// Question text as exported (row 1, carried forward over empty continuation cells).
    pub question: String,
    /// Row-2 label, when the export has two header rows and the cell is not empty.
    pub sub_label: Option<String>,
    /// Unique within the survey; what `--by` matches.
    pub name: String,
    pub role: ColumnRole,
}

impl ColumnSpec {
    pub fn info(&self) -> ColumnInfo {
        ColumnInfo {
            position: self.position as u32,
            name: self.name.clone(),
            question: self.question.clone(),
            sub_label: self.sub_label.clone(),
            role: self.role,
        }
    }
}

/// The shape of a survey export, decided from its header rows and a sample of its data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyLayout {
    /// `surveymonkey` or `generic`.
    pub source: &'static str,
    pub header_rows: usize,
    pub columns: Vec<ColumnSpec>,
    /// Identifies "the same survey" across waves: a hash of the header rows.
    pub signature: String,
    pub respondent_id: Option<usize>,
    /// The response date: End Date (completion), else Start Date, else a timestamp column.
    pub date: Option<usize>,
    pub nps: Option<usize>,
    pub comment: Option<usize>,
    /// How the NPS column was found, for the import report.
    pub nps_detected_by: Option<&'static str>,
}

impl SurveyLayout {
    pub fn column_name(&self, pos: Option<usize>) -> Option<String> {
        pos.map(|p| self.columns[p].name.clone())
    }
}

/// Lower-case with spaces and underscores removed, for matching metadata names across export generations
/// (`Respondent ID` / `RespondentID`, `Start Date` / `StartDate`).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '_').flat_map(char::to_lowercase).collect()
}

fn metadata_role(name: &str) -> Option<ColumnRole> {
    match squash(name).as_str() {
        "respondentid" | "responseid" => Some(ColumnRole::RespondentId),
        "collectorid" => Some(ColumnRole::CollectorId),
        "startdate" => Some(ColumnRole::StartDate),
        "enddate" => Some(ColumnRole::EndDate),
        "ipaddress" | "emailaddress" | "email" | "firstname" | "lastname" => Some(ColumnRole::Metadata),
        s if s.starts_with("customdata") => Some(ColumnRole::Metadata),
        _ => None,
    }
}

/// Does the second record look like SurveyMonkey's sub-label row rather than a response?
fn second_row_is_header(row1: &[String], row2: &[String]) -> bool {
    let trivial = row2.iter().filter(|c| TRIVIAL_SUB_LABELS.contains(&c.trim())).count();
    if trivial > 0 {
        return true;
    }
    // Under metadata columns the sub-label row is empty, while a response has at least a respondent id or date.
    let meta: Vec<usize> =
        row1.iter().enumerate().filter(|(_, h)| metadata_role(h).is_some()).map(|(i, _)| i).collect();
    !meta.is_empty()
        && meta.iter().all(|&i| row2.get(i).is_none_or(|c| c.trim().is_empty()))
        && row2.iter().any(|c| !c.trim().is_empty())
}

fn looks_like_nps_question(text: &str) -> bool {
    let t = text.to_lowercase();
    let sq = squash(text);
    (t.contains("recommend") && (t.contains("friend") || t.contains("colleague") || t.contains("likely")))
        || t.contains("net promoter")
        || matches!(sq.as_str(), "nps" | "npsscore" | "ltr" | "likelytorecommend" | "likelihoodtorecommend")
}

/// Values alone say NPS: every sampled answer is a 0–10 score written as survey tools write them (no
/// zero-padding such as district codes `01`–`08`), and they spread over the scale the way recommend answers
/// do: at least 30 answers covering at least 9 of the 11 values, or SurveyMonkey's own end labels.
fn values_look_like_nps(values: &[&str]) -> bool {
    let mut seen = [false; 11];
    let mut count = 0;
    let mut end_labels = false;
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if v.len() == 2 && v.starts_with('0') {
            return false;
        }
        match Score::parse(v) {
            Some(s) => seen[s.value() as usize] = true,
            None => return false,
        }
        end_labels |= v.to_lowercase().contains("likely");
        count += 1;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    let spread = seen[..7].iter().any(|s| *s) && seen[9..].iter().any(|s| *s);
    spread && ((count >= 30 && distinct >= 9) || (end_labels && distinct >= 3))
}

/// Free text, judged from values: long, varied answers.
fn values_look_like_text(values: &[&str]) -> bool {
    let filled: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
    if filled.len() < 3 {
        return false;
    }
    let mean_len = filled.iter().map(|v| v.chars().count()).sum::<usize>() / filled.len();
    let mut distinct = filled.clone();
    distinct.sort_unstable();
    distinct.dedup();
    mean_len >= 20 && distinct.len() * 2 >= filled.len()
}

fn matches_column(spec: &ColumnSpec, wanted: &str) -> bool {
    let w = wanted.trim();
    let full = match &spec.sub_label {
        Some(s) => format!("{} | {}", spec.question.trim(), s.trim()),
        None => spec.question.trim().to_string(),
    };
    spec.name.eq_ignore_ascii_case(w) || spec.question.trim().eq_ignore_ascii_case(w) || full.eq_ignore_ascii_case(w)
}

/// Finds a column by its name, its question text, or `question | sub-label` (case-insensitive, trimmed).
/// Prefers the first column whose sub-label is trivial when a question spans several columns.
pub fn find_column(columns: &[ColumnSpec], wanted: &str) -> Option<usize> {
    let hits: Vec<&ColumnSpec> = columns.iter().filter(|c| matches_column(c, wanted)).collect();
    hits.iter().find(|c| c.name.eq_ignore_ascii_case(wanted.trim())).or_else(|| hits.first()).map(|c| c.position)
}

fn find_or_fail(columns: &[ColumnSpec], name: &str, flag: &'static str) -> Result<usize, UnknownOverride> {
    find_column(columns, name).ok_or_else(|| UnknownOverride {
        flag,
        name: name.to_string(),
        available: available_names(columns),
    })
}

pub fn available_names(columns: &[ColumnSpec]) -> String {
    columns.iter().map(|c| format!("{:?}", c.name)).collect::<Vec<_>>().join(", ")
}

/// Overrides from the command line or the app's mapping screen.
#[derive(Debug, Clone, Default)]
pub struct LayoutOverrides {
    pub nps_column: Option<String>,
    pub comment_column: Option<String>,
}

/// An override names a column the file does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOverride {
    /// The flag it came from, e.g. `--nps-column`.
    pub flag: &'static str,
    pub name: String,
    pub available: String,
}

/// Builds the layout from the first records of the file (header rows, then a sample of data rows used for
/// value-based detection).
pub fn detect(records: &[Vec<String>], overrides: &LayoutOverrides) -> Result<SurveyLayout, UnknownOverride> {
    let Some(row1) = records.first() else {
        return Err(UnknownOverride { flag: "header", name: String::new(), available: String::new() });
    };
    let two_rows = records.get(1).is_some_and(|r2| second_row_is_header(row1, r2));
    let header_rows = if two_rows { 2 } else { 1 };
    let row2 = if two_rows { records.get(1) } else { None };
    let data = &records[header_rows.min(records.len())..];

    // Questions carry forward over empty row-1 cells (SurveyMonkey's continuation columns).
    let mut columns = Vec::with_capacity(row1.len());
    let mut current = String::new();
    for (i, h) in row1.iter().enumerate() {
        if !h.trim().is_empty() || !two_rows {
            current = h.clone();
        }
        let sub = row2.and_then(|r| r.get(i)).filter(|s| !s.trim().is_empty()).cloned();
        columns.push(ColumnSpec {
            position: i,
            question: current.clone(),
            sub_label: sub,
            name: String::new(),
            role: ColumnRole::Segment,
        });
    }
    name_columns(&mut columns);

    // Roles: metadata by name, then NPS, comment, other free text.
    for c in columns.iter_mut() {
        if c.sub_label.is_none() {
            if let Some(role) = metadata_role(&c.question) {
                c.role = role;
            }
        }
    }
    let values_of = |pos: usize| -> Vec<&str> { data.iter().filter_map(|r| r.get(pos).map(String::as_str)).collect() };

    let (nps, nps_detected_by) = match &overrides.nps_column {
        Some(name) => (Some(find_or_fail(&columns, name, "--nps-column")?), Some("override")),
        None => {
            let candidates = |c: &&ColumnSpec| c.role == ColumnRole::Segment;
            let by_text = columns.iter().filter(candidates).find(|c| {
                looks_like_nps_question(&c.question)
                    && c.sub_label.as_deref().is_none_or(|s| TRIVIAL_SUB_LABELS.contains(&s.trim()))
            });
            match by_text {
                Some(c) => (Some(c.position), Some("question text")),
                None => {
                    match columns.iter().filter(candidates).find(|c| values_look_like_nps(&values_of(c.position))) {
                        Some(c) => (Some(c.position), Some("0–10 values")),
                        None => (None, None),
                    }
                }
            }
        }
    };
    if let Some(p) = nps {
        columns[p].role = ColumnRole::Nps;
    }

    for c in columns.iter_mut() {
        if c.role != ColumnRole::Segment {
            continue;
        }
        let open_ended = c.sub_label.as_deref().map(str::trim) == Some("Open-Ended Response");
        let other_specify = c.sub_label.as_deref().is_some_and(|s| s.to_lowercase().contains("please specify"));
        if open_ended || other_specify || values_look_like_text(&values_of(c.position)) {
            c.role = ColumnRole::OpenText;
        }
    }

    let comment = match &overrides.comment_column {
        Some(name) => Some(find_or_fail(&columns, name, "--comment-column")?),
        None => {
            let after = nps.map_or(0, |p| p + 1);
            let is_open_ended = |c: &ColumnSpec| c.sub_label.as_deref().map(str::trim) == Some("Open-Ended Response");
            let open = |c: &&ColumnSpec| c.role == ColumnRole::OpenText && c.position >= after;
            columns
                .iter()
                .filter(open)
                .find(|c| is_open_ended(c))
                .or_else(|| {
                    columns.iter().find(|c| {
                        open(c) && !c.sub_label.as_deref().is_some_and(|s| s.to_lowercase().contains("please specify"))
                    })
                })
                .map(|c| c.position)
        }
    };
    if let Some(p) = comment {
        columns[p].role = ColumnRole::Comment;
    }

    let find_role = |role: ColumnRole| columns.iter().find(|c| c.role == role).map(|c| c.position);
    let respondent_id = find_role(ColumnRole::RespondentId);
    let date = find_role(ColumnRole::EndDate).or_else(|| find_role(ColumnRole::StartDate)).or_else(|| {
        columns
            .iter()
            .find(|c| {
                matches!(
                    squash(&c.question).as_str(),
                    "timestamp" | "submitdate(utc)" | "date" | "createdat" | "responsedate"
                )
            })
            .map(|c| c.position)
    });

    let source = if two_rows || respondent_id.is_some_and(|p| squash(&columns[p].question) == "respondentid") {
        "surveymonkey"
    } else {
        "generic"
    };

    let mut hasher = Sha256::new();
    hasher.update((header_rows as u32).to_le_bytes());
    for r in records.iter().take(header_rows) {
        for cell in r {
            hasher.update(cell.as_bytes());
            hasher.update([0x1f]);
        }
        hasher.update([0x1e]);
    }
    let signature = hex(&hasher.finalize()[..16]);

    Ok(SurveyLayout { source, header_rows, columns, signature, respondent_id, date, nps, comment, nps_detected_by })
}

/// Unique names: the question, or `question | sub-label` where the sub-label is informative; clashes get
/// ` (2)`, ` (3)`; nameless columns are `Column N` (1-based, like a spreadsheet).
fn name_columns(columns: &mut [ColumnSpec]) {
    let mut used = std::collections::HashSet::new();
    for c in columns.iter_mut() {
        let q = c.question.trim();
        let base = match c.sub_label.as_deref().map(str::trim) {
            Some(s) if !TRIVIAL_SUB_LABELS.contains(&s) && !q.is_empty() => format!("{q} | {s}"),
            Some(s) if q.is_empty() => s.to_string(),
            _ if q.is_empty() => format!("Column {}", c.position + 1),
            _ => q.to_string(),
        };
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base} ({k})");
            k += 1;
        }
        c.name = name;
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn surveymonkey_two_rows_carry_questions_forward() {
        let recs = rows(&[
            &[
                "Respondent ID",
                "End Date",
                "How likely is it that you would recommend Acme to a friend or colleague?",
                "Why?",
                "Which features?",
                "",
                "",
            ],
            &["", "", "Response", "Open-Ended Response", "API", "Reports", "Other (please specify)"],
            &["1", "01/02/2025 10:00:00 AM", "Extremely likely - 10", "Great", "API", "", ""],
        ]);
        let l = detect(&recs, &LayoutOverrides::default()).unwrap();
        assert_eq!(l.header_rows, 2);
        assert_eq!(l.source, "surveymonkey");
        assert_eq!(l.nps, Some(2));
        assert_eq!(l.nps_detected_by, Some("question text"));
        assert_eq!(l.comment, Some(3));
        assert_eq!(l.date, Some(1));
        assert_eq!(l.respondent_id, Some(0));
        let names: Vec<&str> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names[4..],
            ["Which features? | API", "Which features? | Reports", "Which features? | Other (please specify)"]
        );
        assert_eq!(l.columns[6].role, ColumnRole::OpenText, "other-specify text is free text, not a segment");
    }

    #[test]
    fn nps_found_by_values_when_the_question_does_not_say_so() {
        let mut recs = rows(&[&["id", "score", "plan"]]);
        for i in 0..40 {
            recs.push(vec![i.to_string(), ((i * 7) % 11).to_string(), "Pro".into()]);
        }
        let l = detect(&recs, &LayoutOverrides::default()).unwrap();
        assert_eq!(l.header_rows, 1);
        assert_eq!(l.nps, Some(1));
        assert_eq!(l.nps_detected_by, Some("0–10 values"));
    }

    #[test]
    fn zero_padded_codes_are_not_nps() {
        let mut recs = rows(&[&["id", "district"]]);
        for i in 0..60 {
            recs.push(vec![i.to_string(), format!("{:02}", i % 11)]);
        }
        assert_eq!(detect(&recs, &LayoutOverrides::default()).unwrap().nps, None);
    }

    #[test]
    fn a_1_to_6_ranking_is_not_nps() {
        let mut recs = rows(&[&["id", "rank"]]);
        for i in 0..30 {
            recs.push(vec![i.to_string(), (1 + i % 6).to_string()]);
        }
        assert_eq!(detect(&recs, &LayoutOverrides::default()).unwrap().nps, None);
    }

    #[test]
    fn overrides_win_and_unknown_names_are_errors() {
        let recs = rows(&[&["a", "b", "c"], &["1", "2", "x"]]);
        let o = LayoutOverrides { nps_column: Some("B".into()), comment_column: Some("c".into()) };
        let l = detect(&recs, &o).unwrap();
        assert_eq!((l.nps, l.comment), (Some(1), Some(2)));
        let bad = LayoutOverrides { nps_column: Some("nope".into()), ..Default::default() };
        assert!(detect(&recs, &bad).is_err());
    }

    #[test]
    fn duplicate_and_blank_headers_get_unique_names() {
        let recs = rows(&[&["Q", "Q", "", "q"], &["1", "2", "3", "4"]]);
        let l = detect(&recs, &LayoutOverrides::default()).unwrap();
        let names: Vec<&str> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Q", "Q (2)", "Column 3", "q (3)"]);
    }
}

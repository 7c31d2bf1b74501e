//! What each column of an export is: the source (section 9 of the export-formats spec), header rows →
//! questions, sub-labels, unique names and roles.

use npsdesk_core::{ColumnInfo, ColumnRole, Score};
use sha2::{Digest, Sha256};

/// Row-2 labels SurveyMonkey writes under single-answer and text questions: they add nothing to a name.
const TRIVIAL_SUB_LABELS: &[&str] = &["Response", "Open-Ended Response"];

/// The tool that wrote an export, detected from its header signature or given with `--source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    SurveyMonkey,
    /// Modern (3 header rows: tags, texts, `{"ImportId":…}`), Insights-era (row 3 dict-like) and legacy
    /// (2 rows: `V1..V10`, then `ResponseID,ResponseSet,…`).
    Qualtrics,
    Typeform,
    GoogleForms,
    Delighted,
    /// Any other one-header-row table; the columns are mapped by heuristics or by the user.
    Generic,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::SurveyMonkey,
        Source::Qualtrics,
        Source::Typeform,
        Source::GoogleForms,
        Source::Delighted,
        Source::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::SurveyMonkey => "surveymonkey",
            Source::Qualtrics => "qualtrics",
            Source::Typeform => "typeform",
            Source::GoogleForms => "google-forms",
            Source::Delighted => "delighted",
            Source::Generic => "generic",
        }
    }

    /// Accepts the names above, case-insensitively, with or without `-`/`_`/spaces.
    pub fn parse(s: &str) -> Option<Source> {
        let sq: String = s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        Source::ALL.into_iter().find(|src| src.as_str().replace('-', "") == sq)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub position: usize,
    /// Question text as exported (row 1, carried forward over empty continuation cells; Qualtrics: row 2).
    pub question: String,
    /// Row-2 label, when the export has two header rows and the cell is not empty (SurveyMonkey).
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

/// A recoded NPS column: numbers that are not 0–10 scores as they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recode {
    /// Every value in 1..=11 with at least one 11: choice positions of a 0–10 scale.
    OneToEleven,
    /// Every value in {−100, 0, 100}: SurveyMonkey's NPS weights.
    Weights,
}

/// The shape of a survey export, decided from its header rows and a sample of its data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyLayout {
    /// `surveymonkey`, `qualtrics`, `typeform`, `google-forms`, `delighted` or `generic`.
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
    /// The account column (given with `--account-column`), for per-account counting.
    pub account: Option<usize>,
    /// How the NPS column was found, for the import report.
    pub nps_detected_by: Option<&'static str>,
    /// Qualtrics `<tag>_NPS_GROUP` column of the NPS question (cross-checked against the score).
    pub nps_group: Option<usize>,
    /// Qualtrics `Status` (preview/test rows are dropped by default).
    pub status: Option<usize>,
    /// Qualtrics `Finished`, Typeform `Response Type` (unfinished/partial rows are dropped by default).
    pub finished: Option<usize>,
    /// The sampled NPS values look recoded (1–11 or −100/0/100): reading them needs an explicit scale.
    pub nps_recode: Option<Recode>,
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

/// Metadata names of every source (squashed), and the role each gets.
fn metadata_role(name: &str) -> Option<ColumnRole> {
    match squash(name).as_str() {
        "respondentid" | "responseid" | "recordid" | "#" => Some(ColumnRole::RespondentId),
        "collectorid" => Some(ColumnRole::CollectorId),
        "startdate" | "startdate(utc)" => Some(ColumnRole::StartDate),
        "enddate" | "submitdate(utc)" => Some(ColumnRole::EndDate),
        "ipaddress"
        | "emailaddress"
        | "email"
        | "firstname"
        | "lastname"
        | "status"
        | "progress"
        | "duration(inseconds)"
        | "finished"
        | "recordeddate"
        | "responseset"
        | "externalreference"
        | "externaldatareference"
        | "locationlatitude"
        | "locationlongitude"
        | "locationaccuracy"
        | "distributionchannel"
        | "userlanguage"
        | "networkid"
        | "responsetype"
        | "stagedate(utc)"
        | "name" => Some(ColumnRole::Metadata),
        s if s.starts_with("customdata") || s.starts_with("recipient") => Some(ColumnRole::Metadata),
        s if s.ends_with("npsgroup") => Some(ColumnRole::Metadata),
        _ => None,
    }
}
/// SurveyMonkey's metadata block (old and new names).
fn is_surveymonkey_metadata(name: &str) -> bool {
    let s = squash(name);
    matches!(
        s.as_str(),
        "respondentid"
            | "collectorid"
            | "startdate"
            | "enddate"
            | "ipaddress"
            | "emailaddress"
            | "firstname"
            | "lastname"
    ) || s.starts_with("customdata")
}

/// Does the second record look like SurveyMonkey's sub-label row rather than a response?
fn second_row_is_header(row1: &[String], row2: &[String]) -> bool {
    let trivial = row2.iter().filter(|c| TRIVIAL_SUB_LABELS.contains(&c.trim())).count();
    if trivial > 0 {
        return true;
    }
    // Under metadata columns the sub-label row is empty, while a response has at least a respondent id or date.
    let meta: Vec<usize> =
        row1.iter().enumerate().filter(|(_, h)| is_surveymonkey_metadata(h)).map(|(i, _)| i).collect();
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
    /// `--source`: skip detection and read the file as this tool's export.
    pub source: Option<Source>,
    pub id_column: Option<String>,
    pub date_column: Option<String>,
    pub nps_column: Option<String>,
    pub comment_column: Option<String>,
    pub account_column: Option<String>,
}

/// An override names a column the file does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOverride {
    /// The flag it came from, e.g. `--nps-column`.
    pub flag: &'static str,
    pub name: String,
    pub available: String,
}

/// A header that may hold the recommend score: values alone are not enough (a 0–10 "how willing…" scale is
/// not NPS), the spec asks for a header hint too (section 7).
fn header_hints_score(text: &str) -> bool {
    let t = text.to_lowercase();
    looks_like_nps_question(text)
        || ["nps", "recommend", "ltr", "likelihood", "likely", "score", "rating"].iter().any(|k| t.contains(k))
}

/// A header that names the "why?" comment (section 7).
fn header_hints_comment(text: &str) -> bool {
    let t = text.to_lowercase();
    ["comment", "reason", "why", "feedback", "verbatim"].iter().any(|k| t.contains(k))
}

/// Numbers that are not 0–10 as they stand: choice positions 1–11 (with an 11) or the −100/0/100 weights.
/// Label texts and plain 0–10 answers are `None`.
pub fn detect_recode(values: &[&str]) -> Option<Recode> {
    let mut nums = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        nums.push(v.parse::<i32>().ok()?);
    }
    if nums.is_empty() {
        return None;
    }
    if nums.iter().all(|n| matches!(n, -100 | 0 | 100)) && nums.iter().any(|n| *n != 0) {
        return Some(Recode::Weights);
    }
    if nums.iter().all(|n| (1..=11).contains(n)) && nums.contains(&11) {
        return Some(Recode::OneToEleven);
    }
    None
}

fn is_import_id(cell: &str) -> bool {
    let c = cell.trim_start();
    c.starts_with("{\"ImportId\"") || c.starts_with("{'ImportId'")
}

fn is_qualtrics_legacy(row1: &[String], row2: Option<&Vec<String>>) -> bool {
    row1.len() >= 2
        && row1[0].trim() == "V1"
        && row1[1].trim() == "V2"
        && row2.is_some_and(|r| {
            let has = |n: &str| r.iter().any(|c| c.trim().eq_ignore_ascii_case(n));
            has("ResponseID") && has("ResponseSet")
        })
}

/// Section 9 of the spec, in priority order: the source and its number of header rows.
pub fn detect_source(records: &[Vec<String>]) -> (Source, usize) {
    let Some(row1) = records.first() else { return (Source::Generic, 1) };
    let row2 = records.get(1);
    if records.get(2).is_some_and(|r| r.iter().any(|c| is_import_id(c))) {
        return (Source::Qualtrics, 3);
    }
    if is_qualtrics_legacy(row1, row2) {
        return (Source::Qualtrics, 2);
    }
    if row2.is_some_and(|r2| second_row_is_header(row1, r2)) {
        return (Source::SurveyMonkey, 2);
    }
    let heads: Vec<String> = row1.iter().map(|h| squash(h)).collect();
    let has = |n: &str| heads.iter().any(|h| h == n);
    if has("respondentid") {
        return (Source::SurveyMonkey, 1);
    }
    let data = &records[1.min(records.len())..];
    let first_values = || data.iter().take(200).filter_map(|r| r.first()).map(|v| v.trim()).filter(|v| !v.is_empty());
    if row1[0].trim() == "#" {
        let tokens = first_values().count() > 0
            && first_values().all(|v| v.len() >= 16 && v.chars().all(|c| c.is_ascii_alphanumeric()));
        if has("submitdate(utc)") || has("networkid") || has("startdate(utc)") || tokens {
            return (Source::Typeform, 1);
        }
    }
    if heads[0] == "timestamp" {
        let (mut n, mut ok) = (0, 0);
        for v in first_values() {
            n += 1;
            ok += usize::from(crate::dates::parse_any(v).is_some());
        }
        if n > 0 && ok * 10 >= n * 9 {
            return (Source::GoogleForms, 1);
        }
    }
    if has("score")
        && has("comment")
        && (heads.iter().any(|h| h.starts_with("delighted")) || has("createdat") || has("created"))
    {
        return (Source::Delighted, 1);
    }
    (Source::Generic, 1)
}

/// Header rows of a file read as `source` (given with `--source`).
fn header_rows_for(source: Source, records: &[Vec<String>]) -> usize {
    let row1 = &records[0];
    match source {
        Source::Qualtrics if is_qualtrics_legacy(row1, records.get(1)) => 2,
        Source::Qualtrics => 3.min(records.len()),
        Source::SurveyMonkey if records.get(1).is_some_and(|r2| second_row_is_header(row1, r2)) => 2,
        _ => 1,
    }
}

/// Builds the layout from the first records of the file (header rows, then a sample of data rows used for
/// value-based detection).
pub fn detect(records: &[Vec<String>], overrides: &LayoutOverrides) -> Result<SurveyLayout, UnknownOverride> {
    let Some(row1) = records.first() else {
        return Err(UnknownOverride { flag: "header", name: String::new(), available: String::new() });
    };
    let (source, header_rows) = match overrides.source {
        Some(s) => (s, header_rows_for(s, records)),
        None => detect_source(records),
    };
    let data = &records[header_rows.min(records.len())..];
    let width = records.iter().take(header_rows).map(Vec::len).max().unwrap_or(0);
    let cell = |r: usize, i: usize| records.get(r).and_then(|row| row.get(i)).cloned().unwrap_or_default();

    // Qualtrics keeps the export tag (row 1; row 2 for legacy files, whose row 1 is V1..) for roles.
    let mut tags: Vec<String> = Vec::new();
    let mut columns = Vec::with_capacity(width);
    match (source, header_rows) {
        (Source::Qualtrics, _) => {
            let legacy = is_qualtrics_legacy(row1, records.get(1));
            for i in 0..width {
                let (tag, label) = (cell(0, i), cell(1, i));
                tags.push(if legacy { label.clone() } else { tag.clone() });
                let question = if label.trim().is_empty() { tag } else { label };
                columns.push(ColumnSpec {
                    position: i,
                    question,
                    sub_label: None,
                    name: String::new(),
                    role: ColumnRole::Segment,
                });
            }
        }
        (_, 2) => {
            // Questions carry forward over empty row-1 cells (SurveyMonkey's continuation columns).
            let mut current = String::new();
            for i in 0..width {
                let h = cell(0, i);
                if !h.trim().is_empty() {
                    current = h;
                }
                let sub = Some(cell(1, i)).filter(|s| !s.trim().is_empty());
                columns.push(ColumnSpec {
                    position: i,
                    question: current.clone(),
                    sub_label: sub,
                    name: String::new(),
                    role: ColumnRole::Segment,
                });
            }
        }
        _ => {
            for i in 0..width {
                columns.push(ColumnSpec {
                    position: i,
                    question: cell(0, i),
                    sub_label: None,
                    name: String::new(),
                    role: ColumnRole::Segment,
                });
            }
        }
    }
    if tags.is_empty() {
        tags = columns.iter().map(|c| c.question.clone()).collect();
    }
    name_columns(&mut columns);

    // Roles: metadata by name (per source), then the user's mapping, then NPS, comment, other free text.
    let tag_is = |i: usize, names: &[&str]| names.contains(&squash(&tags[i]).as_str());
    for (i, c) in columns.iter_mut().enumerate() {
        if c.sub_label.is_some() {
            continue;
        }
        let role = metadata_role(&tags[i]).or_else(|| metadata_role(&c.question));
        let role = match source {
            Source::GoogleForms if tag_is(i, &["timestamp"]) => Some(ColumnRole::EndDate),
            Source::GoogleForms if tag_is(i, &["score"]) => Some(ColumnRole::Metadata),
            Source::Delighted if tag_is(i, &["createdat", "created"]) => Some(ColumnRole::EndDate),
            Source::Delighted if tag_is(i, &["id", "responseid"]) => Some(ColumnRole::RespondentId),
            Source::Delighted if tag_is(i, &["updatedat", "permalink", "surveytype", "person", "personid"]) => {
                Some(ColumnRole::Metadata)
            }
            // A Google Forms "Name" or a Delighted property is a segment, not respondent metadata.
            _ if squash(&tags[i]) == "name" && source != Source::Qualtrics => None,
            _ => role,
        };
        if let Some(role) = role {
            c.role = role;
        }
    }
    // Several columns may carry the same metadata role (Qualtrics has ResponseId and `_recordId` aliases):
    // only the first keeps it.
    for role in [ColumnRole::RespondentId, ColumnRole::StartDate, ColumnRole::EndDate, ColumnRole::CollectorId] {
        let mut seen = false;
        for c in columns.iter_mut().filter(|c| c.role == role) {
            if seen {
                c.role = ColumnRole::Metadata;
            }
            seen = true;
        }
    }

    let mut respondent_id = None;
    let mut date = None;
    let mut account = None;
    if let Some(name) = &overrides.id_column {
        let p = find_or_fail(&columns, name, "--id-column")?;
        for c in columns.iter_mut().filter(|c| c.role == ColumnRole::RespondentId) {
            c.role = ColumnRole::Metadata;
        }
        columns[p].role = ColumnRole::RespondentId;
        respondent_id = Some(p);
    }
    if let Some(name) = &overrides.date_column {
        let p = find_or_fail(&columns, name, "--date-column")?;
        if !matches!(columns[p].role, ColumnRole::StartDate | ColumnRole::EndDate) {
            columns[p].role = ColumnRole::EndDate;
        }
        date = Some(p);
    }
    if let Some(name) = &overrides.account_column {
        let p = find_or_fail(&columns, name, "--account-column")?;
        columns[p].role = ColumnRole::Metadata;
        account = Some(p);
    }

    let values_of = |pos: usize| -> Vec<&str> { data.iter().filter_map(|r| r.get(pos).map(String::as_str)).collect() };
    let free = |c: &&ColumnSpec| c.role == ColumnRole::Segment;

    let mut nps_group = None;
    let (nps, nps_detected_by) = match &overrides.nps_column {
        Some(name) => (Some(find_or_fail(&columns, name, "--nps-column")?), Some("override")),
        None => {
            let group = (0..columns.len()).find(|&i| squash(&tags[i]).ends_with("npsgroup"));
            let by_group = group.and_then(|g| {
                let t = tags[g].trim();
                // `get`: a tag that only squashes to "…npsgroup" may have a multi-byte character where the
                // suffix would start (found by fuzzing: `Q1×NPS_GROUP`).
                let prefix = t.get(..t.len().saturating_sub("_NPS_GROUP".len())).unwrap_or_default().trim();
                (0..columns.len()).find(|&i| i != g && tags[i].trim().eq_ignore_ascii_case(prefix))
            });
            nps_group = group.filter(|_| by_group.is_some());
            let by_name = (source == Source::Delighted)
                .then(|| columns.iter().filter(free).find(|c| squash(&c.question) == "score"))
                .flatten();
            let by_text = || {
                columns.iter().filter(free).find(|c| {
                    looks_like_nps_question(&c.question)
                        && c.sub_label.as_deref().is_none_or(|s| TRIVIAL_SUB_LABELS.contains(&s.trim()))
                })
            };
            let by_values = || {
                columns.iter().filter(free).find(|c| {
                    (header_hints_score(&c.question) || header_hints_score(&tags[c.position]))
                        && values_look_like_nps(&values_of(c.position))
                })
            };
            if let Some(p) = by_group {
                (Some(p), Some("Qualtrics _NPS_GROUP column"))
            } else if let Some(c) = by_name {
                (Some(c.position), Some("Delighted score column"))
            } else if let Some(c) = by_text() {
                (Some(c.position), Some("question text"))
            } else if let Some(c) = by_values() {
                (Some(c.position), Some("0–10 values"))
            } else {
                (None, None)
            }
        }
    };
    if let Some(p) = nps {
        columns[p].role = ColumnRole::Nps;
    }
    let nps_recode = nps.and_then(|p| detect_recode(&values_of(p)));

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
        None if source == Source::Delighted => columns
            .iter()
            .find(|c| squash(&c.question) == "comment" && matches!(c.role, ColumnRole::Segment | ColumnRole::OpenText))
            .map(|c| c.position),
        None => {
            let after = nps.map_or(0, |p| p + 1);
            let is_open_ended = |c: &ColumnSpec| c.sub_label.as_deref().map(str::trim) == Some("Open-Ended Response");
            let open = |c: &&ColumnSpec| c.role == ColumnRole::OpenText && c.position >= after;
            let specify =
                |c: &ColumnSpec| c.sub_label.as_deref().is_some_and(|s| s.to_lowercase().contains("please specify"));
            columns
                .iter()
                .filter(open)
                .find(|c| is_open_ended(c))
                .or_else(|| columns.iter().filter(open).find(|c| header_hints_comment(&c.question) && !specify(c)))
                .or_else(|| columns.iter().filter(open).find(|c| !specify(c)))
                .or_else(|| {
                    // Small files have too few answers to look like text: a "why?" header is enough when
                    // its answers are not numbers.
                    columns.iter().filter(|c| c.role == ColumnRole::Segment && c.position >= after).find(|c| {
                        header_hints_comment(&c.question)
                            && values_of(c.position)
                                .iter()
                                .any(|v| v.trim().parse::<f64>().is_err() && !v.trim().is_empty())
                    })
                })
                .map(|c| c.position)
        }
    };
    if let Some(p) = comment {
        columns[p].role = ColumnRole::Comment;
    }

    let find_role = |role: ColumnRole| columns.iter().find(|c| c.role == role).map(|c| c.position);
    let respondent_id = respondent_id.or_else(|| find_role(ColumnRole::RespondentId));
    let date =
        date.or_else(|| find_role(ColumnRole::EndDate)).or_else(|| find_role(ColumnRole::StartDate)).or_else(|| {
            columns
                .iter()
                .find(|c| {
                    matches!(
                        squash(&c.question).as_str(),
                        "timestamp" | "submitdate(utc)" | "date" | "createdat" | "responsedate" | "recordeddate"
                    )
                })
                .map(|c| c.position)
        });
    let status = (source == Source::Qualtrics).then(|| (0..columns.len()).find(|&i| tag_is(i, &["status"]))).flatten();
    let finished = match source {
        Source::Qualtrics => (0..columns.len()).find(|&i| tag_is(i, &["finished"])),
        Source::Typeform => (0..columns.len()).find(|&i| tag_is(i, &["responsetype"])),
        _ => None,
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

    Ok(SurveyLayout {
        source: source.as_str(),
        header_rows,
        columns,
        signature,
        respondent_id,
        date,
        nps,
        comment,
        account,
        nps_detected_by,
        nps_group,
        status,
        finished,
        nps_recode,
    })
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
        let o =
            LayoutOverrides { nps_column: Some("B".into()), comment_column: Some("c".into()), ..Default::default() };
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

    fn strings(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn source_signatures_in_priority_order() {
        let q3 = vec![
            strings(&["StartDate", "Status", "Q1"]),
            strings(&["Start Date", "Response Type", "Question"]),
            strings(&["{\"ImportId\":\"startDate\"}", "{\"ImportId\":\"status\"}", "{\"ImportId\":\"QID1\"}"]),
            strings(&["2025-01-01 10:00:00", "0", "9"]),
        ];
        assert_eq!(detect_source(&q3), (Source::Qualtrics, 3));
        let mut dict = q3.clone();
        dict[2] = strings(&["{'ImportId': 'startDate'}", "{'ImportId': 'status'}", "{'ImportId': 'QID2-1'}"]);
        assert_eq!(detect_source(&dict), (Source::Qualtrics, 3), "Python-dict-like row 3");
        let legacy = vec![
            strings(&["V1", "V2", "Q1"]),
            strings(&["ResponseID", "ResponseSet", "Q?"]),
            strings(&["R_1", "Default", "3"]),
        ];
        assert_eq!(detect_source(&legacy), (Source::Qualtrics, 2));
        let sm = vec![strings(&["Respondent ID", "Q"]), strings(&["", "Response"]), strings(&["1", "a"])];
        assert_eq!(detect_source(&sm), (Source::SurveyMonkey, 2));
        let tf = vec![strings(&["#", "Q", "Submit Date (UTC)"]), strings(&["abc", "1", "2025-01-01 10:00:00"])];
        assert_eq!(detect_source(&tf), (Source::Typeform, 1));
        let gf = vec![strings(&["Timestamp", "Q"]), strings(&["2026/10/04 10:15:00 AM GMT+5:30", "9"])];
        assert_eq!(detect_source(&gf), (Source::GoogleForms, 1));
        let not_gf = vec![strings(&["Timestamp", "Q"]), strings(&["soon", "9"])];
        assert_eq!(detect_source(&not_gf), (Source::Generic, 1), "a Timestamp header without dates");
        let dl = vec![
            strings(&["Score", "Comment", "Created At", "Delighted Source"]),
            strings(&["9", "ok", "1735689600", "web"]),
        ];
        assert_eq!(detect_source(&dl), (Source::Delighted, 1));
        assert_eq!(detect_source(&[strings(&["a", "b"]), strings(&["1", "2"])]), (Source::Generic, 1));
    }

    #[test]
    fn qualtrics_columns_take_row_two_texts_and_the_nps_group_finds_the_score() {
        let recs = vec![
            strings(&["ResponseId", "Status", "Finished", "Q5_NPS_GROUP", "Q5"]),
            strings(&["Response ID", "Response Type", "Finished", "Q five - Group", "Q five"]),
            strings(&[
                "{\"ImportId\":\"_recordId\"}",
                "{}",
                "{}",
                "{\"ImportId\":\"QID5_NPS_GROUP\"}",
                "{\"ImportId\":\"QID5\"}",
            ]),
            strings(&["R_1", "0", "1", "Promoter", "9"]),
        ];
        let l = detect(&recs, &LayoutOverrides::default()).unwrap();
        assert_eq!((l.source, l.header_rows), ("qualtrics", 3));
        assert_eq!((l.nps, l.nps_group, l.nps_detected_by), (Some(4), Some(3), Some("Qualtrics _NPS_GROUP column")));
        assert_eq!((l.status, l.finished, l.respondent_id), (Some(1), Some(2), Some(0)));
        assert_eq!(l.columns[4].name, "Q five");
    }

    #[test]
    fn recodes_are_recognised_and_plain_scores_are_not() {
        assert_eq!(detect_recode(&["1", "11", "5"]), Some(Recode::OneToEleven));
        assert_eq!(detect_recode(&["100", "-100", "0"]), Some(Recode::Weights));
        assert_eq!(detect_recode(&["1", "10", "5"]), None, "no 11: could be a 0–10 scale nobody answered 0 on");
        assert_eq!(detect_recode(&["0", "10", "11"]), None, "a 0 is no choice position");
        assert_eq!(detect_recode(&["Extremely likely - 10", "11"]), None);
        assert_eq!(detect_recode(&["0", "0"]), None);
    }

    #[test]
    fn a_0_to_10_scale_without_a_score_header_is_not_nps() {
        let mut recs = rows(&[&["id", "How willing would you be to share with friends?"]]);
        for i in 0..40 {
            recs.push(vec![i.to_string(), ((i * 7) % 11).to_string()]);
        }
        assert_eq!(detect(&recs, &LayoutOverrides::default()).unwrap().nps, None);
    }
}

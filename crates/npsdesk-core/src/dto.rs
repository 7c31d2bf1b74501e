//! Shapes that leave the domain: the CLI's `--format json` and the app's IPC. TypeScript copies are generated
//! by ts-rs into `ui/src/api/generated/` when `cargo test` runs (`make test` fails if they drift).
//!
//! Counts are `u32` and ids are annotated as `number`, so the TypeScript side never sees `bigint`.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use crate::nps::NpsCounts;
use crate::period::Period;
use crate::stats::Comparison;

/// What a column of an export is, as detected on import (or set by an override).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ColumnRole {
    RespondentId,
    CollectorId,
    StartDate,
    EndDate,
    /// Other respondent metadata (IP address, e-mail, names, custom data).
    Metadata,
    Nps,
    Comment,
    /// A closed question: usable as a segment.
    Segment,
    /// A free-text answer other than the comment column.
    OpenText,
}

impl ColumnRole {
    /// Whether a column of this role and question holds the respondent's e-mail address: the identity that
    /// "latest per respondent" counts by (else the respondent id). One rule for the import and the analytics.
    pub fn is_email(self, question: &str) -> bool {
        let squashed: String = question.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        self == ColumnRole::Metadata && matches!(squashed.as_str(), "emailaddress" | "email")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnRole::RespondentId => "respondent_id",
            ColumnRole::CollectorId => "collector_id",
            ColumnRole::StartDate => "start_date",
            ColumnRole::EndDate => "end_date",
            ColumnRole::Metadata => "metadata",
            ColumnRole::Nps => "nps",
            ColumnRole::Comment => "comment",
            ColumnRole::Segment => "segment",
            ColumnRole::OpenText => "open_text",
        }
    }

    pub fn parse(s: &str) -> Option<ColumnRole> {
        [
            ColumnRole::RespondentId,
            ColumnRole::CollectorId,
            ColumnRole::StartDate,
            ColumnRole::EndDate,
            ColumnRole::Metadata,
            ColumnRole::Nps,
            ColumnRole::Comment,
            ColumnRole::Segment,
            ColumnRole::OpenText,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// One column of a survey: its position in the export, the two header rows, and a unique name for `--by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnInfo {
    pub position: u32,
    /// Unique within the survey: the question, or `question | sub-label` where the sub-label matters.
    pub name: String,
    pub question: String,
    pub sub_label: Option<String>,
    pub role: ColumnRole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SurveySummary {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub source: String,
    pub responses: u32,
    /// Responses with an answered NPS question.
    pub answered_nps: u32,
    pub nps_column: Option<String>,
    pub comment_column: Option<String>,
    /// ISO 8601 local date-time of the earliest and latest response.
    pub first_response: Option<String>,
    pub last_response: Option<String>,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceInfo {
    pub path: String,
    pub surveys: Vec<SurveySummary>,
}

/// The key of a group: column name → value (`null` = no answer), plus `"period"` when grouped by time.
/// Serialised as a JSON object whose keys keep the order of `--by` (then `period`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, TS)]
#[ts(type = "{ [key in string]?: string | null }")]
pub struct GroupKey(pub Vec<(String, Option<String>)>);

impl GroupKey {
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_deref())
    }
}

impl Serialize for GroupKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for GroupKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GroupKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of column name to value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<GroupKey, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Option<String>>()? {
                    out.push((k, v));
                }
                Ok(GroupKey(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// NPS of one group. Field names are the CLI's JSON contract: add fields, never rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NpsGroup {
    pub key: GroupKey,
    pub n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// Shares of n in percent (0..100, unrounded; 0 for an empty group): NPS = promoters_pct − detractors_pct.
    pub promoters_pct: f64,
    pub passives_pct: f64,
    pub detractors_pct: f64,
    /// Points, −100..100, unrounded.
    pub nps: f64,
    /// 95 % adjusted-Wald interval in points.
    pub ci95: [f64; 2],
    /// This group's n as a share of the total's n (0..1).
    pub share: f64,
    /// Answers per score 0..=10.
    pub distribution: Vec<u32>,
    /// n below the small-sample threshold (`low_n_threshold` of the report): read with care.
    pub low_n: bool,
    /// Adjusted-Wald interval at the report's `level`.
    pub ci: [f64; 2],
    /// Against the total (which contains this group, so the test is conservative; see ARCHITECTURE.md).
    pub vs_total: Option<Comparison>,
    /// Against the same segment in the previous period (or the previous rolling window) that has answers.
    pub vs_previous: Option<Comparison>,
    /// The dates a rolling point covers (inclusive).
    pub window: Option<Window>,
}

impl NpsGroup {
    pub fn new(key: GroupKey, c: NpsCounts) -> Self {
        NpsGroup {
            key,
            n: c.n(),
            promoters: c.promoters,
            passives: c.passives,
            detractors: c.detractors,
            promoters_pct: c.pct(c.promoters),
            passives_pct: c.pct(c.passives),
            detractors_pct: c.pct(c.detractors),
            nps: c.nps(),
            ci95: c.ci95(),
            share: 1.0,
            distribution: vec![],
            low_n: false,
            ci: c.ci95(),
            vs_total: None,
            vs_previous: None,
            window: None,
        }
    }

    pub fn counts(&self) -> NpsCounts {
        NpsCounts::from_parts(self.promoters, self.passives, self.detractors)
    }
}

/// The answer of `npsdesk nps`: the total over the selection and its groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NpsReport {
    pub n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// Shares of n in percent, as on [`NpsGroup`].
    pub promoters_pct: f64,
    pub passives_pct: f64,
    pub detractors_pct: f64,
    pub nps: f64,
    pub ci95: [f64; 2],
    pub groups: Vec<NpsGroup>,
    /// Answers per score 0..=10 over the whole selection.
    pub distribution: Vec<u32>,
    /// Confidence level of `ci` and of the significance tests (0.80, 0.90, 0.95 or 0.99).
    pub level: f64,
    pub ci: [f64; 2],
    pub count: CountMode,
    pub low_n_threshold: u32,
    /// Groups left out because their n is below `min_n` (ask with `--min-n 0`).
    pub hidden_groups: u32,
}

impl NpsReport {
    pub fn new(total: NpsCounts, groups: Vec<NpsGroup>) -> Self {
        NpsReport {
            n: total.n(),
            promoters: total.promoters,
            passives: total.passives,
            detractors: total.detractors,
            promoters_pct: total.pct(total.promoters),
            passives_pct: total.pct(total.passives),
            detractors_pct: total.pct(total.detractors),
            nps: total.nps(),
            ci95: total.ci95(),
            groups,
            distribution: vec![],
            level: 0.95,
            ci: total.ci95(),
            count: CountMode::All,
            low_n_threshold: 30,
            hidden_groups: 0,
        }
    }
}

/// Inclusive date range of a rolling point, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Window {
    pub from: String,
    pub to: String,
}

/// Which responses count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CountMode {
    /// Every response.
    #[default]
    All,
    /// Per respondent (e-mail, else respondent id) only the latest response in each group.
    LatestPerRespondent,
    /// Each account once, with the category of the average of its respondents' latest scores.
    PerAccount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RollingStep {
    Week,
    Month,
}

/// A trailing window of `days` days, one point per step (weeks end on Sunday, months on their last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rolling {
    pub days: u32,
    pub step: RollingStep,
}

/// `column = value` (or `!=`). Several values of one column are OR; different columns are AND.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Filter {
    pub column: String,
    pub value: String,
    #[serde(default)]
    pub negate: bool,
}

/// Everything an NPS question can ask: the CLI's flags and the dashboard's controls alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct NpsQuery {
    /// Group by these columns (question text, `question | sub-label`, or metadata name).
    pub by: Vec<String>,
    pub per: Option<Period>,
    /// Instead of `per`: trailing windows.
    pub rolling: Option<Rolling>,
    /// Inclusive `YYYY-MM-DD` bounds on the response date.
    pub from: Option<String>,
    pub to: Option<String>,
    pub filters: Vec<Filter>,
    pub count: CountMode,
    /// The account column for `per-account` (default `Custom Data 1`).
    pub account_column: Option<String>,
    pub level: f64,
    pub low_n: u32,
    pub min_n: u32,
}

impl Default for NpsQuery {
    fn default() -> Self {
        NpsQuery {
            by: vec![],
            per: None,
            rolling: None,
            from: None,
            to: None,
            filters: vec![],
            count: CountMode::All,
            account_column: None,
            level: 0.95,
            low_n: 30,
            min_n: 10,
        }
    }
}

/// A data row the import did not take, with its physical line in the file (1-based, as an editor shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SkippedRow {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// What one import did. `rows_read = new + updated + unchanged + skipped.len()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub file: String,
    #[ts(type = "number")]
    pub survey_id: i64,
    pub survey_name: String,
    /// True when this import created the survey (first wave), false when it merged into an existing one.
    pub created_survey: bool,
    pub source: String,
    pub encoding: String,
    /// 2 for SurveyMonkey's question + sub-label rows, 1 for flat exports.
    pub header_rows: u32,
    pub nps_column: Option<String>,
    pub comment_column: Option<String>,
    pub rows_read: u32,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: Vec<SkippedRow>,
    pub warnings: Vec<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// `comma`, `semicolon` or `tab`; `null` for workbooks.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// `month-first` or `day-first` (inferred from the whole date column), `null` without a date column.
    #[serde(default)]
    pub date_order: Option<String>,
    /// Qualtrics preview/test rows dropped (not counted in `rows_read`).
    #[serde(default)]
    pub dropped_test_rows: u32,
    /// Unfinished rows dropped (Qualtrics `Finished` = 0, Typeform `partial`; not counted in `rows_read`).
    #[serde(default)]
    pub dropped_unfinished_rows: u32,
    /// Excel damage found per column (also summarised in `warnings`).
    #[serde(default)]
    pub column_warnings: Vec<ColumnWarning>,
}

/// A problem found in one column of an import (e.g. Excel turned `6-25` into `25-Jun`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnWarning {
    pub column: String,
    pub message: String,
}

/// Progress of a running import, sent every few thousand rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub file: String,
    pub rows_read: u32,
    #[ts(type = "number")]
    pub bytes_read: u64,
    #[ts(type = "number")]
    pub bytes_total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_key_serialises_as_an_ordered_object() {
        let key = GroupKey(vec![
            ("Which plan are you on?".into(), Some("Pro".into())),
            ("period".into(), Some("2025-Q3".into())),
        ]);
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json, r#"{"Which plan are you on?":"Pro","period":"2025-Q3"}"#);
        let back: GroupKey = serde_json::from_str(&json).unwrap();
        assert_eq!(back, key);
    }

    #[test]
    fn report_json_has_the_contract_fields() {
        let g =
            NpsGroup::new(GroupKey(vec![("period".into(), Some("2025-Q3".into()))]), NpsCounts::from_parts(20, 12, 8));
        let r = NpsReport::new(NpsCounts::from_parts(90, 60, 50), vec![g]);
        let v = serde_json::to_value(&r).unwrap();
        for field in ["n", "promoters", "passives", "detractors", "nps", "ci95", "groups"] {
            assert!(v.get(field).is_some(), "report lacks {field}");
        }
        assert_eq!(v["n"], 200);
        assert_eq!(v["groups"][0]["key"]["period"], "2025-Q3");
        assert_eq!(v["groups"][0]["n"], 40);
        assert_eq!(v["ci95"].as_array().unwrap().len(), 2);
    }
}

/// One side of an explained change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PeriodFigure {
    pub period: String,
    pub n: u32,
    pub nps: f64,
}

/// A segment's part in an explained change (points). `from_nps`/`to_nps` are `null` where the segment had no
/// answers in that period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentShift {
    pub key: Option<String>,
    pub from_share: f64,
    pub to_share: f64,
    pub from_nps: Option<f64>,
    pub to_nps: Option<f64>,
    pub mix: f64,
    pub within: f64,
}

/// `npsdesk explain`: the change between two periods split into mix and within (`mix + within == delta`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Explanation {
    pub from: PeriodFigure,
    pub to: PeriodFigure,
    pub delta: f64,
    pub mix: f64,
    pub within: f64,
    /// The segment column.
    pub by: String,
    pub segments: Vec<SegmentShift>,
}

/// A value of a column and how many responses carry it (`value: null` = left empty), for filter pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ValueCount {
    pub value: Option<String>,
    pub n: u32,
}

/// Which satisfaction metric a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MetricKind {
    /// Customer satisfaction: share of answers in the top box(es) of a 1..scale rating, in percent.
    Csat,
    /// Customer effort score: the mean answer on its 1..scale rating.
    Ces,
}

/// A CSAT or CES question over a column (the user marks the column), with the NPS query's grouping and filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricSpec {
    pub kind: MetricKind,
    pub column: String,
    /// Highest answer of the rating (5 for a 1–5 CSAT, 7 for a 1–7 CES).
    pub scale: u8,
    /// CSAT: how many top answers count as satisfied (2 = top-2 box: 4 and 5 on a 1–5 scale).
    pub top_box: u8,
}

/// One group of a CSAT/CES report. `value` is percent satisfied (CSAT) or the mean answer (CES).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricGroup {
    pub key: GroupKey,
    pub n: u32,
    pub value: f64,
    pub ci: [f64; 2],
    pub low_n: bool,
    /// Answers per rating 1..=scale.
    pub distribution: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricReport {
    pub kind: MetricKind,
    pub column: String,
    pub scale: u8,
    pub top_box: u8,
    pub level: f64,
    pub n: u32,
    pub value: f64,
    pub ci: [f64; 2],
    pub distribution: Vec<u32>,
    /// Answers that were not a rating from 1 to `scale` (ignored).
    pub unreadable: u32,
    pub groups: Vec<MetricGroup>,
}

/// One saved version of a theme rule set (the workspace keeps every version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleVersion {
    pub id: i64,
    /// `None`: the workspace-wide default.
    pub survey_id: Option<i64>,
    /// `json` or `toml`.
    pub format: String,
    pub text: String,
    pub note: Option<String>,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub saved_at: String,
}

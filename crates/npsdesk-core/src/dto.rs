//! Shapes that leave the domain: the CLI's `--format json` and the app's IPC. TypeScript copies are generated
//! by ts-rs into `ui/src/api/generated/` when `cargo test` runs (`make test` fails if they drift).
//!
//! Counts are `u32` and ids are annotated as `number`, so the TypeScript side never sees `bigint`.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use crate::nps::NpsCounts;

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
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_deref())
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
    /// Points, −100..100, unrounded.
    pub nps: f64,
    /// 95 % adjusted-Wald interval in points.
    pub ci95: [f64; 2],
}

impl NpsGroup {
    pub fn new(key: GroupKey, c: NpsCounts) -> Self {
        NpsGroup {
            key,
            n: c.n(),
            promoters: c.promoters,
            passives: c.passives,
            detractors: c.detractors,
            nps: c.nps(),
            ci95: c.ci95(),
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
    pub nps: f64,
    pub ci95: [f64; 2],
    pub groups: Vec<NpsGroup>,
}

impl NpsReport {
    pub fn new(total: NpsCounts, groups: Vec<NpsGroup>) -> Self {
        NpsReport {
            n: total.n(),
            promoters: total.promoters,
            passives: total.passives,
            detractors: total.detractors,
            nps: total.nps(),
            ci95: total.ci95(),
            groups,
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
        assert_eq!(
            json,
            r#"{"Which plan are you on?":"Pro","period":"2025-Q3"}"#
        );
        let back: GroupKey = serde_json::from_str(&json).unwrap();
        assert_eq!(back, key);
    }

    #[test]
    fn report_json_has_the_contract_fields() {
        let g = NpsGroup::new(
            GroupKey(vec![("period".into(), Some("2025-Q3".into()))]),
            NpsCounts::from_parts(20, 12, 8),
        );
        let r = NpsReport::new(NpsCounts::from_parts(90, 60, 50), vec![g]);
        let v = serde_json::to_value(&r).unwrap();
        for field in [
            "n",
            "promoters",
            "passives",
            "detractors",
            "nps",
            "ci95",
            "groups",
        ] {
            assert!(v.get(field).is_some(), "report lacks {field}");
        }
        assert_eq!(v["n"], 200);
        assert_eq!(v["groups"][0]["key"]["period"], "2025-Q3");
        assert_eq!(v["groups"][0]["n"], 40);
        assert_eq!(v["ci95"].as_array().unwrap().len(), 2);
    }
}

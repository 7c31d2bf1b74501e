//! Themes over a survey's comments: the comment column is dictionary-coded like any other, so each distinct
//! comment is tagged once (`npsdesk-themes`), and the theme report is computed over the query's selection —
//! overall and per group (`by` columns, `per` period) with the analytics engine's filters.

use std::collections::HashMap;

use npsdesk_core::{GroupKey, NpsQuery};
use npsdesk_store::Workspace;
use npsdesk_themes::{theme_report, ImpactOptions, Matcher, ThemeReport, ThemeSet};
use polars::prelude::*;
use serde::Serialize;

use crate::frame::SCORE;
use crate::{AnalyticsError, Result, SurveyFrame};

/// The theme report of one group.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ThemeGroup {
    pub key: GroupKey,
    /// Responses in the group (answered NPS or not).
    pub responses: u32,
    #[serde(flatten)]
    pub report: ThemeReport,
    /// Grouped by period: each theme's change since the same segment's previous period that has responses
    /// (empty for the first period, or without `per`).
    pub changes: Vec<ThemeChange>,
}

/// How a theme moved between two consecutive periods of one segment.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ThemeChange {
    pub theme: String,
    /// The period compared with.
    pub since: String,
    #[ts(type = "number")]
    pub mentions_delta: i64,
    /// Change of the share of comments, in points (0..100 scale).
    pub share_delta: f64,
    /// Change of the theme's NPS in points; `None` when either period has no answered mention.
    pub nps_delta: Option<f64>,
}

/// `npsdesk themes`: the overall report (its fields at the top level of the JSON) and the groups.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ThemesAnswer {
    /// The comment column the themes were read from.
    pub column: String,
    /// Which rules tagged the comments (`built-in`, `saved version 3`, a file name): filled in by the caller,
    /// which chose them.
    pub rules: String,
    #[serde(flatten)]
    pub overall: ThemeReport,
    pub groups: Vec<ThemeGroup>,
}

/// One response's score and themes, per group.
#[derive(Default)]
struct Bucket<'t> {
    scores: Vec<Option<u8>>,
    tags: Vec<Option<&'t ThemeSet>>,
}

impl SurveyFrame {
    /// The comment column's name and position, coded in the frame.
    pub(crate) fn comment_position(&mut self, ws: &Workspace) -> Result<(String, u32)> {
        let comment = self.comment_column().ok_or_else(|| {
            AnalyticsError::InvalidQuery(format!(
                "survey {:?} has no comment column (re-import with --comment-column to name it)",
                self.survey_name()
            ))
        })?;
        Ok(self.columns(ws, &[comment.as_str()])?.pop().expect("one column asked, one resolved"))
    }

    /// Tags the survey's comments with `matcher` and reports mentions, theme NPS and impact over the
    /// selection of `q` (date range and filters; every response counts, `count` modes do not apply), overall
    /// and per `by`/`per` group. Groups with fewer than `min_n` answered responses are left out.
    pub fn themes(
        &mut self,
        ws: &Workspace,
        q: &NpsQuery,
        matcher: &Matcher,
        opts: &ImpactOptions,
    ) -> Result<ThemesAnswer> {
        if q.rolling.is_some() {
            return Err(AnalyticsError::InvalidQuery("themes are grouped by period (--per), not rolling".into()));
        }
        let (column, pos) = self.comment_position(ws)?;
        let by: Vec<&str> = q.by.iter().map(String::as_str).collect();
        let by_cols = self.columns(ws, &by)?;
        let (parts, period_codes) = self.parts(&by_cols, q.per)?;
        // Each distinct comment once; code 0 (no comment) has no themes.
        let tags_by_code = self.comment_tags(pos, matcher);
        let comment_frame = self.coded(pos).frame.clone();

        let lf = self.responses_where(ws, q)?;
        let mut select = vec![col(SCORE), col(comment_frame.as_str()).alias("comment")];
        select.extend(parts.iter().enumerate().map(|(i, p)| p.expr.clone().alias(format!("k{i}"))));
        let rows = lf.select(select).collect()?;
        let scores = rows.column(SCORE)?.u32()?;
        let comments = rows.column("comment")?.u32()?;
        let keys = (0..parts.len())
            .map(|i| rows.column(&format!("k{i}")).and_then(|c| c.u32().cloned()))
            .collect::<PolarsResult<Vec<_>>>()?;

        let mut overall = Bucket::default();
        let mut groups: HashMap<Vec<u32>, Bucket> = HashMap::new();
        let mut key_iters: Vec<_> = keys.iter().map(|k| k.iter()).collect();
        for (score, comment) in scores.iter().zip(comments.iter()) {
            let score = score.map(|s| s as u8);
            let tags = tags_by_code[comment.unwrap_or(0) as usize].as_ref();
            if !parts.is_empty() {
                let key: Vec<u32> = key_iters.iter_mut().map(|k| k.next().flatten().unwrap_or(0)).collect();
                let b = groups.entry(key).or_default();
                b.scores.push(score);
                b.tags.push(tags);
            }
            overall.scores.push(score);
            overall.tags.push(tags);
        }
        let report = |b: &Bucket| theme_report(matcher.themes(), &b.scores, &b.tags, opts);
        let mut out = Vec::new();
        for (codes, bucket) in &groups {
            let mut key: Vec<(String, Option<String>)> =
                by_cols.iter().zip(codes).map(|((name, p), c)| (name.clone(), self.coded(*p).text(*c))).collect();
            if let (Some(per), Some(pc)) = (q.per, &period_codes) {
                match codes[by_cols.len()] {
                    0 => continue, // undated: in the overall report only
                    c => key.push(("period".into(), Some(per.key_from_code(pc[c as usize - 1])))),
                }
            }
            let answered = bucket.scores.iter().flatten().count() as u32;
            if answered < q.min_n {
                continue;
            }
            out.push(ThemeGroup {
                key: GroupKey(key),
                responses: bucket.scores.len() as u32,
                report: report(bucket),
                changes: vec![],
            });
        }
        out.sort_by(|a, b| crate::frame::cmp_keys(&a.key.0, &b.key.0));
        if q.per.is_some() {
            // Periods sort chronologically within a segment: compare each group with the one before it.
            for i in 1..out.len() {
                let (before, after) = out.split_at_mut(i);
                let (prev, cur) = (&before[i - 1], &mut after[0]);
                let segment = |g: &ThemeGroup| g.key.0[..g.key.0.len() - 1].to_vec();
                if segment(prev) != segment(cur) {
                    continue;
                }
                let since = prev.key.get("period").flatten().unwrap_or_default().to_string();
                cur.changes = cur
                    .report
                    .themes
                    .iter()
                    .zip(&prev.report.themes)
                    .map(|(now, then)| ThemeChange {
                        theme: now.theme.clone(),
                        since: since.clone(),
                        mentions_delta: now.mentions as i64 - then.mentions as i64,
                        share_delta: 100.0 * (now.share - then.share),
                        nps_delta: now.nps.zip(then.nps).map(|(a, b)| a - b),
                    })
                    .collect();
            }
        }
        Ok(ThemesAnswer { column, rules: String::new(), overall: report(&overall), groups: out })
    }
}

#[cfg(test)]
mod tests {
    use npsdesk_import::ImportOptions;
    use npsdesk_store::ImportControl;
    use npsdesk_themes::{check, Format};

    use super::*;
    use crate::CommentQuery;

    const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,Email Address,How likely is it that you would recommend Acme to a friend or colleague?,Why?\r\n,,,,,Response,Open-Ended Response\r\n";

    /// Mentions per theme, counted over the responses with `Matcher::tag_all` (one comment at a time).
    fn mentions_by_hand(matcher: &Matcher, comments: &[String]) -> Vec<u64> {
        let tags = matcher.tag_all(comments);
        (0..matcher.themes().len()).map(|t| tags.iter().filter(|set| set.contains(t as u16)).count() as u64).collect()
    }

    #[test]
    fn the_first_rule_set_is_tagged_once_and_later_ones_through_the_corpus() {
        // 3,000 distinct comments (enough for two threads), one response each.
        let words = ["slow", "billing", "isn't", "great", "refund", "app", "support", "crashes", "price", "onboarding"];
        let comments: Vec<String> = (0..3_000usize)
            .map(|i| format!("{} {} and {} #{i}", words[i % 10], words[i / 10 % 10], words[i / 100 % 10]))
            .collect();
        let mut csv = String::from(HEADER);
        for (i, c) in comments.iter().enumerate() {
            csv.push_str(&format!("{},1,2025-01-01 09:00:00,2025-01-01 10:00:00,,{},{c}\r\n", i + 1, i % 11));
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("survey.csv");
        std::fs::write(&file, csv).unwrap();
        let mut ws = Workspace::open_in_memory().unwrap();
        let r = ws.import_file(&file, &ImportOptions::default(), &mut |_| ImportControl::Continue).unwrap();
        let builtin = Matcher::builtin();
        let plain = Matcher::new(
            &check(
                r#"{"stemming": false, "themes": [{"name": "Money", "any": ["billing", "refund", "price"]}]}"#,
                Format::Json,
            )
            .unwrap(),
        );
        let q = NpsQuery { min_n: 0, ..NpsQuery::default() };
        let opts = ImpactOptions { resamples: 0, ..ImpactOptions::default() };
        let mentions = |a: &ThemesAnswer| a.overall.themes.iter().map(|t| t.mentions).collect::<Vec<u64>>();

        let mut frame = SurveyFrame::load(&ws, r.survey_id).unwrap();
        let first = frame.themes(&ws, &q, &builtin, &opts).unwrap();
        assert!(frame.corpus.is_none(), "one rule set tagged: no corpus kept");
        assert_eq!(mentions(&first), mentions_by_hand(&builtin, &comments));
        // A list of comments without a search needs no corpus either.
        frame.comments(&ws, &q, &builtin, &CommentQuery::default()).unwrap();
        assert!(frame.corpus.is_none());

        let second = frame.themes(&ws, &q, &plain, &opts).unwrap();
        assert!(frame.corpus.is_some(), "a second rule set builds the corpus");
        assert_eq!(mentions(&second), mentions_by_hand(&plain, &comments));
        // By hand: each (i % 10, i / 10 % 10, i / 100 % 10) occurs 3 times; 7³ of the 10³ avoid the words
        // 1, 4, 8 (billing, refund, price): 3,000 − 3 × 343 = 1,971.
        assert_eq!(mentions(&second), [1_971]);
        // Back to the first rules, now through the corpus: the same report.
        assert_eq!(frame.themes(&ws, &q, &builtin, &opts).unwrap(), first);

        // A search builds the corpus, and the rules tagged after it go through it.
        let mut searched = SurveyFrame::load(&ws, r.survey_id).unwrap();
        let cq = CommentQuery { search: Some("refund".into()), limit: 5_000, ..CommentQuery::default() };
        // 9³ of the 10³ triples avoid word 4 (refund): 3,000 − 3 × 729 = 813.
        assert_eq!(searched.comments(&ws, &q, &builtin, &cq).unwrap().total, 813);
        assert!(searched.corpus.is_some());
        assert_eq!(searched.themes(&ws, &q, &plain, &opts).unwrap(), second);
    }
}

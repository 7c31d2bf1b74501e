//! The comment explorer: the "why?" comments of a selection, filtered by theme, score band and free text,
//! sorted, paged, and with the words that matched (a theme's term or the search) marked for highlighting.
//!
//! Everything runs on the cached frame: distinct comments are tagged once per rule set
//! ([`SurveyFrame::comment_tags`]) and searched once per query, so paging and filter changes cost one pass
//! over the selected rows' integer codes.

use chrono::DateTime;
use npsdesk_core::{GroupKey, NpsQuery};
use npsdesk_store::Workspace;
use npsdesk_themes::{Matcher, Scratch, TextSearch, ThemeSet, UNCATEGORIZED};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::frame::{ROW, SCORE, TSI};
use crate::{AnalyticsError, Result, SurveyFrame};

/// The most comments one page returns.
pub const MAX_PAGE: u32 = 500;

/// Which NPS answers a comment's response gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Band {
    /// 9–10
    Promoter,
    /// 7–8
    Passive,
    /// 0–6
    Detractor,
    /// The NPS question was left unanswered.
    Unanswered,
}

impl Band {
    fn of(score: Option<u32>) -> Band {
        match score {
            Some(9..) => Band::Promoter,
            Some(7 | 8) => Band::Passive,
            Some(_) => Band::Detractor,
            None => Band::Unanswered,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CommentSort {
    /// Latest response first (undated last).
    #[default]
    Newest,
    /// Earliest response first (undated last).
    Oldest,
    /// Lowest score first (unanswered last), newest first within a score.
    Lowest,
    /// Highest score first (unanswered last), newest first within a score.
    Highest,
}

/// What the explorer shows, on top of the selection of an [`NpsQuery`] (its date range and filters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CommentQuery {
    /// Only comments with this theme (a parent includes its children's comments); `Uncategorized` for the
    /// comments no theme matches.
    pub theme: Option<String>,
    /// `true`: only comments with at least one theme; `false`: only uncategorized ones.
    pub matched: Option<bool>,
    /// Only comments whose response is in one of these bands (empty: all).
    pub bands: Vec<Band>,
    /// Free text: every word must begin a word of the comment (case and accents ignored).
    pub search: Option<String>,
    pub sort: CommentSort,
    pub offset: u32,
    /// Page size, at most [`MAX_PAGE`].
    pub limit: u32,
    /// Columns whose value is shown beside each comment (e.g. `Plan`, `Region`).
    pub show: Vec<String>,
}

impl Default for CommentQuery {
    fn default() -> Self {
        CommentQuery {
            theme: None,
            matched: None,
            bands: vec![],
            search: None,
            sort: CommentSort::Newest,
            offset: 0,
            limit: 50,
            show: vec![],
        }
    }
}

/// A stretch of a comment to highlight. Offsets count UTF-16 code units (JavaScript string indices), so
/// `text.slice(start, end)` in the window is the matched text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Highlight {
    pub start: u32,
    pub end: u32,
    /// The theme whose term matched; `None` for a match of the free-text search.
    pub theme: Option<String>,
    /// The rule term as written (the search words for a search match).
    pub term: String,
}

/// One comment and its response.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommentRow {
    pub respondent: String,
    /// Local response time, `YYYY-MM-DDTHH:MM:SS`.
    pub responded_at: Option<String>,
    pub score: Option<u8>,
    pub text: String,
    /// The comment's themes, parents included, in rule-set order (empty: uncategorized).
    pub themes: Vec<String>,
    /// The values of the asked `show` columns.
    pub segments: GroupKey,
    /// Sorted by start; may overlap (a word can match a theme term and the search).
    pub highlights: Vec<Highlight>,
}

/// Comments per band among all that match the explorer's filters (before paging).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BandCounts {
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    pub unanswered: u32,
}

/// One page of the explorer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommentPage {
    /// The comment column.
    pub column: String,
    /// Which rules tagged the comments: filled in by the caller, which chose them.
    pub rules: String,
    /// Comments matching every filter, before paging.
    pub total: u32,
    /// `total` split by band, ignoring the band filter (so the band chips can show their counts).
    pub bands: BandCounts,
    pub offset: u32,
    pub comments: Vec<CommentRow>,
}

impl SurveyFrame {
    /// Every comment the explorer's filters select (its offset and limit are ignored), newest pages of
    /// [`MAX_PAGE`] joined: what "Export table" and `npsdesk export table comments` write.
    pub fn all_comments(
        &mut self,
        ws: &Workspace,
        q: &NpsQuery,
        matcher: &Matcher,
        cq: &CommentQuery,
    ) -> Result<CommentPage> {
        let mut cq = CommentQuery { offset: 0, limit: MAX_PAGE, ..cq.clone() };
        let mut page = self.comments(ws, q, matcher, &cq)?;
        while (page.comments.len() as u32) < page.total {
            cq.offset = page.comments.len() as u32;
            let next = self.comments(ws, q, matcher, &cq)?;
            if next.comments.is_empty() {
                break;
            }
            page.comments.extend(next.comments);
        }
        Ok(page)
    }

    /// The comments of `q`'s selection that pass `cq`'s filters, sorted and paged, tagged by `matcher`.
    pub fn comments(
        &mut self,
        ws: &Workspace,
        q: &NpsQuery,
        matcher: &Matcher,
        cq: &CommentQuery,
    ) -> Result<CommentPage> {
        let (column, pos) = self.comment_position(ws)?;
        self.ensure_keys(ws)?;
        let theme = match cq.theme.as_deref() {
            None => None,
            Some(t) if t.eq_ignore_ascii_case(UNCATEGORIZED) => Some(None),
            Some(t) => Some(Some(matcher.theme_id(t).ok_or_else(|| {
                let names: Vec<&str> = matcher.themes().iter().map(|i| i.name.as_str()).collect();
                AnalyticsError::InvalidQuery(format!("no theme {t:?} in the rules; they have: {}", names.join(", ")))
            })?)),
        };
        let show: Vec<&str> = cq.show.iter().map(String::as_str).collect();
        let show_cols = self.columns(ws, &show)?;
        let search = cq.search.as_deref().and_then(TextSearch::new);
        // The search over the corpus (built for the first search, before the tags, which then go through it
        // rather than split every comment once more): which query words each vocabulary word begins, then OR
        // per comment.
        let search_bits: Option<(std::sync::Arc<npsdesk_themes::Corpus>, Vec<u64>, u64)> = search.as_ref().map(|s| {
            let corpus = self.comment_corpus(pos);
            let bits = (0..corpus.vocabulary() as u32).map(|w| s.word_bits(corpus.word(w))).collect();
            (corpus, bits, s.all_bits())
        });
        let tags = self.comment_tags(pos, matcher);
        let comment_frame = self.coded(pos).frame.clone();

        let mut select = vec![col(ROW), col(SCORE), col(TSI), col(comment_frame.as_str()).alias("comment")];
        select.extend(
            show_cols.iter().enumerate().map(|(i, (_, p))| col(self.coded(*p).frame.as_str()).alias(format!("s{i}"))),
        );
        let rows =
            self.responses_where(ws, q)?.filter(col(comment_frame.as_str()).neq(lit(0u32))).select(select).collect()?;
        // Plain vectors: the loops below touch every selected row.
        let row_ids: Vec<u32> = rows.column(ROW)?.u32()?.into_no_null_iter().collect();
        let scores: Vec<Option<u32>> = rows.column(SCORE)?.u32()?.iter().collect();
        let times: Vec<Option<i64>> = rows.column(TSI)?.i64()?.iter().collect();
        let codes: Vec<u32> = rows.column("comment")?.u32()?.iter().map(|c| c.unwrap_or(0)).collect();

        // Per distinct comment: 0 not decided yet, 1 passes the theme and search filters, 2 does not.
        let values = &self.coded(pos).values;
        let mut verdict = vec![0u8; values.len() + 1];
        let mut scratch = Scratch::default();
        let mut passes = |code: u32| -> bool {
            let v = &mut verdict[code as usize];
            if *v == 0 {
                let set: &ThemeSet = tags[code as usize].as_ref().expect("a non-empty comment is tagged");
                let by_theme = match theme {
                    None => true,
                    Some(None) => set.is_empty(),
                    Some(Some(id)) => set.contains(id),
                };
                let by_matched = cq.matched.is_none_or(|m| m != set.is_empty());
                // Corpus comment i is coded value i + 1.
                let by_text = search_bits.as_ref().is_none_or(|(corpus, bits, all)| {
                    corpus.words_of(code as usize - 1).fold(0, |b, w| b | bits[w as usize]) == *all
                });
                *v = if by_theme && by_matched && by_text { 1 } else { 2 };
            }
            *v == 1
        };
        let mut bands = BandCounts::default();
        let mut hits: Vec<usize> = Vec::new();
        for (i, &code) in codes.iter().enumerate() {
            if !passes(code) {
                continue;
            }
            let band = Band::of(scores[i]);
            match band {
                Band::Promoter => bands.promoters += 1,
                Band::Passive => bands.passives += 1,
                Band::Detractor => bands.detractors += 1,
                Band::Unanswered => bands.unanswered += 1,
            }
            if cq.bands.is_empty() || cq.bands.contains(&band) {
                hits.push(i);
            }
        }
        // Rows come in time order with the undated first, so the time orders need no sort.
        let undated = hits.partition_point(|&i| times[i].is_none());
        match cq.sort {
            CommentSort::Newest => hits.reverse(), // undated (first) end up last
            CommentSort::Oldest => hits.rotate_left(undated),
            CommentSort::Lowest | CommentSort::Highest => {
                let desc = cq.sort == CommentSort::Highest;
                hits.reverse(); // newest first within a score: the sort below is stable
                hits.sort_by_key(|&i| {
                    let s = scores[i].map(|s| if desc { 10 - s } else { s });
                    (s.is_none(), s)
                })
            }
        }

        let limit = cq.limit.min(MAX_PAGE) as usize;
        let mut comments = Vec::with_capacity(limit);
        for &i in hits.iter().skip(cq.offset as usize).take(limit) {
            let code = codes[i];
            let text = values[code as usize - 1].to_string();
            let set = tags[code as usize].as_ref().expect("a non-empty comment is tagged");
            let mut marks: Vec<(usize, usize, Option<String>, String)> = matcher
                .explain(&text)
                .into_iter()
                .map(|m| (m.start, m.end, Some(matcher.theme_name(m.theme).to_string()), m.term))
                .collect();
            if let Some(s) = &search {
                let words = cq.search.clone().unwrap_or_default();
                for (a, b) in s.spans(&text, &mut scratch).unwrap_or_default() {
                    marks.push((a, b, None, words.clone()));
                }
            }
            marks.sort_by_key(|m| (m.0, m.1));
            let segments = show_cols
                .iter()
                .enumerate()
                .map(|(k, (name, p))| {
                    let c = rows.column(&format!("s{k}")).ok().and_then(|c| c.u32().ok().and_then(|c| c.get(i)));
                    (name.clone(), c.and_then(|c| self.coded(*p).text(c)))
                })
                .collect();
            comments.push(CommentRow {
                respondent: self.respondent_key(row_ids[i]).to_string(),
                responded_at: times[i]
                    .and_then(DateTime::from_timestamp_millis)
                    .map(|d| d.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()),
                score: scores[i].map(|s| s as u8),
                themes: matcher.labels(set).into_iter().map(str::to_string).collect(),
                segments: GroupKey(segments),
                highlights: marks
                    .into_iter()
                    .map(|(a, b, theme, term)| Highlight {
                        start: utf16_len(&text[..a]),
                        end: utf16_len(&text[..b]),
                        theme,
                        term,
                    })
                    .collect(),
                text,
            });
        }
        Ok(CommentPage { column, rules: String::new(), total: hits.len() as u32, bands, offset: cq.offset, comments })
    }
}

/// Length of `s` in UTF-16 code units (what JavaScript's `String.length` counts).
fn utf16_len(s: &str) -> u32 {
    s.chars().map(|c| c.len_utf16() as u32).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs_twice() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("😀"), 2);
    }

    #[test]
    fn bands_follow_the_nps_categories() {
        assert_eq!(Band::of(Some(0)), Band::Detractor);
        assert_eq!(Band::of(Some(6)), Band::Detractor);
        assert_eq!(Band::of(Some(7)), Band::Passive);
        assert_eq!(Band::of(Some(8)), Band::Passive);
        assert_eq!(Band::of(Some(9)), Band::Promoter);
        assert_eq!(Band::of(Some(10)), Band::Promoter);
        assert_eq!(Band::of(None), Band::Unanswered);
    }
}

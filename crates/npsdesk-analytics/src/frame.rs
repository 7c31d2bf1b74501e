//! The cached frame of one survey and the grouped queries over it.
//!
//! The layout is chosen so that a query over a million responses is one filter and one integer group-by:
//! - rows are sorted by response time (undated first), so "the latest response" is the last row of a group;
//! - a text column is dictionary-coded the first time a query needs it (`u32` codes, 0 = left empty), so
//!   filters compare integers and groups hash integers;
//! - a period's buckets are coded densely, in time order, the first time a query groups by that period;
//! - a query packs its group codes, period and score into one `u64` key (mixed radix, see [`group_rows`])
//!   and counts the rows per key; plain Rust unpacks the few keys into the groups.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, NaiveDate};
use npsdesk_core::stats::{compare, mean_interval, parse_rating, proportion_interval, z_for_level};
use npsdesk_core::{
    ColumnInfo, CountMode, GroupKey, MetricGroup, MetricKind, MetricReport, MetricSpec, NpsCounts, NpsGroup, NpsQuery,
    NpsReport, Period, ValueCount,
};
use npsdesk_store::{CachedKeys, Workspace};
use polars::prelude::*;

use crate::{AnalyticsError, Result};

/// Milliseconds since 1970 of the naive local response time, for cheap range filters.
pub(crate) const TSI: &str = "tsi";
/// The NPS answer 0..=10 (null: not answered).
pub(crate) const SCORE: &str = "score";
/// Respondent identity code for de-duplication: the e-mail address when there is one, else the respondent key.
pub(crate) const WHO: &str = "who";
/// Day code: 0 for an undated response, else days since the first response's day plus one.
pub(crate) const DAY: &str = "day";
/// The frame row number (0..n in time order), so a filtered selection can point back at its rows.
pub(crate) const ROW: &str = "row";
pub(crate) const DAY_MS: i64 = 86_400_000;

/// A dictionary-coded text column: its frame column holds codes, `values[code - 1]` the texts (0: left empty).
pub(crate) struct Coded {
    pub frame: String,
    pub values: npsdesk_store::Texts,
    /// Text → code, made on the first lookup (filters): most columns are only grouped by, and a comment or
    /// e-mail column has hundreds of thousands of values.
    index: std::sync::OnceLock<HashMap<String, u32>>,
}

impl Coded {
    pub fn radix(&self) -> u64 {
        self.values.len() as u64 + 1
    }

    pub fn text(&self, code: u32) -> Option<String> {
        code.checked_sub(1).map(|i| self.values[i as usize].to_string())
    }

    /// The code of a text; the empty text stands for "left empty" (code 0).
    fn code(&self, text: &str) -> Option<u32> {
        let t = text.trim();
        if t.is_empty() {
            Some(0)
        } else {
            let index =
                self.index.get_or_init(|| self.values.iter().zip(1..).map(|(v, c)| (v.to_string(), c)).collect());
            index.get(t).copied()
        }
    }
}

/// One component of a packed group key: an expression yielding codes `0..radix`.
#[derive(Clone)]
pub(crate) struct Part {
    pub expr: Expr,
    pub radix: u64,
}

impl Part {
    pub fn column(name: &str, radix: u64) -> Part {
        Part { expr: col(name), radix }
    }
}

/// What [`group_rows`] keeps of each group: its row count, or the score of its last (latest) row.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reduce {
    Count,
    LastScore,
}

/// Groups as flat arrays: group `i` has codes `codes[i * width..(i + 1) * width]` and value `values[i]`.
pub(crate) struct Grouped {
    pub width: usize,
    pub codes: Vec<u32>,
    pub values: Vec<u32>,
}

impl Grouped {
    pub fn iter(&self) -> impl Iterator<Item = (&[u32], u32)> {
        (0..self.values.len()).map(move |i| (&self.codes[i * self.width..(i + 1) * self.width], self.values[i]))
    }
}

/// Groups `lf` by `parts` and reduces each group. The parts are packed into one `u64` key,
/// `k = ((c₀·r₁ + c₁)·r₂ + c₂)…`, when the product of the radices fits (always, in practice): polars then
/// hashes one integer column. Otherwise it groups by the parts as separate columns.
pub(crate) fn group_rows(lf: LazyFrame, parts: &[Part], reduce: Reduce) -> Result<Grouped> {
    let value = match reduce {
        Reduce::Count => len().cast(DataType::UInt32).alias("v"),
        Reduce::LastScore => col(SCORE).last().cast(DataType::UInt32).alias("v"),
    };
    let width = parts.len();
    if width == 0 {
        let out = lf.select([value]).collect()?;
        let v = out.column("v")?.u32()?.get(0).unwrap_or(0);
        return Ok(Grouped { width, codes: vec![], values: if v > 0 { vec![v] } else { vec![] } });
    }
    let u64_part = |p: &Part| p.expr.clone().cast(DataType::UInt64);
    let fits = parts.iter().try_fold(1u64, |acc, p| acc.checked_mul(p.radix)).is_some();
    let mut codes = Vec::new();
    let mut values = Vec::new();
    if fits {
        let mut key = u64_part(&parts[0]);
        for p in &parts[1..] {
            key = key * lit(p.radix) + u64_part(p);
        }
        let pairs: Vec<(u64, u32)> = if reduce == Reduce::LastScore {
            // Many small groups (one per respondent): a hash map over the time-ordered rows, where the last
            // write wins, is several times faster than polars' `last()` aggregation here.
            let out = lf.select([key.alias("k"), col(SCORE).cast(DataType::UInt32)]).collect()?;
            let (keys, scores) = (out.column("k")?.u64()?, out.column(SCORE)?.u32()?);
            let mut last: HashMap<u64, u32, BuildHasherDefault<MixHasher>> =
                HashMap::with_capacity_and_hasher(out.height() / 2, Default::default());
            for (k, s) in keys.iter().zip(scores.iter()) {
                last.insert(k.unwrap_or(0), s.unwrap_or(0));
            }
            last.into_iter().collect()
        } else {
            let out = lf.select([key.alias("k")]).group_by([col("k")]).agg([value]).collect()?;
            let (keys, vals) = (out.column("k")?.u64()?, out.column("v")?.u32()?);
            keys.iter().zip(vals.iter()).map(|(k, v)| (k.unwrap_or(0), v.unwrap_or(0))).collect()
        };
        codes.resize(pairs.len() * width, 0);
        for (i, (mut k, v)) in pairs.into_iter().enumerate() {
            for j in (0..width).rev() {
                codes[i * width + j] = (k % parts[j].radix) as u32;
                k /= parts[j].radix;
            }
            values.push(v);
        }
    } else {
        let names: Vec<String> = (0..width).map(|j| format!("k{j}")).collect();
        let mut select: Vec<Expr> = parts.iter().zip(&names).map(|(p, n)| u64_part(p).alias(n.as_str())).collect();
        if reduce == Reduce::LastScore {
            select.push(col(SCORE));
        }
        let out = lf
            .select(select)
            .group_by(names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>())
            .agg([value])
            .collect()?;
        let cols = names.iter().map(|n| out.column(n.as_str())?.u64().cloned()).collect::<PolarsResult<Vec<_>>>()?;
        let vals = out.column("v")?.u32()?;
        for i in 0..out.height() {
            codes.extend(cols.iter().map(|c| c.get(i).unwrap_or(0) as u32));
            values.push(vals.get(i).unwrap_or(0));
        }
    }
    Ok(Grouped { width, codes, values })
}

/// A hasher for packed `u64` keys (a multiply–xorshift mix; the keys are not attacker-chosen and std's SipHash
/// would dominate the per-respondent pass).
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.write_u64(u64::from_le_bytes(last) ^ (bytes.len() as u64) << 56);
    }

    fn write_u64(&mut self, x: u64) {
        let x = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

/// Counts and the 0–10 distribution of a group.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    pub counts: NpsCounts,
    pub dist: [u32; 11],
}

impl Tally {
    pub fn add_score(&mut self, score: u32, times: u32) {
        let c = &mut self.counts;
        match score {
            9.. => c.promoters += times,
            7 | 8 => c.passives += times,
            _ => c.detractors += times,
        }
        self.dist[score.min(10) as usize] += times;
    }

    /// An account's average: categorised as it stands (8.5 is passive), put in the distribution rounded half up.
    pub fn add_mean(&mut self, mean: f64) {
        let c = &mut self.counts;
        if mean >= 9.0 {
            c.promoters += 1;
        } else if mean >= 7.0 {
            c.passives += 1;
        } else {
            c.detractors += 1;
        }
        self.dist[((mean + 0.5).floor() as usize).min(10)] += 1;
    }

    pub fn merge(&mut self, o: &Tally) {
        self.counts += o.counts;
        self.dist.iter_mut().zip(o.dist).for_each(|(a, b)| *a += b);
    }
}

/// The cached responses of one survey.
pub struct SurveyFrame {
    survey_id: i64,
    survey_name: String,
    data_version: i64,
    columns: Vec<ColumnInfo>,
    comment_column: Option<String>,
    pub(crate) df: DataFrame,
    /// Frame row → scan row: the frame is sorted by time, scans of the workspace come in row-id order.
    order: Vec<u32>,
    /// Respondent keys in scan order, for showing a response's identity: read from the copy when a list of
    /// responses first needs them (see [`SurveyFrame::ensure_keys`]).
    keys: Option<CachedKeys>,
    /// Coded text columns by column position.
    coded: HashMap<u32, Coded>,
    /// The themes of each distinct comment under the rule set tagged last (see [`SurveyFrame::comment_tags`]).
    tags: Option<TagCache>,
    /// The comment column's distinct values split into words once (by column position), so a new rule set
    /// (the editor's preview, on every pause in typing) only looks the vocabulary up again.
    pub(crate) corpus: Option<(u32, std::sync::Arc<npsdesk_themes::Corpus>)>,
    /// Per granularity: the frame column of dense period codes and the period code ([`Period::code`]) of each.
    periods: HashMap<Period, (String, Vec<i32>)>,
    /// Day number (since 1970) of day code 1.
    pub(crate) first_day: i64,
    pub(crate) day_radix: u64,
    /// 0 until the identity column is made.
    who_radix: u64,
    /// The e-mail column's position, if any: the respondent identity.
    email: Vec<u32>,
}

/// Tags of the comment column's distinct values under one rule set: `tags[code]` (code 0, no comment: `None`).
pub(crate) struct TagCache {
    fingerprint: u64,
    position: u32,
    tags: std::sync::Arc<Vec<Option<npsdesk_themes::ThemeSet>>>,
}

/// One group as the queries produce it: key texts, period code (or window end day), counts, distribution.
pub(crate) struct RawGroup {
    pub key: Vec<Option<String>>,
    pub period: Option<i64>,
    pub counts: NpsCounts,
    pub distribution: Vec<u32>,
}

/// Time, score and identity of every response, in scan order (the frame sorts them by time).
struct Identities {
    tsi: Vec<Option<i64>>,
    score: Vec<Option<u8>>,
    /// Identity code per response and the number of identities: the same code for responses of one e-mail
    /// address (case and spaces ignored), else one per respondent key; numbered in first-seen order. `None`
    /// until a count mode needs it, when it costs reading every address (see [`SurveyFrame::ensure_who`]).
    who: Option<(Vec<u32>, usize)>,
    /// `None` from the copy, where they are read apart ([`SurveyFrame::ensure_keys`]).
    keys: Option<CachedKeys>,
}

impl Identities {
    /// From the rows: one scan of the workspace. With `with_who`, it also decodes the e-mail cell (if any)
    /// of each and numbers the identities; without, `who` is left for [`SurveyFrame::ensure_who`] (the
    /// lowercased address and its map entry per row were a third of a report's scan at 1M).
    fn scan(ws: &Workspace, survey_id: i64, email: &[u32], rows: usize, with_who: bool) -> Result<Identities> {
        let mut tsi: Vec<Option<i64>> = Vec::with_capacity(rows);
        let mut score: Vec<Option<u8>> = Vec::with_capacity(rows);
        let mut who: Vec<u32> = Vec::with_capacity(if with_who { rows } else { 0 });
        let mut identities: HashMap<String, u32> = HashMap::new();
        let mut keys = String::with_capacity(rows * 12);
        let mut key_ends: Vec<u32> = Vec::with_capacity(rows);
        let email = if with_who { email } else { &[] };
        ws.scan_responses(survey_id, email, |r| {
            keys.push_str(r.respondent_key);
            key_ends.push(keys.len() as u32);
            tsi.push(r.responded_at.map(|s| s * 1000));
            score.push(r.score);
            if with_who {
                let id = match r.values.first() {
                    Some(Some(e)) => e.trim().to_lowercase(),
                    _ => format!("id:{}", r.respondent_key),
                };
                let next = identities.len() as u32;
                who.push(*identities.entry(id).or_insert(next));
            }
        })?;
        let who = with_who.then_some((who, identities.len()));
        Ok(Identities { tsi, score, who, keys: Some(CachedKeys { keys, key_ends }) })
    }

    /// From the import's columnar copy; `None` when it is missing or stale. The identities and the respondent
    /// keys are left for later ([`SurveyFrame::ensure_who`], [`SurveyFrame::ensure_keys`]).
    fn cached(ws: &Workspace, survey_id: i64) -> Result<Option<Identities>> {
        let Some(base) = ws.cached_base(survey_id)? else { return Ok(None) };
        Ok(Some(Identities {
            // In place (same element type): no second 16 MB of freshly faulted pages at 1M.
            tsi: base.responded_at.into_iter().map(|t| t.map(|s| s * 1000)).collect(),
            score: base.score,
            who: None,
            keys: None,
        }))
    }

    /// Identities from the copy of the e-mail column, numbered as [`Identities::scan`] does; `None` when an
    /// address could be mistaken for a key identity (then the scan keeps the numbering exact).
    fn from_addresses(column: &npsdesk_store::CachedColumn) -> Option<(Vec<u32>, usize)> {
        let lowered: Vec<String> = column.values.iter().map(|v| v.to_lowercase()).collect();
        // A lowercased address could only equal a key identity ("id:<key>") if it starts so.
        if lowered.iter().any(|v| v.starts_with("id:")) {
            return None;
        }
        let mut by_address: HashMap<&str, u32, BuildHasherDefault<MixHasher>> =
            HashMap::with_capacity_and_hasher(lowered.len(), BuildHasherDefault::default());
        let mut of_code = vec![u32::MAX; lowered.len() + 1];
        let mut next = 0u32;
        let mut who = Vec::with_capacity(column.codes.len());
        for &code in &column.codes {
            let id = if code == 0 {
                next += 1;
                next - 1
            } else if of_code[code as usize] != u32::MAX {
                of_code[code as usize]
            } else {
                let id = *by_address.entry(lowered[code as usize - 1].as_str()).or_insert_with(|| {
                    next += 1;
                    next - 1
                });
                of_code[code as usize] = id;
                id
            };
            who.push(id);
        }
        Some((who, next as usize))
    }
}

impl SurveyFrame {
    /// Reads every response's time, score and identity. [`AnalyticsError::NoNps`] for a survey without NPS.
    pub fn load(ws: &Workspace, survey_id: i64) -> Result<SurveyFrame> {
        SurveyFrame::load_with(ws, survey_id, &[], false)
    }

    /// [`SurveyFrame::load`], with the columns named in `columns` (as `--by` takes them; unknown names are
    /// left to the query to report) and, when `comments`, the "why?" column: their columnar copies are
    /// decoded on a second thread while this one reads the responses. Why: a `themes` report first waits
    /// for both, and at 1M comments each took about a fifth of it.
    pub fn load_with(ws: &Workspace, survey_id: i64, columns: &[&str], comments: bool) -> Result<SurveyFrame> {
        // Everything read (the columns' parts first, then the responses) must be of the data of this version.
        let data_version = ws.data_version()?;
        let frame = SurveyFrame::load_parts(ws, survey_id, columns, comments, data_version)?;
        frame.still_current(ws)?;
        Ok(frame)
    }

    /// [`SurveyFrame::load_with`] without the check that no import came in between; the frame is stamped
    /// with `data_version`, read before anything else.
    fn load_parts(
        ws: &Workspace,
        survey_id: i64,
        columns: &[&str],
        comments: bool,
        data_version: i64,
    ) -> Result<SurveyFrame> {
        let summary = ws.survey(survey_id)?;
        if summary.nps_column.is_none() {
            return Err(AnalyticsError::NoNps(summary.name));
        }
        let comment = summary.comment_column.as_deref().filter(|_| comments);
        let mut positions: Vec<u32> = columns
            .iter()
            .copied()
            .chain(comment)
            .filter_map(|n| npsdesk_store::resolve_column(&summary.columns, n).map(|c| c.position))
            .collect();
        positions.sort_unstable();
        positions.dedup();
        let mut parts = Vec::with_capacity(positions.len());
        for p in positions {
            if let Some(column) = ws.cached_column_parts(survey_id, p)? {
                parts.push((p, column));
            }
        }
        if parts.is_empty() {
            return SurveyFrame::load_base(ws, survey_id, summary, data_version);
        }
        let (frame, decoded) = npsdesk_core::par::join(
            || SurveyFrame::load_base(ws, survey_id, summary, data_version),
            || parts.into_iter().map(|(p, c)| (p, c.decode())).collect::<Vec<_>>(),
        );
        let mut frame = frame?;
        for (p, column) in decoded {
            // A copy that does not decode, or not into as many codes as responses, is left out: the query
            // reads the column again, or scans it. (A wave committed in between fails `load_with`'s check.)
            if let Some(c) = column.filter(|c| c.codes.len() == frame.order.len()) {
                frame.add_coded(p, c.values, &c.codes, None)?;
            }
        }
        Ok(frame)
    }

    /// The frame of time, score and identity, for the survey `summary` describes.
    fn load_base(
        ws: &Workspace,
        survey_id: i64,
        summary: npsdesk_core::SurveySummary,
        data_version: i64,
    ) -> Result<SurveyFrame> {
        let email: Vec<u32> =
            summary.columns.iter().filter(|c| c.role.is_email(&c.question)).map(|c| c.position).take(1).collect();
        let Identities { tsi, score, mut who, keys } = match Identities::cached(ws, survey_id)? {
            Some(cached) => cached,
            None => Identities::scan(ws, survey_id, &email, summary.responses as usize, false)?,
        };
        // Keys are unique in a survey: without an address column each response is an identity of its own (what
        // numbering "id:<key>" in first-seen order gives), at no cost. With one, the identities wait for a
        // de-duplicating count mode (`ensure_who`).
        if email.is_empty() {
            let n = tsi.len();
            who = Some(((0..n as u32).collect(), n));
        }
        // Sort by time once (stable: equal times keep import order; undated first).
        let order = time_order(&tsi);
        let days = |t: Option<i64>| t.map(|t| t.div_euclid(DAY_MS));
        // Read through `order` straight into the frame's columns: a sorted copy of each first would be 24 MB
        // more of fresh pages at 1M responses, for every report process.
        let first_day = order.iter().find_map(|&i| days(tsi[i as usize])).unwrap_or(0);
        let last_day = order.iter().rev().find_map(|&i| days(tsi[i as usize])).unwrap_or(first_day);
        let day: Vec<u32> =
            order.iter().map(|&i| days(tsi[i as usize]).map_or(0, |d| (d - first_day + 1) as u32)).collect();
        let tsi: Int64Chunked = order.iter().map(|&i| tsi[i as usize]).collect_ca_trusted(TSI.into());
        let score: UInt32Chunked =
            order.iter().map(|&i| score[i as usize].map(u32::from)).collect_ca_trusted(SCORE.into());
        // `Series::from_vec` takes a vector over; `Series::new` of one copies it (polars' `NamedFrom` goes
        // through a slice): 4 MB of fresh pages more per column at 1M responses, in every report process.
        let df = DataFrame::new_infer_height(vec![
            tsi.into_series().into(),
            score.into_series().into(),
            Series::from_vec(DAY.into(), day).into(),
            Series::from_vec(ROW.into(), (0..order.len() as u32).collect::<Vec<u32>>()).into(),
        ])?;
        let mut frame = SurveyFrame {
            survey_id,
            survey_name: summary.name,
            data_version,
            columns: summary.columns,
            comment_column: summary.comment_column,
            df,
            order,
            keys,
            coded: HashMap::new(),
            tags: None,
            corpus: None,
            periods: HashMap::new(),
            first_day,
            day_radix: (last_day - first_day + 2) as u64,
            who_radix: 0,
            email,
        };
        if let Some((who, radix)) = who {
            frame.add_who(who, radix)?;
        }
        Ok(frame)
    }

    /// Adds the identity column from identities in scan order.
    fn add_who(&mut self, who: Vec<u32>, radix: usize) -> Result<()> {
        if who.len() != self.order.len() {
            return Err(changed());
        }
        let sorted: Vec<u32> = self.order.iter().map(|&i| who[i as usize]).collect();
        self.df.with_column(Series::from_vec(WHO.into(), sorted).into())?;
        self.who_radix = radix.max(1) as u64;
        Ok(())
    }

    /// Makes sure the identity column is there (the de-duplicating count modes group by it): from the copy of
    /// the e-mail column, else one scan of the rows.
    fn ensure_who(&mut self, ws: &Workspace) -> Result<()> {
        if self.df.get_column_index(WHO).is_some() {
            return Ok(());
        }
        let n = self.order.len();
        let copied = match self.email.first() {
            Some(&p) => ws.cached_column(self.survey_id, p)?.filter(|c| c.codes.len() == n),
            None => None,
        };
        let (who, radix) = match copied.as_ref().and_then(Identities::from_addresses) {
            Some(w) => w,
            None => Identities::scan(ws, self.survey_id, &self.email, n, true)?.who.expect("asked for identities"),
        };
        self.still_current(ws)?;
        self.add_who(who, radix)
    }

    /// After a read for the frame later than its load (a column, the keys, the identities): no import may
    /// have committed since the load began, or what was read may be of other data with as many responses
    /// (import ids only grow, so an unchanged data version means none did).
    fn still_current(&self, ws: &Workspace) -> Result<()> {
        if self.is_current(ws)? {
            Ok(())
        } else {
            Err(changed())
        }
    }

    pub fn survey_id(&self) -> i64 {
        self.survey_id
    }

    pub fn survey_name(&self) -> &str {
        &self.survey_name
    }

    /// Whether the column at export `position` is decoded in the frame (read once, then by every query).
    pub fn has_column(&self, position: u32) -> bool {
        self.coded.contains_key(&position)
    }

    /// The survey's "why?" column, if it has one.
    pub fn comment_column(&self) -> Option<String> {
        self.comment_column.clone()
    }

    pub fn responses(&self) -> usize {
        self.df.height()
    }

    /// False once an import has changed the workspace since this frame was loaded.
    pub fn is_current(&self, ws: &Workspace) -> Result<bool> {
        Ok(ws.data_version()? == self.data_version)
    }

    /// Resolves `--by`/`--where` names and makes sure their columns are coded in the frame (one scan of the
    /// workspace for all missing ones). Returns (canonical column name, column position).
    pub(crate) fn columns(&mut self, ws: &Workspace, names: &[&str]) -> Result<Vec<(String, u32)>> {
        let infos = names
            .iter()
            .map(|n| {
                npsdesk_store::resolve_column(&self.columns, n)
                    .map(|c| (c.name.clone(), c.position))
                    .ok_or_else(|| npsdesk_store::unknown_column(&self.survey_name, &self.columns, n).into())
            })
            .collect::<Result<Vec<_>>>()?;
        let mut missing: Vec<u32> = infos.iter().map(|c| c.1).filter(|p| !self.coded.contains_key(p)).collect();
        if missing.is_empty() {
            return Ok(infos);
        }
        missing.sort_unstable();
        missing.dedup();
        // The import's columnar copy first (a few milliseconds a column); what it lacks is scanned.
        let (mut copied, mut scan) = (Vec::new(), Vec::with_capacity(missing.len()));
        for pos in missing {
            match ws.cached_column(self.survey_id, pos)? {
                Some(c) if c.codes.len() == self.order.len() => copied.push((pos, c)),
                _ => scan.push(pos),
            }
        }
        let missing = scan;
        let mut scanned = Vec::new();
        if !missing.is_empty() {
            let mut dicts: Vec<(npsdesk_store::Texts, HashMap<String, u32>)> =
                vec![(npsdesk_store::Texts::new(), HashMap::new()); missing.len()];
            let mut codes: Vec<Vec<u32>> = vec![Vec::with_capacity(self.df.height()); missing.len()];
            ws.scan_responses(self.survey_id, &missing, |r| {
                for (slot, v) in r.values.iter().enumerate() {
                    let code = match v.as_deref().map(str::trim) {
                        None | Some("") => 0,
                        Some(t) => {
                            let (values, index) = &mut dicts[slot];
                            match index.get(t) {
                                Some(c) => *c,
                                None => {
                                    values.push(t);
                                    index.insert(t.to_string(), values.len() as u32);
                                    values.len() as u32
                                }
                            }
                        }
                    };
                    codes[slot].push(code);
                }
            })?;
            scanned = missing.into_iter().zip(codes).zip(dicts).collect::<Vec<_>>();
        }
        // Added only once everything is read and found to be of the frame's data.
        self.still_current(ws)?;
        if scanned.iter().any(|((_, scan_codes), _)| scan_codes.len() != self.order.len()) {
            return Err(changed());
        }
        for (pos, c) in copied {
            self.add_coded(pos, c.values, &c.codes, None)?;
        }
        for ((pos, scan_codes), (values, index)) in scanned {
            self.add_coded(pos, values, &scan_codes, Some(index))?;
        }
        Ok(infos)
    }

    /// Adds the coded column at `position` from its values and its codes in scan order.
    fn add_coded(
        &mut self,
        position: u32,
        values: npsdesk_store::Texts,
        scan_codes: &[u32],
        index: Option<HashMap<String, u32>>,
    ) -> Result<()> {
        let frame = format!("c{position}");
        let sorted: Vec<u32> = self.order.iter().map(|&i| scan_codes[i as usize]).collect();
        self.df.with_column(Series::from_vec(frame.as_str().into(), sorted).into())?;
        let index = index.map_or_else(std::sync::OnceLock::new, std::sync::OnceLock::from);
        self.coded.insert(position, Coded { frame, values, index });
        Ok(())
    }

    pub(crate) fn coded(&self, position: u32) -> &Coded {
        &self.coded[&position]
    }

    /// Makes sure the respondent keys are there (a list of responses shows them): from the copy, else one
    /// scan of the rows.
    pub(crate) fn ensure_keys(&mut self, ws: &Workspace) -> Result<()> {
        if self.keys.is_some() {
            return Ok(());
        }
        let n = self.order.len();
        let keys = match ws.cached_keys(self.survey_id)?.filter(|k| k.key_ends.len() == n) {
            Some(keys) => keys,
            None => Identities::scan(ws, self.survey_id, &[], n, false)?.keys.expect("a scan reads the keys"),
        };
        self.still_current(ws)?;
        if keys.key_ends.len() != n {
            return Err(changed());
        }
        self.keys = Some(keys);
        Ok(())
    }

    /// The respondent key of frame row `row` ([`SurveyFrame::ensure_keys`] first).
    pub(crate) fn respondent_key(&self, row: u32) -> &str {
        let CachedKeys { keys, key_ends } = self.keys.as_ref().expect("ensure_keys before respondent_key");
        let scan = self.order[row as usize] as usize;
        let start = if scan == 0 { 0 } else { key_ends[scan - 1] as usize };
        &keys[start..key_ends[scan] as usize]
    }

    /// The distinct values of the comment column at `position`, split into words once.
    pub(crate) fn comment_corpus(&mut self, position: u32) -> std::sync::Arc<npsdesk_themes::Corpus> {
        match &self.corpus {
            Some((p, c)) if *p == position => c.clone(),
            _ => {
                let c = std::sync::Arc::new(npsdesk_themes::Corpus::new(&self.coded(position).values.to_strs()));
                self.corpus = Some((position, c.clone()));
                c
            }
        }
    }

    /// The themes of each distinct value of the comment column at `position` (`[code]`; code 0 is `None`),
    /// tagged once per rule set: paging through comments or switching filters reuses them.
    pub(crate) fn comment_tags(
        &mut self,
        position: u32,
        matcher: &npsdesk_themes::Matcher,
    ) -> std::sync::Arc<Vec<Option<npsdesk_themes::ThemeSet>>> {
        if let Some(c) = &self.tags {
            if c.fingerprint == matcher.fingerprint() && c.position == position {
                return c.tags.clone();
            }
        }
        // The first rule set is tagged in one pass that keeps no corpus: a report (the CLI's `themes`, the
        // Themes tab) needs none. A second one means the rules are being edited (the preview re-tags on every
        // pause in typing): from then on the comments are tagged through the corpus, built once.
        let tagged_before = matches!(&self.tags, Some(c) if c.position == position);
        let has_corpus = matches!(self.corpus, Some((p, _)) if p == position);
        let corpus = (tagged_before || has_corpus).then(|| self.comment_corpus(position));
        let values = self.coded(position).values.to_strs();
        let tagged = match &corpus {
            None => matcher.tag_once(&values),
            Some(corpus) => matcher.tag_corpus(corpus, &values),
        };
        let tags: Vec<Option<npsdesk_themes::ThemeSet>> =
            std::iter::once(None).chain(tagged.into_iter().map(Some)).collect();
        let tags = std::sync::Arc::new(tags);
        self.tags = Some(TagCache { fingerprint: matcher.fingerprint(), position, tags: tags.clone() });
        tags
    }

    /// The frame column of dense `per` codes (0: undated), made on first use, and the period code of each.
    fn period(&mut self, per: Period) -> Result<(String, Vec<i32>)> {
        if let Some(p) = self.periods.get(&per) {
            return Ok(p.clone());
        }
        // A period depends only on the day: work it out once per day code (0: undated), not per response.
        let day = self.df.column(DAY)?.u32()?.clone();
        let mut seen = vec![false; self.day_radix as usize];
        for d in day.iter().flatten() {
            if let Some(s) = seen.get_mut(d as usize) {
                *s = true;
            }
        }
        let of_day: Vec<Option<i32>> = (0..self.day_radix as i64)
            .map(|d| {
                let ms = (self.first_day + d - 1).checked_mul(DAY_MS)?;
                (d > 0).then(|| DateTime::from_timestamp_millis(ms).map(|t| per.code(t.naive_utc()))).flatten()
            })
            .collect();
        let mut codes: Vec<i32> = of_day.iter().zip(&seen).filter_map(|(c, s)| c.filter(|_| *s)).collect();
        codes.sort_unstable();
        codes.dedup();
        let dense_of_day: Vec<u32> =
            of_day.iter().map(|c| c.map_or(0, |c| codes.binary_search(&c).map_or(0, |i| i as u32 + 1))).collect();
        let dense: Vec<u32> =
            day.iter().map(|d| d.and_then(|d| dense_of_day.get(d as usize).copied()).unwrap_or(0)).collect();
        let name = format!("p_{per:?}").to_lowercase();
        self.df.with_column(Series::from_vec(name.as_str().into(), dense).into())?;
        self.periods.insert(per, (name.clone(), codes.clone()));
        Ok((name, codes))
    }

    /// The answered responses of the selection: date range and `--where` filters applied.
    pub(crate) fn selection(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<LazyFrame> {
        Ok(self.responses_where(ws, q)?.filter(col(SCORE).is_not_null()))
    }

    /// All responses of the selection (answered NPS or not): date range and `--where` filters applied.
    pub(crate) fn responses_where(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<LazyFrame> {
        // Every tally of this selection counts with `q.count`; the de-duplicating modes group by identity.
        if q.count != CountMode::All {
            self.ensure_who(ws)?;
        }
        // Code the filter columns first: the lazy frame below is built on a snapshot of the frame.
        let names: Vec<&str> = q.filters.iter().map(|f| f.column.as_str()).collect();
        let cols = self.columns(ws, &names)?;
        let mut lf = self.df.clone().lazy();
        if let Some(from) = parse_date(q.from.as_deref(), "--from")? {
            lf = lf.filter(col(TSI).gt_eq(lit(day_start_ms(from))));
        }
        if let Some(to) = parse_date(q.to.as_deref(), "--to")? {
            lf = lf.filter(col(TSI).lt(lit(day_start_ms(to) + DAY_MS)));
        }
        // Several values of one column are OR, different columns AND; `!=` keeps unanswered cells (code 0),
        // and an empty value means "left empty".
        let mut by_column: Vec<(u32, Vec<Expr>, Vec<Expr>)> = Vec::new();
        for (f, (_, pos)) in q.filters.iter().zip(&cols) {
            let slot = match by_column.iter().position(|(p, _, _)| p == pos) {
                Some(i) => i,
                None => {
                    by_column.push((*pos, vec![], vec![]));
                    by_column.len() - 1
                }
            };
            let coded = self.coded(*pos);
            let c = col(coded.frame.as_str());
            match (coded.code(&f.value), f.negate) {
                (Some(code), false) => by_column[slot].1.push(c.eq(lit(code))),
                (None, false) => by_column[slot].1.push(lit(false)),
                (Some(code), true) => by_column[slot].2.push(c.neq(lit(code))),
                (None, true) => {}
            }
        }
        for (_, eqs, nes) in by_column {
            if let Some(any) = eqs.into_iter().reduce(|a, b| a.or(b)) {
                lf = lf.filter(any);
            }
            for ne in nes {
                lf = lf.filter(ne);
            }
        }
        Ok(lf)
    }

    /// The account column for per-account counting, coded.
    pub(crate) fn account_column(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<Option<u32>> {
        if q.count != CountMode::PerAccount {
            return Ok(None);
        }
        let name = q.account_column.as_deref().unwrap_or("Custom Data 1");
        Ok(self.columns(ws, &[name])?.pop().map(|(_, pos)| pos))
    }

    /// The distinct values of a column with their response counts, most frequent first (at most `limit`).
    pub fn values(&mut self, ws: &Workspace, column: &str, limit: usize) -> Result<Vec<ValueCount>> {
        let (_, pos) = self.columns(ws, &[column])?.pop().expect("one column asked, one resolved");
        let coded = self.coded(pos);
        let grouped = group_rows(self.df.clone().lazy(), &[Part::column(&coded.frame, coded.radix())], Reduce::Count)?;
        let mut out: Vec<ValueCount> =
            grouped.iter().map(|(codes, n)| ValueCount { value: coded.text(codes[0]), n }).collect();
        out.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| none_last(&a.value, &b.value)));
        out.truncate(limit);
        Ok(out)
    }

    /// The group parts of `by` columns (positions) and an optional period; the period part comes last.
    pub(crate) fn parts(&mut self, by: &[(String, u32)], per: Option<Period>) -> Result<(Vec<Part>, Option<Vec<i32>>)> {
        let mut parts: Vec<Part> = by
            .iter()
            .map(|(_, pos)| {
                let c = self.coded(*pos);
                Part::column(&c.frame, c.radix())
            })
            .collect();
        let mut period_codes = None;
        if let Some(per) = per {
            let (name, codes) = self.period(per)?;
            parts.push(Part::column(&name, codes.len() as u64 + 1));
            period_codes = Some(codes);
        }
        Ok((parts, period_codes))
    }

    /// Tallies of the selection per group of `parts`, reduced by the count mode first.
    pub(crate) fn tally(
        &self,
        lf: LazyFrame,
        parts: &[Part],
        count: CountMode,
        account: Option<u32>,
    ) -> Result<HashMap<Vec<u32>, Tally>> {
        let width = parts.len();
        let mut out: HashMap<Vec<u32>, Tally> = HashMap::new();
        let mut all = parts.to_vec();
        match count {
            CountMode::All => {
                all.push(Part::column(SCORE, 11));
                for (codes, n) in group_rows(lf, &all, Reduce::Count)?.iter() {
                    out.entry(codes[..width].to_vec()).or_default().add_score(codes[width], n);
                }
            }
            CountMode::LatestPerRespondent => {
                all.push(Part::column(WHO, self.who_radix));
                let grouped = group_rows(lf, &all, Reduce::LastScore)?;
                let mut slices: HashMap<&[u32], Tally> = HashMap::new();
                for (codes, score) in grouped.iter() {
                    slices.entry(&codes[..width]).or_default().add_score(score, 1);
                }
                out.extend(slices.into_iter().map(|(k, t)| (k.to_vec(), t)));
            }
            CountMode::PerAccount => {
                let account = account.ok_or_else(|| {
                    AnalyticsError::InvalidQuery("per-account counting needs an account column".into())
                })?;
                let a = self.coded(account);
                all.push(Part::column(&a.frame, a.radix()));
                all.push(Part::column(WHO, self.who_radix));
                let lf = lf.filter(col(a.frame.as_str()).neq(lit(0u32)));
                let grouped = group_rows(lf, &all, Reduce::LastScore)?;
                // Each account's average over its respondents' latest scores.
                let mut accounts: HashMap<&[u32], (u32, u32)> = HashMap::new();
                for (codes, score) in grouped.iter() {
                    let e = accounts.entry(&codes[..=width]).or_default();
                    e.0 += score;
                    e.1 += 1;
                }
                for (codes, (sum, n)) in accounts {
                    out.entry(codes[..width].to_vec()).or_default().add_mean(f64::from(sum) / f64::from(n));
                }
            }
        }
        Ok(out)
    }

    /// Tallies turned into groups with key texts; `period_codes` maps the last part (when grouped by period).
    pub(crate) fn raw_groups(
        &self,
        tallies: HashMap<Vec<u32>, Tally>,
        by: &[(String, u32)],
        period_codes: Option<&[i32]>,
    ) -> Vec<RawGroup> {
        let mut out = Vec::with_capacity(tallies.len());
        for (codes, t) in tallies {
            if t.counts.n() == 0 {
                continue;
            }
            let period = match period_codes {
                // Undated responses count in the total but in no period.
                Some(_) if codes[by.len()] == 0 => continue,
                Some(pc) => Some(i64::from(pc[codes[by.len()] as usize - 1])),
                None => None,
            };
            let key = by.iter().zip(&codes).map(|((_, pos), c)| self.coded(*pos).text(*c)).collect();
            out.push(RawGroup { key, period, counts: t.counts, distribution: t.dist.to_vec() });
        }
        out
    }

    /// CSAT (percent in the top box) or CES (mean) of a rating column, with the query's grouping and filters.
    /// Every answer counts (the count modes apply to NPS); answers that are not a rating 1..scale are ignored
    /// and counted in `unreadable`.
    pub fn metric(&mut self, ws: &Workspace, q: &NpsQuery, spec: &MetricSpec) -> Result<MetricReport> {
        let z = z_for_level(q.level).ok_or_else(|| {
            AnalyticsError::InvalidQuery(format!("confidence level {} is not one of 0.8, 0.9, 0.95, 0.99", q.level))
        })?;
        if q.count != CountMode::All || q.rolling.is_some() {
            return Err(AnalyticsError::InvalidQuery(
                "CSAT and CES count every answer, by segment and period (no --count, no --rolling)".into(),
            ));
        }
        if spec.scale < 2
            || spec.scale > 11
            || (spec.kind == MetricKind::Csat && (spec.top_box == 0 || spec.top_box >= spec.scale))
        {
            return Err(AnalyticsError::InvalidQuery(format!(
                "a 1–{} scale with a top box of {} does not make sense",
                spec.scale, spec.top_box
            )));
        }
        let (column, pos) = self.columns(ws, &[spec.column.as_str()])?.pop().expect("one column asked, one resolved");
        // Rating codes: 0 empty, 1..=scale the rating, scale + 1 an answer that is not a rating.
        let scale = u32::from(spec.scale);
        let rating = format!("r{pos}_{scale}");
        if self.df.get_column_index(&rating).is_none() {
            let coded = self.coded(pos);
            let table: Vec<u32> = std::iter::once(0)
                .chain(coded.values.iter().map(|t| parse_rating(t, spec.scale).map_or(scale + 1, u32::from)))
                .collect();
            let codes = self.df.column(&coded.frame)?.u32()?.clone();
            let ratings: Vec<u32> = codes.into_no_null_iter().map(|c| table[c as usize]).collect();
            self.df.with_column(Series::from_vec(rating.as_str().into(), ratings).into())?;
        }
        let by: Vec<&str> = q.by.iter().map(String::as_str).collect();
        let by_cols = self.columns(ws, &by)?;
        let (mut parts, period_codes) = self.parts(&by_cols, q.per)?;
        let width = parts.len();
        parts.push(Part::column(&rating, u64::from(scale) + 2));
        let lf = self.responses_where(ws, q)?;
        let grouped = group_rows(lf, &parts, Reduce::Count)?;

        let mut unreadable = 0;
        let mut total = vec![0u32; spec.scale as usize];
        let mut per_group: HashMap<&[u32], Vec<u32>> = HashMap::new();
        for (codes, n) in grouped.iter() {
            let r = codes[width];
            if r == scale + 1 {
                unreadable += n;
            } else if r > 0 {
                total[r as usize - 1] += n;
                if width > 0 {
                    per_group.entry(&codes[..width]).or_insert_with(|| vec![0; spec.scale as usize])[r as usize - 1] +=
                        n;
                }
            }
        }
        let threshold = scale - u32::from(spec.top_box) + 1;
        let figures = |dist: &[u32]| -> (u32, f64, [f64; 2]) {
            let n: u32 = dist.iter().sum();
            let top: u32 = dist[threshold as usize - 1..].iter().sum();
            let sum: f64 = dist.iter().enumerate().map(|(i, c)| (i as f64 + 1.0) * f64::from(*c)).sum();
            let sum_sq: f64 = dist.iter().enumerate().map(|(i, c)| (i as f64 + 1.0).powi(2) * f64::from(*c)).sum();
            match spec.kind {
                MetricKind::Csat if n > 0 => (n, 100.0 * f64::from(top) / f64::from(n), proportion_interval(top, n, z)),
                MetricKind::Ces if n > 0 => (n, sum / f64::from(n), mean_interval(n, sum, sum_sq, z)),
                _ => (n, 0.0, [0.0, 0.0]),
            }
        };
        let (n, value, ci) = figures(&total);
        let mut groups = Vec::new();
        for (codes, dist) in per_group {
            let (gn, gv, gci) = figures(&dist);
            let mut key: Vec<(String, Option<String>)> =
                by_cols.iter().zip(codes).map(|((name, pos), c)| (name.clone(), self.coded(*pos).text(*c))).collect();
            if let (Some(per), Some(pc)) = (q.per, &period_codes) {
                let c = codes[by_cols.len()];
                if c == 0 {
                    continue; // undated: in the total only
                }
                key.push(("period".into(), Some(per.key_from_code(pc[c as usize - 1]))));
            }
            if gn >= q.min_n.max(1) {
                groups.push(MetricGroup {
                    key: GroupKey(key),
                    n: gn,
                    value: gv,
                    ci: gci,
                    low_n: gn < q.low_n,
                    distribution: dist,
                });
            }
        }
        groups.sort_by(|a, b| cmp_keys(&a.key.0, &b.key.0));
        Ok(MetricReport {
            kind: spec.kind,
            column,
            scale: spec.scale,
            top_box: spec.top_box,
            level: q.level,
            n,
            value,
            ci,
            distribution: total,
            unreadable,
            groups,
        })
    }

    /// NPS over the selection, and per group when the query groups.
    pub fn nps(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<NpsReport> {
        let z = z_for_level(q.level).ok_or_else(|| {
            AnalyticsError::InvalidQuery(format!("confidence level {} is not one of 0.8, 0.9, 0.95, 0.99", q.level))
        })?;
        if q.per.is_some() && q.rolling.is_some() {
            return Err(AnalyticsError::InvalidQuery(
                "use either a period (--per) or a rolling window (--rolling), not both".into(),
            ));
        }
        let by: Vec<&str> = q.by.iter().map(String::as_str).collect();
        let by_cols = self.columns(ws, &by)?;
        let account = self.account_column(ws, q)?;
        // Period codes before the selection: the lazy frame is built on a snapshot of the frame.
        let (parts, period_codes) = self.parts(&by_cols, q.per)?;
        let selection = self.selection(ws, q)?;
        let grouped = !by_cols.is_empty() || q.per.is_some();

        let (total, raw): (Tally, Vec<(RawGroup, Option<npsdesk_core::Window>)>) = if let Some(rolling) = q.rolling {
            let (total, groups) = crate::rolling::groups(self, selection.clone(), &by_cols, rolling, q.count, account)?;
            let total = match total {
                Some(t) => t,
                None => self.tally(selection, &[], q.count, account)?.remove(&vec![]).unwrap_or_default(),
            };
            (total, groups)
        } else {
            let tallies = self.tally(selection.clone(), &parts, q.count, account)?;
            // Counting every response, the groups (undated ones included) add up to the total; the other
            // modes de-duplicate across groups, so their total is its own pass.
            let total = if q.count == CountMode::All || !grouped {
                tallies.values().fold(Tally::default(), |mut acc, t| {
                    acc.merge(t);
                    acc
                })
            } else {
                self.tally(selection, &[], q.count, account)?.remove(&vec![]).unwrap_or_default()
            };
            let raw = if grouped {
                self.raw_groups(tallies, &by_cols, period_codes.as_deref()).into_iter().map(|g| (g, None)).collect()
            } else {
                vec![]
            };
            (total, raw)
        };

        let key_names: Vec<String> = by_cols.iter().map(|(n, _)| n.clone()).collect();
        let groups = finish_groups(raw, &key_names, q, z, total.counts);
        let hidden = groups.iter().filter(|g| q.min_n > 0 && g.n < q.min_n).count() as u32;
        let groups: Vec<NpsGroup> = groups.into_iter().filter(|g| q.min_n == 0 || g.n >= q.min_n).collect();

        let mut report = NpsReport::new(total.counts, groups);
        report.distribution = total.dist.to_vec();
        report.level = q.level;
        report.ci = total.counts.adjusted_wald(z);
        report.count = q.count;
        report.low_n_threshold = q.low_n;
        report.hidden_groups = hidden;
        Ok(report)
    }
}

/// Key values ascending with "no answer" last.
fn none_last(x: &Option<String>, y: &Option<String>) -> std::cmp::Ordering {
    match (x, y) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// Keys in order, each compared by [`none_last`].
pub(crate) fn cmp_keys(a: &[(String, Option<String>)], b: &[(String, Option<String>)]) -> std::cmp::Ordering {
    a.iter().zip(b).map(|((_, x), (_, y))| none_last(x, y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
}

/// Shares, intervals, small-sample flags, comparisons and order; `raw` keys are in `key_names` order, plus a
/// period code or window when grouped by time.
fn finish_groups(
    raw: Vec<(RawGroup, Option<npsdesk_core::Window>)>,
    key_names: &[String],
    q: &NpsQuery,
    z: f64,
    total: NpsCounts,
) -> Vec<NpsGroup> {
    let mut raw = raw;
    // Order: each key with "no answer" last, then time.
    raw.sort_by(|(a, _), (b, _)| {
        a.key
            .iter()
            .zip(&b.key)
            .map(|(x, y)| none_last(x, y))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.period.cmp(&b.period))
    });
    let mut out: Vec<NpsGroup> = Vec::with_capacity(raw.len());
    let mut previous: Option<(Vec<Option<String>>, NpsCounts)> = None;
    for (g, window) in raw {
        let mut key: Vec<(String, Option<String>)> = key_names.iter().cloned().zip(g.key.iter().cloned()).collect();
        if let Some(code) = g.period {
            let label = match (&window, q.per) {
                (Some(w), _) => w.to.clone(),
                (None, Some(per)) => per.key_from_code(code as i32),
                (None, None) => code.to_string(),
            };
            key.push(("period".into(), Some(label)));
        }
        let mut group = NpsGroup::new(GroupKey(key), g.counts);
        group.share = if total.n() > 0 { f64::from(g.counts.n()) / f64::from(total.n()) } else { 0.0 };
        group.distribution = g.distribution;
        group.low_n = g.counts.n() < q.low_n;
        group.ci = g.counts.adjusted_wald(z);
        group.vs_total = compare(&g.counts, &total, q.level);
        if g.period.is_some() {
            group.vs_previous = match &previous {
                Some((k, c)) if *k == g.key => compare(&g.counts, c, q.level),
                _ => None,
            };
            previous = Some((g.key.clone(), g.counts));
        }
        group.window = window;
        out.push(group);
    }
    out
}

pub(crate) fn parse_date(text: Option<&str>, flag: &str) -> Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| AnalyticsError::InvalidQuery(format!("{flag} {t:?} is not a date like 2025-07-01")))
    })
    .transpose()
}

pub(crate) fn day_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis())
}

/// A read for a frame met another import: what it read does not line up with the frame.
fn changed() -> AnalyticsError {
    AnalyticsError::InvalidQuery("the workspace changed while reading it: run the query again".into())
}

/// The rows in time order, undated first, equal times in their given order: what a stable
/// `sort_by_key(|&i| tsi[i])` gives. Each dated row becomes one u64, its offset from the earliest time above
/// its row number, so a plain sort of integers (no key closure, no indirection) gives that order; when the
/// span of times and the row count do not fit 64 bits together, the comparison sort. Why: every report
/// process and every app launch sorts the whole survey; at 1M responses the comparison sort took about
/// 70 ms of a 250 ms `npsdesk nps`.
fn time_order(tsi: &[Option<i64>]) -> Vec<u32> {
    let min = tsi.iter().flatten().min().copied().unwrap_or(0);
    // The offset from the earliest time (wrapping_sub: the distance between any two i64 fits a u64).
    let offset = |t: i64| t.wrapping_sub(min) as u64;
    let span = tsi.iter().flatten().map(|&t| offset(t)).max().unwrap_or(0);
    let row_bits = u64::BITS - (tsi.len() as u64).leading_zeros();
    let span_bits = u64::BITS - span.leading_zeros();
    if row_bits + span_bits > u64::BITS {
        let mut order: Vec<u32> = (0..tsi.len() as u32).collect();
        order.sort_by_key(|&i| tsi[i as usize]);
        return order;
    }
    // Undated rows first, in their order; then the dated ones, sorted.
    let mut order: Vec<u32> = Vec::with_capacity(tsi.len());
    let mut dated: Vec<u64> = Vec::with_capacity(tsi.len());
    for (i, t) in tsi.iter().enumerate() {
        match t {
            None => order.push(i as u32),
            Some(t) => dated.push(offset(*t) << row_bits | i as u64),
        }
    }
    // Exports list the newest response first: reversed, the keys are nearly in order, which the sort goes
    // through much faster (the keys are distinct, so the result does not depend on their order).
    if dated.first() > dated.last() {
        dated.reverse();
    }
    dated.sort_unstable();
    let row_mask = (1u64 << row_bits) - 1;
    order.extend(dated.iter().map(|&k| (k & row_mask) as u32));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_order_is_the_stable_comparison_sort() {
        // splitmix64: random times over a few spans (ties, undated rows, extremes of i64).
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for (n, span) in [(0, 1), (1, 1), (50, 3), (5_000, 1_000), (20_000, 63_000_000_000), (3_000, u64::MAX)] {
            let tsi: Vec<Option<i64>> = (0..n)
                .map(|_| {
                    let r = next();
                    (r % 7 != 0).then(|| (next() % span) as i64 + if span == u64::MAX { 0 } else { 1_700_000_000_000 })
                })
                .collect();
            let mut expected: Vec<u32> = (0..n as u32).collect();
            expected.sort_by_key(|&i| tsi[i as usize]);
            assert_eq!(time_order(&tsi), expected, "n {n}, span {span}");
        }
        let extremes = [
            Some(i64::MAX),
            None,
            Some(i64::MIN),
            Some(i64::MAX - 1),
            Some(0),
            Some(i64::MIN),
            Some(-1),
            None,
            Some(i64::MAX),
        ];
        let mut expected: Vec<u32> = (0..extremes.len() as u32).collect();
        expected.sort_by_key(|&i| extremes[i as usize]);
        assert_eq!(time_order(&extremes), expected);
        // Newest first, as exports list them (the keys are reversed before the sort), with ties and gaps.
        let newest_first: Vec<Option<i64>> = (0..10_000i64)
            .map(|i| (i % 13 != 5).then(|| 1_800_000_000_000 - i / 3 * 1000 + (next() % 3) as i64))
            .collect();
        let mut expected: Vec<u32> = (0..newest_first.len() as u32).collect();
        expected.sort_by_key(|&i| newest_first[i as usize]);
        assert_eq!(time_order(&newest_first), expected);
    }

    fn sorted(g: &Grouped) -> Vec<(Vec<u32>, u32)> {
        let mut v: Vec<(Vec<u32>, u32)> = g.iter().map(|(c, v)| (c.to_vec(), v)).collect();
        v.sort();
        v
    }

    #[test]
    fn packed_and_separate_keys_group_alike() {
        let a: Vec<u32> = vec![0, 1, 1, 2, 2, 2, 0, 1];
        let b: Vec<u32> = vec![3, 3, 0, 1, 1, 1, 3, 3];
        let score: Vec<Option<u32>> = vec![Some(9), Some(0), None, Some(10), Some(7), Some(7), Some(9), Some(4)];
        let df = DataFrame::new_infer_height(vec![
            Series::new("a".into(), a).into(),
            Series::new("b".into(), b).into(),
            Series::new(SCORE.into(), score).into(),
        ])
        .unwrap();
        let packed = [Part::column("a", 3), Part::column("b", 4)];
        // Radices whose product overflows u64 force the separate-column path.
        let separate = [Part::column("a", u64::MAX / 2), Part::column("b", 4)];
        for reduce in [Reduce::Count, Reduce::LastScore] {
            let p = group_rows(df.clone().lazy(), &packed, reduce).unwrap();
            let s = group_rows(df.clone().lazy(), &separate, reduce).unwrap();
            assert_eq!(sorted(&p), sorted(&s));
        }
        // By hand: (0,3) ×2, (1,3) ×2, (1,0), (2,1) ×3; the last score of (2,1) is 7, of (1,3) is 4.
        let p = group_rows(df.clone().lazy(), &packed, Reduce::Count).unwrap();
        assert_eq!(sorted(&p), [(vec![0, 3], 2), (vec![1, 0], 1), (vec![1, 3], 2), (vec![2, 1], 3)]);
        let l = sorted(&group_rows(df.lazy(), &packed, Reduce::LastScore).unwrap());
        assert_eq!(l[2], (vec![1, 3], 4));
        assert_eq!(l[3], (vec![2, 1], 7));
    }

    #[test]
    fn tally_categories_and_account_means() {
        let mut t = Tally::default();
        t.add_score(9, 2);
        t.add_score(8, 1);
        t.add_score(6, 3);
        t.add_mean(8.5); // passive, shown as 9 (half up)
        assert_eq!((t.counts.promoters, t.counts.passives, t.counts.detractors), (2, 2, 3));
        assert_eq!(t.dist, [0, 0, 0, 0, 0, 0, 3, 0, 1, 3, 0]);
    }
}

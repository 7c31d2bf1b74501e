//! The cached frame of one survey and the grouped NPS query.

use std::collections::HashMap;

use chrono::NaiveDate;
use npsdesk_core::stats::{compare, mean_interval, parse_rating, proportion_interval, z_for_level};
use npsdesk_core::{
    ColumnRole, CountMode, GroupKey, MetricGroup, MetricKind, MetricReport, MetricSpec, NpsCounts, NpsGroup, NpsQuery,
    NpsReport, Period,
};
use npsdesk_store::Workspace;
use polars::prelude::*;

use crate::{AnalyticsError, Result};

pub(crate) const TS: &str = "ts";
/// Milliseconds since 1970 of the naive local response time, for cheap range filters.
pub(crate) const TSI: &str = "tsi";
pub(crate) const SCORE: &str = "score";
/// Respondent identity for de-duplication: the e-mail address when there is one, else the respondent key.
pub(crate) const WHO: &str = "who";
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The cached responses of one survey.
pub struct SurveyFrame {
    survey_id: i64,
    survey_name: String,
    data_version: i64,
    pub(crate) df: DataFrame,
    /// Column position → name of its frame column, for columns already read.
    loaded: HashMap<u32, String>,
}

/// One group's counts as they come out of polars: key cells, counts, distribution.
pub(crate) struct RawGroup {
    pub key: Vec<Option<String>>,
    pub period: Option<i64>,
    pub counts: NpsCounts,
    pub distribution: Vec<u32>,
}

impl SurveyFrame {
    /// Reads every response's time, score and identity. [`AnalyticsError::NoNps`] for a survey without NPS.
    pub fn load(ws: &Workspace, survey_id: i64) -> Result<SurveyFrame> {
        let summary = ws.survey(survey_id)?;
        if summary.nps_column.is_none() {
            return Err(AnalyticsError::NoNps(summary.name));
        }
        let data_version = ws.data_version()?;
        let email: Vec<u32> = summary
            .columns
            .iter()
            .filter(|c| {
                c.role == ColumnRole::Metadata && matches!(squash(&c.question).as_str(), "emailaddress" | "email")
            })
            .map(|c| c.position)
            .take(1)
            .collect();
        let rows = summary.responses as usize;
        let mut tsi: Vec<Option<i64>> = Vec::with_capacity(rows);
        let mut score: Vec<Option<i32>> = Vec::with_capacity(rows);
        let mut who: Vec<String> = Vec::with_capacity(rows);
        ws.scan_responses(survey_id, &email, |r| {
            tsi.push(r.responded_at.map(|s| s * 1000));
            score.push(r.score.map(i32::from));
            who.push(match r.values.first() {
                Some(Some(e)) => e.trim().to_lowercase(),
                _ => format!("id:{}", r.respondent_key),
            });
        })?;
        let tsi = Series::new(TSI.into(), tsi);
        let ts = tsi.cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?.with_name(TS.into());
        let df = DataFrame::new_infer_height(vec![
            tsi.into(),
            ts.into(),
            Series::new(SCORE.into(), score).into(),
            Series::new(WHO.into(), who).into(),
        ])?;
        Ok(SurveyFrame { survey_id, survey_name: summary.name, data_version, df, loaded: HashMap::new() })
    }

    pub fn survey_id(&self) -> i64 {
        self.survey_id
    }

    pub fn survey_name(&self) -> &str {
        &self.survey_name
    }

    pub fn responses(&self) -> usize {
        self.df.height()
    }

    /// False once an import has changed the workspace since this frame was loaded.
    pub fn is_current(&self, ws: &Workspace) -> Result<bool> {
        Ok(ws.data_version()? == self.data_version)
    }

    /// Resolves `--by`/`--where` names and makes sure their columns are in the frame (one scan of the workspace
    /// for all missing ones). Returns (canonical column name, frame column name).
    pub(crate) fn columns(&mut self, ws: &Workspace, names: &[&str]) -> Result<Vec<(String, String)>> {
        let infos = names.iter().map(|n| ws.find_column(self.survey_id, n)).collect::<Result<Vec<_>, _>>()?;
        let mut missing: Vec<u32> = infos.iter().map(|c| c.position).filter(|p| !self.loaded.contains_key(p)).collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let mut values: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(self.df.height()); missing.len()];
            ws.scan_responses(self.survey_id, &missing, |r| {
                for (slot, v) in r.values.iter().enumerate() {
                    values[slot].push(v.clone());
                }
            })?;
            for (pos, vals) in missing.iter().zip(values) {
                let name = format!("c{pos}");
                self.df.with_column(Series::new(name.as_str().into(), vals).into())?;
                self.loaded.insert(*pos, name);
            }
        }
        Ok(infos.into_iter().map(|c| (c.name, self.loaded[&c.position].clone())).collect())
    }

    /// The answered responses of the selection: date range and `--where` filters applied.
    pub(crate) fn selection(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<LazyFrame> {
        Ok(self.responses_where(ws, q)?.filter(col(SCORE).is_not_null()))
    }

    /// All responses of the selection (answered NPS or not): date range and `--where` filters applied.
    pub(crate) fn responses_where(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<LazyFrame> {
        // Load the filter columns first: the lazy frame below is built on a snapshot of the frame.
        let names: Vec<&str> = q.filters.iter().map(|f| f.column.as_str()).collect();
        let cols = self.columns(ws, &names)?;
        let mut lf = self.df.clone().lazy();
        if let Some(from) = parse_date(q.from.as_deref(), "--from")? {
            lf = lf.filter(col(TSI).gt_eq(lit(day_start_ms(from))));
        }
        if let Some(to) = parse_date(q.to.as_deref(), "--to")? {
            lf = lf.filter(col(TSI).lt(lit(day_start_ms(to) + DAY_MS)));
        }
        // Several values of one column are OR, different columns AND; `!=` keeps unanswered cells.
        let mut by_column: Vec<(String, Vec<Expr>, Vec<Expr>)> = Vec::new();
        for (f, (_, frame_col)) in q.filters.iter().zip(&cols) {
            let slot = match by_column.iter().position(|(c, _, _)| c == frame_col) {
                Some(i) => i,
                None => {
                    by_column.push((frame_col.clone(), vec![], vec![]));
                    by_column.len() - 1
                }
            };
            let c = col(frame_col.as_str());
            if f.negate {
                by_column[slot].2.push(c.clone().neq(lit(f.value.clone())).or(c.is_null()));
            } else {
                by_column[slot].1.push(c.eq(lit(f.value.clone())));
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

    /// The account column for per-account counting, loaded.
    pub(crate) fn account_column(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<Option<String>> {
        if q.count != CountMode::PerAccount {
            return Ok(None);
        }
        let name = q.account_column.as_deref().unwrap_or("Custom Data 1");
        Ok(self.columns(ws, &[name])?.pop().map(|(_, frame)| frame))
    }

    /// The distinct values of a column with their response counts, most frequent first (at most `limit`).
    pub fn values(&mut self, ws: &Workspace, column: &str, limit: usize) -> Result<Vec<npsdesk_core::ValueCount>> {
        let (_, frame_col) = self.columns(ws, &[column])?.pop().expect("one column asked, one resolved");
        let out = self
            .df
            .clone()
            .lazy()
            .group_by([col(frame_col.as_str())])
            .agg([col(SCORE).len().cast(DataType::UInt32).alias("n")])
            .sort(["n"], SortMultipleOptions::default().with_order_descending(true))
            .limit(limit as IdxSize)
            .collect()?;
        let values = out.column(frame_col.as_str())?.str()?.clone();
        let counts = out.column("n")?.u32()?.clone();
        Ok((0..out.height())
            .map(|i| npsdesk_core::ValueCount {
                value: values.get(i).map(str::to_string),
                n: counts.get(i).unwrap_or(0),
            })
            .collect())
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
        let (column, text_col) =
            self.columns(ws, &[spec.column.as_str()])?.pop().expect("one column asked, one resolved");
        let rating = format!("{text_col}_r{}", spec.scale);
        if self.df.get_column_index(&rating).is_none() {
            let texts = self.df.column(&text_col)?.str()?.clone();
            let values: Vec<Option<f64>> = (0..texts.len())
                .map(|i| texts.get(i).and_then(|t| parse_rating(t, spec.scale)).map(f64::from))
                .collect();
            self.df.with_column(Series::new(rating.as_str().into(), values).into())?;
        }
        let by: Vec<&str> = q.by.iter().map(String::as_str).collect();
        let by_cols = self.columns(ws, &by)?;
        let lf = self.responses_where(ws, q)?;
        let unreadable = lf
            .clone()
            .select([col(text_col.as_str())
                .is_not_null()
                .and(col(rating.as_str()).is_null())
                .sum()
                .cast(DataType::UInt32)
                .alias("u")])
            .collect()?
            .column("u")?
            .u32()?
            .get(0)
            .unwrap_or(0);
        let lf = lf.filter(col(rating.as_str()).is_not_null());
        let r = || col(rating.as_str());
        let threshold = f64::from(spec.scale - spec.top_box + 1);
        let mut aggs = vec![
            r().count().cast(DataType::UInt32).alias("n"),
            r().gt_eq(lit(threshold)).sum().cast(DataType::UInt32).alias("top"),
            r().sum().alias("sum"),
            (r() * r()).sum().alias("sum_sq"),
        ];
        for v in 1..=spec.scale {
            aggs.push(r().eq(lit(f64::from(v))).sum().cast(DataType::UInt32).alias(format!("d{v}")));
        }
        let figures = |df: &DataFrame, i: usize| -> Result<(u32, f64, [f64; 2], Vec<u32>)> {
            let n = df.column("n")?.u32()?.get(i).unwrap_or(0);
            let top = df.column("top")?.u32()?.get(i).unwrap_or(0);
            let sum = df.column("sum")?.f64()?.get(i).unwrap_or(0.0);
            let sum_sq = df.column("sum_sq")?.f64()?.get(i).unwrap_or(0.0);
            let dist = (1..=spec.scale)
                .map(|v| Ok(df.column(&format!("d{v}"))?.u32()?.get(i).unwrap_or(0)))
                .collect::<Result<Vec<_>>>()?;
            let (value, ci) = match spec.kind {
                MetricKind::Csat if n > 0 => (100.0 * f64::from(top) / f64::from(n), proportion_interval(top, n, z)),
                MetricKind::Ces if n > 0 => (sum / f64::from(n), mean_interval(n, sum, sum_sq, z)),
                _ => (0.0, [0.0, 0.0]),
            };
            Ok((n, value, ci, dist))
        };
        let totals = lf.clone().select(aggs.clone()).collect()?;
        let (n, value, ci, distribution) = figures(&totals, 0)?;
        let mut keys: Vec<Expr> = by_cols.iter().map(|(_, f)| col(f.as_str())).collect();
        let mut groups = Vec::new();
        if !keys.is_empty() || q.per.is_some() {
            let mut g = lf;
            if let Some(per) = q.per {
                g = g.filter(col(TSI).is_not_null()).with_column(period_code(per).alias("period"));
                keys.push(col("period"));
            }
            let out = g.group_by(keys).agg(aggs).collect()?;
            for i in 0..out.height() {
                let mut key: Vec<(String, Option<String>)> = Vec::new();
                for (name, frame_col) in &by_cols {
                    key.push((name.clone(), out.column(frame_col.as_str())?.str()?.get(i).map(str::to_string)));
                }
                if let Some(per) = q.per {
                    let code = out.column("period")?.cast(&DataType::Int64)?.i64()?.get(i).unwrap_or_default();
                    key.push(("period".into(), Some(per.key_from_code(code as i32))));
                }
                let (gn, gv, gci, gd) = figures(&out, i)?;
                if gn >= q.min_n.max(1) {
                    groups.push(MetricGroup {
                        key: GroupKey(key),
                        n: gn,
                        value: gv,
                        ci: gci,
                        low_n: gn < q.low_n,
                        distribution: gd,
                    });
                }
            }
            groups.sort_by(|a, b| cmp_keys(&a.key.0, &b.key.0));
        }
        Ok(MetricReport {
            kind: spec.kind,
            column,
            scale: spec.scale,
            top_box: spec.top_box,
            level: q.level,
            n,
            value,
            ci,
            distribution,
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
        let selection = self.selection(ws, q)?;

        let total = aggregate(selection.clone(), &[], None, q.count, account.as_deref())?.pop();
        let (total_counts, total_dist) =
            total.map(|g| (g.counts, g.distribution)).unwrap_or_else(|| (NpsCounts::default(), vec![0; 11]));

        let frame_keys: Vec<String> = by_cols.iter().map(|(_, f)| f.clone()).collect();
        let raw: Vec<(RawGroup, Option<npsdesk_core::Window>)> = if let Some(rolling) = q.rolling {
            crate::rolling::groups(selection, &frame_keys, rolling, q.count, account.as_deref())?
        } else if !frame_keys.is_empty() || q.per.is_some() {
            let period = q.per.map(period_code);
            aggregate(selection, &frame_keys, period, q.count, account.as_deref())?
                .into_iter()
                .map(|g| (g, None))
                .collect()
        } else {
            vec![]
        };

        let key_names: Vec<String> = by_cols.iter().map(|(n, _)| n.clone()).collect();
        let groups = finish_groups(raw, &key_names, q, z, total_counts);
        let hidden = groups.iter().filter(|g| q.min_n > 0 && g.n < q.min_n).count() as u32;
        let groups: Vec<NpsGroup> = groups.into_iter().filter(|g| q.min_n == 0 || g.n >= q.min_n).collect();

        let mut report = NpsReport::new(total_counts, groups);
        report.distribution = total_dist;
        report.level = q.level;
        report.ci = total_counts.adjusted_wald(z);
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
fn cmp_keys(a: &[(String, Option<String>)], b: &[(String, Option<String>)]) -> std::cmp::Ordering {
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

/// Groups `lf` by `keys` (frame column names) and the optional `period` expression, reducing by the count
/// mode first, and counts each group. Without keys or period: one group, the total.
pub(crate) fn aggregate(
    lf: LazyFrame,
    keys: &[String],
    period: Option<Expr>,
    count: CountMode,
    account: Option<&str>,
) -> Result<Vec<RawGroup>> {
    let mut key_exprs: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
    let mut lf = lf;
    if let Some(p) = period {
        lf = lf.filter(col(TSI).is_not_null()).with_column(p.alias("period"));
        key_exprs.push(col("period"));
    }
    // Reduce to the units that count, then a `score` column (integer, or an account's average).
    let lf = match count {
        CountMode::All => {
            lf.select(key_exprs.iter().cloned().chain([col(SCORE).cast(DataType::Float64)]).collect::<Vec<_>>())
        }
        CountMode::LatestPerRespondent => {
            let mut by = key_exprs.clone();
            by.push(col(WHO));
            lf.sort([TSI], Default::default()).group_by(by).agg([col(SCORE).last().cast(DataType::Float64)])
        }
        CountMode::PerAccount => {
            let account = account
                .ok_or_else(|| AnalyticsError::InvalidQuery("per-account counting needs an account column".into()))?;
            let mut by = key_exprs.clone();
            by.push(col(account));
            let mut by_who = by.clone();
            by_who.push(col(WHO));
            lf.filter(col(account).is_not_null())
                .sort([TSI], Default::default())
                .group_by(by_who)
                .agg([col(SCORE).last().cast(DataType::Float64)])
                .group_by(by)
                .agg([col(SCORE).mean()])
        }
    };
    let out = if key_exprs.is_empty() {
        lf.select(count_exprs()).collect()?
    } else {
        lf.group_by(key_exprs).agg(count_exprs()).collect()?
    };
    let mut groups = Vec::with_capacity(out.height());
    let key_cols: Vec<&Column> = keys.iter().map(|k| out.column(k.as_str())).collect::<PolarsResult<_>>()?;
    let period_col = if out.get_column_index("period").is_some() {
        Some(out.column("period")?.cast(&DataType::Int64)?)
    } else {
        None
    };
    let counts = |name: &str| -> Result<Vec<u32>> {
        let c = out.column(name)?.u32()?;
        Ok((0..c.len()).map(|i| c.get(i).unwrap_or(0)).collect())
    };
    let (p, a, d) = (counts("promoters")?, counts("passives")?, counts("detractors")?);
    let dist: Vec<Vec<u32>> = (0..=10).map(|v| counts(&format!("d{v}"))).collect::<Result<_>>()?;
    for i in 0..out.height() {
        let key =
            key_cols.iter().map(|c| c.str().map(|s| s.get(i).map(str::to_string))).collect::<PolarsResult<Vec<_>>>()?;
        let period = match &period_col {
            Some(c) => c.i64()?.get(i),
            None => None,
        };
        let counts = NpsCounts::from_parts(p[i], a[i], d[i]);
        if counts.n() == 0 {
            continue;
        }
        groups.push(RawGroup { key, period, counts, distribution: dist.iter().map(|d| d[i]).collect() });
    }
    Ok(groups)
}

/// Promoter/passive/detractor counts and the 0–10 distribution of the `score` column. An account's average
/// is categorised as it stands (8.5 is passive) and put in the distribution rounded half up.
fn count_exprs() -> Vec<Expr> {
    let s = || col(SCORE);
    let mut e = vec![
        s().gt_eq(lit(9.0)).sum().cast(DataType::UInt32).alias("promoters"),
        s().gt_eq(lit(7.0)).and(s().lt(lit(9.0))).sum().cast(DataType::UInt32).alias("passives"),
        s().lt(lit(7.0)).sum().cast(DataType::UInt32).alias("detractors"),
    ];
    for v in 0..=10 {
        let rounded = (s() + lit(0.5)).cast(DataType::Int32);
        e.push(rounded.eq(lit(v)).sum().cast(DataType::UInt32).alias(format!("d{v}")));
    }
    e
}

/// An integer that orders like the period: see [`Period::code`], which formats it back.
pub(crate) fn period_code(per: Period) -> Expr {
    let ts = || col(TS).dt();
    let int = |e: Expr| e.cast(DataType::Int64);
    match per {
        Period::Year => int(ts().year()),
        Period::Quarter => int(ts().year()) * lit(10i64) + int(ts().quarter()),
        Period::Month => int(ts().year()) * lit(100i64) + int(ts().month()),
        Period::Week => int(ts().iso_year()) * lit(100i64) + int(ts().week()),
    }
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

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

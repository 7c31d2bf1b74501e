//! npsdesk-analytics: NPS over a survey's responses, answered from a polars frame that is loaded from the
//! workspace once and cached (the only crate that depends on polars).
//!
//! [`SurveyFrame::load`] reads time and score of every response; a column used for grouping is read once, the
//! first time a query needs it, and kept. Queries after that never touch SQLite. Call
//! [`SurveyFrame::is_current`] to learn whether an import has changed the data since.

use std::collections::HashMap;

use npsdesk_core::{GroupKey, NpsCounts, NpsGroup, NpsReport, Period};
use npsdesk_store::{StoreError, Workspace};
use polars::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("analytics engine: {0}")]
    Polars(#[from] PolarsError),
    #[error("survey {0:?} has no NPS column: nothing to compute (re-import with --nps-column to name it)")]
    NoNps(String),
}

pub type Result<T, E = AnalyticsError> = std::result::Result<T, E>;

/// What to compute: group by these columns (names as `--by` takes them) and optionally by period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NpsQuery {
    pub by: Vec<String>,
    pub per: Option<Period>,
}

/// The cached responses of one survey.
pub struct SurveyFrame {
    survey_id: i64,
    survey_name: String,
    data_version: i64,
    df: DataFrame,
    /// Column position → name of its frame column, for columns already read.
    loaded: HashMap<u32, String>,
}

const TS: &str = "ts";
const SCORE: &str = "score";

impl SurveyFrame {
    /// Reads every response's time and score. Fails with [`AnalyticsError::NoNps`] for a survey without NPS.
    pub fn load(ws: &Workspace, survey_id: i64) -> Result<SurveyFrame> {
        let summary = ws.survey(survey_id)?;
        if summary.nps_column.is_none() {
            return Err(AnalyticsError::NoNps(summary.name));
        }
        let data_version = ws.data_version()?;
        let mut ts: Vec<Option<i64>> = Vec::with_capacity(summary.responses as usize);
        let mut score: Vec<Option<i32>> = Vec::with_capacity(summary.responses as usize);
        ws.scan_responses(survey_id, &[], |r| {
            ts.push(r.responded_at.map(|s| s * 1000));
            score.push(r.score.map(i32::from));
        })?;
        let ts =
            Series::new(TS.into(), ts).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
        let score = Series::new(SCORE.into(), score);
        let df = DataFrame::new_infer_height(vec![ts.into(), score.into()])?;
        Ok(SurveyFrame {
            survey_id,
            survey_name: summary.name,
            data_version,
            df,
            loaded: HashMap::new(),
        })
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

    /// Makes sure the columns are in the frame (one scan of the workspace for all missing ones) and returns
    /// their frame names.
    fn ensure_columns(&mut self, ws: &Workspace, positions: &[u32]) -> Result<Vec<String>> {
        let missing: Vec<u32> = positions
            .iter()
            .copied()
            .filter(|p| !self.loaded.contains_key(p))
            .collect();
        if !missing.is_empty() {
            let mut values: Vec<Vec<Option<String>>> =
                vec![Vec::with_capacity(self.df.height()); missing.len()];
            ws.scan_responses(self.survey_id, &missing, |r| {
                for (slot, v) in r.values.iter().enumerate() {
                    values[slot].push(v.clone());
                }
            })?;
            for (pos, vals) in missing.iter().zip(values) {
                let name = format!("c{pos}");
                self.df
                    .with_column(Series::new(name.as_str().into(), vals).into())?;
                self.loaded.insert(*pos, name);
            }
        }
        Ok(positions.iter().map(|p| self.loaded[p].clone()).collect())
    }

    /// NPS over all answered responses, and per group when the query groups.
    pub fn nps(&mut self, ws: &Workspace, query: &NpsQuery) -> Result<NpsReport> {
        let columns: Vec<_> = query
            .by
            .iter()
            .map(|b| ws.find_column(self.survey_id, b))
            .collect::<Result<_, _>>()?;
        let positions: Vec<u32> = columns.iter().map(|c| c.position).collect();
        let frame_names = self.ensure_columns(ws, &positions)?;

        let answered = self.df.clone().lazy().filter(col(SCORE).is_not_null());
        let totals = answered.clone().select(count_exprs()).collect()?;
        let total = counts_at(&totals, 0)?;

        let mut groups = Vec::new();
        if !positions.is_empty() || query.per.is_some() {
            let mut keys: Vec<Expr> = frame_names.iter().map(|n| col(n.as_str())).collect();
            let mut lf = answered;
            if let Some(per) = query.per {
                lf = lf.filter(col(TS).is_not_null());
                keys.push(period_code(per).alias("period"));
            }
            let out = lf.group_by(keys).agg(count_exprs()).collect()?;
            let key_cols: Vec<&Column> = frame_names
                .iter()
                .map(|n| out.column(n.as_str()))
                .collect::<PolarsResult<_>>()?;
            let period_col = match query.per {
                Some(_) => Some(out.column("period")?.cast(&DataType::Int32)?),
                None => None,
            };
            for i in 0..out.height() {
                let mut key = Vec::with_capacity(columns.len() + 1);
                for (c, kc) in columns.iter().zip(&key_cols) {
                    let v = kc.str()?.get(i).map(str::to_string);
                    key.push((c.name.clone(), v));
                }
                if let (Some(per), Some(pc)) = (query.per, &period_col) {
                    let code = pc.i32()?.get(i).unwrap_or_default();
                    key.push(("period".to_string(), Some(per.key_from_code(code))));
                }
                groups.push((key, counts_at(&out, i)?));
            }
        }
        // Stable, readable order: by each key in turn, values ascending, "no answer" last.
        groups.sort_by(|(a, _), (b, _)| {
            a.iter()
                .zip(b)
                .map(|((_, x), (_, y))| match (x, y) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let groups = groups
            .into_iter()
            .map(|(k, c)| NpsGroup::new(GroupKey(k), c))
            .collect();
        Ok(NpsReport::new(total, groups))
    }
}

fn count_exprs() -> [Expr; 3] {
    [
        col(SCORE)
            .gt_eq(lit(9))
            .sum()
            .cast(DataType::UInt32)
            .alias("promoters"),
        col(SCORE)
            .gt_eq(lit(7))
            .and(col(SCORE).lt_eq(lit(8)))
            .sum()
            .cast(DataType::UInt32)
            .alias("passives"),
        col(SCORE)
            .lt_eq(lit(6))
            .sum()
            .cast(DataType::UInt32)
            .alias("detractors"),
    ]
}

fn counts_at(df: &DataFrame, row: usize) -> Result<NpsCounts> {
    let get = |name: &str| -> Result<u32> { Ok(df.column(name)?.u32()?.get(row).unwrap_or(0)) };
    Ok(NpsCounts::from_parts(
        get("promoters")?,
        get("passives")?,
        get("detractors")?,
    ))
}

/// An integer that orders like the period: see [`Period::code`], which formats it back.
fn period_code(per: Period) -> Expr {
    let ts = || col(TS).dt();
    let int = |e: Expr| e.cast(DataType::Int32);
    match per {
        Period::Year => int(ts().year()),
        Period::Quarter => int(ts().year()) * lit(10) + int(ts().quarter()),
        Period::Month => int(ts().year()) * lit(100) + int(ts().month()),
        Period::Week => int(ts().iso_year()) * lit(100) + int(ts().week()),
    }
}

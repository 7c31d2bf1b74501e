//! Account health: one row per account (the values of an account column, default `Custom Data 1`) over the
//! selection of an [`NpsQuery`] — its responses, latest score and the change since the one before, its NPS
//! with the adjusted-Wald interval, its last comment, and an at-risk flag with the reasons.
//!
//! At risk when the account's latest answered response is a detractor (0–6), or its score fell by 3 points
//! or more since the account's previous answered response, or its NPS category fell (promoter → passive,
//! passive → detractor, promoter → detractor). "Latest" is by response time; responses of every respondent
//! of the account count.

use chrono::DateTime;
use npsdesk_core::{NpsCounts, NpsQuery, NpsWeightings, Score, WeightedNps};
use npsdesk_store::{AccountBook, Workspace};
use polars::prelude::*;
use serde::Serialize;
use ts_rs::TS;

use crate::frame::{SCORE, TSI};
use crate::{Result, SurveyFrame};

/// How many of an account's latest answered scores its row carries (for a sparkline).
pub const HISTORY: usize = 12;

/// Why an account is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RiskReason {
    /// The latest answered score is 0–6.
    LatestDetractor,
    /// The latest score is at least 3 points below the previous one.
    Dropped,
    /// The NPS category of the latest score is below the previous one's.
    CategoryFell,
}

/// One account.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AccountRow {
    pub account: String,
    /// Responses of the account in the selection (answered or not).
    pub responses: u32,
    /// Answered responses, and their promoters/passives/detractors.
    pub n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// NPS of the account's answered responses; `None` without any.
    pub nps: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub latest_score: Option<u8>,
    /// Local time of the latest answered response, `YYYY-MM-DDTHH:MM:SS`.
    pub latest_at: Option<String>,
    pub previous_score: Option<u8>,
    /// `latest_score − previous_score`.
    pub change: Option<i32>,
    pub at_risk: bool,
    pub reasons: Vec<RiskReason>,
    /// The account's latest answered scores, oldest first (at most [`HISTORY`]).
    pub history: Vec<u8>,
    /// The text of the account's latest non-empty comment (when the survey has a comment column).
    pub last_comment: Option<String>,
    /// From the accounts file (`npsdesk accounts import`), matched by id or name.
    pub name: Option<String>,
    /// `YYYY-MM-DD`.
    pub renewal_date: Option<String>,
    pub arr: Option<f64>,
    pub owner: Option<String>,
}

/// `npsdesk accounts`: every account of the selection, at-risk first, then by latest response (newest first).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AccountsAnswer {
    /// The account column.
    pub column: String,
    pub accounts: Vec<AccountRow>,
    /// Accounts flagged at risk.
    pub at_risk: u32,
    /// Responses whose account cell is empty (not in any row).
    pub without_account: u32,
    /// Sum of the ARR of the listed accounts that have one (`None`: no account has an ARR).
    pub arr_total: Option<f64>,
    /// Sum of the ARR of the at-risk accounts among them.
    pub revenue_at_risk: Option<f64>,
    /// Accounts of the selection matched to a line of the accounts file.
    pub matched_accounts: u32,
    /// Respondent NPS beside the account- and ARR-weighted NPS of the same selection.
    pub weightings: NpsWeightings,
}

#[derive(Default)]
struct Acc {
    responses: u32,
    counts: NpsCounts,
    /// (time, score) of answered responses in time order (last two kept in full, `history` for the rest).
    scores: Vec<(Option<i64>, u8)>,
    comment: u32,
}

impl SurveyFrame {
    /// One row per account of `q`'s selection (dates and filters; grouping and count modes do not apply).
    pub fn accounts(&mut self, ws: &Workspace, q: &NpsQuery) -> Result<AccountsAnswer> {
        let name = q.account_column.clone().unwrap_or_else(|| "Custom Data 1".to_string());
        let (column, pos) = self.columns(ws, &[name.as_str()])?.pop().expect("one column asked, one resolved");
        let comment = match self.comment_column() {
            Some(_) => Some(self.comment_position(ws)?.1),
            None => None,
        };
        let account_frame = self.coded(pos).frame.clone();
        let mut select = vec![col(SCORE), col(TSI), col(account_frame.as_str()).alias("account")];
        if let Some(c) = comment {
            select.push(col(self.coded(c).frame.as_str()).alias("comment"));
        }
        let rows = self.responses_where(ws, q)?.select(select).collect()?;
        let scores: Vec<Option<u32>> = rows.column(SCORE)?.u32()?.iter().collect();
        let times: Vec<Option<i64>> = rows.column(TSI)?.i64()?.iter().collect();
        let accounts: Vec<u32> = rows.column("account")?.u32()?.iter().map(|c| c.unwrap_or(0)).collect();
        let comments: Vec<u32> = match comment {
            Some(_) => rows.column("comment")?.u32()?.iter().map(|c| c.unwrap_or(0)).collect(),
            None => vec![0; rows.height()],
        };

        let coded = self.coded(pos);
        let mut per: Vec<Acc> = (0..coded.radix()).map(|_| Acc::default()).collect();
        let mut without_account = 0u32;
        let mut everyone = NpsCounts::default();
        // Rows are in time order (undated first), so pushing keeps each account's scores in time order.
        for i in 0..rows.height() {
            let a = accounts[i] as usize;
            if let Some(score) = scores[i].and_then(|s| Score::new(s as u8)) {
                everyone.add(score);
            }
            if a == 0 {
                without_account += 1;
                continue;
            }
            let acc = &mut per[a];
            acc.responses += 1;
            if let Some(score) = scores[i].and_then(|s| Score::new(s as u8)) {
                acc.counts.add(score);
                acc.scores.push((times[i], score.value()));
            }
            if comments[i] != 0 {
                acc.comment = comments[i];
            }
        }
        let comment_text = |code: u32| comment.and_then(|c| self.coded(c).text(code));
        let book = AccountBook::load(ws)?;
        let mut out: Vec<AccountRow> = Vec::new();
        for (code, acc) in per.iter().enumerate().skip(1) {
            if acc.responses == 0 {
                continue;
            }
            let latest = acc.scores.last().copied();
            let previous = acc.scores.len().checked_sub(2).map(|i| acc.scores[i].1);
            let mut reasons = Vec::new();
            if let Some((_, l)) = latest {
                if l <= 6 {
                    reasons.push(RiskReason::LatestDetractor);
                }
                if let Some(p) = previous {
                    if i32::from(l) - i32::from(p) <= -3 {
                        reasons.push(RiskReason::Dropped);
                    }
                    if category_rank(l) < category_rank(p) {
                        reasons.push(RiskReason::CategoryFell);
                    }
                }
            }
            let n = acc.counts.n();
            let account = coded.text(code as u32).unwrap_or_default();
            let info = book.find(&account);
            out.push(AccountRow {
                account,
                responses: acc.responses,
                n,
                promoters: acc.counts.promoters,
                passives: acc.counts.passives,
                detractors: acc.counts.detractors,
                nps: (n > 0).then(|| acc.counts.nps()),
                ci95: (n > 0).then(|| acc.counts.ci95()),
                latest_score: latest.map(|l| l.1),
                latest_at: latest
                    .and_then(|l| l.0)
                    .and_then(DateTime::from_timestamp_millis)
                    .map(|d| d.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()),
                previous_score: previous,
                change: latest.zip(previous).map(|(l, p)| i32::from(l.1) - i32::from(p)),
                at_risk: !reasons.is_empty(),
                reasons,
                history: acc.scores[acc.scores.len().saturating_sub(HISTORY)..].iter().map(|s| s.1).collect(),
                last_comment: (acc.comment != 0).then(|| comment_text(acc.comment)).flatten(),
                name: info.and_then(|i| i.name.clone()).or_else(|| info.map(|i| i.id.clone())),
                renewal_date: info.and_then(|i| i.renewal_date.clone()),
                arr: info.and_then(|i| i.arr),
                owner: info.and_then(|i| i.owner.clone()),
            });
        }
        out.sort_by(|a, b| {
            b.at_risk.cmp(&a.at_risk).then(b.latest_at.cmp(&a.latest_at)).then(a.account.cmp(&b.account))
        });
        let answered: Vec<&AccountRow> = out.iter().filter(|a| a.n > 0).collect();
        let per_account = |weight: &dyn Fn(&AccountRow) -> f64| {
            let points: Vec<(f64, f64)> = answered.iter().map(|a| (a.nps.unwrap_or(0.0) / 100.0, weight(a))).collect();
            WeightedNps::over_accounts(&points)
        };
        let weightings = NpsWeightings {
            respondent: (everyone.n() > 0).then(|| WeightedNps {
                nps: everyone.nps(),
                ci95: Some(everyone.ci95()),
                units: everyone.n(),
            }),
            account: per_account(&|_| 1.0),
            arr: per_account(&|a| a.arr.unwrap_or(0.0)),
        };
        let with_arr: Vec<&AccountRow> = out.iter().filter(|a| a.arr.is_some()).collect();
        let sum = |rows: &mut dyn Iterator<Item = &&AccountRow>| rows.map(|a| a.arr.unwrap_or(0.0)).sum::<f64>();
        Ok(AccountsAnswer {
            arr_total: (!with_arr.is_empty()).then(|| sum(&mut with_arr.iter())),
            revenue_at_risk: (!with_arr.is_empty()).then(|| sum(&mut with_arr.iter().filter(|a| a.at_risk))),
            matched_accounts: out.iter().filter(|a| a.name.is_some()).count() as u32,
            weightings,
            column,
            at_risk: out.iter().filter(|a| a.at_risk).count() as u32,
            accounts: out,
            without_account,
        })
    }
}

/// 2 promoter, 1 passive, 0 detractor.
fn category_rank(score: u8) -> u8 {
    match score {
        9..=10 => 2,
        7..=8 => 1,
        _ => 0,
    }
}

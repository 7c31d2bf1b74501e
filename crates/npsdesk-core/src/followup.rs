//! Closing the loop: the follow-up queue (detractors, optionally passives), the promoter list, and the
//! accounts file (ARR, renewal, owner). The shapes cross the CLI's JSON and the app's IPC; the rules that
//! need no IO live here so they are tested with plain values:
//!
//! - [`FollowupStatus::can_move_to`]: which status changes are allowed;
//! - [`add_business_days`]: the due date of a new item (the SLA counts Monday–Friday only);
//! - [`WeightedNps`]: account- and ARR-weighted NPS with an interval over accounts.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::nps::Z_95;

/// Where a follow-up item is in its life.
///
/// ```text
/// open ──► contacted ──► resolved
///   │          │    └──► wont_fix
///   ├──────────┼───────► resolved / wont_fix
/// resolved, wont_fix ──► open (reopen)
/// ```
/// "Contacted" cannot go back to "open": a call that happened stays on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FollowupStatus {
    Open,
    Contacted,
    Resolved,
    WontFix,
}

impl FollowupStatus {
    pub const ALL: [FollowupStatus; 4] =
        [FollowupStatus::Open, FollowupStatus::Contacted, FollowupStatus::Resolved, FollowupStatus::WontFix];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowupStatus::Open => "open",
            FollowupStatus::Contacted => "contacted",
            FollowupStatus::Resolved => "resolved",
            FollowupStatus::WontFix => "wont_fix",
        }
    }

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            FollowupStatus::Open => "open",
            FollowupStatus::Contacted => "contacted",
            FollowupStatus::Resolved => "resolved",
            FollowupStatus::WontFix => "won't fix",
        }
    }

    /// Accepts `open`, `contacted`, `resolved`, `wont_fix`, `wont-fix`, `won't fix` (any case).
    pub fn parse(s: &str) -> Option<FollowupStatus> {
        let norm: String =
            s.trim().chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        FollowupStatus::ALL.into_iter().find(|st| st.as_str().replace('_', "") == norm)
    }

    /// Whether an item may go from `self` to `to` (staying put is always allowed).
    pub fn can_move_to(self, to: FollowupStatus) -> bool {
        use FollowupStatus::*;
        self == to
            || matches!(
                (self, to),
                (Open, Contacted | Resolved | WontFix) | (Contacted, Resolved | WontFix) | (Resolved | WontFix, Open)
            )
    }

    /// Statuses `self` may move to, for an error message or a picker.
    pub fn next(self) -> Vec<FollowupStatus> {
        FollowupStatus::ALL.into_iter().filter(|to| *to != self && self.can_move_to(*to)).collect()
    }

    /// Whether the item still waits for its first contact (the only state that can be overdue).
    pub fn is_waiting(self) -> bool {
        self == FollowupStatus::Open
    }
}

/// `date` plus `days` working days (Monday–Friday; public holidays are not known offline). An item
/// created on a Saturday or Sunday counts from the next Monday, so 2 business days from Saturday is
/// Tuesday, and 0 days from Saturday is Monday.
pub fn add_business_days(date: NaiveDate, days: u32) -> NaiveDate {
    let is_weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let mut d = date;
    if days == 0 {
        while is_weekend(d) {
            d = d.succ_opt().unwrap_or(d);
        }
        return d;
    }
    let mut left = days;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if !is_weekend(d) {
            left -= 1;
        }
    }
    d
}

/// How follow-up items are made, stored per workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowupSettings {
    /// Business days from the import to an item's due date (default 2).
    pub sla_business_days: u32,
    /// Passives (7–8) get items too, not only detractors (0–6).
    pub include_passives: bool,
}

impl Default for FollowupSettings {
    fn default() -> Self {
        FollowupSettings { sla_business_days: 2, include_passives: false }
    }
}

impl FollowupSettings {
    /// Largest SLA accepted (a quarter of working days).
    pub const MAX_SLA: u32 = 60;

    /// Highest score that gets an item.
    pub fn max_score(&self) -> u8 {
        if self.include_passives {
            8
        } else {
            6
        }
    }
}

/// One entry of an item's log: a note, or a change of status, owner, due date or outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FollowupEventKind {
    Note,
    Status,
    Owner,
    Due,
    Outcome,
}

impl FollowupEventKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FollowupEventKind::Note => "note",
            FollowupEventKind::Status => "status",
            FollowupEventKind::Owner => "owner",
            FollowupEventKind::Due => "due",
            FollowupEventKind::Outcome => "outcome",
        }
    }

    pub fn parse(s: &str) -> Option<FollowupEventKind> {
        [
            FollowupEventKind::Note,
            FollowupEventKind::Status,
            FollowupEventKind::Owner,
            FollowupEventKind::Due,
            FollowupEventKind::Outcome,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowupEvent {
    /// Local time, `YYYY-MM-DDTHH:MM:SS`.
    pub at: String,
    pub kind: FollowupEventKind,
    /// The note, or what changed (`open → contacted`, the new owner, …).
    pub text: String,
}

/// One follow-up item: a response whose score is in the follow-up range, or one someone has worked on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowupItem {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub response_id: i64,
    pub respondent_id: String,
    /// The response's account (the survey's account column), when it has one.
    pub account: Option<String>,
    /// The ARR of the account, from the accounts file.
    pub arr: Option<f64>,
    /// The response's current score (a later wave may have changed it).
    pub score: Option<u8>,
    /// The score when the item was made.
    pub score_at_creation: u8,
    /// A later wave changed the respondent's score (possibly out of the follow-up range).
    pub score_changed: bool,
    pub comment: Option<String>,
    /// Local time of the response, `YYYY-MM-DDTHH:MM:SS`.
    pub responded_at: Option<String>,
    pub status: FollowupStatus,
    /// The statuses it may move to now ([`FollowupStatus::next`]), so no client repeats the rules.
    pub next: Vec<FollowupStatus>,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`: the first contact is due by the end of this day.
    pub due: String,
    /// Still open after its due date.
    pub overdue: bool,
    /// Local time the item was made (the import of its response), `YYYY-MM-DDTHH:MM:SS`.
    pub created_at: String,
    /// When it first left "open".
    pub first_contact_at: Option<String>,
    pub outcome: Option<String>,
    /// The notes, oldest first.
    pub notes: Vec<FollowupEvent>,
    /// Every entry of the log (notes and changes), oldest first.
    pub events: Vec<FollowupEvent>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FollowupSort {
    /// Open items first, oldest first (the queue's natural order), then the rest by due date.
    #[default]
    OldestOpen,
    /// Soonest due first.
    Due,
    /// Largest account ARR first (items without ARR last), then oldest first.
    AccountValue,
    /// Lowest score first.
    Score,
}

impl FollowupSort {
    pub fn parse(s: &str) -> Option<FollowupSort> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "oldest-open" | "oldest" => Some(FollowupSort::OldestOpen),
            "due" => Some(FollowupSort::Due),
            "account-value" | "arr" | "value" => Some(FollowupSort::AccountValue),
            "score" => Some(FollowupSort::Score),
            _ => None,
        }
    }
}

/// Which items to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct FollowupQuery {
    /// Empty: every status.
    pub status: Vec<FollowupStatus>,
    /// Items of this owner (exact, case-insensitive); `""`: items without an owner.
    pub owner: Option<String>,
    /// Items of this account (exact).
    pub account: Option<String>,
    pub overdue_only: bool,
    pub sort: FollowupSort,
    pub offset: u32,
    /// `None`: all.
    pub limit: Option<u32>,
}

/// Counts over every item of the survey (not only the listed ones).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowupCounts {
    pub total: u32,
    pub open: u32,
    pub contacted: u32,
    pub resolved: u32,
    pub wont_fix: u32,
    pub overdue: u32,
    pub score_changed: u32,
    /// Median hours from an item's creation to its first contact, over items contacted so far.
    pub median_hours_to_first_contact: Option<f64>,
}

/// `npsdesk followups`: the listed page, how many match, and the counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowupList {
    pub items: Vec<FollowupItem>,
    /// Items matching the query (before offset/limit).
    pub matching: u32,
    pub counts: FollowupCounts,
    pub settings: FollowupSettings,
    /// The local date overdue is judged against, `YYYY-MM-DD`.
    pub today: String,
}

/// A change to one item; every field is optional and each change is logged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct FollowupUpdate {
    pub status: Option<FollowupStatus>,
    /// `""` clears the owner.
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub note: Option<String>,
    pub outcome: Option<String>,
}

impl FollowupUpdate {
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.owner.is_none()
            && self.due.is_none()
            && self.note.is_none()
            && self.outcome.is_none()
    }
}

/// A promoter's testimonial or reference ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PromoterAsk {
    NotAsked,
    Asked,
    Agreed,
    Declined,
}

impl PromoterAsk {
    pub const ALL: [PromoterAsk; 4] =
        [PromoterAsk::NotAsked, PromoterAsk::Asked, PromoterAsk::Agreed, PromoterAsk::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            PromoterAsk::NotAsked => "not_asked",
            PromoterAsk::Asked => "asked",
            PromoterAsk::Agreed => "agreed",
            PromoterAsk::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<PromoterAsk> {
        let norm: String = s.trim().chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        PromoterAsk::ALL.into_iter().find(|a| a.as_str().replace('_', "") == norm)
    }
}

/// A promoter (9–10) who left a comment: someone to ask for a testimonial or a reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromoterRow {
    #[ts(type = "number")]
    pub response_id: i64,
    pub respondent_id: String,
    pub account: Option<String>,
    pub arr: Option<f64>,
    pub score: u8,
    pub comment: String,
    pub responded_at: Option<String>,
    pub ask: PromoterAsk,
    pub owner: Option<String>,
    pub note: Option<String>,
    /// When the ask last changed, local time.
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromoterCounts {
    pub total: u32,
    pub not_asked: u32,
    pub asked: u32,
    pub agreed: u32,
    pub declined: u32,
}

/// `npsdesk promoters`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromoterList {
    pub items: Vec<PromoterRow>,
    pub matching: u32,
    pub counts: PromoterCounts,
}

/// A change to a promoter's ask.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PromoterUpdate {
    pub ask: Option<PromoterAsk>,
    /// `""` clears.
    pub owner: Option<String>,
    /// `""` clears.
    pub note: Option<String>,
}

/// One line of the accounts file: what the CRM knows about an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountInfo {
    /// The account id; a survey's account cell matches it, or the name (case and outer spaces ignored).
    pub id: String,
    pub name: Option<String>,
    /// `YYYY-MM-DD`.
    pub renewal_date: Option<String>,
    pub arr: Option<f64>,
    pub owner: Option<String>,
}

/// What `npsdesk accounts import` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountsImportReport {
    pub file: String,
    pub rows: u32,
    pub added: u32,
    pub updated: u32,
    /// The file's columns each field was read from.
    pub columns: Vec<String>,
}

/// An NPS estimate under one weighting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WeightedNps {
    /// −100…100.
    pub nps: f64,
    /// 95 % interval, −100…100 (`None` with fewer than two units).
    pub ci95: Option<[f64; 2]>,
    /// Units the estimate averages: responses for the respondent NPS, accounts for the weighted ones.
    pub units: u32,
}

impl WeightedNps {
    /// The weighted mean of per-account NPS values `x_a` (proportions, −1…1) with weights `w_a`:
    /// m = Σ w·x / Σ w. Its standard error treats accounts as the sampled units (a ratio estimator's
    /// cluster-robust variance): SE² = k/(k−1) · Σ w²(x − m)² / (Σ w)², and the interval is m ± z·SE,
    /// clipped to [−1, 1]. Zero or negative weights are left out. `None` when no weight is positive.
    pub fn over_accounts(accounts: &[(f64, f64)]) -> Option<WeightedNps> {
        let used: Vec<(f64, f64)> = accounts.iter().copied().filter(|(_, w)| *w > 0.0 && w.is_finite()).collect();
        let k = used.len();
        let sw: f64 = used.iter().map(|(_, w)| w).sum();
        if k == 0 || sw <= 0.0 {
            return None;
        }
        let m = used.iter().map(|(x, w)| x * w).sum::<f64>() / sw;
        let ci95 = (k >= 2).then(|| {
            let ss: f64 = used.iter().map(|(x, w)| w * w * (x - m) * (x - m)).sum();
            let se = (k as f64 / (k as f64 - 1.0) * ss).sqrt() / sw;
            [((m - Z_95 * se).max(-1.0)) * 100.0, ((m + Z_95 * se).min(1.0)) * 100.0]
        });
        Some(WeightedNps { nps: m * 100.0, ci95, units: k as u32 })
    }
}

/// Respondent NPS beside the account- and ARR-weighted ones (see ARCHITECTURE.md, "Weighted NPS").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NpsWeightings {
    /// Every answered response counts once (adjusted-Wald interval).
    pub respondent: Option<WeightedNps>,
    /// Every account counts once: the mean of the accounts' NPS.
    pub account: Option<WeightedNps>,
    /// Every account counts by its ARR (accounts without ARR are left out).
    pub arr: Option<WeightedNps>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn business_days_skip_weekends() {
        // 2026-11-23 is a Monday.
        assert_eq!(add_business_days(d("2026-11-23"), 2), d("2026-11-25"));
        // Thursday + 2 = Monday; Friday + 2 = Tuesday.
        assert_eq!(add_business_days(d("2026-11-26"), 2), d("2026-11-30"));
        assert_eq!(add_business_days(d("2026-11-27"), 2), d("2026-12-01"));
        // Saturday and Sunday count from Monday.
        assert_eq!(add_business_days(d("2026-11-28"), 2), d("2026-12-01"));
        assert_eq!(add_business_days(d("2026-11-29"), 0), d("2026-11-30"));
        // 0 on a weekday is the same day; 5 is the same weekday a week later.
        assert_eq!(add_business_days(d("2026-11-25"), 0), d("2026-11-25"));
        assert_eq!(add_business_days(d("2026-11-25"), 5), d("2026-12-02"));
        // Across a year end.
        assert_eq!(add_business_days(d("2026-12-31"), 2), d("2027-01-04"));
    }

    #[test]
    fn status_transitions_follow_the_diagram() {
        use FollowupStatus::*;
        let allowed = [
            (Open, Contacted),
            (Open, Resolved),
            (Open, WontFix),
            (Contacted, Resolved),
            (Contacted, WontFix),
            (Resolved, Open),
            (WontFix, Open),
        ];
        for from in FollowupStatus::ALL {
            for to in FollowupStatus::ALL {
                let expect = from == to || allowed.contains(&(from, to));
                assert_eq!(from.can_move_to(to), expect, "{from:?} → {to:?}");
            }
        }
        assert_eq!(Contacted.next(), vec![Resolved, WontFix]);
        assert_eq!(FollowupStatus::parse("Won't fix"), Some(WontFix));
        assert_eq!(FollowupStatus::parse("wont-fix"), Some(WontFix));
        assert_eq!(FollowupStatus::parse("CONTACTED"), Some(Contacted));
        assert_eq!(FollowupStatus::parse("closed"), None);
        assert_eq!(PromoterAsk::parse("not asked"), Some(PromoterAsk::NotAsked));
    }

    #[test]
    fn weighted_nps_by_hand() {
        // Three accounts: NPS +100 %, 0 %, −50 % (as proportions 1, 0, −0.5).
        // Equal weights: m = (1 + 0 − 0.5)/3 = 0.1666…
        // Σ (x − m)² = 0.8333² + 0.1666² + 0.6666² = 0.69444 + 0.02778 + 0.44444 = 1.16667;
        // SE² = 3/2 · 1.16667 / 9 = 0.194444 → SE = 0.440959; CI = 0.16667 ± 1.959964·0.440959.
        let a = WeightedNps::over_accounts(&[(1.0, 1.0), (0.0, 1.0), (-0.5, 1.0)]).unwrap();
        assert!((a.nps - 16.6667).abs() < 1e-3, "{a:?}");
        // 16.67 + 86.43 passes +100, so the upper end is clipped.
        let [lo, hi] = a.ci95.unwrap();
        assert!((lo - (16.6667 - 86.4262)).abs() < 1e-2 && hi == 100.0, "{a:?}");
        assert_eq!(a.units, 3);
        // ARR weights 100k, 300k, 600k: m = (100 − 0 − 300)/1000 = −0.2.
        // Σ w²(x − m)² = 0.01·1.44 + 0.09·0.04 + 0.36·0.09 = 0.0144 + 0.0036 + 0.0324 = 0.0504 (in units of 1M²);
        // SE² = 1.5 · 0.0504 / 1 = 0.0756 → SE = 0.274955.
        let b = WeightedNps::over_accounts(&[(1.0, 100e3), (0.0, 300e3), (-0.5, 600e3)]).unwrap();
        assert!((b.nps + 20.0).abs() < 1e-9, "{b:?}");
        let [lo, hi] = b.ci95.unwrap();
        assert!((lo - (-20.0 - 53.890)).abs() < 1e-2 && (hi - (-20.0 + 53.890)).abs() < 1e-2, "{b:?}");
        // One account: an estimate without an interval; no positive weight: nothing.
        assert!(WeightedNps::over_accounts(&[(0.5, 2.0)]).unwrap().ci95.is_none());
        assert!(WeightedNps::over_accounts(&[(0.5, 0.0)]).is_none());
        // Clipped at ±100.
        let c = WeightedNps::over_accounts(&[(1.0, 1.0), (1.0, 1.0), (0.9, 1.0)]).unwrap();
        assert!(c.ci95.unwrap()[1] <= 100.0);
    }
}

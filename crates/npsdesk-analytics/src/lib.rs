//! npsdesk-analytics: NPS over a survey's responses, answered from a polars frame that is loaded from the
//! workspace once and cached (the only crate that depends on polars).
//!
//! [`SurveyFrame::load`] reads time, score and respondent identity of every response; a column used for
//! grouping or filtering is read once, the first time a query needs it, and kept. Queries after that never
//! touch SQLite. [`SurveyFrame::is_current`] tells whether an import has changed the data since.
//!
//! A query ([`NpsQuery`]) runs in three steps: polars filters the answered responses (date range, `--where`),
//! reduces them by the count mode ([`CountMode`]) and counts promoters, passives, detractors and the 0–10
//! distribution per group; then plain Rust adds what needs the groups together: shares, intervals at the
//! chosen level, small-sample flags, and the significance tests against the total and the previous period.

mod accounts;
mod comments;
mod explain;
mod frame;
mod rolling;
mod themes;

pub use accounts::{AccountRow, AccountsAnswer, RiskReason, HISTORY as ACCOUNT_HISTORY};
pub use comments::{Band, BandCounts, CommentPage, CommentQuery, CommentRow, CommentSort, Highlight, MAX_PAGE};
pub use explain::explain;
pub use frame::SurveyFrame;
pub use npsdesk_core::{CountMode, Filter, NpsQuery, Rolling, RollingStep};
pub use themes::{ThemeChange, ThemeGroup, ThemesAnswer};

use npsdesk_store::StoreError;
use polars::prelude::PolarsError;

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("analytics engine: {0}")]
    Polars(#[from] PolarsError),
    #[error("survey {0:?} has no NPS column: nothing to compute (re-import with --nps-column to name it)")]
    NoNps(String),
    #[error("{0}")]
    InvalidQuery(String),
}

pub type Result<T, E = AnalyticsError> = std::result::Result<T, E>;

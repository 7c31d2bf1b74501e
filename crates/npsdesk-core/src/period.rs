//! Calendar periods a trend is bucketed by.

use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A calendar bucket. Keys sort chronologically as strings within one granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Period {
    /// ISO 8601 week (Monday start; week 1 holds the year's first Thursday): `2025-W07`.
    Week,
    /// `2025-07`
    Month,
    /// `2025-Q3`
    Quarter,
    /// `2025`
    Year,
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        match text.trim().to_ascii_lowercase().as_str() {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            "quarter" => Some(Period::Quarter),
            "year" => Some(Period::Year),
            _ => None,
        }
    }

    /// A compact integer code that orders like the period (used as a group-by key).
    pub fn code(self, at: NaiveDateTime) -> i32 {
        match self {
            Period::Week => {
                let w = at.iso_week();
                w.year() * 100 + w.week() as i32
            }
            Period::Month => at.year() * 100 + at.month() as i32,
            Period::Quarter => at.year() * 10 + ((at.month() as i32 - 1) / 3 + 1),
            Period::Year => at.year(),
        }
    }

    /// The display key of a [`Period::code`].
    pub fn key_from_code(self, code: i32) -> String {
        match self {
            Period::Week => format!("{}-W{:02}", code / 100, code % 100),
            Period::Month => format!("{}-{:02}", code / 100, code % 100),
            Period::Quarter => format!("{}-Q{}", code / 10, code % 10),
            Period::Year => format!("{code}"),
        }
    }

    pub fn key(self, at: NaiveDateTime) -> String {
        self.key_from_code(self.code(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(12, 0, 0).unwrap()
    }

    #[test]
    fn keys_for_each_granularity() {
        assert_eq!(Period::Quarter.key(at(2025, 7, 1)), "2025-Q3");
        assert_eq!(Period::Quarter.key(at(2025, 12, 31)), "2025-Q4");
        assert_eq!(Period::Month.key(at(2025, 2, 14)), "2025-02");
        assert_eq!(Period::Year.key(at(2025, 2, 14)), "2025");
        assert_eq!(Period::Week.key(at(2025, 2, 14)), "2025-W07");
    }

    #[test]
    fn iso_weeks_cross_year_boundaries() {
        // 2024-12-30 is a Monday in ISO week 1 of 2025; 2021-01-03 (Sunday) belongs to 2020-W53.
        assert_eq!(Period::Week.key(at(2024, 12, 30)), "2025-W01");
        assert_eq!(Period::Week.key(at(2021, 1, 3)), "2020-W53");
    }
}

//! Response dates as survey tools write them. Times are local and naive: exports do not state a zone.

use chrono::{NaiveDate, NaiveDateTime};

/// Formats tried in order. Month-first comes before day-first for slashed dates, as US-based tools write
/// them (SurveyMonkey `07/31/2023 04:21:36 PM`, Excel re-saves `7/10/14 18:37`).
const DATETIME_FORMATS: &[&str] = &[
    "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    // Two-digit years first: chrono's %Y would read `14` as the year 14.
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",
];

const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%Y/%m/%d"];

pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    // A trailing `Z` or `+00:00` offset (ISO exports) is dropped: times stay naive.
    let t = t.strip_suffix('Z').unwrap_or(t);
    for f in DATETIME_FORMATS {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d);
        }
    }
    for f in DATE_FORMATS {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    chrono::DateTime::parse_from_rfc3339(t).ok().map(|d| d.naive_local())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> String {
        parse_datetime(s).map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
    }

    #[test]
    fn surveymonkey_and_iso_dates() {
        assert_eq!(dt("07/31/2023 04:21:36 PM"), "2023-07-31 16:21:36");
        assert_eq!(dt("12/10/2024 12:14:04 AM"), "2024-12-10 00:14:04");
        assert_eq!(dt("2022-08-23 19:51:14"), "2022-08-23 19:51:14");
        assert_eq!(dt("2022-08-23T19:51:14Z"), "2022-08-23 19:51:14");
        assert_eq!(dt("7/10/14 18:37"), "2014-07-10 18:37:00");
        assert_eq!(dt("8/21/2019 13:10:31"), "2019-08-21 13:10:31");
        assert_eq!(dt("2025-01-15"), "2025-01-15 00:00:00");
        assert_eq!(dt("yesterday"), "");
        assert_eq!(dt(""), "");
    }
}

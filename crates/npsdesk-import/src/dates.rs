//! Response dates as survey tools write them. Times are naive wall-clock times: a zone written after the time
//! (`GMT+5:30`, `UTC`, `AST`, `+02:00`) is accepted and dropped, so every row of an export keeps the clock
//! its tool showed; Unix epochs (Delighted, Wootric) are read as UTC.
//!
//! Day-first and month-first cannot be told apart from one value (`03/04/2025`), so the order is inferred
//! from the whole sampled column ([`infer_order`]): a first number above 12 means day-first, a second number
//! above 12 month-first; a column with neither is ambiguous and read month-first (reported).

use std::cell::Cell;

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Which number of a numeric date comes first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateOrder {
    #[default]
    MonthFirst,
    DayFirst,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::MonthFirst => "month-first",
            DateOrder::DayFirst => "day-first",
        }
    }

    pub fn parse(s: &str) -> Option<DateOrder> {
        match s {
            "month-first" => Some(DateOrder::MonthFirst),
            "day-first" => Some(DateOrder::DayFirst),
            _ => None,
        }
    }
}

/// What a column's values say about their order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrderEvidence {
    pub order: DateOrder,
    /// Values whose first number is above 12 (only day-first reads them).
    pub day_first_values: usize,
    /// Values whose second number is above 12 (only month-first reads them).
    pub month_first_values: usize,
    /// Values written as `n/n/n` (or `-`, `.`) at all; when some exist but none decides, the order is a guess.
    pub numeric_values: usize,
}

impl OrderEvidence {
    /// Numeric dates exist but none of them tells the order.
    pub fn ambiguous(&self) -> bool {
        self.numeric_values > 0 && self.day_first_values == 0 && self.month_first_values == 0
    }

    /// Both orders are contradicted by some value: the column mixes formats.
    pub fn conflicting(&self) -> bool {
        self.day_first_values > 0 && self.month_first_values > 0
    }
}

/// The first two numbers of a `n/n/n…` date (`/`, `-` or `.`), if the value starts like one.
fn leading_pair(text: &str) -> Option<(u32, u32)> {
    let t = text.trim();
    let mut parts = t.splitn(3, ['/', '-', '.']);
    let a = parts.next()?;
    let b = parts.next()?;
    let rest = parts.next()?;
    let num =
        |s: &str| (!s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())?;
    let year_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(year_digits == 2 || year_digits == 4) {
        return None;
    }
    Some((num(a)?, num(b)?))
}

/// The order one value proves, if any: `13/02/2025` is day-first, `02/13/2025` month-first, `02/03/2025`
/// neither.
pub fn evidence_of(text: &str) -> Option<DateOrder> {
    let (a, b) = leading_pair(text)?;
    if a > 12 && b <= 12 {
        Some(DateOrder::DayFirst)
    } else if b > 12 && a <= 12 {
        Some(DateOrder::MonthFirst)
    } else {
        None
    }
}

/// Infers the order of a whole column from its values.
pub fn infer_order<'a>(values: impl IntoIterator<Item = &'a str>) -> OrderEvidence {
    let mut e = OrderEvidence::default();
    for v in values {
        if let Some((a, b)) = leading_pair(v) {
            e.numeric_values += 1;
            if a > 12 && b <= 12 {
                e.day_first_values += 1;
            } else if b > 12 && a <= 12 {
                e.month_first_values += 1;
            }
        }
    }
    e.order = if e.day_first_values > e.month_first_values { DateOrder::DayFirst } else { DateOrder::MonthFirst };
    e
}

/// Formats tried for both orders (year first, so unambiguous).
const ISO_DATETIME: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M",
];

/// Month-first. Two-digit years first: chrono's %Y would read `14` as the year 14.
const MONTH_FIRST: &[&str] = &[
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m-%d-%Y %H:%M:%S",
    "%m-%d-%Y %H:%M",
];

const DAY_FIRST: &[&str] = &[
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
];

const MONTH_FIRST_DATES: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%y", "%m/%d/%Y", "%m-%d-%Y"];
const DAY_FIRST_DATES: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"];

/// Parses a column's dates in one order; remembers the last format that worked (a column has one format), so
/// a million rows cost one strptime each.
#[derive(Debug, Default)]
pub struct DateParser {
    order: DateOrder,
    last: Cell<usize>,
}

impl Clone for DateParser {
    fn clone(&self) -> Self {
        DateParser { order: self.order, last: Cell::new(self.last.get()) }
    }
}

impl DateParser {
    pub fn new(order: DateOrder) -> Self {
        DateParser { order, last: Cell::new(0) }
    }

    pub fn order(&self) -> DateOrder {
        self.order
    }

    fn formats(&self) -> (&'static [&'static str], &'static [&'static str]) {
        match self.order {
            DateOrder::MonthFirst => (MONTH_FIRST, MONTH_FIRST_DATES),
            DateOrder::DayFirst => (DAY_FIRST, DAY_FIRST_DATES),
        }
    }

    pub fn parse(&self, text: &str) -> Option<NaiveDateTime> {
        let t = strip_zone(text.trim());
        if t.is_empty() {
            return None;
        }
        if let Some(d) = epoch(t) {
            return Some(d);
        }
        let (datetimes, dates) = self.formats();
        // Year-first text only meets year-first formats (chrono's %Y would read `7/10/14` as the year 7).
        let year_first = t.len() > 4 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        let list = if year_first { ISO_DATETIME } else { datetimes };
        let last = self.last.get();
        if let Some(f) = list.get(last) {
            if let Some(d) = fixed_width(t, f) {
                return Some(d);
            }
            if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
                return Some(d);
            }
        }
        for (i, f) in list.iter().enumerate() {
            if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
                self.last.set(i);
                return Some(d);
            }
        }
        for f in dates {
            if let Ok(d) = NaiveDate::parse_from_str(t, f) {
                return d.and_hms_opt(0, 0, 0);
            }
        }
        DateTime::parse_from_rfc3339(text.trim()).ok().map(|d| d.naive_local())
    }
}

/// The layouts a large export repeats on every row, read without chrono's format interpreter (which re-reads
/// the format string for every value: 5 % of a 1M-row import). Only text laid out exactly as `format` with
/// two-digit fields and a four-digit year is taken, and any unusual value (hour 0 on a 12-hour clock, a leap
/// second, lower-case am/pm) is left to chrono: whenever this returns a time, it is the one chrono would
/// (a test compares both on every layout).
fn fixed_width(t: &str, format: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    let num = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    // Separators at the positions of "..-..-.... ..:..:.." (every layout below shares the time's place).
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let time24 = |from: usize| -> Option<(u32, u32, u32)> {
        (at(from + 2, b':') && at(from + 5, b':')).then_some(())?;
        Some((num(from, from + 2)?, num(from + 3, from + 5)?, num(from + 6, from + 8)?))
    };
    let (y, m, d, (h, min, sec)) = match format {
        "%m/%d/%Y %I:%M:%S %p" if b.len() == 22 && at(2, b'/') && at(5, b'/') && at(10, b' ') && at(19, b' ') => {
            let (h12, min, sec) = time24(11)?;
            let pm = match &b[20..] {
                b"AM" => false,
                b"PM" => true,
                _ => return None,
            };
            if !(1..=12).contains(&h12) {
                return None;
            }
            (num(6, 10)?, num(0, 2)?, num(3, 5)?, (h12 % 12 + if pm { 12 } else { 0 }, min, sec))
        }
        "%m/%d/%Y %H:%M:%S" if b.len() == 19 && at(2, b'/') && at(5, b'/') && at(10, b' ') => {
            (num(6, 10)?, num(0, 2)?, num(3, 5)?, time24(11)?)
        }
        "%d/%m/%Y %H:%M:%S" if b.len() == 19 && at(2, b'/') && at(5, b'/') && at(10, b' ') => {
            (num(6, 10)?, num(3, 5)?, num(0, 2)?, time24(11)?)
        }
        "%Y-%m-%d %H:%M:%S" | "%Y-%m-%dT%H:%M:%S"
            if b.len() == 19
                && at(4, b'-')
                && at(7, b'-')
                && at(10, if format.contains('T') { b'T' } else { b' ' }) =>
        {
            (num(0, 4)?, num(5, 7)?, num(8, 10)?, time24(11)?)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y as i32, m, d)?.and_hms_opt(h, min, sec)
}

/// Drops a trailing zone after the time: `Z`, `GMT+5:30`, `GMT-3`, `UTC`, `UTC+01:00`, or a named
/// abbreviation such as `AST`/`CEST` (2–5 capitals, never AM/PM).
fn strip_zone(t: &str) -> &str {
    let t = t.strip_suffix('Z').filter(|s| s.contains(':')).unwrap_or(t);
    let Some((head, last)) = t.rsplit_once(' ') else { return t };
    let upper = last.len() >= 2 && last.len() <= 5 && last.bytes().all(|b| b.is_ascii_uppercase());
    let offset = ["GMT", "UTC"].iter().any(|z| {
        last.strip_prefix(z).is_some_and(|rest| {
            rest.is_empty()
                || ((rest.starts_with('+') || rest.starts_with('-'))
                    && rest[1..].bytes().all(|b| b.is_ascii_digit() || b == b':'))
        })
    });
    if offset || (upper && last != "AM" && last != "PM") {
        head.trim_end()
    } else {
        t
    }
}

/// Unix epoch seconds (9–10 digits) or milliseconds (12–13 digits) between 2000 and 2100, as UTC.
fn epoch(t: &str) -> Option<NaiveDateTime> {
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = t.parse().ok()?;
    let secs = match t.len() {
        9 | 10 => n,
        12 | 13 => n / 1000,
        _ => return None,
    };
    if !(946_684_800..4_102_444_800).contains(&secs) {
        return None;
    }
    DateTime::from_timestamp(secs, 0).map(|d| d.naive_utc())
}

/// Month-first parse (the US tools' default), for callers without a column to infer from.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    DateParser::new(DateOrder::MonthFirst).parse(text)
}

/// Either order: for detection ("is this a date at all?").
pub fn parse_any(text: &str) -> Option<NaiveDateTime> {
    parse_datetime(text).or_else(|| DateParser::new(DateOrder::DayFirst).parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(d: Option<NaiveDateTime>) -> String {
        d.map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
    }

    fn dt(s: &str) -> String {
        fmt(parse_datetime(s))
    }

    #[test]
    fn fixed_width_layouts_read_as_chrono_does() {
        // Every layout with valid and invalid fields (month 13, day 31 of a short month, 29 February, hour 0
        // and 13 on a 12-hour clock, minute 60, a leap second, lower-case pm, a wrong separator).
        type Write = fn(u32, u32, u32, u32, u32, u32, &str) -> String;
        let layouts: [(&str, Write); 5] = [
            ("%m/%d/%Y %I:%M:%S %p", |y, m, d, h, mi, s, p| format!("{m:02}/{d:02}/{y:04} {h:02}:{mi:02}:{s:02} {p}")),
            ("%m/%d/%Y %H:%M:%S", |y, m, d, h, mi, s, _| format!("{m:02}/{d:02}/{y:04} {h:02}:{mi:02}:{s:02}")),
            ("%d/%m/%Y %H:%M:%S", |y, m, d, h, mi, s, _| format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}:{s:02}")),
            ("%Y-%m-%d %H:%M:%S", |y, m, d, h, mi, s, _| format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")),
            ("%Y-%m-%dT%H:%M:%S", |y, m, d, h, mi, s, _| format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}")),
        ];
        let mut seen = 0;
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % n) as u32
        };
        for (format, write) in layouts {
            for _ in 0..20_000 {
                let (y, m, d) = ([1999, 2000, 2024, 2025, 2100][next(5) as usize], next(14), next(33));
                let (h, mi, s) = (next(25), next(61), next(61));
                let p = ["AM", "PM", "pm", "XM"][next(4) as usize];
                let mut text = write(y, m, d, h, mi, s, p);
                if next(50) == 0 {
                    text = text.replacen(':', ".", 1);
                }
                let fast = fixed_width(&text, format);
                let chrono = NaiveDateTime::parse_from_str(&text, format).ok();
                if fast.is_some() {
                    seen += 1;
                    assert_eq!(fast, chrono, "{format} {text}");
                }
            }
        }
        assert!(seen > 30_000, "the fast path takes most valid values ({seen})");
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

    #[test]
    fn google_forms_zones_are_accepted_and_the_wall_clock_kept() {
        assert_eq!(dt("2026/10/04 10:15:00 AM GMT+5:30"), "2026-10-04 10:15:00");
        assert_eq!(dt("2020/10/30 3:08:44 PM GMT+1"), "2020-10-30 15:08:44");
        assert_eq!(dt("2022/06/22 11:07:29 AM AST"), "2022-06-22 11:07:29");
        assert_eq!(dt("2022/06/22 11:07:29 PM GMT-03:00"), "2022-06-22 23:07:29");
        assert_eq!(dt("2025-03-01T09:05:00+02:00"), "2025-03-01 09:05:00", "ISO offsets keep the local clock");
    }

    #[test]
    fn epochs_seconds_and_milliseconds_are_utc() {
        // 1735689600 = 2025-01-01T00:00:00Z (date -u -d @1735689600).
        assert_eq!(dt("1735689600"), "2025-01-01 00:00:00");
        assert_eq!(dt("1735689600123"), "2025-01-01 00:00:00");
        assert_eq!(dt("12345"), "", "small numbers are not dates");
        assert_eq!(dt("118111109131"), "", "a 12-digit respondent id is outside 2000–2100 as milliseconds");
    }

    #[test]
    fn the_whole_column_decides_day_first_or_month_first() {
        let day = ["03/04/2025 10:00", "29/12/2018 23:46", "01/02/2019 08:00"];
        let e = infer_order(day);
        assert_eq!(e.order, DateOrder::DayFirst);
        assert!(!e.ambiguous() && !e.conflicting());
        let p = DateParser::new(e.order);
        assert_eq!(fmt(p.parse("03/04/2025 10:00")), "2025-04-03 10:00:00", "3 April, not March 4");
        assert_eq!(fmt(p.parse("29-12-2018 23:46")), "2018-12-29 23:46:00", "Excel's day-first re-save");

        let month = ["03/04/2025 10:00", "12/29/2018 23:46"];
        let e = infer_order(month);
        assert_eq!(e.order, DateOrder::MonthFirst);
        assert_eq!(fmt(DateParser::new(e.order).parse("03/04/2025 10:00")), "2025-03-04 10:00:00");

        let unknown = infer_order(["03/04/2025", "05/06/2025"]);
        assert!(unknown.ambiguous(), "no number above 12: a guess, reported");
        assert_eq!(unknown.order, DateOrder::MonthFirst);
        assert!(!infer_order(["2025-03-04 10:00:00"]).ambiguous(), "ISO dates are not numeric n/n/n");
        assert!(infer_order(["13/01/2025", "01/13/2025"]).conflicting());
    }
}

//! Rolling windows: one point per step (weeks end on Sunday, months on their last day), each covering the
//! `days` days up to and including its end. Adjacent points overlap, so they are not independent samples.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use npsdesk_core::{CountMode, NpsCounts, Rolling, RollingStep, Window};
use polars::prelude::*;

use crate::frame::{aggregate, RawGroup, DAY_MS, TSI};
use crate::{AnalyticsError, Result};

fn date_of(day: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(day)
}

fn day_of(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

/// The end of the step containing `d`.
fn step_end(d: NaiveDate, step: RollingStep) -> NaiveDate {
    match step {
        RollingStep::Week => d + Days::new(6 - u64::from(d.weekday().num_days_from_monday())),
        RollingStep::Month => {
            let first_next = if d.month() == 12 {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
            };
            first_next.expect("valid month") - Days::new(1)
        }
    }
}

/// Window ends from the step holding the first response to the step holding the last.
pub(crate) fn window_ends(first: NaiveDate, last: NaiveDate, step: RollingStep) -> Vec<NaiveDate> {
    let mut ends = Vec::new();
    let mut e = step_end(first, step);
    let stop = step_end(last, step);
    while e <= stop {
        ends.push(e);
        e = step_end(e + Days::new(1), step);
    }
    ends
}

/// Per segment key: day number → counts and distribution of that day.
type DailyBySegment = BTreeMap<Vec<Option<String>>, BTreeMap<i64, (NpsCounts, Vec<u32>)>>;

pub(crate) fn groups(
    selection: LazyFrame,
    keys: &[String],
    rolling: Rolling,
    count: CountMode,
    account: Option<&str>,
) -> Result<Vec<(RawGroup, Option<Window>)>> {
    if rolling.days == 0 || rolling.days > 3660 {
        return Err(AnalyticsError::InvalidQuery(format!(
            "a rolling window of {} days is not supported (1–3660)",
            rolling.days
        )));
    }
    let bounds = selection
        .clone()
        .filter(col(TSI).is_not_null())
        .select([col(TSI).min().alias("lo"), col(TSI).max().alias("hi")])
        .collect()?;
    let (Some(lo), Some(hi)) = (bounds.column("lo")?.i64()?.get(0), bounds.column("hi")?.i64()?.get(0)) else {
        return Ok(vec![]);
    };
    let ends = window_ends(date_of(lo.div_euclid(DAY_MS)), date_of(hi.div_euclid(DAY_MS)), rolling.step);
    let span = i64::from(rolling.days);
    let window = |end: NaiveDate| Window {
        from: (end - Days::new(u64::from(rolling.days) - 1)).format("%Y-%m-%d").to_string(),
        to: end.format("%Y-%m-%d").to_string(),
    };

    let mut out = Vec::new();
    if count == CountMode::All {
        // Counts per segment and day once, then sliding sums: no re-scan per window.
        let day = (col(TSI) / lit(DAY_MS)).cast(DataType::Int64);
        let daily = aggregate(selection, keys, Some(day), count, account)?;
        let mut by_segment: DailyBySegment = BTreeMap::new();
        for g in daily {
            by_segment.entry(g.key).or_default().insert(g.period.unwrap_or_default(), (g.counts, g.distribution));
        }
        for (key, days) in by_segment {
            for &end in &ends {
                let e = day_of(end);
                let mut counts = NpsCounts::default();
                let mut dist = vec![0u32; 11];
                for (_, (c, d)) in days.range(e - span + 1..=e) {
                    counts += *c;
                    dist.iter_mut().zip(d).for_each(|(a, b)| *a += b);
                }
                if counts.n() > 0 {
                    out.push((
                        RawGroup { key: key.clone(), period: Some(e), counts, distribution: dist },
                        Some(window(end)),
                    ));
                }
            }
        }
    } else {
        // De-duplication depends on the window's members: one polars pass per window.
        for &end in &ends {
            let e = day_of(end);
            let lf = selection
                .clone()
                .filter(col(TSI).gt_eq(lit((e - span + 1) * DAY_MS)).and(col(TSI).lt(lit((e + 1) * DAY_MS))));
            for mut g in aggregate(lf, keys, None, count, account)? {
                g.period = Some(e);
                out.push((g, Some(window(end))));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekly_ends_are_sundays_and_cover_first_to_last() {
        // 2025-01-01 is a Wednesday: its week ends Sunday 2025-01-05.
        let ends = window_ends(d(2025, 1, 1), d(2025, 1, 20), RollingStep::Week);
        assert_eq!(ends, [d(2025, 1, 5), d(2025, 1, 12), d(2025, 1, 19), d(2025, 1, 26)]);
    }

    #[test]
    fn monthly_ends_are_month_ends() {
        let ends = window_ends(d(2024, 11, 15), d(2025, 2, 3), RollingStep::Month);
        assert_eq!(ends, [d(2024, 11, 30), d(2024, 12, 31), d(2025, 1, 31), d(2025, 2, 28)]);
    }
}

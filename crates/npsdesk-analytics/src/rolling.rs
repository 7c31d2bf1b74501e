//! Rolling windows: one point per step (weeks end on Sunday, months on their last day), each covering the
//! `days` days up to and including its end. Adjacent points overlap, so they are not independent samples.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use npsdesk_core::{CountMode, NpsCounts, Rolling, RollingStep, Window};
use polars::prelude::*;

use crate::frame::{Part, RawGroup, Tally, DAY, DAY_MS, TSI};
use crate::{AnalyticsError, Result, SurveyFrame};

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

/// A rolling point: the group's counts and the window it covers.
pub(crate) type WindowGroup = (RawGroup, Option<Window>);

/// One point per window end and segment. Counting every response, the counts per segment and day are taken in
/// one pass and each window is a difference of prefix sums; the other count modes de-duplicate within each
/// window, so they take one pass per window. Counting every response, the total over the selection comes out
/// of the same pass (the first value).
pub(crate) fn groups(
    frame: &SurveyFrame,
    selection: LazyFrame,
    by: &[(String, u32)],
    rolling: Rolling,
    count: CountMode,
    account: Option<u32>,
) -> Result<(Option<Tally>, Vec<WindowGroup>)> {
    if rolling.days == 0 || rolling.days > 3660 {
        return Err(AnalyticsError::InvalidQuery(format!(
            "a rolling window of {} days is not supported (1–3660)",
            rolling.days
        )));
    }
    let span = i64::from(rolling.days);
    let window = |end: NaiveDate| Window {
        from: (end - Days::new(u64::from(rolling.days) - 1)).format("%Y-%m-%d").to_string(),
        to: end.format("%Y-%m-%d").to_string(),
    };
    let day_code = |day: i64| day - frame.first_day + 1;
    let key_texts = |codes: &[u32]| -> Vec<Option<String>> {
        by.iter().zip(codes).map(|((_, pos), c)| frame.coded(*pos).text(*c)).collect()
    };
    let mut segs: Vec<Part> = by
        .iter()
        .map(|(_, pos)| {
            let c = frame.coded(*pos);
            Part::column(&c.frame, c.radix())
        })
        .collect();
    let width = segs.len();

    let mut out = Vec::new();
    let mut total = None;
    if count == CountMode::All {
        segs.push(Part::column(DAY, frame.day_radix));
        let tallies = frame.tally(selection, &segs, count, account)?;
        total = Some(tallies.values().fold(Tally::default(), |mut acc, t| {
            acc.merge(t);
            acc
        }));
        let dated = || tallies.keys().map(|k| k[width]).filter(|d| *d > 0);
        let (Some(lo), Some(hi)) = (dated().min(), dated().max()) else {
            return Ok((total, vec![]));
        };
        let ends = window_ends(
            date_of(frame.first_day + i64::from(lo) - 1),
            date_of(frame.first_day + i64::from(hi) - 1),
            rolling.step,
        );
        // Per segment: prefix sums over day codes, prefix[d] = Σ tallies of days 1..=d.
        let mut daily: HashMap<Vec<u32>, Vec<Tally>> = HashMap::new();
        for (codes, t) in &tallies {
            if codes[width] > 0 {
                daily
                    .entry(codes[..width].to_vec())
                    .or_insert_with(|| vec![Tally::default(); frame.day_radix as usize])[codes[width] as usize] = *t;
            }
        }
        for (key, mut days) in daily {
            for d in 1..days.len() {
                let before = days[d - 1];
                days[d].merge(&before);
            }
            let texts = key_texts(&key);
            let at = |code: i64| days[code.clamp(0, days.len() as i64 - 1) as usize];
            for &end in &ends {
                let e = day_of(end);
                let (hi, lo) = (at(day_code(e)), at(day_code(e - span)));
                let counts = NpsCounts::from_parts(
                    hi.counts.promoters - lo.counts.promoters,
                    hi.counts.passives - lo.counts.passives,
                    hi.counts.detractors - lo.counts.detractors,
                );
                if counts.n() > 0 {
                    let distribution = hi.dist.iter().zip(lo.dist).map(|(a, b)| a - b).collect();
                    out.push((
                        RawGroup { key: texts.clone(), period: Some(e), counts, distribution },
                        Some(window(end)),
                    ));
                }
            }
        }
    } else {
        let bounds = selection
            .clone()
            .filter(col(DAY).gt(lit(0u32)))
            .select([col(DAY).min().alias("lo"), col(DAY).max().alias("hi")])
            .collect()?;
        let (Some(lo), Some(hi)) = (bounds.column("lo")?.u32()?.get(0), bounds.column("hi")?.u32()?.get(0)) else {
            return Ok((total, vec![]));
        };
        let ends = window_ends(
            date_of(frame.first_day + i64::from(lo) - 1),
            date_of(frame.first_day + i64::from(hi) - 1),
            rolling.step,
        );
        for &end in &ends {
            let e = day_of(end);
            let lf = selection
                .clone()
                .filter(col(TSI).gt_eq(lit((e - span + 1) * DAY_MS)).and(col(TSI).lt(lit((e + 1) * DAY_MS))));
            for (codes, t) in frame.tally(lf, &segs, count, account)? {
                if t.counts.n() > 0 {
                    out.push((
                        RawGroup {
                            key: key_texts(&codes),
                            period: Some(e),
                            counts: t.counts,
                            distribution: t.dist.to_vec(),
                        },
                        Some(window(end)),
                    ));
                }
            }
        }
    }
    Ok((total, out))
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

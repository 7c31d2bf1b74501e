//! Why NPS moved between two periods: a shift-share decomposition over one segment column.
//!
//! With segment shares sᵢ and segment NPS Nᵢ, NPS = Σ sᵢNᵢ, so
//! ΔNPS = Σ Δsᵢ·(Nᵢ₁+Nᵢ₂)/2  (mix: the segments' weights moved)
//!      + Σ ΔNᵢ·(sᵢ₁+sᵢ₂)/2  (within: the segments' own NPS moved),
//! which adds up to ΔNPS exactly (midpoint weights). A segment present in only one period has no NPS in the
//! other; its NPS is taken as unchanged there, so its whole effect is mix. Respondents who left the segment
//! question empty form their own segment (`key: null`), so the segments partition each period.

use npsdesk_core::{Explanation, NpsQuery, Period, PeriodFigure, SegmentShift};
use npsdesk_store::Workspace;

use crate::{AnalyticsError, Result, SurveyFrame};

/// The granularity a period key is written in: `2025-Q3`, `2025-07`, `2025-W07` or `2025`.
pub fn period_of_key(key: &str) -> Option<Period> {
    let b = key.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match b.len() {
        4 if digits(b) => Some(Period::Year),
        7 if digits(&b[..4]) && b[4] == b'-' && b[5] == b'Q' && (b'1'..=b'4').contains(&b[6]) => Some(Period::Quarter),
        7 if digits(&b[..4]) && b[4] == b'-' && digits(&b[5..]) => Some(Period::Month),
        8 if digits(&b[..4]) && &b[4..6] == b"-W" && digits(&b[6..]) => Some(Period::Week),
        _ => None,
    }
}

pub fn explain(
    frame: &mut SurveyFrame,
    ws: &Workspace,
    base: &NpsQuery,
    from: &str,
    to: &str,
    by: &str,
) -> Result<Explanation> {
    let per = period_of_key(from).ok_or_else(|| {
        AnalyticsError::InvalidQuery(format!("{from:?} is not a period like 2025-Q2, 2025-07, 2025-W07 or 2025"))
    })?;
    if period_of_key(to) != Some(per) {
        return Err(AnalyticsError::InvalidQuery(format!("{to:?} is not a period of the same kind as {from:?}")));
    }
    let q = NpsQuery { by: vec![by.to_string()], per: Some(per), rolling: None, min_n: 0, ..base.clone() };
    let totals = frame.nps(ws, &NpsQuery { by: vec![], ..q.clone() })?;
    let figure = |period: &str| -> Result<(PeriodFigure, f64)> {
        let g = totals
            .groups
            .iter()
            .find(|g| g.key.get("period") == Some(Some(period)))
            .ok_or_else(|| AnalyticsError::InvalidQuery(format!("no answered responses in {period}")))?;
        Ok((PeriodFigure { period: period.to_string(), n: g.n, nps: g.nps }, f64::from(g.n)))
    };
    let (from_fig, n1) = figure(from)?;
    let (to_fig, n2) = figure(to)?;

    let segments_report = frame.nps(ws, &q)?;
    let name = segments_report
        .groups
        .first()
        .and_then(|g| g.key.0.first().map(|(k, _)| k.clone()))
        .unwrap_or_else(|| by.to_string());
    // key → (n, nps) in each period.
    let mut keys: Vec<Option<String>> = Vec::new();
    let mut cells: Vec<[(f64, Option<f64>); 2]> = Vec::new();
    for g in &segments_report.groups {
        let side = match g.key.get("period") {
            Some(Some(p)) if p == from => 0,
            Some(Some(p)) if p == to => 1,
            _ => continue,
        };
        let key = g.key.get(&name).flatten().map(str::to_string);
        let i = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                cells.push([(0.0, None), (0.0, None)]);
                keys.len() - 1
            }
        };
        cells[i][side] = (f64::from(g.n), Some(g.nps));
    }
    let mut segments = Vec::new();
    let (mut mix, mut within) = (0.0, 0.0);
    for (key, [(a_n, a_nps), (b_n, b_nps)]) in keys.into_iter().zip(cells) {
        let (s1, s2) = (a_n / n1, b_n / n2);
        // Missing side: NPS unchanged (so ΔN = 0 and the effect is all mix); its share there is 0.
        let (v1, v2) = match (a_nps, b_nps) {
            (Some(x), Some(y)) => (x, y),
            (Some(x), None) => (x, x),
            (None, Some(y)) => (y, y),
            (None, None) => (0.0, 0.0),
        };
        let m = (s2 - s1) * (v1 + v2) / 2.0;
        let w = (v2 - v1) * (s1 + s2) / 2.0;
        mix += m;
        within += w;
        segments.push(SegmentShift {
            key,
            from_share: s1,
            to_share: s2,
            from_nps: a_nps,
            to_nps: b_nps,
            mix: m,
            within: w,
        });
    }
    segments.sort_by(|a, b| (b.mix + b.within).abs().total_cmp(&(a.mix + a.within).abs()));
    Ok(Explanation { by: name, delta: to_fig.nps - from_fig.nps, from: from_fig, to: to_fig, mix, within, segments })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_keys() {
        assert_eq!(period_of_key("2025-Q3"), Some(Period::Quarter));
        assert_eq!(period_of_key("2025-07"), Some(Period::Month));
        assert_eq!(period_of_key("2025-W07"), Some(Period::Week));
        assert_eq!(period_of_key("2025"), Some(Period::Year));
        assert_eq!(period_of_key("2025-Q5"), None);
        assert_eq!(period_of_key("Q3"), None);
    }
}

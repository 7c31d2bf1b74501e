//! Normal-distribution helpers and the two-sample NPS comparison.
//!
//! Comparison (nps-statistics.md 4.3, with MeasuringU's adjusted-Wald counts): for each side
//! n' = n + 3, p'P = (P + 0.75)/n', p'D = (D + 0.75)/n', NPS' = p'P − p'D, Var' = p'P + p'D − NPS'²;
//! z = (NPS'₁ − NPS'₂) / sqrt(Var'₁/n'₁ + Var'₂/n'₂); two-sided p = 2·(1 − Φ(|z|)).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::nps::NpsCounts;

/// Below this, erf by its series; above, erfc by its continued fraction (which keeps relative precision
/// in the tails, where p-values live).
const SERIES_LIMIT: f64 = 2.0;

/// The error function, accurate to about 1e-14.
pub fn erf(x: f64) -> f64 {
    if x < 0.0 {
        return -erf(-x);
    }
    if x < SERIES_LIMIT {
        // erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
        let mut term = x;
        let mut sum = x;
        let x2 = x * x;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs() {
            n += 1.0;
            term *= -x2 / n;
            sum += term / (2.0 * n + 1.0);
        }
        2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        1.0 - erfc_cf(x)
    }
}

/// erfc for x ≥ 2 by its continued fraction (modified Lentz).
fn erfc_cf(x: f64) -> f64 {
    // erfc x = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..500 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / std::f64::consts::PI.sqrt() / f
}

/// Standard normal cumulative distribution Φ.
pub fn normal_cdf(z: f64) -> f64 {
    if z < -SERIES_LIMIT * std::f64::consts::SQRT_2 {
        // Far tail: use erfc directly to keep relative precision.
        0.5 * erfc_cf(-z / std::f64::consts::SQRT_2)
    } else {
        0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
    }
}

/// Two-sided p-value of a z statistic.
pub fn two_sided_p(z: f64) -> f64 {
    let t = z.abs() / std::f64::consts::SQRT_2;
    if t >= SERIES_LIMIT {
        erfc_cf(t)
    } else {
        1.0 - erf(t)
    }
}

/// The two-sided normal quantile of a confidence level the app offers.
pub fn z_for_level(level: f64) -> Option<f64> {
    // Values to 6 decimals (standard tables); the 95 % one is the CLI contract's.
    [(0.80, 1.281552), (0.90, 1.644854), (0.95, crate::nps::Z_95), (0.99, 2.575829)]
        .into_iter()
        .find(|(l, _)| (l - level).abs() < 1e-9)
        .map(|(_, z)| z)
}

/// The difference of one NPS to another, tested at a confidence level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Comparison {
    /// Plain NPS difference in points (this − other).
    pub delta: f64,
    pub z: f64,
    pub p_value: f64,
    /// p < 1 − level. Never true for a difference that fails the test.
    pub significant: bool,
}

/// Two-sample z test of `a` against `b` on adjusted-Wald estimates; `None` when either side is empty.
pub fn compare(a: &NpsCounts, b: &NpsCounts, level: f64) -> Option<Comparison> {
    if a.n() == 0 || b.n() == 0 {
        return None;
    }
    let adj = |c: &NpsCounts| {
        let n = f64::from(c.n()) + 3.0;
        let p = (f64::from(c.promoters) + 0.75) / n;
        let d = (f64::from(c.detractors) + 0.75) / n;
        let nps = p - d;
        (nps, (p + d - nps * nps) / n)
    };
    let (na, va) = adj(a);
    let (nb, vb) = adj(b);
    let se = (va + vb).sqrt();
    let z = if se > 0.0 { (na - nb) / se } else { 0.0 };
    let p_value = two_sided_p(z);
    Some(Comparison { delta: a.nps() - b.nps(), z, p_value, significant: p_value < 1.0 - level })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_tables() {
        // Exact arguments against reference values (Python's math.erf/erfc), to 1e-12 relative.
        for (z, phi) in
            [(0.0, 0.5), (1.0, 0.8413447460685429), (-4.0, 3.1671241833119965e-5), (2.5, 0.9937903346742238)]
        {
            let got = normal_cdf(z);
            assert!((got - phi).abs() < 1e-12 * phi, "Φ({z}) = {got}, want {phi}");
        }
        // Table quantiles (given to 6 decimals, so to 1e-6).
        for (z, phi) in [(1.959964, 0.975), (-1.644854, 0.05), (2.575829, 0.995)] {
            assert!((normal_cdf(z) - phi).abs() < 1e-6, "Φ({z})");
        }
        assert!((two_sided_p(1.959964) - 0.05).abs() < 1e-7);
        assert!((two_sided_p(-3.290527) - 0.001).abs() < 1e-8);
    }

    #[test]
    fn compare_by_hand_on_both_sides_of_the_threshold() {
        // A: 60 P, 25 A, 15 D of 100 (NPS 45); B: 45 P, 30 A, 25 D of 100 (NPS 20).
        // By hand: A' n=103, p=60.75/103=.589806, d=15.75/103=.152913, nps=.436893,
        // var=.742718−.190876=.551843; B' p=45.75/103=.444175, d=25.75/103=.25, nps=.194175,
        // var=.694175−.037704=.656471; se=sqrt((.551843+.656471)/103)=.108311; z=.242718/.108311=2.24095;
        // p = erfc(2.24095/√2) = .025030.
        let a = NpsCounts::from_parts(60, 25, 15);
        let b = NpsCounts::from_parts(45, 30, 25);
        let c = compare(&a, &b, 0.95).unwrap();
        assert!((c.delta - 25.0).abs() < 1e-12);
        assert!((c.z - 2.24095).abs() < 1e-4, "z = {}", c.z);
        assert!((c.p_value - 0.025030).abs() < 1e-5, "p = {}", c.p_value);
        assert!(c.significant, "p ≈ 0.025 < 0.05");
        assert!(!compare(&a, &b, 0.99).unwrap().significant, "p ≈ 0.025 is not < 0.01");

        // Halve both samples: about the same NPS, z = 1.6083 < 1.96 — not significant at 95 %.
        let a2 = NpsCounts::from_parts(30, 12, 8);
        let b2 = NpsCounts::from_parts(22, 15, 13);
        let c2 = compare(&a2, &b2, 0.95).unwrap();
        assert!((c2.z - 1.608255).abs() < 1e-5 && !c2.significant, "z = {}", c2.z);
        assert!(compare(&a, &NpsCounts::default(), 0.95).is_none());
    }

    #[test]
    fn levels() {
        assert_eq!(z_for_level(0.95), Some(crate::nps::Z_95));
        assert!((normal_cdf(z_for_level(0.90).unwrap()) - 0.95).abs() < 1e-6);
        assert!((normal_cdf(z_for_level(0.80).unwrap()) - 0.90).abs() < 1e-6);
        assert!((normal_cdf(z_for_level(0.99).unwrap()) - 0.995).abs() < 1e-6);
        assert_eq!(z_for_level(0.42), None);
    }
}

/// A rating answer as exports write it: `4`, `4 - Satisfied`, `Very satisfied - 5`; `None` outside 1..=scale.
pub fn parse_rating(text: &str, scale: u8) -> Option<u8> {
    let t = text.trim();
    let lead: String = t.chars().take_while(char::is_ascii_digit).collect();
    let trail: String =
        t.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
    // A label after (or before) the dash must not be a number itself: `1-3 months ago` is a range, not a 1.
    let label_after = |rest: &str| {
        rest.trim_start()
            .strip_prefix(['-', '–'])
            .is_some_and(|l| !l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
    };
    let label_before = |head: &str| {
        head.trim_end().strip_suffix(['-', '–']).is_some_and(|l| !l.trim_end().ends_with(|c: char| c.is_ascii_digit()))
    };
    let pick = if !lead.is_empty() && (lead.len() == t.len() || label_after(&t[lead.len()..])) {
        lead
    } else if !trail.is_empty() && label_before(&t[..t.len() - trail.len()]) {
        trail
    } else {
        return None;
    };
    pick.parse::<u8>().ok().filter(|v| (1..=scale).contains(v))
}

/// Agresti–Coull (adjusted Wald) interval of a proportion x/n at quantile z, in percent.
pub fn proportion_interval(x: u32, n: u32, z: f64) -> [f64; 2] {
    let n1 = f64::from(n) + z * z;
    let p = (f64::from(x) + z * z / 2.0) / n1;
    let half = z * (p * (1.0 - p) / n1).sqrt();
    [(100.0 * (p - half)).max(0.0), (100.0 * (p + half)).min(100.0)]
}

/// Normal-approximation interval of a mean from its answers' sum and sum of squares (sample variance).
pub fn mean_interval(n: u32, sum: f64, sum_sq: f64, z: f64) -> [f64; 2] {
    let nf = f64::from(n);
    let mean = sum / nf;
    if n < 2 {
        return [mean, mean];
    }
    let var = ((sum_sq - nf * mean * mean) / (nf - 1.0)).max(0.0);
    let half = z * (var / nf).sqrt();
    [mean - half, mean + half]
}

#[cfg(test)]
mod metric_tests {
    use super::*;

    #[test]
    fn ratings_in_every_spelling() {
        assert_eq!(parse_rating("4 - Satisfied", 5), Some(4));
        assert_eq!(parse_rating("Very satisfied - 5", 5), Some(5));
        assert_eq!(parse_rating(" 3 ", 5), Some(3));
        assert_eq!(parse_rating("6", 5), None, "outside the scale");
        assert_eq!(parse_rating("0", 5), None);
        assert_eq!(parse_rating("1-3 months ago", 5), None);
        assert_eq!(parse_rating("", 5), None);
    }

    #[test]
    fn intervals_by_hand() {
        // 40 of 50 satisfied, z = 1.959964: n' = 53.841459, p' = 41.920729/53.841459 = .778594,
        // half = 1.959964·sqrt(.778594·.221406/53.841459) = .110909 → [66.77, 88.95].
        let [lo, hi] = proportion_interval(40, 50, crate::nps::Z_95);
        assert!((lo - 66.7685).abs() < 1e-3 && (hi - 88.9503).abs() < 1e-3, "[{lo}, {hi}]");
        // Answers 2, 4, 4, 6: mean 4, sample variance (4 + 0 + 0 + 4)/3 = 2.6667, half = 1.959964·sqrt(2.6667/4).
        let [lo, hi] = mean_interval(4, 16.0, 72.0, crate::nps::Z_95);
        assert!((lo - (4.0 - 1.600306)).abs() < 1e-5 && (hi - (4.0 + 1.600306)).abs() < 1e-5, "[{lo}, {hi}]");
    }
}

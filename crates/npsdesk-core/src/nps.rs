//! Net Promoter Score and its confidence interval.
//!
//! NPS = %promoters − %detractors, in points (−100..100). The interval is the adjusted Wald interval that
//! Rocks (2016) and MeasuringU recommend: add 0.75 promoter, 1.5 passive and 0.75 detractor (n' = n + 3),
//! then NPS' ± z·sqrt(Var'/n') with Var' = p'P + p'D − (p'P − p'D)², clipped to ±100.

use serde::{Deserialize, Serialize};

use crate::score::{Category, Score};

/// The two-sided 95 % normal quantile, to the precision the CLI contract names.
pub const Z_95: f64 = 1.959964;

/// Answered-NPS counts of a group of responses (unanswered NPS questions are not counted at all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NpsCounts {
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
}

impl NpsCounts {
    pub fn from_parts(promoters: u32, passives: u32, detractors: u32) -> Self {
        NpsCounts { promoters, passives, detractors }
    }

    pub fn add(&mut self, score: Score) {
        match score.category() {
            Category::Promoter => self.promoters += 1,
            Category::Passive => self.passives += 1,
            Category::Detractor => self.detractors += 1,
        }
    }

    pub fn n(&self) -> u32 {
        self.promoters + self.passives + self.detractors
    }

    /// `part` (one of the three counts) as a percentage of n; 0 for an empty group.
    pub fn pct(&self, part: u32) -> f64 {
        match self.n() {
            0 => 0.0,
            n => 100.0 * f64::from(part) / f64::from(n),
        }
    }

    /// NPS in points; 0 for an empty group (callers omit empty groups, this only avoids a NaN).
    pub fn nps(&self) -> f64 {
        let n = self.n();
        if n == 0 {
            return 0.0;
        }
        100.0 * (f64::from(self.promoters) - f64::from(self.detractors)) / f64::from(n)
    }

    /// Adjusted-Wald interval in points for the normal quantile `z` (e.g. [`Z_95`]).
    pub fn adjusted_wald(&self, z: f64) -> [f64; 2] {
        let n1 = f64::from(self.n()) + 3.0;
        let p = (f64::from(self.promoters) + 0.75) / n1;
        let d = (f64::from(self.detractors) + 0.75) / n1;
        let centre = p - d;
        let var = p + d - centre * centre;
        let half = z * (var / n1).sqrt();
        [(100.0 * (centre - half)).max(-100.0), (100.0 * (centre + half)).min(100.0)]
    }

    pub fn ci95(&self) -> [f64; 2] {
        self.adjusted_wald(Z_95)
    }
}

impl std::ops::AddAssign for NpsCounts {
    fn add_assign(&mut self, o: Self) {
        self.promoters += o.promoters;
        self.passives += o.passives;
        self.detractors += o.detractors;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn textbook_example_38_promoters_33_detractors_of_100() {
        let c = NpsCounts::from_parts(38, 29, 33);
        assert_eq!(c.n(), 100);
        assert!(close(c.nps(), 5.0, 1e-12), "38 % − 33 % = 5 points, got {}", c.nps());
        // By hand: n' = 103, p' = 38.75/103 = 0.376214, d' = 33.75/103 = 0.327670, centre = 0.048544,
        // Var' = 0.703884 − 0.002357 = 0.701528, SE = sqrt(0.701528/103) = 0.082528, half = 0.161752.
        let [lo, hi] = c.ci95();
        assert!(close(lo, -11.3208, 1e-3), "low {lo}");
        assert!(close(hi, 21.0296, 1e-3), "high {hi}");
    }

    #[test]
    fn contract_example_90_60_50() {
        // The CLI contract's own example: n = 200, 90 P, 50 D → NPS 20, ci95 [8.54, 30.86].
        let c = NpsCounts::from_parts(90, 60, 50);
        assert!(close(c.nps(), 20.0, 1e-12));
        let [lo, hi] = c.ci95();
        assert!(close(lo, 8.54, 0.005) && close(hi, 30.86, 0.005), "[{lo}, {hi}]");
    }

    #[test]
    fn all_promoters_is_100_and_the_interval_is_clipped_to_100() {
        let c = NpsCounts::from_parts(50, 0, 0);
        assert_eq!(c.nps(), 100.0);
        // n' = 53, p' = 50.75/53 = 0.957547, d' = 0.75/53 = 0.014151, centre = 0.943396,
        // Var' = 0.971698 − 0.889996 = 0.081702, half = 1.959964 · sqrt(0.081702/53) = 0.076953.
        let [lo, hi] = c.ci95();
        assert!(close(lo, 86.644, 1e-2), "low {lo}");
        assert_eq!(hi, 100.0, "the upper bound cannot pass 100");
    }

    #[test]
    fn all_detractors_is_minus_100_and_clipped() {
        let c = NpsCounts::from_parts(0, 0, 50);
        assert_eq!(c.nps(), -100.0);
        let [lo, hi] = c.ci95();
        assert_eq!(lo, -100.0);
        assert!(close(hi, -86.644, 1e-2), "high {hi}");
    }

    #[test]
    fn a_single_passive_gives_zero_with_a_wide_interval() {
        let c = NpsCounts::from_parts(0, 1, 0);
        assert_eq!(c.nps(), 0.0);
        // n' = 4, p' = d' = 0.1875, centre 0, Var' = 0.375, half = 1.959964 · sqrt(0.375/4) = 0.600113.
        let [lo, hi] = c.ci95();
        assert!(close(lo, -60.0113, 1e-3) && close(hi, 60.0113, 1e-3), "[{lo}, {hi}]");
    }

    #[test]
    fn a_single_promoter() {
        let c = NpsCounts::from_parts(1, 0, 0);
        assert_eq!(c.nps(), 100.0);
        // n' = 4, p' = 0.4375, d' = 0.1875, centre 0.25, Var' = 0.625 − 0.0625 = 0.5625,
        // half = 1.959964 · 0.375 = 0.734987 → [−48.4987, 98.4987].
        let [lo, hi] = c.ci95();
        assert!(close(lo, -48.4987, 1e-3) && close(hi, 98.4987, 1e-3), "[{lo}, {hi}]");
    }

    #[test]
    fn adding_scores_counts_categories() {
        let mut c = NpsCounts::default();
        for v in [0, 6, 7, 8, 9, 10, 10] {
            c.add(Score::new(v).unwrap());
        }
        assert_eq!(c, NpsCounts::from_parts(3, 2, 2));
    }
}

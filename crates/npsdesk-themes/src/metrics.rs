//! Theme metrics over tagged responses: volume, theme NPS, and impact on the overall NPS.
//!
//! Inputs are parallel slices, one element per response: its NPS answer (`None` = not answered) and its
//! themes (`None` = no comment, `Some(empty)` = a comment no theme matches). Definitions:
//!
//! - `mentions`: responses whose comment has the theme; `share` = mentions / responses with a comment.
//! - `n`, `promoters`, `passives`, `detractors`, `nps`, `ci95`: the answered responses among the mentions;
//!   `ci95` is the adjusted-Wald interval of `npsdesk_core::NpsCounts`.
//! - `detractor_share`: detractors mentioning the theme / detractors with a comment.
//! - `impact` = NPS(all answered responses) − NPS(answered responses that do not mention the theme)
//!   (Thematic's remove-and-recompute formula, nps-statistics.md 4.6). Responses without a comment count
//!   in both. Positive: the theme lifts the NPS; negative: it drags it down.
//! - `impact_ci95`: percentile bootstrap over respondents. Each of `resamples` (≥ 1,000 by default)
//!   resamples draws as many answered responses as there are, uniformly with replacement (SplitMix64
//!   seeded with `seed`, so a report is reproducible), and recomputes every theme's impact; the interval is
//!   the 2.5th and 97.5th percentile (linear interpolation between order statistics) of the resamples in
//!   which the impact is defined. Responses are grouped by (category, theme set) first, so a resample
//!   costs one random draw per response plus one pass over the distinct groups.
//! - `coverage` = comments with at least one theme / comments; `uncategorized` = comments with none.

use npsdesk_core::{Category, NpsCounts, Score};
use serde::{Deserialize, Serialize};

use crate::matcher::{ThemeInfo, ThemeSet};

/// Bootstrap settings of [`theme_report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactOptions {
    /// Number of bootstrap resamples (0 = no `impact_ci95`).
    pub resamples: u32,
    pub seed: u64,
}

impl Default for ImpactOptions {
    fn default() -> Self {
        ImpactOptions { resamples: 1000, seed: 0x6e70_7364_6573_6b21 }
    }
}

/// Metrics of one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ThemeStats {
    pub theme: String,
    pub parent: Option<String>,
    #[ts(type = "number")]
    pub mentions: u64,
    pub share: f64,
    pub n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// NPS of the answered responses that mention the theme; `None` when n = 0.
    pub nps: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// Share of all detractor comments that mention the theme; `None` without detractor comments.
    pub detractor_share: Option<f64>,
    /// NPS(all) − NPS(all without the theme's responses); `None` when either side has no answers.
    pub impact: Option<f64>,
    pub impact_ci95: Option<[f64; 2]>,
}

/// The theme report: coverage and one row per theme (in rule-set order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ThemeReport {
    pub coverage: f64,
    #[ts(type = "number")]
    pub uncategorized: u64,
    /// Responses with a (non-blank) comment.
    #[ts(type = "number")]
    pub comments: u64,
    /// NPS of all answered responses (`None` without answers).
    pub nps: Option<f64>,
    pub themes: Vec<ThemeStats>,
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough for resampling indices.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift with rejection, unbiased). `n` must be > 0.
    pub fn below(&mut self, n: u64) -> u64 {
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

fn category(score: Option<u8>) -> Option<Category> {
    score.and_then(Score::new).map(Score::category)
}

fn add(c: &mut NpsCounts, cat: Category, k: u32) {
    match cat {
        Category::Promoter => c.promoters += k,
        Category::Passive => c.passives += k,
        Category::Detractor => c.detractors += k,
    }
}

fn minus(a: NpsCounts, b: NpsCounts) -> NpsCounts {
    NpsCounts::from_parts(a.promoters - b.promoters, a.passives - b.passives, a.detractors - b.detractors)
}

/// NPS(all) − NPS(all without the theme), or `None` when either group is empty.
pub fn impact(all: NpsCounts, mentioning: NpsCounts) -> Option<f64> {
    let rest = minus(all, mentioning);
    (all.n() > 0 && rest.n() > 0).then(|| all.nps() - rest.nps())
}

/// Percentile of sorted values (linear interpolation between order statistics, R's type 7).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A response's themes as [`theme_report`] reads them: `None` when it has no comment. Owned sets, or sets
/// borrowed from a table of each distinct comment's tags (no set is cloned per response: at 1M responses
/// those clones and their frees were a fifth of `npsdesk themes`).
pub trait ResponseTags {
    fn theme_set(&self) -> Option<&ThemeSet>;
}

impl ResponseTags for Option<ThemeSet> {
    fn theme_set(&self) -> Option<&ThemeSet> {
        self.as_ref()
    }
}

impl ResponseTags for Option<&ThemeSet> {
    fn theme_set(&self) -> Option<&ThemeSet> {
        *self
    }
}

/// Computes the theme report. `scores[i]` and `tags[i]` describe response `i`; scores outside 0–10 count
/// as unanswered. Panics if the slices differ in length.
pub fn theme_report<T: ResponseTags>(
    themes: &[ThemeInfo],
    scores: &[Option<u8>],
    tags: &[T],
    opts: &ImpactOptions,
) -> ThemeReport {
    assert_eq!(scores.len(), tags.len(), "scores and tags need one element per response");
    let k = themes.len();
    let mut all = NpsCounts::default();
    let mut per = vec![NpsCounts::default(); k];
    let mut mentions = vec![0u64; k];
    let mut det_mentions = vec![0u64; k];
    let (mut comments, mut uncategorized, mut det_comments) = (0u64, 0u64, 0u64);
    for (score, tag) in scores.iter().zip(tags) {
        let cat = category(*score);
        if let Some(c) = cat {
            add(&mut all, c, 1);
        }
        let Some(set) = tag.theme_set() else { continue };
        comments += 1;
        if set.is_empty() {
            uncategorized += 1;
        }
        let detractor = cat == Some(Category::Detractor);
        det_comments += u64::from(detractor);
        for id in set.iter().filter(|&id| usize::from(id) < k) {
            let t = usize::from(id);
            mentions[t] += 1;
            det_mentions[t] += u64::from(detractor);
            if let Some(c) = cat {
                add(&mut per[t], c, 1);
            }
        }
    }

    let impact_ci = if opts.resamples > 0 { bootstrap_impact(k, scores, tags, opts) } else { vec![None; k] };
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let stats = themes
        .iter()
        .enumerate()
        .map(|(t, info)| {
            let c = per[t];
            ThemeStats {
                theme: info.name.clone(),
                parent: info.parent.and_then(|p| themes.get(usize::from(p))).map(|p| p.name.clone()),
                mentions: mentions[t],
                share: ratio(mentions[t], comments),
                n: c.n(),
                promoters: c.promoters,
                passives: c.passives,
                detractors: c.detractors,
                nps: (c.n() > 0).then(|| c.nps()),
                ci95: (c.n() > 0).then(|| c.ci95()),
                detractor_share: (det_comments > 0).then(|| ratio(det_mentions[t], det_comments)),
                impact: impact(all, c),
                impact_ci95: impact_ci[t],
            }
        })
        .collect();
    ThemeReport {
        coverage: ratio(comments - uncategorized, comments),
        uncategorized,
        comments,
        nps: (all.n() > 0).then(|| all.nps()),
        themes: stats,
    }
}

/// Percentile-bootstrap 95 % intervals of every theme's impact (see the module docs).
fn bootstrap_impact<T: ResponseTags>(
    k: usize,
    scores: &[Option<u8>],
    tags: &[T],
    opts: &ImpactOptions,
) -> Vec<Option<[f64; 2]>> {
    // Group the answered responses by (category, theme set): resampling needs only the groups.
    let mut groups: Vec<(Category, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<(u8, &[u16]), usize> = std::collections::HashMap::new();
    let mut member: Vec<u32> = Vec::new();
    const EMPTY: &[u16] = &[];
    for (score, tag) in scores.iter().zip(tags) {
        let Some(cat) = category(*score) else { continue };
        let ids: &[u16] = tag.theme_set().map_or(EMPTY, |s| s.as_slice());
        let key = (cat as u8, ids);
        let g = *index.entry(key).or_insert_with(|| {
            groups.push((cat, ids.iter().map(|&i| usize::from(i)).filter(|&i| i < k).collect()));
            groups.len() - 1
        });
        member.push(g as u32);
    }
    let n = member.len();
    if n == 0 {
        return vec![None; k];
    }
    let mut rng = SplitMix64::new(opts.seed);
    let mut draws = vec![0u32; groups.len()];
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(opts.resamples as usize); k];
    let mut per = vec![NpsCounts::default(); k];
    for _ in 0..opts.resamples {
        draws.iter_mut().for_each(|d| *d = 0);
        for _ in 0..n {
            draws[member[rng.below(n as u64) as usize] as usize] += 1;
        }
        let mut all = NpsCounts::default();
        per.iter_mut().for_each(|c| *c = NpsCounts::default());
        for (g, &d) in draws.iter().enumerate() {
            if d == 0 {
                continue;
            }
            let (cat, ids) = &groups[g];
            add(&mut all, *cat, d);
            for &t in ids {
                add(&mut per[t], *cat, d);
            }
        }
        for t in 0..k {
            if let Some(v) = impact(all, per[t]) {
                samples[t].push(v);
            }
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            // Fewer than half the resamples defined: the interval would describe a different population.
            if s.is_empty() || s.len() * 2 < opts.resamples as usize {
                return None;
            }
            s.sort_by(f64::total_cmp);
            Some([percentile(&s, 0.025), percentile(&s, 0.975)])
        })
        .collect()
}

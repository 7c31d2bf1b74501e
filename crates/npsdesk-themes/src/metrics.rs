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
//!   resamples draws as many answered responses as there are, uniformly with replacement, and recomputes
//!   every theme's impact; the interval is the 2.5th and 97.5th percentile (linear interpolation between
//!   order statistics) of the resamples in which the impact is defined. Two SplitMix64 streams derived
//!   from `seed` draw half the resamples each, on two threads, so a report is reproducible on any machine.
//!   A resample's impacts depend only on how many of its draws fall in each (category, theme set) group of
//!   responses, and those counts follow the multinomial distribution of the group sizes: they are drawn as
//!   such, one binomial per group conditional on the groups before it (exact; BTPE from `rand_distr`),
//!   except that the responses of small groups are drawn one by one. So a resample no longer draws every
//!   response: at 1M responses, 1,000 resamples had taken 7 s.
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

/// So `rand_distr`'s samplers draw from it.
impl rand_core::TryRng for SplitMix64 {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next_u64() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Groups of a bootstrap smaller than this many responses get their draws one by one, the others by a
/// binomial: a binomial sample costs about as much as a few dozen uniform draws.
const BINOMIAL_MIN: u64 = 64;

/// Multinomial draws over groups of given sizes: `n` items, each falling in a group with probability its
/// size / the total. Large groups (≥ [`BINOMIAL_MIN`]), largest first, take Binomial(items left, size /
/// sizes left) of the items the groups before them did not take; the items left then fall on the small
/// groups' members uniformly, one draw each. Both steps are exact, so the counts are multinomial. Why the
/// split: a report with many themes has thousands of small (category, theme set) groups, and a binomial
/// for each cost more than drawing every response; the small groups hold few responses in all.
struct Multinomial {
    /// Large groups, largest first: (group, size).
    large: Vec<(usize, u64)>,
    /// The small groups' members: each small group's index, once per response in it.
    small_members: Vec<u32>,
    total: u64,
}

impl Multinomial {
    fn new(sizes: &[u64]) -> Multinomial {
        let mut large: Vec<(usize, u64)> =
            sizes.iter().copied().enumerate().filter(|&(_, s)| s >= BINOMIAL_MIN).collect();
        large.sort_by_key(|&(g, s)| (std::cmp::Reverse(s), g));
        let small_members = sizes
            .iter()
            .enumerate()
            .filter(|&(_, &s)| s < BINOMIAL_MIN)
            .flat_map(|(g, &s)| std::iter::repeat_n(g as u32, s as usize))
            .collect();
        Multinomial { large, small_members, total: sizes.iter().sum() }
    }

    /// The counts per group (`draws`, one slot per group) of `n` items.
    fn draw(&self, n: u64, rng: &mut SplitMix64, draws: &mut [u64]) {
        use rand_distr::Distribution;
        draws.iter_mut().for_each(|d| *d = 0);
        let (mut left, mut mass) = (n, self.total);
        for &(g, size) in &self.large {
            if left == 0 {
                return;
            }
            let d = if size >= mass {
                left
            } else {
                let p = size as f64 / mass as f64;
                rand_distr::Binomial::new(left, p).expect("0 < size < the sizes left, so 0 < p < 1").sample(rng)
            };
            draws[g] = d;
            left -= d;
            mass -= size;
        }
        // `mass` is now the small groups' members, and `left` is 0 when there are none.
        for _ in 0..left {
            draws[self.small_members[rng.below(mass) as usize] as usize] += 1;
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
/// `Sync`: a large report counts its responses on two threads.
pub trait ResponseTags: Sync {
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

/// From this many responses, [`theme_report`] counts them on two threads (at 1M, 25 ms on one).
const PARALLEL_TALLY_MIN: usize = 1 << 16;

/// The counts a theme report is made of.
struct Tally {
    /// Every answered response.
    all: NpsCounts,
    /// Answered responses whose comment has theme t.
    per: Vec<NpsCounts>,
    mentions: Vec<u64>,
    det_mentions: Vec<u64>,
    comments: u64,
    uncategorized: u64,
    det_comments: u64,
}

impl Tally {
    /// The counts of `k` themes over the responses of `scores` and `tags`.
    fn of<T: ResponseTags>(k: usize, scores: &[Option<u8>], tags: &[T]) -> Tally {
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
        Tally { all, per, mentions, det_mentions, comments, uncategorized, det_comments }
    }

    /// Adds the counts of other responses.
    fn add(&mut self, other: Tally) {
        self.all += other.all;
        self.per.iter_mut().zip(other.per).for_each(|(a, b)| *a += b);
        self.mentions.iter_mut().zip(other.mentions).for_each(|(a, b)| *a += b);
        self.det_mentions.iter_mut().zip(other.det_mentions).for_each(|(a, b)| *a += b);
        self.comments += other.comments;
        self.uncategorized += other.uncategorized;
        self.det_comments += other.det_comments;
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
    let Tally { all, per, mentions, det_mentions, comments, uncategorized, det_comments } =
        if scores.len() >= PARALLEL_TALLY_MIN {
            // Two halves on two threads, then added: the counts do not depend on the order.
            let half = scores.len() / 2;
            let (mut tally, second) = npsdesk_core::par::join(
                || Tally::of(k, &scores[..half], &tags[..half]),
                || Tally::of(k, &scores[half..], &tags[half..]),
            );
            tally.add(second);
            tally
        } else {
            Tally::of(k, scores, tags)
        };

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
    // Group the answered responses by (category, theme set): resampling needs only each group's size and
    // where its draws count, kept flat (group g's are `slots[slot_ends[g - 1]..slot_ends[g]]`): its
    // category's slot of the overall counts (0–2), then that of each of its themes (3 + 3·theme + 0–2). A
    // resample adds each group's draws to its slots: with 26 themes a 1M-response report has 90,000 groups
    // and 900,000 slots, and a vector per group made that the larger part of a resample.
    let slot = |cat: Category| match cat {
        Category::Promoter => 0,
        Category::Passive => 1,
        Category::Detractor => 2,
    };
    let (mut sizes, mut slots, mut slot_ends) = (Vec::<u64>::new(), Vec::<u32>::new(), Vec::<usize>::new());
    let mut index: std::collections::HashMap<(u8, &[u16]), usize> = std::collections::HashMap::new();
    const EMPTY: &[u16] = &[];
    for (score, tag) in scores.iter().zip(tags) {
        let Some(cat) = category(*score) else { continue };
        let ids: &[u16] = tag.theme_set().map_or(EMPTY, |s| s.as_slice());
        let g = *index.entry((cat as u8, ids)).or_insert_with(|| {
            slots.push(slot(cat));
            slots
                .extend(ids.iter().map(|&t| usize::from(t)).filter(|&t| t < k).map(|t| (3 + 3 * t) as u32 + slot(cat)));
            slot_ends.push(slots.len());
            sizes.push(0);
            sizes.len() - 1
        });
        sizes[g] += 1;
    }
    let n: u64 = sizes.iter().sum();
    if n == 0 {
        return vec![None; k];
    }
    let multinomial = Multinomial::new(&sizes);
    let counts_of = |c: &[u32]| NpsCounts::from_parts(c[0], c[1], c[2]);
    // The impacts of `count` resamples drawn from `rng`, per theme.
    let run = |mut rng: SplitMix64, count: u32| -> Vec<Vec<f64>> {
        let mut draws = vec![0u64; sizes.len()];
        let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(count as usize); k];
        let mut counts = vec![0u32; 3 + 3 * k];
        for _ in 0..count {
            multinomial.draw(n, &mut rng, &mut draws);
            counts.iter_mut().for_each(|c| *c = 0);
            let mut start = 0;
            for (&d, &end) in draws.iter().zip(&slot_ends) {
                if d > 0 {
                    for &s in &slots[start..end] {
                        counts[s as usize] += d as u32;
                    }
                }
                start = end;
            }
            let all = counts_of(&counts[..3]);
            for (t, theme) in counts[3..].chunks_exact(3).enumerate() {
                if let Some(v) = impact(all, counts_of(theme)) {
                    samples[t].push(v);
                }
            }
        }
        samples
    };
    // Two streams, the second seeded from the first, each drawing half the resamples on a thread of its
    // own: the same intervals on any machine, in half the time on two cores.
    let mut first = SplitMix64::new(opts.seed);
    let second = SplitMix64::new(first.next_u64());
    let half = opts.resamples / 2;
    let (mut samples, rest) = npsdesk_core::par::join(|| run(first, opts.resamples - half), || run(second, half));
    for (s, r) in samples.iter_mut().zip(rest) {
        s.extend(r);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multinomial_draws_have_the_multinomial_moments() {
        // Group sizes from tiny to most of the mass, and an empty group; n equal to the total and smaller.
        // Two groups are below BINOMIAL_MIN: their items are drawn one by one.
        let sizes = [1u64, 10, 100, 1000, 0, 8889];
        let multinomial = Multinomial::new(&sizes);
        assert_eq!((multinomial.large.len(), multinomial.small_members.len()), (3, 11));
        // Without small groups the last large group takes what is left.
        let large_only = Multinomial::new(&[0, 300, 700]);
        let mut rng = SplitMix64::new(2);
        let mut draws = [0u64; 3];
        let mut sum = 0;
        for _ in 0..1000 {
            large_only.draw(1000, &mut rng, &mut draws);
            assert_eq!(draws.iter().sum::<u64>(), 1000);
            sum += draws[1];
        }
        assert!((sum as f64 / 1000.0 - 300.0).abs() < 5.0 * (210.0f64 / 1000.0).sqrt(), "mean {}", sum / 1000);
        let total: u64 = sizes.iter().sum();
        for n in [total, 2_500] {
            let mut rng = SplitMix64::new(11);
            let mut draws = [0u64; 6];
            let rounds = 4000;
            let (mut sum, mut sum_sq) = ([0f64; 6], [0f64; 6]);
            for _ in 0..rounds {
                multinomial.draw(n, &mut rng, &mut draws);
                assert_eq!(draws.iter().sum::<u64>(), n, "every item lands in a group");
                assert_eq!(draws[4], 0, "none in the empty group");
                for g in 0..6 {
                    sum[g] += draws[g] as f64;
                    sum_sq[g] += (draws[g] as f64).powi(2);
                }
            }
            for g in [0, 1, 2, 3, 5] {
                let p = sizes[g] as f64 / total as f64;
                let (mean, var) = (n as f64 * p, n as f64 * p * (1.0 - p));
                let m = sum[g] / rounds as f64;
                let v = sum_sq[g] / rounds as f64 - m * m;
                // The sample mean within 5 standard errors; the variance within 15 % (4,000 rounds: its
                // relative standard error is about sqrt(2 / 4000) = 2.2 %).
                assert!((m - mean).abs() < 5.0 * (var / rounds as f64).sqrt(), "group {g}, n {n}: mean {m} vs {mean}");
                assert!((v / var - 1.0).abs() < 0.15, "group {g}, n {n}: variance {v} vs {var}");
            }
        }
    }

    #[test]
    fn a_report_counted_on_two_threads_has_every_responses_counts() {
        // More responses than PARALLEL_TALLY_MIN, an odd number (halves of different sizes): unanswered
        // scores, no comment, uncategorized comments, one to three themes, and an id past the rule set's.
        let n = PARALLEL_TALLY_MIN * 2 + 7;
        let k = 5usize;
        let themes: Vec<ThemeInfo> =
            (0..k as u16).map(|id| ThemeInfo { id, name: format!("t{id}"), parent: None }).collect();
        let mut rng = SplitMix64::new(23);
        let scores: Vec<Option<u8>> = (0..n).map(|_| (rng.below(12) < 11).then(|| rng.below(11) as u8)).collect();
        let tags: Vec<Option<ThemeSet>> = (0..n)
            .map(|_| match rng.below(6) {
                0 => None,
                1 => Some(ThemeSet::default()),
                c => Some(ThemeSet::from_ids((0..c - 1).map(|_| rng.below(k as u64 + 1) as crate::matcher::ThemeId))),
            })
            .collect();
        let r = theme_report(&themes, &scores, &tags, &ImpactOptions { resamples: 0, seed: 1 });
        // Counted here, one response at a time.
        let band = |s: u8| usize::from(s >= 7) + usize::from(s >= 9);
        let (mut comments, mut uncategorized, mut detractor_comments) = (0u64, 0u64, 0u64);
        let mut per = vec![[0u32; 3]; k];
        let (mut mentions, mut detractor_mentions) = (vec![0u64; k], vec![0u64; k]);
        for (s, t) in scores.iter().zip(&tags) {
            let Some(t) = t else { continue };
            comments += 1;
            uncategorized += u64::from(t.is_empty());
            let detractor = s.is_some_and(|s| band(s) == 0);
            detractor_comments += u64::from(detractor);
            for id in t.iter().filter(|&id| usize::from(id) < k) {
                mentions[usize::from(id)] += 1;
                detractor_mentions[usize::from(id)] += u64::from(detractor);
                if let Some(s) = s {
                    per[usize::from(id)][band(*s)] += 1;
                }
            }
        }
        assert_eq!((r.comments, r.uncategorized), (comments, uncategorized));
        for (t, stats) in r.themes.iter().enumerate() {
            assert_eq!(stats.mentions, mentions[t], "{}", stats.theme);
            assert_eq!([stats.detractors, stats.passives, stats.promoters], per[t], "{}", stats.theme);
            let share = detractor_mentions[t] as f64 / detractor_comments as f64;
            assert!((stats.detractor_share.unwrap() - share).abs() < 1e-12, "{}", stats.theme);
        }
        let answered: Vec<u8> = scores.iter().flatten().copied().collect();
        let nps = |c: [usize; 3]| 100.0 * (c[2] as f64 - c[0] as f64) / answered.len() as f64;
        let bands = (0..3).map(|b| answered.iter().filter(|&&s| band(s) == b).count()).collect::<Vec<_>>();
        assert!((r.nps.unwrap() - nps([bands[0], bands[1], bands[2]])).abs() < 1e-9);
    }

    /// The bootstrap as first written: draw each of the n responses uniformly, count the draws per group.
    fn per_response_bootstrap(scores: &[Option<u8>], tags: &[Option<ThemeSet>], resamples: u32) -> [f64; 2] {
        let member: Vec<(Category, bool)> = scores
            .iter()
            .zip(tags)
            .filter_map(|(s, t)| category(*s).map(|c| (c, t.as_ref().is_some_and(|t| t.contains(0)))))
            .collect();
        let n = member.len() as u64;
        let mut rng = SplitMix64::new(5);
        let mut impacts = Vec::new();
        for _ in 0..resamples {
            let (mut all, mut theme) = (NpsCounts::default(), NpsCounts::default());
            for _ in 0..n {
                let (cat, has) = member[rng.below(n) as usize];
                add(&mut all, cat, 1);
                if has {
                    add(&mut theme, cat, 1);
                }
            }
            impacts.extend(impact(all, theme));
        }
        impacts.sort_by(f64::total_cmp);
        [percentile(&impacts, 0.025), percentile(&impacts, 0.975)]
    }

    #[test]
    fn the_multinomial_bootstrap_gives_the_per_response_bootstraps_interval() {
        // 3,000 respondents; a theme on a third of the comments, mostly detractors, some with a second theme.
        let mut rng = SplitMix64::new(17);
        let (mut scores, mut tags) = (Vec::new(), Vec::new());
        for i in 0..3000u64 {
            let theme = i % 3 == 0;
            let score =
                if theme { [0u8, 2, 6, 7, 9][rng.below(5) as usize] } else { [5u8, 8, 9, 10][rng.below(4) as usize] };
            scores.push(if i % 50 == 0 { None } else { Some(score) });
            let ids = match (theme, i % 7 == 0) {
                (true, true) => vec![0, 1],
                (true, false) => vec![0],
                (false, true) => vec![1],
                (false, false) => vec![],
            };
            tags.push(if i % 11 == 0 { None } else { Some(ThemeSet::from_ids(ids)) });
        }
        let themes: Vec<ThemeInfo> = (0..2).map(|id| ThemeInfo { id, name: format!("T{id}"), parent: None }).collect();
        let resamples = 4000;
        let r = theme_report(&themes, &scores, &tags, &ImpactOptions { resamples, seed: 3 });
        let [lo, hi] = r.themes[0].impact_ci95.expect("an interval");
        let [ref_lo, ref_hi] = per_response_bootstrap(&scores, &tags, resamples);
        // Two estimates of the same percentiles from 4,000 resamples each differ by about 0.1 point here
        // (interval width about 8): 0.5 is five of those.
        assert!((lo - ref_lo).abs() < 0.5 && (hi - ref_hi).abs() < 0.5, "[{lo}, {hi}] vs [{ref_lo}, {ref_hi}]");
        assert!(hi - lo > 2.0, "a real interval: [{lo}, {hi}]");
    }
}

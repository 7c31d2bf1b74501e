//! Theme metrics against hand computations.

use npsdesk_themes::{impact, theme_report, ImpactOptions, SplitMix64, ThemeInfo, ThemeSet};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn themes() -> Vec<ThemeInfo> {
    vec![
        ThemeInfo { id: 0, name: "Price".into(), parent: Some(2) },
        ThemeInfo { id: 1, name: "Support".into(), parent: None },
        ThemeInfo { id: 2, name: "Commercial".into(), parent: None },
    ]
}

fn set(ids: &[u16]) -> Option<ThemeSet> {
    Some(ThemeSet::from_ids(ids.iter().copied()))
}

/// Ten responses: (score, themes of the comment; None = no comment).
fn sample() -> (Vec<Option<u8>>, Vec<Option<ThemeSet>>) {
    let rows: Vec<(Option<u8>, Option<ThemeSet>)> = vec![
        (Some(10), set(&[1])),      // r0 promoter, Support
        (Some(9), set(&[])),        // r1 promoter, uncategorized comment
        (Some(9), None),            // r2 promoter, no comment
        (Some(8), set(&[0, 2])),    // r3 passive, Price (+ parent)
        (Some(7), None),            // r4 passive, no comment
        (Some(6), set(&[0, 2])),    // r5 detractor, Price
        (Some(3), set(&[0, 1, 2])), // r6 detractor, Price + Support
        (Some(0), set(&[1])),       // r7 detractor, Support
        (None, set(&[0, 2])),       // r8 unanswered, Price
        (Some(10), set(&[1])),      // r9 promoter, Support
    ];
    rows.into_iter().unzip()
}

#[test]
fn report_matches_a_hand_computation() {
    let (scores, tags) = sample();
    let r = theme_report(&themes(), &scores, &tags, &ImpactOptions::default());
    // Comments: r0 r1 r3 r5 r6 r7 r8 r9 = 8, of which r1 has no theme.
    assert_eq!(r.comments, 8);
    assert_eq!(r.uncategorized, 1);
    assert!(close(r.coverage, 7.0 / 8.0));
    // Answered: P = r0 r1 r2 r9 (4), A = r3 r4 (2), D = r5 r6 r7 (3): NPS = (4 − 3)/9 = 11.11.
    let all_nps = 100.0 / 9.0;
    assert!(close(r.nps.unwrap_or(f64::NAN), all_nps));

    let price = &r.themes[0];
    assert_eq!((price.theme.as_str(), price.parent.as_deref()), ("Price", Some("Commercial")));
    assert_eq!(price.mentions, 4, "r3 r5 r6 r8");
    assert!(close(price.share, 0.5));
    assert_eq!((price.n, price.promoters, price.passives, price.detractors), (3, 0, 1, 2), "r8 is unanswered");
    assert!(close(price.nps.unwrap_or(f64::NAN), -200.0 / 3.0));
    // Adjusted Wald: n' = 6, p' = 0.75/6, d' = 2.75/6, centre = −1/3, Var' = 7/12 − 1/9 = 0.472222,
    // half = 1.959964 · sqrt(0.472222/6) = 0.549852 → [−88.3185, 21.6519].
    let [lo, hi] = price.ci95.unwrap_or([f64::NAN; 2]);
    assert!((lo + 88.3185).abs() < 1e-3 && (hi - 21.6519).abs() < 1e-3, "[{lo}, {hi}]");
    // Detractor comments: r5 r6 r7; Price has r5 r6.
    assert!(close(price.detractor_share.unwrap_or(f64::NAN), 2.0 / 3.0));
    // Without Price's responses: r0 r1 r2 r9 P, r4 A, r7 D → NPS (4 − 1)/6 = 50. Impact = 11.11 − 50.
    assert!(close(price.impact.unwrap_or(f64::NAN), all_nps - 50.0), "{:?}", price.impact);
    // Qualtrics' form gives the same: count·(NPS_t − NPS_all)/(N − count) = 3·(−66.67 − 11.11)/6.
    assert!(close(price.impact.unwrap_or(f64::NAN), 3.0 * (-200.0 / 3.0 - all_nps) / 6.0));

    let support = &r.themes[1];
    assert_eq!(support.mentions, 4, "r0 r6 r7 r9");
    assert_eq!((support.n, support.promoters, support.passives, support.detractors), (4, 2, 0, 2));
    assert!(close(support.nps.unwrap_or(f64::NAN), 0.0));
    // Without Support: r1 r2 P, r3 r4 A, r5 D → NPS (2 − 1)/5 = 20.
    assert!(close(support.impact.unwrap_or(f64::NAN), all_nps - 20.0));
    assert!(close(support.detractor_share.unwrap_or(f64::NAN), 2.0 / 3.0), "r6 r7 of r5 r6 r7");

    let commercial = &r.themes[2];
    assert_eq!(commercial.mentions, price.mentions, "the parent carries its child's mentions");
    assert_eq!(commercial.parent, None);

    // Bootstrap: an interval exists, is ordered, and the same seed gives the same interval.
    let [blo, bhi] = price.impact_ci95.unwrap_or([f64::NAN; 2]);
    assert!(blo <= bhi, "[{blo}, {bhi}]");
    let again = theme_report(&themes(), &scores, &tags, &ImpactOptions::default());
    assert_eq!(again, r, "deterministic");
    let none = theme_report(&themes(), &scores, &tags, &ImpactOptions { resamples: 0, seed: 1 });
    assert_eq!(none.themes[0].impact_ci95, None);
}

#[test]
fn serialised_field_names_are_the_contract() {
    let (scores, tags) = sample();
    let r = theme_report(&themes(), &scores, &tags, &ImpactOptions { resamples: 0, seed: 1 });
    let v = serde_json::to_value(&r).unwrap_or_default();
    for key in ["coverage", "uncategorized", "themes"] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }
    let t = &v["themes"][0];
    for key in [
        "theme",
        "parent",
        "mentions",
        "share",
        "n",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "ci95",
        "impact",
        "impact_ci95",
    ] {
        assert!(t.get(key).is_some(), "{key} missing in {t}");
    }
}

#[test]
fn impact_is_undefined_when_a_side_is_empty() {
    use npsdesk_core::NpsCounts;
    let all = NpsCounts::from_parts(2, 1, 1);
    assert_eq!(impact(all, all), None, "everyone mentions the theme: nothing left to compare");
    assert_eq!(impact(NpsCounts::default(), NpsCounts::default()), None);
    // 2 P 1 A 1 D → 25; without the single detractor → 2/3 = 66.67; impact = −41.67.
    let i = impact(all, NpsCounts::from_parts(0, 0, 1)).unwrap_or(f64::NAN);
    assert!(close(i, 25.0 - 200.0 / 3.0), "{i}");
}

#[test]
fn bootstrap_interval_covers_the_impact_on_a_large_sample() {
    // 3,000 respondents: a theme on every 4th, whose mentioners are mostly detractors.
    let mut rng = SplitMix64::new(99);
    let mut scores = Vec::new();
    let mut tags = Vec::new();
    for i in 0..3000 {
        let mentions = i % 4 == 0;
        let score =
            if mentions { [0, 3, 5, 6, 8, 10][rng.below(6) as usize] } else { [6, 7, 9, 10][rng.below(4) as usize] };
        scores.push(Some(score));
        tags.push(Some(ThemeSet::from_ids(if mentions { vec![0] } else { vec![] })));
    }
    let one = vec![ThemeInfo { id: 0, name: "T".into(), parent: None }];
    let r = theme_report(&one, &scores, &tags, &ImpactOptions::default());
    let t = &r.themes[0];
    let i = t.impact.unwrap_or(f64::NAN);
    let [lo, hi] = t.impact_ci95.unwrap_or([f64::NAN; 2]);
    assert!(i < 0.0, "mostly-detractor theme drags the NPS down: {i}");
    assert!(lo < i && i < hi, "{lo} < {i} < {hi}");
    // Rough size: SE of a difference of this kind is ~1.5 points at n = 3,000; the 95 % width ~6.
    assert!(hi - lo > 1.0 && hi - lo < 15.0, "width {}", hi - lo);
}

#[test]
fn splitmix64_matches_the_reference_sequence() {
    // SplitMix64 from state 0: the reference implementation's first output.
    assert_eq!(SplitMix64::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    let mut r = SplitMix64::new(5);
    let mut counts = [0u32; 3];
    for _ in 0..30_000 {
        counts[r.below(3) as usize] += 1;
    }
    assert!(counts.iter().all(|&c| (9_500..10_500).contains(&c)), "uniform: {counts:?}");
}

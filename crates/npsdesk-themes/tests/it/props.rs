//! Property tests.

use std::sync::OnceLock;

use npsdesk_core::NpsCounts;
use npsdesk_themes::{
    check, impact, theme_report, Corpus, Format, ImpactOptions, Matcher, RuleSet, ThemeInfo, ThemeSet,
};
use proptest::prelude::*;

/// Words that hit built-in terms, negators, accented and plain filler.
const WORDS: &[&str] = &[
    "support",
    "Tickets",
    "invoice",
    "refunds",
    "charged",
    "twice",
    "slow",
    "crashes",
    "not",
    "never",
    "don't",
    "mustn't",
    "needn't",
    "great",
    "recommend",
    "API",
    "Slack",
    "integration",
    "onboarding",
    "docs",
    "price",
    "expensive",
    "Café",
    "résumé",
    "naïve",
    "the",
    "is",
    "and",
    "we",
    "love",
    "customer",
    "service",
    "easy",
    "to",
    "use",
    "no",
    "billing",
    "issues",
    "Straße",
    "ÉLAN",
    "outage",
    "SSO",
    "mobile",
    "app",
    "worth",
    "it",
    "€99",
    "$49",
];
const SEPS: &[&str] = &[" ", ", ", ". ", "! ", "\n", " - ", "  "];

fn comment() -> impl Strategy<Value = String> {
    prop::collection::vec((0..WORDS.len(), 0..SEPS.len()), 0..24)
        .prop_map(|ws| ws.into_iter().map(|(w, s)| format!("{}{}", WORDS[w], SEPS[s])).collect::<String>())
}

fn builtin() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(Matcher::builtin)
}

/// The built-in rules without parents (and without the pure parent themes), and one single-theme matcher per
/// theme of it.
fn flat_and_singles() -> &'static (Matcher, Vec<Matcher>) {
    static M: OnceLock<(Matcher, Vec<Matcher>)> = OnceLock::new();
    M.get_or_init(|| {
        let mut def = RuleSet::builtin().def().clone();
        def.themes.retain(|t| !(t.any.is_empty() && t.all.is_empty() && t.regex.is_empty()));
        def.themes.iter_mut().for_each(|t| t.parent = None);
        let build = |d| match RuleSet::from_def(d) {
            Ok(r) => Matcher::new(&r),
            Err(e) => panic!("{e:?}"),
        };
        let singles = def
            .themes
            .iter()
            .map(|t| {
                let mut one = def.clone();
                one.themes = vec![t.clone()];
                build(one)
            })
            .collect();
        (build(def), singles)
    })
}

fn flip_case(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let up = mask >> (i % 64) & 1 == 1;
            let v: Vec<char> = if up { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
            v
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tagging_does_not_depend_on_case(c in comment(), mask in any::<u64>()) {
        let m = builtin();
        let base = m.tag(&c);
        prop_assert_eq!(&m.tag(&c.to_uppercase()), &base, "upper {:?}", c);
        prop_assert_eq!(&m.tag(&c.to_lowercase()), &base, "lower {:?}", c);
        prop_assert_eq!(&m.tag(&flip_case(&c, mask)), &base, "mixed {:?}", c);
    }

    #[test]
    fn tags_are_the_union_of_single_theme_tagging(c in comment()) {
        let (flat, singles) = flat_and_singles();
        let together: Vec<String> = flat.tag(&c).iter().map(|id| flat.theme_name(id).to_string()).collect();
        let mut separately: Vec<String> = Vec::new();
        for (k, one) in singles.iter().enumerate() {
            if !one.tag(&c).is_empty() {
                separately.push(flat.theme_name(k as u16).to_string());
            }
        }
        prop_assert_eq!(together, separately, "{:?}", c);
    }

    #[test]
    fn tagging_a_tokenised_corpus_or_once_equals_tagging_each_comment(cs in prop::collection::vec(comment(), 0..40)) {
        // The built-in set (stems, prefixes, phrases, all/none, negation, regexes, parents) and a set with
        // stemming off and negation on, over the same corpus: the corpus does not depend on the rules.
        let corpus = Corpus::new(&cs);
        let plain = check(
            r#"{"stemming": false, "themes": [
                {"name": "Billing", "any": ["billing", "invoice", "refund*", "charged twice"], "none": ["no billing issues"], "negation": true},
                {"name": "Slow", "any": ["slow"], "all": ["app"], "regex": ["\\$\\d+"]}]}"#,
            Format::Json,
        ).unwrap();
        // The built-in set twice: the second time its regexes' hits come from the corpus's cache.
        for m in [builtin(), &Matcher::new(&plain), builtin()] {
            prop_assert_eq!(m.tag_corpus(&corpus, &cs), m.tag_all(&cs));
            prop_assert_eq!(m.tag_once(&cs), m.tag_all(&cs));
        }
    }

    #[test]
    fn explain_spans_are_inside_the_comment_and_name_matched_themes(c in comment()) {
        let m = builtin();
        let tags = m.tag(&c);
        for hit in m.explain(&c) {
            prop_assert!(hit.start < hit.end && hit.end <= c.len());
            prop_assert!(c.is_char_boundary(hit.start) && c.is_char_boundary(hit.end));
            prop_assert!(tags.contains(hit.theme), "{:?} not in {:?}", hit, tags);
        }
        // Every directly matched theme is explained (parents may come only from their children).
        let explained: Vec<u16> = m.explain(&c).iter().map(|h| h.theme).collect();
        for id in tags.iter() {
            let is_parent = m.themes().iter().any(|t| t.parent == Some(id));
            prop_assert!(is_parent || explained.contains(&id), "{} unexplained in {:?}", m.theme_name(id), c);
        }
    }

    #[test]
    fn mentions_add_up_to_at_least_the_categorized_count(
        rows in prop::collection::vec((prop::option::of(0u8..=10), prop::option::of(prop::collection::vec(0u16..5, 0..4))), 0..60)
    ) {
        let themes: Vec<ThemeInfo> =
            (0..5).map(|i| ThemeInfo { id: i, name: format!("T{i}"), parent: None }).collect();
        let scores: Vec<Option<u8>> = rows.iter().map(|r| r.0).collect();
        let tags: Vec<Option<ThemeSet>> = rows.iter().map(|r| r.1.clone().map(ThemeSet::from_ids)).collect();
        let r = theme_report(&themes, &scores, &tags, &ImpactOptions { resamples: 50, seed: 3 });
        let categorized = r.comments - r.uncategorized;
        let mentions: u64 = r.themes.iter().map(|t| t.mentions).sum();
        prop_assert!(mentions >= categorized);
        prop_assert!((0.0..=1.0).contains(&r.coverage));
        for t in &r.themes {
            prop_assert!(t.mentions <= r.comments);
            prop_assert_eq!(t.n, t.promoters + t.passives + t.detractors);
            if let (Some(i), Some(nps), Some(all)) = (t.impact, t.nps, r.nps) {
                // Qualtrics' form: count·(NPS_t − NPS_all)/(N − count) equals NPS(all) − NPS(without).
                let n_all = scores.iter().filter(|s| s.is_some()).count() as f64;
                let q = f64::from(t.n) * (nps - all) / (n_all - f64::from(t.n));
                prop_assert!((i - q).abs() < 1e-9, "{} vs {}", i, q);
            }
        }
    }

    #[test]
    fn impact_of_a_theme_nobody_answered_is_zero(p in 0u32..50, a in 0u32..50, d in 1u32..50) {
        let all = NpsCounts::from_parts(p, a, d);
        prop_assert_eq!(impact(all, NpsCounts::default()), Some(0.0));
    }
}

//! Hand-written cases for every element of the rule grammar.

use npsdesk_themes::{Lane, Matcher};

use crate::{labels, matcher};

fn one(theme: &str) -> Matcher {
    matcher(&format!(r#"{{"themes": [{theme}]}}"#))
}

#[test]
fn a_word_matches_other_forms_by_stem() {
    let m = one(r#"{"name": "Billing", "any": ["invoice"]}"#);
    assert_eq!(labels(&m, "Two invoices were wrong"), ["Billing"], "invoices → invoic");
    assert_eq!(labels(&m, "Invoicing is a mess"), ["Billing"], "invoicing → invoic");
    assert_eq!(labels(&m, "the voice of the customer"), ["Uncategorized"], "whole words only");
    assert_eq!(labels(&m, "reinvoice"), ["Uncategorized"], "no substring match");
}

#[test]
fn without_stemming_a_term_matches_only_that_word() {
    let m = matcher(r#"{"stemming": false, "themes": [{"name": "Billing", "any": ["invoice"]}]}"#);
    assert_eq!(labels(&m, "The INVOICE was wrong"), ["Billing"]);
    assert_eq!(labels(&m, "Two invoices were wrong"), ["Uncategorized"]);
}

#[test]
fn a_phrase_needs_consecutive_words_in_one_sentence() {
    let m = one(r#"{"name": "Support", "any": ["customer service"]}"#);
    assert_eq!(labels(&m, "Customer   SERVICES were great"), ["Support"], "stemmed words, any spacing");
    assert_eq!(labels(&m, "the service for the customer"), ["Uncategorized"], "order matters");
    assert_eq!(labels(&m, "customer great service"), ["Uncategorized"], "words must be adjacent");
    assert_eq!(labels(&m, "Ask the customer. Service was slow"), ["Uncategorized"], "not across a sentence");
}

#[test]
fn a_quoted_term_matches_exact_forms_only() {
    let m = one(r#"{"name": "Billing", "any": ["\"charged twice\""]}"#);
    assert_eq!(labels(&m, "We were Charged Twice!"), ["Billing"]);
    assert_eq!(labels(&m, "they charge twice"), ["Uncategorized"], "quoted: no stemming");
    assert_eq!(labels(&m, "charged us twice"), ["Uncategorized"]);
    let unquoted = one(r#"{"name": "Billing", "any": ["charged twice"]}"#);
    assert_eq!(labels(&unquoted, "they charge twice"), ["Billing"], "unquoted phrases compare stems");
}

#[test]
fn a_trailing_star_is_a_prefix_of_the_normal_form() {
    let m = one(r#"{"name": "Billing", "any": ["refund*"]}"#);
    for c in ["refund", "Refunds please", "REFUNDED late", "no réfundability"] {
        assert_eq!(labels(&m, c), ["Billing"], "{c:?}");
    }
    for c in ["refun", "prerefund", "re fund"] {
        assert_eq!(labels(&m, c), ["Uncategorized"], "{c:?}");
    }
    let phrase = one(r#"{"name": "Mail", "any": ["e-mail notif*"]}"#);
    assert_eq!(labels(&phrase, "E-mail notifications are late"), ["Mail"], "a phrase may end in a prefix");
}

#[test]
fn all_terms_must_match_too() {
    let m = one(r#"{"name": "Slow exports", "any": ["export"], "all": ["slow", "large"]}"#);
    assert_eq!(labels(&m, "Exporting large files is slow"), ["Slow exports"]);
    assert_eq!(labels(&m, "Exporting is slow"), ["Uncategorized"], "large is missing");
    assert_eq!(labels(&m, "slow and large"), ["Uncategorized"], "an any term is missing");
    let only_all = one(r#"{"name": "Late delivery", "all": ["late", "delivery"]}"#);
    assert_eq!(labels(&only_all, "My delivery arrived super late"), ["Late delivery"], "words in any order");
}

#[test]
fn a_none_term_excludes_the_theme() {
    let m = one(r#"{"name": "Billing", "any": ["billing"], "none": ["no billing issues"]}"#);
    assert_eq!(labels(&m, "Billing issues again"), ["Billing"]);
    assert_eq!(labels(&m, "Great tool, no billing issues at all"), ["Uncategorized"]);
}

#[test]
fn negation_skips_matches_after_a_negator_within_three_words() {
    let m = one(r#"{"name": "Reliable", "negation": true, "any": ["reliable"]}"#);
    assert_eq!(labels(&m, "It is reliable"), ["Reliable"]);
    assert_eq!(labels(&m, "Not reliable"), ["Uncategorized"]);
    assert_eq!(labels(&m, "It isn't very reliable"), ["Uncategorized"], "n't, 2 words before");
    assert_eq!(labels(&m, "We dont find it reliable"), ["Uncategorized"], "dont, 3 words before");
    assert_eq!(labels(&m, "never had a problem, reliable"), ["Reliable"], "never is 4 words before");
    assert_eq!(labels(&m, "Not bad. Reliable!"), ["Reliable"], "negation stops at the sentence end");
    assert_eq!(labels(&m, "not reliable at first, but now reliable"), ["Reliable"], "a later mention counts");
    let off = one(r#"{"name": "Reliable", "any": ["reliable"]}"#);
    assert_eq!(labels(&off, "Not reliable"), ["Reliable"], "negation is off by default");
}

#[test]
fn case_and_accents_never_matter() {
    let m = one(r#"{"name": "Café", "any": ["café", "resume"]}"#);
    for c in ["CAFE", "cafe\u{301}", "Café", "my Résumé"] {
        assert_eq!(labels(&m, c), ["Café"], "{c:?}");
    }
}

#[test]
fn a_child_match_rolls_up_to_its_parents() {
    let m = matcher(
        r#"{"themes": [
            {"name": "Commercial"},
            {"name": "Money", "parent": "Commercial", "any": ["money"]},
            {"name": "Billing", "parent": "Money", "any": ["invoice"]},
            {"name": "Support", "any": ["support"]}
        ]}"#,
    );
    assert_eq!(labels(&m, "wrong invoice"), ["Commercial", "Money", "Billing"], "grandparent too, in id order");
    assert_eq!(labels(&m, "money"), ["Commercial", "Money"]);
    assert_eq!(m.themes()[2].parent, Some(1));
    let hits = m.explain("wrong invoice");
    assert_eq!(hits.len(), 1, "parents reached through a child have no matches of their own: {hits:?}");
    assert_eq!(hits[0].theme, 2);
}

#[test]
fn a_comment_can_get_several_themes() {
    let m =
        matcher(r#"{"themes": [{"name": "Support", "any": ["support"]}, {"name": "Price", "any": ["expensive"]}]}"#);
    assert_eq!(labels(&m, "Support is great but expensive"), ["Support", "Price"]);
}

#[test]
fn no_theme_means_uncategorized() {
    let m = one(r#"{"name": "Support", "any": ["support"]}"#);
    let set = m.tag("Nothing to see here");
    assert!(set.is_empty());
    assert_eq!(m.labels(&set), ["Uncategorized"]);
    assert!(m.tag("").is_empty());
}

#[test]
fn regex_terms_count_as_any_and_report_their_span() {
    let m = one(r#"{"name": "Versions", "any": ["upgrade"], "regex": ["\\bv\\d+\\.\\d+"]}"#);
    let comment = "Broke in V2.3 again";
    assert_eq!(labels(&m, comment), ["Versions"], "case-insensitive");
    let hits = m.explain(comment);
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].start, hits[0].end), (9, 13), "\"Broke in \" is 9 bytes, \"V2.3\" 4");
    assert_eq!(&comment[hits[0].start..hits[0].end], "V2.3");
    assert_eq!(hits[0].term, "\\bv\\d+\\.\\d+");
}

#[test]
fn explain_gives_byte_offsets_in_the_original_text() {
    let m = matcher(
        r#"{"themes": [{"name": "Billing", "any": ["refund*", "charged twice"], "all": ["late"]},
                      {"name": "Excluded", "any": ["late"], "none": ["took"]}]}"#,
    );
    // "Zoë's " is 7 bytes (ë takes 2), "réfund" 7 (é takes 2).
    let c = "Zoë's réfund took ages, came late, we were CHARGED  twice";
    let hits = m.explain(c);
    let got: Vec<(&str, Lane, &str)> = hits.iter().map(|h| (h.term.as_str(), h.lane, &c[h.start..h.end])).collect();
    assert_eq!(
        got,
        [("refund*", Lane::Any, "réfund"), ("late", Lane::All, "late"), ("charged twice", Lane::Any, "CHARGED  twice")],
        "only matched themes' terms: Excluded also matches \"late\" but its none term \"took\" excludes it"
    );
    assert_eq!((hits[0].start, hits[0].end), (7, 14));
}

#[test]
fn tag_all_equals_tag_one_by_one() {
    let m = matcher(r#"{"themes": [{"name": "A", "any": ["alpha"]}, {"name": "B", "any": ["beta*"]}]}"#);
    let comments: Vec<String> =
        (0..5000).map(|i| ["alpha", "betamax", "gamma", "Alpha beta", ""][i % 5].to_string()).collect();
    let all = m.tag_all(&comments);
    assert_eq!(all.len(), comments.len());
    for (c, s) in comments.iter().zip(&all) {
        assert_eq!(*s, m.tag(c), "{c:?}");
    }
    let opt: Vec<Option<&str>> = vec![Some("alpha"), None, Some("  "), Some("zzz")];
    let tagged = m.tag_responses(&opt);
    assert_eq!(tagged.len(), 4);
    assert_eq!(tagged[0].as_ref().map(|s| s.as_slice().to_vec()), Some(vec![0]));
    assert_eq!(tagged[1], None, "no comment");
    assert_eq!(tagged[2], None, "a blank comment is no comment");
    assert_eq!(tagged[3].as_ref().map(|s| s.is_empty()), Some(true), "uncategorized");
}

//! The built-in rule set on real generator output.

use std::path::PathBuf;
use std::process::Command;

use npsdesk_themes::{theme_report, ImpactOptions, Matcher, RuleSet};

use crate::labels;

/// The shared design folder: `NPSDESK_SHARED`, else `../shared` beside the repository.
fn shared_dir() -> PathBuf {
    std::env::var_os("NPSDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Generates `rows` responses and returns (score, comment) per row.
fn generated(rows: usize, seed: u32) -> Vec<(Option<u8>, String)> {
    let tool = shared_dir().join("tools/gen_surveymonkey.py");
    assert!(tool.exists(), "generator not found at {} (set NPSDESK_SHARED)", tool.display());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out = dir.path().join("export.csv");
    let status = Command::new("python3")
        .arg(&tool)
        .args(["--rows", &rows.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("running python3: {e}"));
    assert!(status.success(), "generator failed: {status}");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&out)
        .unwrap_or_else(|e| panic!("reading {}: {e}", out.display()));
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap_or_else(|e| panic!("csv: {e}"))).collect();
    let header = &records[0];
    let find = |pred: &dyn Fn(&str) -> bool| {
        header.iter().position(|h| pred(&h.to_lowercase())).unwrap_or_else(|| panic!("column missing in {header:?}"))
    };
    let comment = find(&|h| h.contains("reason") || h.contains("why"));
    let nps = find(&|h| h.contains("recommend"));
    // Row 2 is SurveyMonkey's sub-label row.
    records[2..]
        .iter()
        .map(|r| {
            let score = r.get(nps).and_then(npsdesk_core::Score::parse).map(|s| s.value());
            (score, r.get(comment).unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn builtin_rules_cover_at_least_70_percent_of_generated_comments() {
    let rows = generated(5000, 11);
    assert_eq!(rows.len(), 5000);
    let m = Matcher::builtin();
    let comments: Vec<Option<&str>> = rows.iter().map(|(_, c)| Some(c.as_str())).collect();
    let tags = m.tag_responses(&comments);
    let scores: Vec<Option<u8>> = rows.iter().map(|(s, _)| *s).collect();
    let report = theme_report(m.themes(), &scores, &tags, &ImpactOptions::default());
    assert!(report.comments > 2500, "the generator leaves ~30 % empty: {} comments", report.comments);
    assert!(report.coverage >= 0.70, "coverage {:.3} ({} uncategorized)", report.coverage, report.uncategorized);
    eprintln!("built-in coverage on 5,000 generated rows: {:.1} %", 100.0 * report.coverage);
    // Every topic the generator writes about is found in at least 2 % of comments.
    for theme in [
        "Support",
        "Onboarding & Training",
        "Pricing",
        "Bugs & Errors",
        "Performance",
        "Integrations & API",
        "Documentation",
        "Ease of Use",
        "Features & Functionality",
        "Reliability & Uptime",
        "Mobile",
        "Security & Compliance",
    ] {
        let t = report.themes.iter().find(|t| t.theme == theme).unwrap_or_else(|| panic!("{theme} missing"));
        assert!(t.share >= 0.02, "{theme}: share {:.3}", t.share);
    }
    // The generator makes negative topic sentences likelier for detractors: bugs drag the NPS down.
    let bugs = report.themes.iter().find(|t| t.theme == "Bugs & Errors").and_then(|t| t.impact);
    assert!(bugs.is_some_and(|i| i < 0.0), "bugs impact {bugs:?}");
}

#[test]
fn builtin_rules_tag_typical_comments() {
    let m = Matcher::builtin();
    let cases: &[(&str, &[&str])] = &[
        ("Billing charged us twice and it took a week to get a refund.", &["Commercial", "Billing"]),
        ("Support takes two days to answer a simple question.", &["Service", "Support"]),
        ("Very slow to load, reports take minutes.", &["Product", "Performance", "Reporting & Dashboards"]),
        ("We still don't have SAML and 2FA is optional.", &["Product", "Feature Requests", "Security & Compliance"]),
        ("Would not recommend at the moment.", &["Overall", "Overall Criticism"]),
        ("No comment", &["Uncategorized"]),
    ];
    for (comment, want) in cases {
        assert_eq!(labels(&m, comment), *want, "{comment:?}");
    }
    assert!(!m.tag("Would not recommend").iter().any(|id| m.theme_name(id) == "Overall Praise"), "negated praise");
}

#[test]
fn builtin_source_is_the_embedded_toml() {
    let r = RuleSet::builtin();
    assert!(r.stemming());
    assert_eq!(r.language(), "english");
    assert!(r.themes().len() >= 20);
    assert!(RuleSet::builtin_source().contains("[[themes]]"));
}

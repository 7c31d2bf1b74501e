//! `npsdesk themes` and `npsdesk rules` against a small survey whose every figure is worked out by hand.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,Why?,Plan\r\n,,,,,,,,,Response,Open-Ended Response,Response\r\n";

const RULES: &str = r#"{"stemming": false, "themes": [
  {"name": "Support", "any": ["support", "\"help desk\""]},
  {"name": "Billing", "any": ["invoice", "refund*"]}
]}"#;

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npsdesk")).arg("--workspace").arg(workspace).args(args).output().unwrap()
}

fn json(workspace: &Path, args: &[&str]) -> Value {
    let out = npsdesk(workspace, args);
    assert!(out.status.success(), "npsdesk {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Eight responses: (score, comment, plan).
fn survey(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let rows = [
        ("10", "Great support team", "Pro"),
        ("9", "Support solved it fast", "Pro"),
        ("3", "Wrong invoice again", "Free"),
        ("5", "Refunds take forever and support is slow", "Free"),
        ("8", "", "Pro"),
        ("0", "Invoice errors, refunded late", "Pro"),
        ("7", "Nothing special", "Free"),
        ("", "support was fine", "Free"),
    ];
    let mut csv = HEADER.to_string();
    for (i, (score, why, plan)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "{},1,2025-03-0{} 09:00:00,2025-03-0{} 10:00:00,,,,,,{score},\"{why}\",{plan}\r\n",
            100 + i,
            i + 1,
            i + 1
        ));
    }
    let file = dir.join("survey.csv");
    std::fs::write(&file, csv).unwrap();
    let rules = dir.join("rules.json");
    std::fs::write(&rules, RULES).unwrap();
    let ws = dir.join("w.npsdesk");
    let out = npsdesk(&ws, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (ws, rules)
}

fn theme<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["themes"].as_array().unwrap().iter().find(|t| t["theme"] == name).unwrap()
}

fn close(v: &Value, want: f64) -> bool {
    (v.as_f64().unwrap() - want).abs() < 1e-9
}

#[test]
fn theme_counts_nps_and_impact_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, rules) = survey(dir.path());
    let r = json(&ws, &["themes", "--rules", rules.to_str().unwrap(), "--format", "json", "--min-n", "0"]);
    // 7 comments (row 5 has none); Support: rows 1, 2, 4, 8; Billing: 3, 4 (refund*), 6; row 7 has no theme.
    assert_eq!(r["comments"], 7);
    assert_eq!(r["uncategorized"], 1);
    assert!(close(&r["coverage"], 6.0 / 7.0));
    // Answered: 10 9 3 5 8 0 7 → P 2, A 2, D 3: NPS −100/7.
    let all = -100.0 / 7.0;
    assert!(close(&r["nps"], all));
    let s = theme(&r, "Support");
    assert_eq!((s["mentions"].as_u64(), s["n"].as_u64()), (Some(4), Some(3)), "row 8 has no score");
    assert!(close(&s["share"], 4.0 / 7.0));
    assert_eq!(
        (s["promoters"].as_u64(), s["passives"].as_u64(), s["detractors"].as_u64()),
        (Some(2), Some(0), Some(1))
    );
    // Support: 10 9 5 → +33.3; without it 3 8 0 7 → −50, so impact = −14.29 − (−50).
    assert!(close(&s["nps"], 100.0 / 3.0));
    assert!(close(&s["impact"], all + 50.0));
    let b = theme(&r, "Billing");
    assert_eq!(b["mentions"], 3);
    // Billing: 3 5 0 → −100; without it 10 9 8 7 → +50.
    assert!(close(&b["nps"], -100.0));
    assert!(close(&b["impact"], all - 50.0));
    let ci = b["impact_ci95"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= ci[1].as_f64().unwrap());
}

#[test]
fn themes_follow_the_filters_and_groups_of_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, rules) = survey(dir.path());
    let rules = rules.to_str().unwrap();
    // Plan = Pro: rows 1, 2, 5, 6 → comments 1, 2, 6; answered 10 9 8 0 → NPS +25.
    let pro = json(&ws, &["themes", "--rules", rules, "--where", "Plan=Pro", "--format", "json", "--min-n", "0"]);
    assert_eq!(pro["comments"], 3);
    assert!(close(&pro["coverage"], 1.0));
    assert!(close(&pro["nps"], 25.0));
    let s = theme(&pro, "Support");
    // Support 10 9 → +100; without it 8 0 → −50: impact 75.
    assert!(close(&s["nps"], 100.0) && close(&s["impact"], 75.0));
    // --by Plan gives the same Pro figures as the filter, and a Free group.
    let by = json(&ws, &["themes", "--rules", rules, "--by", "Plan", "--format", "json", "--min-n", "0"]);
    let groups = by["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let pro_group = groups.iter().find(|g| g["key"]["Plan"] == "Pro").unwrap();
    assert_eq!(theme(pro_group, "Support"), theme(&pro, "Support"));
    assert_eq!(pro_group["responses"], 4);
    // The CSV neutralises nothing here but quotes text; the table names the comment column.
    let table = npsdesk(&ws, &["themes", "--rules", rules]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("comments of \"Why?\""));
}

#[test]
fn theme_changes_between_periods_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, rules) = survey(dir.path());
    // Weeks: rows 1–2 are in 2025-W09 (Sat 1 and Sun 2 March), rows 3–8 in 2025-W10.
    let r =
        json(&ws, &["themes", "--rules", rules.to_str().unwrap(), "--per", "week", "--format", "json", "--min-n", "0"]);
    let groups = r["groups"].as_array().unwrap();
    let periods: Vec<&str> = groups.iter().map(|g| g["key"]["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2025-W09", "2025-W10"]);
    assert!(groups[0]["changes"].as_array().unwrap().is_empty(), "the first period has nothing to compare with");
    let support = groups[1]["changes"].as_array().unwrap().iter().find(|c| c["theme"] == "Support").unwrap();
    // W09: 2 comments, both Support (share 100 %), NPS +100. W10: comments 3, 4, 6, 7, 8 → Support 4 and 8 of 5
    // (share 40 %); answered Support mentions: row 4 (5) → NPS −100.
    assert_eq!(support["since"], "2025-W09");
    assert_eq!(support["mentions_delta"], 0);
    assert!(close(&support["share_delta"], 40.0 - 100.0));
    assert!(close(&support["nps_delta"], -200.0));
}

#[test]
fn rules_check_and_test_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "stemming = false\n[[themes]]\nname = \"Billing\"\nany = [\"in*voice\"]\n").unwrap();
    let out = npsdesk(&dir.path().join("unused.npsdesk"), &["rules", "check", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:4:"), "the wildcard error points at line 4: {err}");
    assert!(!dir.path().join("unused.npsdesk").exists(), "checking rules creates no workspace");

    let good = dir.path().join("rules.json");
    std::fs::write(&good, RULES).unwrap();
    let out = npsdesk(&dir.path().join("unused.npsdesk"), &["rules", "check", good.to_str().unwrap()]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("2 themes"));
    let out = npsdesk(
        &dir.path().join("unused.npsdesk"),
        &["rules", "test", "--rules", good.to_str().unwrap(), "Call the help desk about my refund"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("themes: Support, Billing") || text.contains("themes: Billing, Support"), "{text}");
    assert!(text.contains("\"help desk\"") && text.contains("\"refund\""), "{text}");
    let out =
        npsdesk(&dir.path().join("unused.npsdesk"), &["rules", "test", "--rules", good.to_str().unwrap(), "Fine"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Uncategorized"));
}

#[test]
fn saved_rules_are_used_by_themes_and_every_version_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, rules) = survey(dir.path());
    let before = json(&ws, &["themes", "--format", "json", "--min-n", "0"]);
    assert_eq!(before["rules"], "built-in");
    let out = npsdesk(&ws, &["rules", "save", rules.to_str().unwrap(), "--note", "two themes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let saved = json(&ws, &["themes", "--format", "json", "--min-n", "0"]);
    assert!(saved["rules"].as_str().unwrap().starts_with("saved version"), "{}", saved["rules"]);
    assert_eq!(saved["themes"].as_array().unwrap().len(), 2, "the saved two-theme set, not the built-in one");
    assert_eq!(theme(&saved, "Billing")["mentions"], 3);
    // A second version: only Support. The first stays readable.
    let v2 = dir.path().join("v2.toml");
    std::fs::write(&v2, "stemming = false\n[[themes]]\nname = \"Support\"\nany = [\"support\"]\n").unwrap();
    assert!(npsdesk(&ws, &["rules", "save", v2.to_str().unwrap()]).status.success());
    let latest = json(&ws, &["themes", "--format", "json", "--min-n", "0"]);
    assert_eq!(latest["themes"].as_array().unwrap().len(), 1);
    let history = String::from_utf8(npsdesk(&ws, &["rules", "history"]).stdout).unwrap();
    assert_eq!(history.lines().count(), 2, "{history}");
    assert!(history.contains("two themes"));
    // A rule file with a problem is not saved.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"themes\": [{\"name\": \"\"}]}").unwrap();
    assert!(!npsdesk(&ws, &["rules", "save", bad.to_str().unwrap()]).status.success());
    let history = String::from_utf8(npsdesk(&ws, &["rules", "history"]).stdout).unwrap();
    assert_eq!(history.lines().count(), 2);
}

fn respondents(page: &Value) -> Vec<String> {
    page["comments"].as_array().unwrap().iter().map(|c| c["respondent"].as_str().unwrap().to_string()).collect()
}

#[test]
fn comments_filter_sort_and_mark_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, rules) = survey(dir.path());
    let r = rules.to_str().unwrap();
    // Support: rows 1 (100), 2 (101), 4 (103), 8 (107); newest first by date (row i is on March i).
    let p = json(&ws, &["comments", "--rules", r, "--theme", "Support", "--format", "json"]);
    assert_eq!(p["total"], 4);
    assert_eq!(respondents(&p), ["107", "103", "101", "100"]);
    // Bands ignore the band filter: 100 (10), 101 (9) promoters; 103 (5) detractor; 107 unanswered.
    assert_eq!(p["bands"], serde_json::json!({"promoters": 2, "passives": 0, "detractors": 1, "unanswered": 1}));
    let d = json(&ws, &["comments", "--rules", r, "--theme", "Support", "--band", "detractor", "--format", "json"]);
    assert_eq!(respondents(&d), ["103"]);
    assert_eq!(d["bands"], p["bands"]);
    // "Refunds take forever and support is slow": Billing's refund* and Support's support, in UTF-16 units.
    let c = &d["comments"][0];
    assert_eq!(c["themes"], serde_json::json!(["Support", "Billing"]));
    let marks: Vec<(u64, u64)> = c["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["start"].as_u64().unwrap(), h["end"].as_u64().unwrap()))
        .collect();
    assert_eq!(marks, [(0, 7), (25, 32)]);
    // Lowest score first, unanswered last; within a score newest first.
    let low = json(&ws, &["comments", "--rules", r, "--sort", "lowest", "--format", "json"]);
    assert_eq!(respondents(&low), ["105", "102", "103", "106", "101", "100", "107"]);
    // Uncategorized: only "Nothing special" (106).
    let u = json(&ws, &["comments", "--rules", r, "--theme", "Uncategorized", "--format", "json"]);
    assert_eq!(respondents(&u), ["106"]);
    // Search: words begin comment words, case ignored; both words needed.
    let s = json(&ws, &["comments", "--rules", r, "--search", "INVOIC", "--format", "json"]);
    assert_eq!(respondents(&s), ["105", "102"]);
    let s = json(&ws, &["comments", "--rules", r, "--search", "support slow", "--format", "json"]);
    assert_eq!(respondents(&s), ["103"]);
    // The NPS filters apply: Plan = Pro keeps 100, 101, 105 (104 has no comment).
    let pro = json(&ws, &["comments", "--rules", r, "--where", "Plan=Pro", "--show", "Plan", "--format", "json"]);
    assert_eq!(respondents(&pro), ["105", "101", "100"]);
    assert_eq!(pro["comments"][0]["segments"], serde_json::json!({"Plan": "Pro"}));
    // Paging.
    let page2 = json(&ws, &["comments", "--rules", r, "--limit", "2", "--offset", "2", "--format", "json"]);
    assert_eq!((page2["total"].as_u64(), respondents(&page2)), (Some(7), vec!["105".to_string(), "103".into()]));
    // The table marks matches and the CSV neutralises nothing harmless; an unknown theme is an error.
    let out = npsdesk(&ws, &["comments", "--rules", r, "--theme", "Billing"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("«Refunds» take forever and «support» is slow"), "{text}");
    let out = npsdesk(&ws, &["comments", "--rules", r, "--theme", "Pricing"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Pricing"));
}

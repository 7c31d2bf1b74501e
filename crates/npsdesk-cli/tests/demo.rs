//! `npsdesk demo`: the synthetic export imports as a SurveyMonkey file with every row, and `npsdesk nps` on it
//! equals a count of the file's own score column.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const NPS_QUESTION: &str = "How likely is it that you would recommend Acme to a friend or colleague?";
const PLAN: &str = "Which plan are you on?";

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npsdesk")).arg("--workspace").arg(workspace).args(args).output().unwrap()
}

fn json(workspace: &Path, args: &[&str]) -> Value {
    let out = npsdesk(workspace, args);
    assert!(out.status.success(), "npsdesk {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// (n, promoters, passives, detractors) of 0–10 answers written as SurveyMonkey labels.
#[derive(Default, Debug, PartialEq, Eq, Clone, Copy)]
struct Counts(u64, u64, u64, u64);

impl Counts {
    fn add(&mut self, label: &str) {
        // "0 - Not at all likely", "7", "10 - Extremely likely": the number before any " - ".
        let score: u8 = label.split(" - ").next().unwrap().trim().parse().unwrap_or_else(|_| panic!("{label:?}"));
        assert!(score <= 10, "{label:?}");
        self.0 += 1;
        match score {
            9..=10 => self.1 += 1,
            7..=8 => self.2 += 1,
            _ => self.3 += 1,
        }
    }

    fn of(v: &Value) -> Counts {
        let get = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
        Counts(get("n"), get("promoters"), get("passives"), get("detractors"))
    }
}

#[test]
fn demo_export_imports_whole_and_its_nps_is_the_count_of_its_score_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("demo.csv");
    let ws = dir.path().join("w.npsdesk");
    let rows = 3_000;
    let out = npsdesk(&ws, &["demo", "--rows", &rows.to_string(), "--out", csv_path.to_str().unwrap(), "--seed", "9"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!ws.exists(), "writing a demo file opens no workspace");

    // Count the file directly: two header rows, then one record per response.
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(false).from_path(&csv_path).expect("a CSV file");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a well-formed record")).collect();
    let header = &records[0];
    assert!(std::fs::read(&csv_path).unwrap().starts_with("\u{feff}Respondent ID,".as_bytes()), "UTF-8 BOM first");
    assert_eq!(header.get(0), Some("Respondent ID"), "SurveyMonkey's first column (the reader drops the BOM)");
    assert_eq!(records[1].get(9), Some("Response"), "the second header row labels the answers");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let (nps_col, plan_col) = (col(NPS_QUESTION), col(PLAN));
    let body = &records[2..];
    assert_eq!(body.len(), rows, "one record per response");
    let mut overall = Counts::default();
    let mut by_plan = std::collections::BTreeMap::<String, Counts>::new();
    let mut with_comment = 0;
    for r in body {
        if !r[nps_col + 1].is_empty() {
            with_comment += 1;
        }
        if r[nps_col].is_empty() {
            continue;
        }
        overall.add(&r[nps_col]);
        by_plan.entry(r[plan_col].to_string()).or_default().add(&r[nps_col]);
    }
    assert!(overall.0 > rows as u64 * 9 / 10 && overall.0 < rows as u64, "about 1.5 % leave the score empty");
    assert!(with_comment > rows / 2, "most respondents explain their score: {with_comment}");
    assert!(overall.1 > 0 && overall.2 > 0 && overall.3 > 0, "all three bands occur: {overall:?}");

    let report = json(&ws, &["import", csv_path.to_str().unwrap(), "--format", "json"]);
    let report = &report[0];
    assert_eq!(report["source"], "surveymonkey", "{report}");
    assert_eq!(report["new"].as_u64(), Some(rows as u64), "{report}");
    assert_eq!(report["skipped"].as_array().map(Vec::len), Some(0), "{report}");

    let nps = json(&ws, &["nps", "--by", PLAN, "--min-n", "0", "--format", "json"]);
    assert_eq!(Counts::of(&nps), overall, "overall NPS counts = the file's score column");
    let groups = nps["groups"].as_array().unwrap();
    assert_eq!(groups.len(), by_plan.len(), "{by_plan:?}");
    for g in groups {
        let plan = g["key"][PLAN].as_str().unwrap_or("");
        assert_eq!(Counts::of(g), by_plan[plan], "plan {plan:?}");
    }
    let (p, d) = (overall.1 as f64, overall.3 as f64);
    let exact = 100.0 * (p - d) / overall.0 as f64;
    assert!((nps["nps"].as_f64().unwrap() - exact).abs() < 1e-9, "NPS = %promoters − %detractors");

    // Eight quarters from 2024-Q4, later quarters busier.
    let per = json(&ws, &["nps", "--per", "quarter", "--min-n", "0", "--format", "json"]);
    let periods: Vec<&str> =
        per["groups"].as_array().unwrap().iter().map(|g| g["key"]["period"].as_str().unwrap()).collect();
    assert_eq!(periods.first(), Some(&"2024-Q4"), "{periods:?}");
    assert!(periods.len() == 8 || periods.len() == 9, "8 quarters (+ a few end dates past midnight): {periods:?}");
}

#[test]
fn demo_is_reproducible_by_seed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("unused.npsdesk");
    let write = |name: &str, seed: &str| {
        let path = dir.path().join(name);
        let out = npsdesk(&ws, &["demo", "--rows", "500", "--out", path.to_str().unwrap(), "--seed", seed]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read(path).unwrap()
    };
    assert_eq!(write("a.csv", "1"), write("b.csv", "1"), "the same seed writes the same bytes");
    assert_ne!(write("a.csv", "1"), write("c.csv", "2"));
}

//! The CLI contract, end to end through the real binary and a real workspace file, checked against the
//! generator's own counts (`gen_surveymonkey.py --truth`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn shared() -> PathBuf {
    std::env::var_os("NPSDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    let out =
        Command::new(env!("CARGO_BIN_EXE_npsdesk")).arg("--workspace").arg(workspace).args(args).output().unwrap();
    out
}

fn json(workspace: &Path, args: &[&str]) -> Value {
    let out = npsdesk(workspace, args);
    assert!(out.status.success(), "npsdesk {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Generates an export and its truth file; returns (csv, truth).
fn generate(dir: &Path, rows: u32, seed: u32) -> (PathBuf, Value) {
    let csv = dir.join(format!("gen_{rows}_{seed}.csv"));
    let truth = dir.join(format!("gen_{rows}_{seed}.truth.json"));
    let status = Command::new("python3")
        .arg(shared().join("tools/gen_surveymonkey.py"))
        .args(["--rows", &rows.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(&csv)
        .arg("--truth")
        .arg(&truth)
        .status()
        .expect("python3 runs the generator");
    assert!(status.success(), "generator failed");
    (csv, serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap())
}

const PLAN: &str = "Which plan are you on?";

/// One group's counts against the truth's `{n, p, d, nps}` (the truth rounds nps to 2 decimals; the exact
/// value is recomputed from its counts).
fn assert_group(what: &str, got: &Value, truth: &Value) {
    let (n, p, d) = (truth["n"].as_u64().unwrap(), truth["p"].as_u64().unwrap(), truth["d"].as_u64().unwrap());
    assert_eq!(got["n"].as_u64(), Some(n), "{what}: n");
    assert_eq!(got["promoters"].as_u64(), Some(p), "{what}: promoters");
    assert_eq!(got["detractors"].as_u64(), Some(d), "{what}: detractors");
    assert_eq!(got["passives"].as_u64(), Some(n - p - d), "{what}: passives");
    let exact = 100.0 * (p as f64 - d as f64) / n as f64;
    let nps = got["nps"].as_f64().unwrap();
    assert!((nps - exact).abs() < 1e-9, "{what}: nps {nps} vs {exact}");
    assert!((nps - truth["nps"].as_f64().unwrap()).abs() <= 0.005 + 1e-9, "{what}: nps vs the truth's rounding");
    let ci = got["ci95"].as_array().unwrap();
    let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
    assert!(lo <= nps && nps <= hi && lo >= -100.0 && hi <= 100.0, "{what}: {nps} inside [{lo}, {hi}]");
}

/// `2026-Q3` (ours) → `2026Q3` (the truth's spelling).
fn truth_quarter(q: &str) -> String {
    q.replace("-Q", "Q")
}

#[test]
fn nps_by_plan_and_quarter_equals_the_generators_truth() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("truth.npsdesk");
    let (csv, truth) = generate(dir.path(), 5000, 42);
    let reports = json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    assert_eq!(reports[0]["rows_read"], 5000);
    assert_eq!(reports[0]["new"], 5000);

    let overall = json(&ws, &["nps", "--format", "json"]);
    assert_group("overall", &overall, &truth["overall"]);
    assert!(overall["groups"].as_array().unwrap().is_empty());

    let by_quarter = json(&ws, &["nps", "--per", "quarter", "--format", "json"]);
    let groups = by_quarter["groups"].as_array().unwrap();
    assert_eq!(groups.len(), truth["by_quarter"].as_object().unwrap().len(), "one group per quarter");
    for g in groups {
        let q = truth_quarter(g["key"]["period"].as_str().unwrap());
        assert_group(&q, g, &truth["by_quarter"][&q]);
    }

    for (by, field) in [(PLAN, "by_plan"), ("Region", "by_region")] {
        let r = json(&ws, &["nps", "--by", by, "--format", "json"]);
        assert_group(&format!("{by} total"), &r, &truth["overall"]);
        let mut rest = (truth["overall"]["n"].as_u64().unwrap(), truth["overall"]["p"].as_u64().unwrap());
        for g in r["groups"].as_array().unwrap() {
            match g["key"][by].as_str() {
                Some(v) => {
                    assert_group(&format!("{by}={v}"), g, &truth[field][v]);
                    rest.0 -= g["n"].as_u64().unwrap();
                    rest.1 -= g["promoters"].as_u64().unwrap();
                }
                // Partial responses left the question empty: their group is what the truth leaves out.
                None => {
                    assert_eq!(g["n"].as_u64().unwrap(), rest.0, "{by}: the no-answer group holds the rest");
                    rest = (0, 0);
                }
            }
        }
        assert_eq!(rest, (0, 0), "{by}: groups partition the total");
    }

    let pq = json(&ws, &["nps", "--by", PLAN, "--per", "quarter", "--format", "json"]);
    let mut matched = 0;
    for g in pq["groups"].as_array().unwrap() {
        let Some(plan) = g["key"][PLAN].as_str() else {
            continue;
        };
        let q = truth_quarter(g["key"]["period"].as_str().unwrap());
        assert_group(&format!("{plan} {q}"), g, &truth["by_plan_quarter"][plan][&q]);
        matched += 1;
    }
    let expected: usize =
        truth["by_plan_quarter"].as_object().unwrap().values().map(|v| v.as_object().unwrap().len()).sum();
    assert_eq!(matched, expected, "every plan × quarter cell of the truth is present");
    // The contract's key order: --by columns first, then the period.
    let first = pq["groups"][0]["key"].as_object().unwrap();
    assert_eq!(first.keys().collect::<Vec<_>>(), [PLAN, "period"]);
}

#[test]
fn importing_the_same_export_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("twice.npsdesk");
    let (csv, _) = generate(dir.path(), 300, 3);
    let first = json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    let again = json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    assert_eq!(first[0]["new"], 300);
    assert_eq!((again[0]["new"].as_u64(), again[0]["unchanged"].as_u64()), (Some(0), Some(300)));
    assert_eq!(json(&ws, &["surveys", "--format", "json"])["surveys"][0]["responses"], 300);
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["inspect", "--help"],
        vec!["nps", "--help"],
        vec!["csat", "--help"],
        vec!["ces", "--help"],
        vec!["surveys", "--help"],
        vec!["themes", "--help"],
        vec!["rules", "check", "--help"],
        vec!["rules", "test", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_npsdesk")).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn an_unknown_column_names_the_columns_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("u.npsdesk");
    let (csv, _) = generate(dir.path(), 50, 5);
    json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    let out = npsdesk(&ws, &["nps", "--by", "Plan tier"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Plan tier") && err.contains(PLAN), "{err}");
}

#[test]
fn custom_data_is_groupable_by_its_metadata_name() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("c.npsdesk");
    let (csv, truth) = generate(dir.path(), 400, 9);
    json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    let r = json(&ws, &["nps", "--by", "CustomData1", "--min-n", "0", "--format", "json"]);
    let groups = r["groups"].as_array().unwrap();
    assert!(groups.len() > 10, "accounts are many");
    let n: u64 = groups.iter().map(|g| g["n"].as_u64().unwrap()).sum();
    assert_eq!(n, truth["overall"]["n"].as_u64().unwrap(), "account groups partition the total");
    assert!(groups[0]["key"].get("Custom Data 1").is_some(), "keyed by the column's canonical name");
}

#[test]
fn table_and_csv_formats_are_readable() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("t.npsdesk");
    let (csv, truth) = generate(dir.path(), 200, 11);
    json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    let table = String::from_utf8(npsdesk(&ws, &["nps", "--per", "year"]).stdout).unwrap();
    let nps = truth["overall"]["nps"].as_f64().unwrap();
    assert!(table.contains(&format!("{nps:.1}")), "the table shows NPS to one decimal: {table}");
    assert!(table.contains("2025"), "{table}");
    let out = String::from_utf8(npsdesk(&ws, &["nps", "--by", PLAN, "--format", "csv"]).stdout).unwrap();
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("Which plan are you on?,n,promoters,passives,detractors,nps,ci95_low,ci95_high,share,"),
        "{header}"
    );
    let total: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(total[0], "(all)");
    assert_eq!(total[1], truth["overall"]["n"].to_string());
}

#[test]
fn filters_rolling_windows_and_explain_agree_with_the_truth_and_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("engine.npsdesk");
    let (csv, truth) = generate(dir.path(), 5000, 21);
    json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);

    let pro = format!("{PLAN}=Pro");
    assert_group(
        "where plan = Pro",
        &json(&ws, &["nps", "--where", &pro, "--format", "json"]),
        &truth["by_plan"]["Pro"],
    );
    let pq = json(&ws, &["nps", "--where", &pro, "--per", "quarter", "--format", "json"]);
    for g in pq["groups"].as_array().unwrap() {
        let q = truth_quarter(g["key"]["period"].as_str().unwrap());
        assert_group(&format!("Pro {q}"), g, &truth["by_plan_quarter"]["Pro"][&q]);
    }
    // != keeps respondents who left the region empty: overall minus NA.
    let not_na = json(&ws, &["nps", "--where", "Region!=NA", "--format", "json"]);
    let expected_n = truth["overall"]["n"].as_u64().unwrap() - truth["by_region"]["NA"]["n"].as_u64().unwrap();
    assert_eq!(not_na["n"].as_u64(), Some(expected_n));
    // Inclusive dates select exactly one quarter.
    let q3 = json(&ws, &["nps", "--from", "2025-07-01", "--to", "2025-09-30", "--format", "json"]);
    assert_group("2025Q3 by dates", &q3, &truth["by_quarter"]["2025Q3"]);

    // A rolling point (sliding daily sums) equals the same dates asked directly (a filter).
    let rolling = json(&ws, &["nps", "--rolling", "90d", "--step", "month", "--min-n", "0", "--format", "json"]);
    let point = rolling["groups"].as_array().unwrap().iter().find(|g| g["key"]["period"] == "2025-09-30").unwrap();
    assert_eq!(point["window"]["from"], "2025-07-03", "90 days up to and including Sep 30");
    let direct = json(&ws, &["nps", "--from", "2025-07-03", "--to", "2025-09-30", "--format", "json"]);
    for f in ["n", "promoters", "passives", "detractors"] {
        assert_eq!(point[f], direct[f], "{f}");
    }

    // explain: the contract's shape, an exact sum, and the same period NPS as `nps --per quarter`.
    let e =
        json(&ws, &["explain", "--from-period", "2025-Q4", "--to-period", "2026-Q1", "--by", PLAN, "--format", "json"]);
    let f = |v: &Value| v.as_f64().unwrap();
    assert!((f(&e["mix"]) + f(&e["within"]) - f(&e["delta"])).abs() < 1e-9, "mix + within = delta");
    for side in ["from", "to"] {
        for field in ["period", "n", "nps"] {
            assert!(e[side].get(field).is_some(), "explain.{side} lacks {field}");
        }
    }
    for field in ["key", "from_share", "to_share", "from_nps", "to_nps", "mix", "within"] {
        assert!(e["segments"][0].get(field).is_some(), "segment lacks {field}");
    }
    let t = &truth["by_quarter"]["2025Q4"];
    assert_eq!(e["from"]["n"], t["n"]);
    let exact = 100.0 * (f(&t["p"]) - f(&t["d"])) / f(&t["n"]);
    assert!((f(&e["from"]["nps"]) - exact).abs() < 1e-9, "explain's period NPS is the quarter's NPS");
    let seg_mix: f64 = e["segments"].as_array().unwrap().iter().map(|s| f(&s["mix"])).sum();
    assert!((seg_mix - f(&e["mix"])).abs() < 1e-9, "segments add up to the mix");
}

#[test]
fn levels_significance_and_small_samples_in_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("sig.npsdesk");
    let (csv, _) = generate(dir.path(), 3000, 4);
    json(&ws, &["import", csv.to_str().unwrap(), "--format", "json"]);
    let r95 = json(&ws, &["nps", "--by", PLAN, "--per", "quarter", "--format", "json"]);
    let r80 = json(&ws, &["nps", "--by", PLAN, "--per", "quarter", "--level", "80", "--format", "json"]);
    assert_eq!(r80["level"].as_f64(), Some(0.8));
    let width = |r: &Value| r["ci"][1].as_f64().unwrap() - r["ci"][0].as_f64().unwrap();
    assert!(width(&r80) < width(&r95), "an 80 % interval is narrower than a 95 % one");
    for g in r95["groups"].as_array().unwrap() {
        assert_eq!(g["low_n"].as_bool(), Some(g["n"].as_u64().unwrap() < 30));
        assert!(g["n"].as_u64().unwrap() >= 10, "groups under --min-n 10 are hidden by default");
        for cmp in ["vs_total", "vs_previous"] {
            if let Some(c) = g[cmp].as_object() {
                let p = c["p_value"].as_f64().unwrap();
                assert_eq!(c["significant"].as_bool(), Some(p < 0.05), "{cmp}: significant iff p < 0.05");
            }
        }
    }
    let bad = npsdesk(&ws, &["nps", "--level", "97"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("80, 90, 95 or 99"));
    let table = String::from_utf8(npsdesk(&ws, &["nps", "--per", "quarter", "--compare", "previous"]).stdout).unwrap();
    assert!(table.contains("sig") && table.contains("previous period"), "{table}");
}

#[test]
fn csat_and_ces_equal_a_direct_count_of_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("csat.npsdesk");
    let (csv_path, _) = generate(dir.path(), 2000, 13);
    json(&ws, &["import", csv_path.to_str().unwrap(), "--format", "json"]);
    const CSAT: &str = "How satisfied are you with Acme overall?";

    // Independent count with the csv crate: column 12 is the plan, 15 the CSAT label ("4 - Satisfied").
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_path(&csv_path).unwrap();
    let mut per_plan: std::collections::BTreeMap<String, (u32, u32, u32)> = Default::default();
    for rec in rdr.records().skip(2) {
        let rec = rec.unwrap();
        let Some(v) = rec[14].split(" - ").next().and_then(|d| d.parse::<u32>().ok()) else { continue };
        for key in ["(all)".to_string(), rec[11].to_string()] {
            let e = per_plan.entry(key).or_default();
            e.0 += 1;
            e.1 += u32::from(v >= 4);
            e.2 += v;
        }
    }
    let r = json(&ws, &["csat", "--column", CSAT, "--by", PLAN, "--format", "json"]);
    let (n, top, _) = per_plan["(all)"];
    assert_eq!(r["n"].as_u64(), Some(u64::from(n)));
    assert!((r["value"].as_f64().unwrap() - 100.0 * f64::from(top) / f64::from(n)).abs() < 1e-9);
    for g in r["groups"].as_array().unwrap() {
        let Some(plan) = g["key"][PLAN].as_str() else { continue };
        let (n, top, _) = per_plan[plan];
        assert_eq!(g["n"].as_u64(), Some(u64::from(n)), "{plan}");
        assert!((g["value"].as_f64().unwrap() - 100.0 * f64::from(top) / f64::from(n)).abs() < 1e-9, "{plan}");
        let ci = g["ci"].as_array().unwrap();
        assert!(
            ci[0].as_f64().unwrap() < g["value"].as_f64().unwrap()
                && g["value"].as_f64().unwrap() < ci[1].as_f64().unwrap()
        );
    }
    let ces = json(&ws, &["ces", "--column", CSAT, "--scale", "5", "--format", "json"]);
    let (n, _, sum) = per_plan["(all)"];
    assert!((ces["value"].as_f64().unwrap() - f64::from(sum) / f64::from(n)).abs() < 1e-9, "the mean answer");
    let bad = npsdesk(&ws, &["csat", "--column", CSAT, "--top-box", "5"]);
    assert!(!bad.status.success(), "a top box as wide as the scale is refused");
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

#[test]
fn inspect_reports_the_detection_and_touches_no_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("never.npsdesk");
    let file = fixture("qualtrics_nps_group.csv");
    let v = json(&ws, &["inspect", file.to_str().unwrap(), "--format", "json"]);
    assert!(!ws.exists(), "inspect must not create a workspace");
    assert_eq!(v["source"], "qualtrics");
    assert_eq!(v["header_rows"], 3);
    assert_eq!(v["encoding"], "UTF-8");
    assert_eq!(v["delimiter"], "comma");
    assert_eq!((v["rows"].as_u64(), v["dropped_test_rows"].as_u64()), (Some(4), Some(2)));
    assert_eq!(v["first_response"], "2025-04-01T09:05:00");
    assert_eq!(v["last_response"], "2025-06-30T23:59:59");
    let cols = v["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 9);
    assert_eq!(cols[7]["role"], "nps");
    assert_eq!(cols[5]["role"], "respondent_id");
    // The kept rows are R_1, R_2, R_6, R_7: the first distinct scores are 10, 3, 9.
    assert_eq!(cols[7]["samples"], serde_json::json!(["10", "3", "9"]));

    let out = npsdesk(&ws, &["inspect", fixture("generic_mapping_w1.csv").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("semicolon") && text.contains("source:        generic"), "{text}");
    assert!(!ws.exists());
}

#[test]
fn a_mapping_given_once_is_used_by_the_next_wave_and_by_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("m.npsdesk");
    let w1 = fixture("generic_mapping_w1.csv");
    let r = json(
        &ws,
        &[
            "import",
            w1.to_str().unwrap(),
            "--id-column",
            "ref",
            "--date-column",
            "answered",
            "--nps-column",
            "q7",
            "--comment-column",
            "free text",
            "--account-column",
            "company",
            "--format",
            "json",
        ],
    );
    assert_eq!(r[0]["nps_column"], "q7");
    let w2 = fixture("generic_mapping_w2.csv");
    let r = json(&ws, &["import", w2.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r[0]["created_survey"], false);
    assert_eq!(r[0]["new"], 2);
    // Globex: T-1 9, T-3 10 → mean 9.5, promoter. Initech: T-2 4, T-4 8, T-5 2 → mean 4.67, detractor.
    let per_account = json(&ws, &["nps", "--count", "per-account", "--min-n", "0", "--format", "json"]);
    assert_eq!((per_account["n"].as_u64(), per_account["promoters"].as_u64()), (Some(2), Some(1)));
    assert_eq!(per_account["detractors"], 1);
    let all = json(&ws, &["nps", "--per", "quarter", "--min-n", "0", "--format", "json"]);
    assert_eq!((all["n"].as_u64(), all["promoters"].as_u64(), all["detractors"].as_u64()), (Some(5), Some(2), Some(2)));
    let quarters: Vec<&str> =
        all["groups"].as_array().unwrap().iter().map(|g| g["key"]["period"].as_str().unwrap()).collect();
    assert_eq!(quarters, ["2025-Q1", "2025-Q2", "2025-Q3"], "day-first dates: 04/05 is May, 06/07 is July");
}

#[test]
fn recoded_nps_needs_an_explicit_scale_and_a_failed_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("s.npsdesk");
    let file = fixture("nps_1_to_11.csv");
    let out = npsdesk(&ws, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--nps-scale 1-11") && err.contains("nothing from"), "{err}");
    let surveys = json(&ws, &["surveys", "--format", "json"]);
    assert!(surveys["surveys"].as_array().unwrap().is_empty());
    let r = json(&ws, &["import", file.to_str().unwrap(), "--nps-scale", "1-11", "--format", "json"]);
    assert_eq!(r[0]["new"], 6);
    // 11, 1, 8, 10, 9, 11 → 10, 0, 7, 9, 8, 10: promoters 10, 9, 10; detractor 0.
    let nps = json(&ws, &["nps", "--format", "json"]);
    assert_eq!((nps["promoters"].as_u64(), nps["detractors"].as_u64(), nps["n"].as_u64()), (Some(3), Some(1), Some(6)));
    let bad = npsdesk(&ws, &["import", file.to_str().unwrap(), "--nps-scale", "1-10"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("0-10, 1-11 or weights"));
}

#[test]
fn wrong_files_are_refused_by_the_cli_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.npsdesk");
    for (name, reason) in
        [("not_an_export.pdf", "PDF document"), ("one_column.csv", "single column"), ("truncated.csv", "truncated")]
    {
        let out = npsdesk(&ws, &["import", fixture(name).to_str().unwrap()]);
        assert!(!out.status.success(), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(reason),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = npsdesk(&ws, &["inspect", fixture(name).to_str().unwrap()]);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(reason), "inspect {name}");
    }
    let surveys = json(&ws, &["surveys", "--format", "json"]);
    assert!(surveys["surveys"].as_array().unwrap().is_empty());
}

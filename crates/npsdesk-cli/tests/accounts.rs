//! `npsdesk accounts` against a small survey whose every figure is worked out by hand.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,Why?\r\n,,,,,,,,,Response,Open-Ended Response\r\n";

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npsdesk")).arg("--workspace").arg(workspace).args(args).output().unwrap()
}

fn json(workspace: &Path, args: &[&str]) -> Value {
    let out = npsdesk(workspace, args);
    assert!(out.status.success(), "npsdesk {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (day of March 2025, account, score, comment), in file order (not time order on purpose).
const ROWS: &[(u32, &str, &str, &str)] = &[
    (3, "Acme", "6", "Support got slow"),
    (1, "Acme", "9", "Great"),
    (2, "Acme", "10", ""),
    (1, "Birch", "7", "ok"),
    (4, "Birch", "9", "Better now"),
    (1, "Cedar", "9", "love it"),
    (5, "Cedar", "7", ""),
    (2, "Dune", "8", "fine"),
    (6, "Elm", "", "no score, only words"),
    (7, "", "3", "who am I"),
];

fn survey(dir: &Path) -> std::path::PathBuf {
    let mut csv = HEADER.to_string();
    for (i, (day, account, score, why)) in ROWS.iter().enumerate() {
        csv.push_str(&format!(
            "{},1,2025-03-{day:02} 09:00:00,2025-03-{day:02} 10:00:00,,,,,{account},{score},\"{why}\"\r\n",
            100 + i
        ));
    }
    let file = dir.join("accounts.csv");
    std::fs::write(&file, csv).unwrap();
    let ws = dir.join("w.npsdesk");
    let out = npsdesk(&ws, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    ws
}

fn account<'a>(a: &'a Value, name: &str) -> &'a Value {
    a["accounts"].as_array().unwrap().iter().find(|r| r["account"] == name).unwrap_or_else(|| panic!("{name}"))
}

/// Adjusted-Wald 95 % interval of NPS (nps-statistics.md): add 0.75 promoter, 1.5 passive, 0.75 detractor.
fn wald(p: f64, a: f64, d: f64) -> [f64; 2] {
    // The 95 % normal quantile to six decimals, as the engine (and most NPS tools) use it.
    const Z: f64 = 1.959964;
    let n = p + a + d + 3.0;
    let (pp, pd) = ((p + 0.75) / n, (d + 0.75) / n);
    let nps = pp - pd;
    let se = ((pp + pd - nps * nps) / n).sqrt();
    [(100.0 * (nps - Z * se)).max(-100.0), (100.0 * (nps + Z * se)).min(100.0)]
}

#[test]
fn account_health_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let ws = survey(dir.path());
    let a = json(&ws, &["accounts", "--format", "json"]);
    assert_eq!(a["column"], "Custom Data 1");
    assert_eq!(a["without_account"], 1);
    assert_eq!(a["accounts"].as_array().unwrap().len(), 5);

    // Acme in time order: 9 (1 Mar), 10 (2 Mar), 6 (3 Mar): latest 6 (a detractor), −4 since 10, a category lower.
    let acme = account(&a, "Acme");
    assert_eq!((acme["responses"].as_u64(), acme["n"].as_u64()), (Some(3), Some(3)));
    assert_eq!((acme["latest_score"].as_u64(), acme["previous_score"].as_u64()), (Some(6), Some(10)));
    assert_eq!(acme["change"], -4);
    assert_eq!(acme["latest_at"], "2025-03-03T10:00:00");
    assert_eq!(acme["reasons"], serde_json::json!(["latest-detractor", "dropped", "category-fell"]));
    assert!((acme["nps"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9, "P 2, D 1 of 3");
    let ci = wald(2.0, 0.0, 1.0);
    assert!(
        (acme["ci95"][0].as_f64().unwrap() - ci[0]).abs() < 1e-9
            && (acme["ci95"][1].as_f64().unwrap() - ci[1]).abs() < 1e-9
    );
    assert_eq!(acme["last_comment"], "Support got slow");
    assert_eq!(acme["history"], serde_json::json!([9, 10, 6]));

    // Birch 7 → 9: up, not at risk. Cedar 9 → 7: −2 but promoter → passive: at risk. Dune: one answer, fine.
    let birch = account(&a, "Birch");
    assert_eq!((birch["change"].as_i64(), birch["at_risk"].as_bool()), (Some(2), Some(false)));
    let cedar = account(&a, "Cedar");
    assert_eq!(cedar["reasons"], serde_json::json!(["category-fell"]));
    assert_eq!(cedar["last_comment"], "love it", "the latest non-empty comment");
    let dune = account(&a, "Dune");
    assert_eq!((dune["previous_score"].is_null(), dune["at_risk"].as_bool()), (true, Some(false)));
    // Elm answered nothing: a row without NPS, never at risk.
    let elm = account(&a, "Elm");
    assert_eq!((elm["responses"].as_u64(), elm["n"].as_u64()), (Some(1), Some(0)));
    assert!(elm["nps"].is_null() && elm["latest_score"].is_null());
    assert_eq!(a["at_risk"], 2);

    // At-risk first (newest first among them), then the rest by latest response.
    let order: Vec<&str> = a["accounts"].as_array().unwrap().iter().map(|r| r["account"].as_str().unwrap()).collect();
    assert_eq!(order, ["Cedar", "Acme", "Birch", "Dune", "Elm"]);
    let risky = json(&ws, &["accounts", "--at-risk", "--format", "json"]);
    assert_eq!(risky["accounts"].as_array().unwrap().len(), 2);

    // The NPS filters apply: before 3 March, Acme's latest is the 10.
    let early = json(&ws, &["accounts", "--to", "2025-03-02", "--format", "json"]);
    assert_eq!(account(&early, "Acme")["latest_score"], 10);
    assert_eq!(account(&early, "Acme")["at_risk"], false);
}

/// The weighted NPS of ARCHITECTURE.md ("Weighted NPS"), written out: the weighted mean of the accounts' NPS
/// and its cluster-robust interval, SE² = k/(k−1) · Σ w²(x − m)² / (Σ w)².
fn weighted(points: &[(f64, f64)]) -> (f64, [f64; 2]) {
    const Z: f64 = 1.959964;
    let sw: f64 = points.iter().map(|p| p.1).sum();
    let m = points.iter().map(|p| p.0 * p.1).sum::<f64>() / sw;
    let k = points.len() as f64;
    let se = (k / (k - 1.0) * points.iter().map(|(x, w)| w * w * (x - m) * (x - m)).sum::<f64>()).sqrt() / sw;
    (100.0 * m, [(100.0 * (m - Z * se)).max(-100.0), (100.0 * (m + Z * se)).min(100.0)])
}

fn close(v: &Value, want: f64) -> bool {
    (v.as_f64().unwrap() - want).abs() < 1e-6
}

#[test]
fn accounts_file_arr_revenue_at_risk_and_weighted_nps_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let ws = survey(dir.path());
    // Before any accounts file: respondent and account-weighted NPS, no ARR figures.
    let a = json(&ws, &["accounts", "--format", "json"]);
    // Respondents: 6 9 10 7 9 9 7 8 3 → 4 promoters, 2 detractors of 9 = 22.2; adjusted-Wald interval.
    let w = &a["weightings"];
    assert!(close(&w["respondent"]["nps"], 200.0 / 9.0) && w["respondent"]["units"] == 9);
    let ci = wald(4.0, 3.0, 2.0);
    assert!(close(&w["respondent"]["ci95"][0], ci[0]) && close(&w["respondent"]["ci95"][1], ci[1]));
    // Accounts once each (Elm has no answer): Acme 1/3, Birch 1/2, Cedar 1/2, Dune 0 → mean 1/3.
    let (m, ci) = weighted(&[(1.0 / 3.0, 1.0), (0.5, 1.0), (0.5, 1.0), (0.0, 1.0)]);
    assert!(close(&w["account"]["nps"], m) && (m - 100.0 / 3.0).abs() < 1e-9 && w["account"]["units"] == 4);
    assert!(close(&w["account"]["ci95"][0], ci[0]) && close(&w["account"]["ci95"][1], ci[1]));
    assert!(w["arr"].is_null() && a["revenue_at_risk"].is_null() && a["arr_total"].is_null());

    // The CRM file: Acme by name (its id is ACC-1), Birch and Dune by id; Cedar has no ARR.
    let crm = dir.path().join("crm.csv");
    std::fs::write(
        &crm,
        "Account ID,Account Name,Renewal Date,ARR,Owner\nACC-1,Acme,2026-03-31,\"100,000\",Dana\nBirch,,2026-06-30,300000,Sam\nCedar,,,,\nDune,,2027-01-15,$600k,Dana\n",
    )
    .unwrap();
    let out = npsdesk(&ws, &["accounts", "import", crm.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 accounts read (4 added, 0 updated)"));
    let a = json(&ws, &["accounts", "--format", "json"]);
    let acme = account(&a, "Acme");
    assert_eq!(
        (acme["renewal_date"].as_str(), acme["arr"].as_f64(), acme["owner"].as_str()),
        (Some("2026-03-31"), Some(100_000.0), Some("Dana"))
    );
    assert!(account(&a, "Cedar")["arr"].is_null());
    assert!(account(&a, "Elm")["name"].is_null(), "Elm is not in the file");
    assert_eq!(a["matched_accounts"], 4);
    // ARR 1,000,000 in all; at risk are Acme (100k) and Cedar (no ARR): 100,000 at risk.
    assert!(close(&a["arr_total"], 1_000_000.0) && close(&a["revenue_at_risk"], 100_000.0));
    // ARR-weighted over the three accounts with ARR: (1/3·0.1 + 1/2·0.3 + 0·0.6) = 0.18333.
    let (m, ci) = weighted(&[(1.0 / 3.0, 100_000.0), (0.5, 300_000.0), (0.0, 600_000.0)]);
    assert!((m - 18.333_333).abs() < 1e-4);
    let arr = &a["weightings"]["arr"];
    assert!(close(&arr["nps"], m) && close(&arr["ci95"][0], ci[0]) && close(&arr["ci95"][1], ci[1]), "{arr}");
    assert_eq!(arr["units"], 3);
    let table = String::from_utf8(npsdesk(&ws, &["accounts"]).stdout).unwrap();
    assert!(table.contains("revenue at risk: 100,000 of 1,000,000 ARR (10.0 %)"), "{table}");

    // A bad line stops the whole file, with its line number; nothing changes.
    std::fs::write(&crm, "id,arr\nAcme,5\nBirch,plenty\n").unwrap();
    let out = npsdesk(&ws, &["accounts", "import", crm.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("crm.csv, line 3: ARR \"plenty\" is not an amount; no account was imported"), "{err}");
    assert!(close(&account(&json(&ws, &["accounts", "--format", "json"]), "Acme")["arr"], 100_000.0));
}

//! `npsdesk followups` and `npsdesk promoters` end to end: the JSON shape the issue names, status changes and
//! their refusals, survival across a re-import, the CSV/XLSX table, and promoter asks.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,Why?\r\n,,,,,Response,Open-Ended Response\r\n";

fn npsdesk(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npsdesk")).arg("--workspace").arg(workspace).args(args).output().unwrap()
}

fn json(workspace: &Path, args: &[&str]) -> Value {
    let out = npsdesk(workspace, args);
    assert!(out.status.success(), "npsdesk {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn export(dir: &Path, rows: &[(&str, &str, &str, &str)]) -> PathBuf {
    let mut csv = HEADER.to_string();
    for (i, (id, account, score, why)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "{id},1,2025-03-{d:02} 09:00:00,2025-03-{d:02} 10:00:00,{account},{score},\"{why}\"\r\n",
            d = i + 1
        ));
    }
    let file = dir.join("wave.csv");
    std::fs::write(&file, csv).unwrap();
    file
}

const ROWS: &[(&str, &str, &str, &str)] = &[
    ("a1", "Acme", "2", "=HYPERLINK(\"http://x\") slow"),
    ("b1", "Birch", "6", "pricey"),
    ("c1", "Cedar", "8", "fine"),
    ("d1", "Dune", "10", "Love it, tell everyone"),
    ("e1", "", "9", ""),
];

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

#[test]
fn the_queue_its_json_and_status_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.npsdesk");
    let file = export(dir.path(), ROWS);
    let out = npsdesk(&ws, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let q = json(&ws, &["followups", "--format", "json"]);
    assert_eq!(items(&q).len(), 2, "two detractors: a1 (2) and b1 (6)");
    let a1 = items(&q).iter().find(|i| i["respondent_id"] == "a1").unwrap().clone();
    for key in ["id", "respondent_id", "account", "score", "comment", "status", "owner", "due", "notes"] {
        assert!(a1.get(key).is_some(), "{key} missing from {a1}");
    }
    assert_eq!(
        (a1["account"].as_str(), a1["score"].as_u64(), a1["status"].as_str()),
        (Some("Acme"), Some(2), Some("open"))
    );
    assert!(a1["owner"].is_null() && a1["notes"].as_array().unwrap().is_empty());
    assert_eq!(q["counts"]["open"], 2);

    let id = a1["id"].to_string();
    let set = json(
        &ws,
        &[
            "followups",
            "set",
            &id,
            "--status",
            "contacted",
            "--owner",
            "Dana",
            "--note",
            "Called, will send the roadmap",
            "--format",
            "json",
        ],
    );
    assert_eq!((set["status"].as_str(), set["owner"].as_str()), (Some("contacted"), Some("Dana")));
    assert_eq!(set["notes"][0]["text"], "Called, will send the roadmap");
    assert!(set["first_contact_at"].is_string());

    // Back to open is refused with the allowed moves; the exit status says so.
    let out = npsdesk(&ws, &["followups", "set", &id, "--status", "open"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is contacted; it cannot go to open (it can go to: resolved, won't fix)"), "{err}");
    let out = npsdesk(&ws, &["followups", "set", &id, "--status", "closed"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("a status is open, contacted"));

    // Filters.
    let open = json(&ws, &["followups", "--status", "open", "--format", "json"]);
    assert_eq!(items(&open).iter().map(|i| i["respondent_id"].as_str().unwrap()).collect::<Vec<_>>(), ["b1"]);
    let dana = json(&ws, &["followups", "--owner", "dana", "--format", "json"]);
    assert_eq!(items(&dana).len(), 1);

    // A re-import of the same file keeps the work.
    let out = npsdesk(&ws, &["import", file.to_str().unwrap()]);
    assert!(out.status.success());
    let again = json(&ws, &["followups", "--format", "json"]);
    let a1_again = items(&again).iter().find(|i| i["respondent_id"] == "a1").unwrap();
    assert_eq!(a1_again, &set, "the item is exactly as it was");

    // The table: the human one marks nothing overdue today; CSV neutralises the comment's formula.
    let table = String::from_utf8(npsdesk(&ws, &["followups"]).stdout).unwrap();
    assert!(table.contains("2 follow-ups: 1 open (0 overdue), 1 contacted"), "{table}");
    let csv_path = dir.path().join("queue.csv");
    let out = npsdesk(&ws, &["export", "table", "followups", "--out", csv_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let acme = rows.iter().find(|r| &r[col("respondent_id")] == "a1").unwrap();
    assert!(acme[col("comment")].starts_with("'=HYPERLINK"), "neutralised: {}", &acme[col("comment")]);
    assert_eq!((&acme[col("status")], &acme[col("owner")]), ("contacted", "Dana"));
    assert!(acme[col("notes")].ends_with(": Called, will send the roadmap"));
}

#[test]
fn passives_setting_and_promoter_asks() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.npsdesk");
    let file = export(dir.path(), ROWS);
    assert!(npsdesk(&ws, &["import", file.to_str().unwrap()]).status.success());
    let out = npsdesk(&ws, &["followups", "config", "--passives", "on", "--sla-days", "3"]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("SLA: 3 business day(s) from the import; passives get follow-ups: on"));
    assert_eq!(items(&json(&ws, &["followups", "--format", "json"])).len(), 3, "c1 (8) now too");

    // Promoters with a comment: d1 only (e1 left none).
    let p = json(&ws, &["promoters", "--format", "json"]);
    assert_eq!(items(&p).iter().map(|i| i["respondent_id"].as_str().unwrap()).collect::<Vec<_>>(), ["d1"]);
    let rid = items(&p)[0]["response_id"].to_string();
    let set = json(&ws, &["promoters", "set", &rid, "--ask", "agreed", "--owner", "Sam", "--format", "json"]);
    assert_eq!((set["ask"].as_str(), set["owner"].as_str()), (Some("agreed"), Some("Sam")));
    let agreed = json(&ws, &["promoters", "--ask", "agreed", "--format", "json"]);
    assert_eq!((agreed["matching"].as_u64(), agreed["counts"]["agreed"].as_u64()), (Some(1), Some(1)));
    let none = json(&ws, &["promoters", "--ask", "declined", "--format", "json"]);
    assert_eq!(none["matching"], 0);
}

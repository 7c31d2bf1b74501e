//! Workspace version safety, against the committed files of `tests/schemas/` (one per schema version, built
//! with that version's migrations only: `cargo run -p npsdesk-store --example schema_fixtures`):
//!
//! - every earlier schema opens, is backed up beside itself first, upgrades to the current schema in one
//!   transaction, and reads back the same four respondents (cells, scores, dates, mapping, rules);
//! - a failing migration leaves the file at its old version, with nothing of the new one;
//! - a file of a newer schema is refused with a clear message, and not one byte of it changes.

use std::path::{Path, PathBuf};

use npsdesk_core::ImportProgress;
use npsdesk_import::ImportOptions;
use npsdesk_store::{migration_count, ImportControl, StoreError, Workspace};

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/schemas")
}

/// A private copy of the committed file of `version`.
fn copy_of(version: usize, dir: &Path) -> PathBuf {
    let to = dir.join(format!("w{version}.npsdesk"));
    std::fs::copy(schemas().join(format!("v{version}.sqlite")), &to).unwrap();
    to
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains("-backup-"))
        .collect();
    found.sort();
    found
}

fn user_version(path: &Path) -> i64 {
    npsdesk_store::check_file(path).unwrap().schema_version
}

const NPS: &str = "How likely is it that you would recommend Acme to a friend or colleague?";

/// The four respondents every fixture holds, as written by the example (cells in export order).
fn expected_rows() -> Vec<(String, Vec<String>)> {
    let rows: [[&str; 6]; 4] = [
        ["1001", "01/15/2025 09:30:00 AM", "9", "Great support", "Pro", "Globex"],
        ["1002", "02/20/2025 02:05:00 PM", "3", "Too expensive, \"really\"", "Free", "Initech"],
        ["1003", "03/31/2025 11:59:59 PM", "7", "", "Team", ""],
        ["1004", "", "", "Ünïcødé ✓ — comment\nwith a line break", "Pro", "Globex"],
    ];
    rows.iter().map(|r| (r[0].to_string(), r.iter().map(|c| c.to_string()).collect())).collect()
}

/// Whether each column of `response`'s unique key index is descending.
fn key_index_directions(path: &Path) -> Vec<bool> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let index: String =
        c.query_row("SELECT name FROM pragma_index_list('response') WHERE \"unique\"", [], |r| r.get(0)).unwrap();
    let mut columns = c.prepare("SELECT desc FROM pragma_index_xinfo(?1) WHERE key").unwrap();
    let directions = columns.query_map([index], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
    directions
}

#[test]
fn there_is_a_fixture_for_every_schema_version() {
    for version in 1..=migration_count() {
        let path = schemas().join(format!("v{version}.sqlite"));
        assert!(path.is_file(), "{} is missing: run the schema_fixtures example and commit it", path.display());
        assert_eq!(user_version(&path), version as i64, "{}", path.display());
    }
}

#[test]
fn every_earlier_schema_is_backed_up_then_upgraded_and_reads_the_same() {
    for version in 1..=migration_count() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy_of(version, dir.path());
        let original = npsdesk_store::check_file(&path).unwrap();
        assert!(original.ok, "v{version}: {original:?}");
        let mut ws = Workspace::open(&path).unwrap_or_else(|e| panic!("v{version} does not open: {e}"));

        let made = backups(dir.path());
        if version < migration_count() {
            assert_eq!(made.len(), 1, "v{version}: one backup before migrating: {made:?}");
            let name = made[0].file_name().unwrap().to_string_lossy().into_owned();
            assert!(name.starts_with(&format!("w{version}.schema-{version}-backup-")), "{name}");
            let copy = npsdesk_store::check_file(&made[0]).unwrap();
            assert_eq!(copy.schema_version, version as i64, "the backup is the file as it was");
            assert_eq!(copy.fingerprint, original.fingerprint, "v{version}: the backup holds the same data");
        } else {
            assert!(made.is_empty(), "no backup when nothing is migrated: {made:?}");
        }

        let report = ws.check().unwrap();
        assert!(report.ok, "v{version}: {report:?}");
        assert_eq!(report.schema_version, migration_count() as i64, "v{version} upgraded to the current schema");
        assert_eq!(ws.response_rows(1).unwrap(), expected_rows(), "v{version}: cells");
        let s = ws.survey(1).unwrap();
        assert_eq!((s.name.as_str(), s.responses, s.answered_nps), ("acme_2025", 4, 3), "v{version}");
        assert_eq!(s.nps_column.as_deref(), Some(NPS));
        assert_eq!(
            (s.first_response.as_deref(), s.last_response.as_deref()),
            (Some("2025-01-15T09:30:00"), Some("2025-03-31T23:59:59")),
            "v{version}: dates"
        );
        let mut scores = Vec::new();
        ws.scan_responses(1, &[4], |r| scores.push((r.score, r.values[0].clone()))).unwrap();
        assert_eq!(
            scores,
            [
                (Some(9), Some("Pro".to_string())),
                (Some(3), Some("Free".to_string())),
                (Some(7), Some("Team".to_string())),
                (None, Some("Pro".to_string()))
            ],
            "v{version}: scores and a segment column"
        );
        let account = ws.account_column(1).unwrap();
        let rules = ws.rule_history(Some(1)).unwrap();
        if version >= 2 {
            assert_eq!(account.as_deref(), Some("Custom Data 1"), "v{version}: the remembered account column");
        } else {
            assert_eq!(account, None, "v{version} had no mapping table");
        }
        if version >= 3 {
            assert_eq!(rules.iter().map(|r| r.id).collect::<Vec<_>>(), [2, 1], "v{version}: saved rules");
            assert_eq!(ws.rules_in_use(1).unwrap().unwrap().text, "{\"version\": 1}");
        } else {
            assert!(rules.is_empty(), "v{version} had no rules");
        }

        if version >= 5 {
            // What a person typed outlives every upgrade, `response`'s rebuild (version 8) included.
            let item = ws.followup(2, chrono::NaiveDate::from_ymd_opt(2025, 4, 10).unwrap()).unwrap();
            assert_eq!(
                (item.respondent_id.as_str(), item.owner.as_deref(), item.first_contact_at.as_deref()),
                ("1002", Some("Dana"), Some("2025-04-02T10:30:00")),
                "v{version}: the worked follow-up"
            );
            let log: Vec<&str> = item.events.iter().map(|e| e.text.as_str()).collect();
            assert_eq!(log, ["open → contacted", "Called: pricing worry, sent the annual plan"], "v{version}");
            let asked = ws.promoters(1, &[], 0, None).unwrap();
            let ask: Vec<_> = asked.items.iter().map(|p| (p.respondent_id.as_str(), p.note.as_deref())).collect();
            assert_eq!(ask, [("1001", Some("Case study in May"))], "v{version}: the promoter ask");
        }
        // Since version 8 the respondent-key index is descending (SurveyMonkey's keys arrive newest first).
        assert_eq!(key_index_directions(&path), [false, true], "v{version}: (survey_id, respondent_key DESC)");

        // The upgraded file takes new writes: a rule set, and an import of another survey.
        ws.save_rules(None, "toml", "version = 2\n", Some("after upgrade")).unwrap();
        let csv = dir.path().join("new.csv");
        std::fs::write(&csv, "id,score,why\n1,9,fine\n2,4,slow\n").unwrap();
        let r = ws.import_file(&csv, &ImportOptions::default(), &mut |_: &ImportProgress| ImportControl::Continue);
        assert_eq!(r.unwrap().new, 2, "v{version}");
        assert_eq!(ws.response_rows(1).unwrap(), expected_rows(), "v{version}: the old survey is untouched");
        assert!(ws.check().unwrap().ok);
    }
}

#[test]
fn migrations_run_in_one_transaction_a_failure_leaves_the_old_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of(3, dir.path());
    // Migration 4 adds `survey.cells_format`, then creates `survey_cell_value`: a table of that name already
    // there makes its second statement fail after the first one succeeded.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE survey_cell_value (x)").unwrap();
    }
    let before = npsdesk_store::check_file(&path).unwrap();
    let err = Workspace::open(&path).err().expect("the migration fails");
    assert!(err.to_string().contains("survey_cell_value"), "{err}");
    let after = npsdesk_store::check_file(&path).unwrap();
    assert_eq!(after.schema_version, 3, "still schema 3");
    assert_eq!(after.fingerprint, before.fingerprint, "nothing of migration 4 is left (no cells_format column)");
    assert_eq!(backups(dir.path()).len(), 1, "the backup was made before trying");
}

#[test]
fn a_workspace_of_a_newer_schema_is_refused_and_not_one_byte_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of(migration_count(), dir.path());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", migration_count() as i64 + 1).unwrap();
        c.execute_batch("CREATE TABLE follow_up (id INTEGER PRIMARY KEY, note TEXT)").unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let err = Workspace::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("newer version of npsdesk") && message.contains("not changed"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the file is byte for byte the same");
    assert!(backups(dir.path()).is_empty(), "no backup, no migration");
    let report = npsdesk_store::check_file(&path).unwrap();
    assert!(!report.ok && report.integrity == ["ok"], "check reads it but flags the schema: {report:?}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "check changed nothing either");
}

//! Import into a real workspace file: counts, waves, re-imports, rollback, and every real SurveyMonkey export.

use std::path::{Path, PathBuf};

use npsdesk_import::ImportOptions;
use npsdesk_store::{ImportControl, StoreError, Workspace};

fn shared() -> PathBuf {
    std::env::var_os("NPSDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn go_on(_: &npsdesk_core::ImportProgress) -> ImportControl {
    ImportControl::Continue
}

const HEADER: &str = "\u{feff}Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,What is the primary reason for your score?,Which plan are you on?\r\n,,,,,,,,,Response,Open-Ended Response,Response\r\n";

fn row(id: u64, end: &str, score: &str, comment: &str, plan: &str) -> String {
    format!("{id},400,{end},{end},1.2.3.4,,,,Acme Inc.,{score},\"{}\",{plan}\r\n", comment.replace('"', "\"\""))
}

fn write(dir: &Path, name: &str, rows: &[String]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{HEADER}{}", rows.concat())).unwrap();
    p
}

fn snapshot(ws: &Workspace) -> Vec<(String, Vec<String>)> {
    ws.surveys().unwrap().iter().flat_map(|s| ws.response_rows(s.id).unwrap()).collect()
}

#[test]
fn first_wave_then_same_file_again_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "wave1.csv",
        &[
            row(1, "01/05/2025 10:00:00 AM", "Extremely likely - 10", "Great, \"really\"\nsecond line", "Pro"),
            row(2, "01/06/2025 11:00:00 AM", "Not at all likely - 0", "Too slow", "Free"),
            row(3, "02/01/2025 09:30:00 PM", "", "", "Free"),
        ],
    );
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    let r = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
    assert_eq!((r.rows_read, r.new, r.updated, r.unchanged), (3, 3, 0, 0), "{r:?}");
    assert!(r.created_survey);
    assert_eq!(
        r.nps_column.as_deref(),
        Some("How likely is it that you would recommend Acme to a friend or colleague?")
    );
    assert_eq!(r.comment_column.as_deref(), Some("What is the primary reason for your score?"));
    let s = ws.survey(r.survey_id).unwrap();
    assert_eq!((s.responses, s.answered_nps), (3, 2), "the empty NPS answer is stored but not answered");
    assert_eq!(s.first_response.as_deref(), Some("2025-01-05T10:00:00"));
    assert_eq!(s.last_response.as_deref(), Some("2025-02-01T21:30:00"), "PM is 21h");

    // Nothing of the export is lost: every cell comes back in order, the comment with its newline and quotes.
    let rows = ws.response_rows(r.survey_id).unwrap();
    assert_eq!(rows[0].1.len(), 12);
    assert_eq!(rows[0].1[10], "Great, \"really\"\nsecond line");
    assert_eq!(rows[0].1[9], "Extremely likely - 10");

    let again = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
    assert_eq!((again.rows_read, again.new, again.updated, again.unchanged), (3, 0, 0, 3), "{again:?}");
    assert!(!again.created_survey);
    assert_eq!(ws.survey(r.survey_id).unwrap().responses, 3);
}

#[test]
fn a_later_wave_adds_new_respondents_and_keeps_the_later_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    let w1 = write(
        dir.path(),
        "w1.csv",
        &[
            row(1, "01/05/2025 10:00:00 AM", "3", "meh", "Pro"),
            row(2, "01/06/2025 10:00:00 AM", "8", "ok", "Pro"),
            row(3, "01/07/2025 10:00:00 AM", "9", "good", "Pro"),
        ],
    );
    let w2 = write(
        dir.path(),
        "w2.csv",
        &[
            row(1, "04/05/2025 10:00:00 AM", "10", "much better now", "Pro"), // later: replaces
            row(2, "01/01/2025 10:00:00 AM", "0", "older copy", "Pro"),       // earlier: ignored
            row(3, "01/07/2025 10:00:00 AM", "9", "good", "Pro"),             // same
            row(4, "04/09/2025 10:00:00 AM", "6", "new person", "Free"),      // new
        ],
    );
    ws.import_file(&w1, &ImportOptions::default(), &mut go_on).unwrap();
    let r = ws.import_file(&w2, &ImportOptions::default(), &mut go_on).unwrap();
    assert_eq!((r.rows_read, r.new, r.updated, r.unchanged), (4, 1, 1, 2), "{r:?}");
    let rows = ws.response_rows(r.survey_id).unwrap();
    let by_id = |id: &str| rows.iter().find(|(k, _)| k == id).unwrap().1.clone();
    assert_eq!(by_id("1")[9], "10", "respondent 1's later answer replaced the earlier one");
    assert_eq!(by_id("2")[9], "8", "respondent 2's older copy did not overwrite");
    assert_eq!(rows.len(), 4);
}

#[test]
fn malformed_rows_are_reported_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open_in_memory().unwrap();
    let mut rows = vec![
        row(1, "01/05/2025 10:00:00 AM", "9", "multi\nline\ncomment", "Pro"), // lines 3–5
        row(2, "01/05/2025 10:00:00 AM", "maybe", "", "Pro"),                 // line 6: bad score
        "3,400,01/05/2025 10:00:00 AM\r\n".to_string(),                       // line 7: short row
    ];
    rows.push(row(4, "01/05/2025 10:00:00 AM", "7", "", "Pro"));
    let file = write(dir.path(), "bad.csv", &rows);
    let r = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
    assert_eq!((r.rows_read, r.new), (4, 2));
    assert_eq!(r.skipped.len(), 2);
    assert_eq!(r.skipped[0].line, 6);
    assert!(r.skipped[0].reason.contains("\"maybe\""), "{}", r.skipped[0].reason);
    assert_eq!(r.skipped[1].line, 7);
    assert!(r.skipped[1].reason.contains("3 fields"), "{}", r.skipped[1].reason);
}

#[test]
fn a_cancelled_import_leaves_the_workspace_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.npsdesk");
    let mut ws = Workspace::open(&path).unwrap();
    let first = write(dir.path(), "first.csv", &[row(1, "01/05/2025 10:00:00 AM", "9", "hi", "Pro")]);
    ws.import_file(&first, &ImportOptions::default(), &mut go_on).unwrap();
    let before = snapshot(&ws);
    let version = ws.data_version().unwrap();

    // A second wave of 12,000 rows (one update of respondent 1 among them), cancelled after 10,000 rows.
    let many: Vec<String> = (1..=12_000).map(|i| row(i, "03/05/2025 10:00:00 AM", "5", "x", "Free")).collect();
    let big = write(dir.path(), "big.csv", &many);
    let mut seen = 0;
    let err = ws
        .import_file(&big, &ImportOptions::default(), &mut |p| {
            seen = p.rows_read;
            if p.rows_read >= 10_000 {
                ImportControl::Cancel
            } else {
                ImportControl::Continue
            }
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Cancelled), "{err}");
    assert_eq!(seen, 10_000);
    drop(ws);
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(snapshot(&ws), before, "no row of the cancelled import is visible");
    assert_eq!(ws.data_version().unwrap(), version, "no import record was left behind");
}

/// The journal files beside `path` while an import runs: (rollback journal seen, WAL seen).
fn journals_seen(ws: &mut Workspace, path: &Path, file: &Path, cancel_at: Option<u32>) -> ((bool, bool), bool) {
    let (journal, wal) =
        (PathBuf::from(format!("{}-journal", path.display())), PathBuf::from(format!("{}-wal", path.display())));
    let mut seen = (false, false);
    let result = ws.import_file(file, &ImportOptions::default(), &mut |p| {
        seen.0 |= journal.exists();
        seen.1 |= wal.exists();
        match cancel_at {
            Some(n) if p.rows_read >= n => ImportControl::Cancel,
            _ => ImportControl::Continue,
        }
    });
    (seen, result.is_ok())
}

/// An export of 12,000 responses (enough rows for a few progress calls while the import writes).
fn twelve_thousand_rows(dir: &Path) -> PathBuf {
    let many: Vec<String> = (1..=12_000).map(|i| row(i, "03/05/2025 10:00:00 AM", "5", "x", "Free")).collect();
    write(dir, "many.csv", &many)
}

fn journal_mode(path: &Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    c.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap()
}

#[test]
fn a_first_import_into_an_empty_workspace_goes_through_a_rollback_journal_and_later_ones_through_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.npsdesk");
    let many = |from: u64, n: u64| -> Vec<String> {
        (from..from + n).map(|i| row(i, "03/05/2025 10:00:00 AM", &(i % 11).to_string(), "x", "Free")).collect()
    };
    let first = write(dir.path(), "first.csv", &many(1, 12_000));
    let mut ws = Workspace::open(&path).unwrap();
    let ((journal, _), ok) = journals_seen(&mut ws, &path, &first, None);
    assert!(ok && journal, "the first import writes through a rollback journal");
    assert!(!Path::new(&format!("{}-journal", path.display())).exists(), "no journal is left after the commit");
    drop(ws);
    assert_eq!(journal_mode(&path), "wal", "the file is back in WAL");

    // The workspace holds responses now: the next import (another survey) goes through the WAL.
    let other = dir.path().join("other.csv");
    let text = std::fs::read_to_string(&first).unwrap().replace("Which plan are you on?", "Which region?");
    std::fs::write(&other, text).unwrap();
    let mut ws = Workspace::open(&path).unwrap();
    let ((journal, wal), ok) = journals_seen(&mut ws, &path, &other, None);
    assert!(ok && !journal && wal, "a later import writes through the WAL (journal {journal}, WAL {wal})");
    assert_eq!(ws.surveys().unwrap().len(), 2);
    assert_eq!(ws.surveys().unwrap().iter().map(|s| s.responses).sum::<u32>(), 24_000);
}

#[test]
fn a_cancelled_first_import_leaves_the_workspace_empty_and_in_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.npsdesk");
    let big = twelve_thousand_rows(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    let version = ws.data_version().unwrap();
    let ((journal, _), ok) = journals_seen(&mut ws, &path, &big, Some(10_000));
    assert!(journal && !ok, "cancelled while writing through the rollback journal");
    drop(ws);
    assert_eq!(journal_mode(&path), "wal");
    let ws = Workspace::open(&path).unwrap();
    assert!(ws.surveys().unwrap().is_empty(), "nothing of the cancelled import is left");
    assert_eq!(ws.data_version().unwrap(), version);
    assert_eq!(ws.check().unwrap().integrity, ["ok"]);
}

#[test]
fn a_first_import_while_another_connection_has_the_workspace_open_goes_through_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.npsdesk");
    let file = twelve_thousand_rows(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    // A reader, as the window keeps one while a CLI imports: it must not be locked out.
    let reader = Workspace::open(&path).unwrap();
    assert!(reader.surveys().unwrap().is_empty());
    let ((journal, wal), ok) = journals_seen(&mut ws, &path, &file, None);
    assert!(ok && !journal && wal, "journal {journal}, WAL {wal}");
    assert_eq!(reader.surveys().unwrap()[0].responses, 12_000, "the reader sees the commit");
}

#[test]
fn a_missing_or_empty_file_is_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let e = ws.import_file(&empty, &ImportOptions::default(), &mut go_on).unwrap_err().to_string();
    assert!(e.contains("empty"), "{e}");
    let e =
        ws.import_file(&dir.path().join("nope.csv"), &ImportOptions::default(), &mut go_on).unwrap_err().to_string();
    assert!(e.contains("nope.csv"), "{e}");
    assert!(ws.surveys().unwrap().is_empty());
}

/// (file, header rows, data rows, columns) pinned by reading each file with Python's csv module
/// (and openpyxl-equivalent row counts for the workbook), see SOURCES.md.
const REAL_SURVEYMONKEY: &[(&str, usize, u32, usize)] = &[
    ("Church-Army__monkeyreadr__test-responses.csv", 2, 16, 20),
    ("ajturner__dc-elections__2022_anc.csv", 2, 172, 41),
    ("fivethirtyeight__data__MIDWEST.csv", 2, 2778, 53),
    ("fivethirtyeight__data__StarWars.csv", 2, 1186, 38),
    ("fivethirtyeight__data__religion-survey-results.csv", 2, 1039, 48),
    ("fivethirtyeight__data__sleeping-alone-data.csv", 2, 1093, 31),
    ("fivethirtyeight__data__steak-risk-survey.csv", 2, 550, 15),
    ("fivethirtyeight__data__thanksgiving-2015-poll-data.csv", 1, 1058, 65),
    ("kshashank03__Survey-Monkey-Tutorial__Data_-_Survey_Monkey_Output.xlsx", 2, 198, 100),
];

#[test]
fn every_real_surveymonkey_export_imports_without_error() {
    let dir = shared().join("fixtures/real/surveymonkey");
    assert!(dir.is_dir(), "the real fixtures are expected at {} (set NPSDESK_SHARED)", dir.display());
    let listed: usize = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(listed, REAL_SURVEYMONKEY.len(), "a fixture was added or removed: pin it here");
    for &(name, header_rows, rows, columns) in REAL_SURVEYMONKEY {
        let mut ws = Workspace::open_in_memory().unwrap();
        let r = ws
            .import_file(&dir.join(name), &ImportOptions::default(), &mut go_on)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = ws.survey(r.survey_id).unwrap();
        assert_eq!(r.rows_read, rows, "{name}: rows read");
        assert!(r.skipped.is_empty(), "{name}: skipped {:?}", &r.skipped[..r.skipped.len().min(3)]);
        assert_eq!(s.responses, rows, "{name}: every row is stored");
        assert_eq!(s.columns.len(), columns, "{name}: columns");
        assert_eq!(r.source, "surveymonkey", "{name}: metadata or sub-label row says SurveyMonkey");
        assert_eq!(r.header_rows as usize, header_rows, "{name}: header rows");
        assert_eq!(r.nps_column, None, "{name} has no 0–10 recommend question");
        assert!(r.warnings.iter().any(|w| w.contains("without NPS")), "{name}: says it has no NPS");
    }
}

#[test]
fn mac_roman_bytes_in_a_real_export_are_decoded_and_reported() {
    let file = shared().join("fixtures/real/surveymonkey/fivethirtyeight__data__StarWars.csv");
    let mut ws = Workspace::open_in_memory().unwrap();
    let r = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
    assert!(r.encoding.contains("Mac Roman"), "{}", r.encoding);
    assert!(r.warnings.iter().any(|w| w.contains("not valid UTF-8")), "{:?}", r.warnings);
    let s = ws.survey(r.survey_id).unwrap();
    assert!(s.columns.iter().all(|c| !c.name.contains('\u{fffd}')), "no replacement characters in names");
}

#[test]
fn the_same_responses_in_four_encodings_and_delimiters_import_alike() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut seen = Vec::new();
    for (name, encoding) in [
        ("sm_label_last_crlf.csv", "UTF-8"),
        ("sm_utf16le_tab.txt", "UTF-16LE (BOM)"),
        ("sm_utf16be_tab.txt", "UTF-16BE (BOM)"),
        ("sm_semicolon_cp1252.csv", "Windows-1252"),
    ] {
        let mut ws = Workspace::open_in_memory().unwrap();
        let r = ws.import_file(&dir.join(name), &ImportOptions::default(), &mut go_on).unwrap();
        assert!(r.encoding.contains(encoding), "{name}: {}", r.encoding);
        assert_eq!((r.rows_read, r.new, r.skipped.len()), (6, 6, 0), "{name}: {r:?}");
        assert_eq!(r.header_rows, 2, "{name}");
        assert_eq!(r.nps_column.as_deref(), Some("How likely are you to recommend us to a colleague?"), "{name}");
        let rows = ws.response_rows(r.survey_id).unwrap();
        // 10 − 0 − 7 − 9 − (empty) − 6: promoters 101, 104; detractors 102, 106.
        assert_eq!(rows[0].1[4], "10 - Extremely likely", "{name}");
        assert_eq!(rows[1].1[5], "Trop cher;\nà revoir", "{name}: accents and the quoted newline survive");
        let s = ws.survey(r.survey_id).unwrap();
        assert_eq!((s.responses, s.answered_nps), (6, 5), "{name}");
        assert_eq!(s.first_response.as_deref(), Some("2025-03-01T09:05:00"), "{name}: End Date is the response date");
        seen.push(rows.iter().map(|(_, cells)| cells[..5].to_vec()).collect::<Vec<_>>());
    }
    assert_eq!(seen[0], seen[1], "UTF-8 and UTF-16 give the same cells");
    assert_eq!(seen[0], seen[2], "UTF-8 and UTF-16 big-endian give the same cells");
    assert_eq!(seen[0], seen[3], "semicolon/Windows-1252 gives the same cells");
}

/// A table whose first 2,500 dates all have day and month ≤ 12, then one `13/03/2025`: only the whole column
/// tells that the dates are day-first.
fn late_day_first_export(dir: &Path) -> PathBuf {
    let mut csv = String::from("id,answered,score,why\n");
    for i in 0..2500 {
        // 01/02/2025 … 12/12/2025: ambiguous in both orders.
        csv.push_str(&format!("r{i},{:02}/{:02}/2025,{},ok\n", i % 12 + 1, i / 12 % 12 + 1, i % 11));
    }
    csv.push_str("late,13/03/2025,9,fine\n");
    let file = dir.join("late_day_first.csv");
    std::fs::write(&file, csv).unwrap();
    file
}

#[test]
fn the_date_order_is_decided_by_the_whole_column_not_the_first_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = late_day_first_export(dir.path());
    let mut ws = Workspace::open_in_memory().unwrap();
    let options = ImportOptions {
        nps_column: Some("score".into()),
        date_column: Some("answered".into()),
        id_column: Some("id".into()),
        ..Default::default()
    };
    let r = ws.import_file(&file, &options, &mut go_on).unwrap();
    assert_eq!((r.rows_read, r.new), (2501, 2501), "{r:?}");
    assert!(
        r.warnings.iter().any(|w| w.contains("day-first") && w.contains("line 2502") && w.contains("read twice")),
        "{:?}",
        r.warnings
    );
    // Read day-first from the first row on: 01/01 … and the latest is 13 March, not an unreadable date.
    let s = ws.survey(r.survey_id).unwrap();
    assert_eq!(s.first_response.as_deref(), Some("2025-01-01T00:00:00"));
    assert_eq!(s.last_response.as_deref(), Some("2025-12-12T00:00:00"));
    // Row r1 ("02/01/2025") is 2 January day-first (1 February month-first), and every date was read.
    let (mut dated, mut r1) = (0, None);
    ws.scan_responses(r.survey_id, &[], |row| {
        dated += i32::from(row.responded_at.is_some());
        if row.respondent_key == "r1" {
            r1 = row.responded_at;
        }
    })
    .unwrap();
    assert_eq!(dated, 2501);
    let jan2 = chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    assert_eq!(r1, Some(jan2));

    // Given explicitly, the order is used as is: month-first makes the late value unreadable (an undated row).
    let mut ws = Workspace::open_in_memory().unwrap();
    let forced = ImportOptions { date_order: Some(npsdesk_import::DateOrder::MonthFirst), ..options };
    let r = ws.import_file(&file, &forced, &mut go_on).unwrap();
    assert!(!r.warnings.iter().any(|w| w.contains("read twice")), "{:?}", r.warnings);
}

//! Writes one small workspace file per schema version into a folder (the committed copies live in
//! `tests/schemas/`, read by `crates/npsdesk-store/tests/schemas.rs`):
//!
//!     cargo run -p npsdesk-store --example schema_fixtures -- tests/schemas
//!
//! Each file is built the way that release wrote it: the migration SQL of versions 1..=N only, then the same
//! four respondents inserted with the columns that schema had (format 1 cells before version 4, the coded
//! format 2 at version 4). Run it once when a migration is added, and commit only the new version's file:
//! the files of earlier versions must never change.

use std::path::{Path, PathBuf};

use npsdesk_store::pack::{self, CellCoder};
use rusqlite::{params, Connection};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/20261123090000_initial.sql"),
    include_str!("../migrations/20261124090000_survey_mapping.sql"),
    include_str!("../migrations/20261124100000_rule_set.sql"),
    include_str!("../migrations/20261125090000_cell_values.sql"),
    include_str!("../migrations/20261126090000_followups.sql"),
    // Version 6 adds the frame copy (derived data): the fixture leaves it empty, as a file whose survey came
    // from a later wave would be.
    include_str!("../migrations/20261127090000_frame_cache.sql"),
    // Version 7 rebuilds the (still empty) frame copy with a chunk number.
    include_str!("../migrations/20261128090000_frame_cache_chunks.sql"),
    // Version 8 rebuilds `response` with its respondent-key index descending (same rows, same ids).
    include_str!("../migrations/20261129090000_response_key_desc.sql"),
];

const NPS: &str = "How likely is it that you would recommend Acme to a friend or colleague?";
const WHY: &str = "What is the primary reason for your score?";
const PLAN: &str = "Which plan are you on?";

/// (respondent id, End Date, its epoch (naive local time), score, score cell, comment, plan).
type Respondent = (&'static str, &'static str, Option<i64>, Option<u8>, &'static str, &'static str, &'static str);

const RESPONDENTS: &[Respondent] = &[
    ("1001", "01/15/2025 09:30:00 AM", Some(1_736_933_400), Some(9), "9", "Great support", "Pro"),
    ("1002", "02/20/2025 02:05:00 PM", Some(1_740_060_300), Some(3), "3", "Too expensive, \"really\"", "Free"),
    ("1003", "03/31/2025 11:59:59 PM", Some(1_743_465_599), Some(7), "7", "", "Team"),
    ("1004", "", None, None, "", "Ünïcødé ✓ — comment\nwith a line break", "Pro"),
];
const ACCOUNTS: &[&str] = &["Globex", "Initech", "", "Globex"];

fn cells(i: usize) -> Vec<String> {
    let (id, date, _, _, score, comment, plan) = RESPONDENTS[i];
    [id, date, score, comment, plan, ACCOUNTS[i]].iter().map(|s| s.to_string()).collect()
}

fn write(version: usize, path: &Path) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(path);
    let c = Connection::open(path)?;
    // The page size and journal of a file as the first release made it; DELETE keeps it one file.
    c.pragma_update(None, "page_size", 4096)?;
    c.pragma_update(None, "journal_mode", "DELETE")?;
    for sql in &MIGRATIONS[..version] {
        c.execute_batch(sql)?;
    }
    c.pragma_update(None, "user_version", version as i64)?;
    let format = if version >= 4 { pack::FORMAT_CODED } else { pack::FORMAT_INLINE };
    c.execute(
        "INSERT INTO survey (id, name, source, signature, header_rows, id_position, date_position, nps_position,
                             comment_position, created_at)
         VALUES (1, 'acme_2025', 'surveymonkey', 'fixture-signature', 2, 0, 1, 2, 3, '2025-04-01 08:00:00')",
        [],
    )?;
    if version >= 4 {
        c.execute("UPDATE survey SET cells_format = ?1 WHERE id = 1", [format])?;
    }
    let columns = [
        (0, "Respondent ID", None, "Respondent ID", "respondent_id"),
        (1, "End Date", None, "End Date", "end_date"),
        (2, NPS, Some("Response"), NPS, "nps"),
        (3, WHY, Some("Open-Ended Response"), WHY, "comment"),
        (4, PLAN, Some("Response"), PLAN, "segment"),
        (5, "Custom Data 1", None, "Custom Data 1", "metadata"),
    ];
    for (position, question, sub_label, name, role) in columns {
        c.execute(
            "INSERT INTO survey_column (survey_id, position, question, sub_label, name, role) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![position, question, sub_label, name, role],
        )?;
    }
    c.execute(
        "INSERT INTO import (id, survey_id, file_name, file_size, encoding, imported_at, rows_read, new, updated,
                             unchanged, skipped, report)
         VALUES (1, 1, 'acme_2025.csv', 1234, 'UTF-8 (BOM)', '2025-04-01 08:00:00', 4, 4, 0, 0, 0, '{}')",
        [],
    )?;
    let mut coder = CellCoder::new(Vec::new(), vec![false, false, false, false, true, true], Some(0));
    for (i, (id, _, at, score, _, comment, _)) in RESPONDENTS.iter().enumerate() {
        let mut blob = Vec::new();
        let row = cells(i);
        if format == pack::FORMAT_CODED {
            coder.pack_append(row.iter().map(String::as_str), Some(3), id, &mut blob);
        } else {
            pack::pack(&row, Some(3), &mut blob);
        }
        let comment = Some(*comment).filter(|c| !c.is_empty());
        c.execute(
            "INSERT INTO response (survey_id, respondent_key, responded_at, score, comment, cells, import_id)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, 1)",
            params![id, at, score, comment, blob],
        )?;
    }
    if format == pack::FORMAT_CODED {
        for (code, value) in coder.added() {
            c.execute(
                "INSERT INTO survey_cell_value (survey_id, code, value) VALUES (1, ?1, ?2)",
                params![code, value],
            )?;
        }
    }
    if version >= 2 {
        c.execute(
            "INSERT INTO survey_mapping (survey_id, account_position, nps_scale, date_order) VALUES (1, 5, NULL, 'month-first')",
            [],
        )?;
    }
    if version >= 3 {
        c.execute_batch(
            "INSERT INTO rule_set (id, survey_id, format, text, note, saved_at) VALUES
                 (1, NULL, 'toml', 'version = 1\n', 'workspace rules', '2025-04-02T08:00:00Z'),
                 (2, 1, 'json', '{\"version\": 1}', NULL, '2025-04-03T08:00:00Z');",
        )?;
    }
    if version >= 5 {
        // Respondent 1002 (a 3) has a worked follow-up; 1001 (a 9) was asked for a testimonial.
        c.execute_batch(
            "INSERT INTO followup (response_id, survey_id, created_at, score_at_creation, status, owner, due,
                                   outcome, first_contact_at)
                 VALUES (2, 1, '2025-04-01T09:00:00', 3, 'contacted', 'Dana', '2025-04-03', NULL,
                         '2025-04-02T10:30:00');
             INSERT INTO followup_event (followup_id, at, kind, text) VALUES
                 (2, '2025-04-02T10:30:00', 'status', 'open → contacted'),
                 (2, '2025-04-02T10:31:00', 'note', 'Called: pricing worry, sent the annual plan');
             INSERT INTO promoter_ask (response_id, ask, owner, note, updated_at)
                 VALUES (1, 'agreed', 'Sam', 'Case study in May', '2025-04-05T12:00:00');
             INSERT INTO account_info (id, name, renewal_date, arr, owner, imported_at)
                 VALUES ('ACC-1', 'Globex', '2025-09-30', 120000.0, 'Dana', '2025-04-01T08:00:00');",
        )?;
    }
    c.execute_batch("VACUUM")?;
    Ok(())
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "tests/schemas".into()));
    std::fs::create_dir_all(&dir).unwrap();
    for version in 1..=MIGRATIONS.len() {
        let path = dir.join(format!("v{version}.sqlite"));
        write(version, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("wrote {}", path.display());
    }
}

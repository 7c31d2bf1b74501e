//! Import of one export file into the workspace, as one transaction.
//!
//! Waves: a response is keyed by (survey, respondent key). Re-importing the same file changes nothing; a
//! later export of the same survey adds new respondents, and for a respondent already present keeps the row
//! with the later response date. Counting: `new` from the row count before/after, `updated` from the
//! statement's change count minus `new`, `unchanged` for the rest.

use std::path::Path;
use std::time::Instant;

use npsdesk_core::{ColumnRole, ImportProgress, ImportReport, SkippedRow};
use npsdesk_import::{ExportReader, ImportOptions, RowOutcome};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::{pack, Result, StoreError, Workspace};

/// How often progress is reported (and cancellation checked), in rows.
const PROGRESS_EVERY: u32 = 5000;

/// Returned by the progress callback: go on, or stop and roll everything back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportControl {
    Continue,
    Cancel,
}

impl Workspace {
    /// Imports `path` into the workspace. `progress` is called every few thousand rows; returning
    /// [`ImportControl::Cancel`] rolls the whole import back ([`StoreError::Cancelled`]).
    pub fn import_file(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(&ImportProgress) -> ImportControl,
    ) -> Result<ImportReport> {
        let started = Instant::now();
        let mut reader = ExportReader::open(path, options)?;
        let file = path.display().to_string();
        let tx = self.conn.transaction()?;
        let (survey_id, survey_name, created) = find_or_create_survey(&tx, &mut reader, path, options)?;
        let layout = reader.layout().clone();
        let comment_pos = layout.comment;

        tx.execute(
            "INSERT INTO import (survey_id, file_name, file_size, encoding, imported_at, rows_read, new, updated, unchanged, skipped, report)
             VALUES (?1, ?2, ?3, '', datetime('now'), 0, 0, 0, 0, 0, '{}')",
            params![survey_id, file, reader.file_size() as i64],
        )?;
        let import_id = tx.last_insert_rowid();
        let count = |tx: &Transaction| -> Result<u32> {
            Ok(tx.query_row("SELECT count(*) FROM response WHERE survey_id = ?1", [survey_id], |r| r.get(0))?)
        };
        let before = count(&tx)?;

        let mut rows_read = 0u32;
        let mut accepted = 0u32;
        let mut changed = 0u32;
        let mut skipped: Vec<SkippedRow> = Vec::new();
        {
            // A later End Date wins; an undated stored row loses to a dated one.
            let mut upsert = tx.prepare(
                "INSERT INTO response (survey_id, respondent_key, responded_at, score, comment, cells, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (survey_id, respondent_key) DO UPDATE SET
                     responded_at = excluded.responded_at, score = excluded.score, comment = excluded.comment,
                     cells = excluded.cells, import_id = excluded.import_id
                 WHERE excluded.responded_at > response.responded_at
                    OR (response.responded_at IS NULL AND excluded.responded_at IS NOT NULL)",
            )?;
            let mut blob = Vec::with_capacity(512);
            while let Some(outcome) = reader.next_row() {
                rows_read += 1;
                match outcome? {
                    RowOutcome::Row(row) => {
                        pack::pack(&row.cells, comment_pos, &mut blob);
                        let comment = comment_pos.map(|p| row.cells[p].as_str()).filter(|c| !c.trim().is_empty());
                        changed += upsert.execute(params![
                            survey_id,
                            row.respondent_key,
                            row.responded_at.map(|d| d.and_utc().timestamp()),
                            row.score.map(|s| s.value()),
                            comment,
                            blob,
                            import_id
                        ])? as u32;
                        accepted += 1;
                    }
                    RowOutcome::Skipped(s) => skipped.push(s),
                }
                if rows_read.is_multiple_of(PROGRESS_EVERY) {
                    let p = ImportProgress {
                        file: file.clone(),
                        rows_read,
                        bytes_read: reader.bytes_read(),
                        bytes_total: reader.file_size(),
                    };
                    if progress(&p) == ImportControl::Cancel {
                        return Err(StoreError::Cancelled);
                    }
                }
            }
        }
        let after = count(&tx)?;
        let new = after - before;
        let updated = changed - new;
        let report = ImportReport {
            file: file.clone(),
            survey_id,
            survey_name,
            created_survey: created,
            source: layout.source.to_string(),
            encoding: reader.encoding(),
            header_rows: layout.header_rows as u32,
            nps_column: layout.column_name(layout.nps),
            comment_column: layout.column_name(layout.comment),
            rows_read,
            new,
            updated,
            unchanged: accepted - changed,
            skipped,
            warnings: reader.warnings(),
            elapsed_ms: started.elapsed().as_millis() as u64,
        };
        tx.execute(
            "UPDATE import SET encoding = ?2, rows_read = ?3, new = ?4, updated = ?5, unchanged = ?6, skipped = ?7, report = ?8
             WHERE id = ?1",
            params![
                import_id,
                report.encoding,
                report.rows_read,
                report.new,
                report.updated,
                report.unchanged,
                report.skipped.len() as u32,
                serde_json::to_string(&report).unwrap_or_default()
            ],
        )?;
        progress(&ImportProgress { file, rows_read, bytes_read: reader.file_size(), bytes_total: reader.file_size() });
        tx.commit()?;
        Ok(report)
    }
}

/// The survey this file is a wave of (same header rows), or a new one named after the file.
///
/// A later wave is read with the mapping remembered from the first one (NPS and comment columns), so every
/// wave is counted alike; an override that contradicts the remembered mapping is refused rather than mixing
/// two meanings of "score" in one survey.
fn find_or_create_survey(
    tx: &Transaction,
    reader: &mut ExportReader,
    path: &Path,
    options: &ImportOptions,
) -> Result<(i64, String, bool)> {
    type Existing = (i64, String, Option<i64>, Option<i64>);
    let existing: Option<Existing> = tx
        .query_row(
            "SELECT id, name, nps_position, comment_position FROM survey WHERE signature = ?1",
            [&reader.layout().signature],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((id, name, nps, comment)) = existing {
        let nps = nps.map(|p| p as usize);
        let comment = comment.map(|p| p as usize);
        let layout = reader.layout();
        let contradicts = |given: &Option<String>, detected: Option<usize>, stored: Option<usize>| {
            given.is_some() && detected != stored
        };
        if contradicts(&options.nps_column, layout.nps, nps)
            || contradicts(&options.comment_column, layout.comment, comment)
        {
            return Err(StoreError::MappingConflict {
                survey: name,
                nps: layout.column_name(nps),
                comment: layout.column_name(comment),
            });
        }
        reader.use_mapping(nps, comment);
        return Ok((id, name, false));
    }
    let layout = reader.layout();
    let name = path.file_stem().map_or_else(|| "Survey".to_string(), |s| s.to_string_lossy().into_owned());
    tx.execute(
        "INSERT INTO survey (name, source, signature, header_rows, id_position, date_position, nps_position, comment_position, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, datetime('now'))",
        params![
            name,
            layout.source,
            layout.signature,
            layout.header_rows as i64,
            layout.respondent_id.map(|p| p as i64),
            layout.date.map(|p| p as i64),
            layout.nps.map(|p| p as i64),
            layout.comment.map(|p| p as i64),
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut insert = tx.prepare("INSERT INTO survey_column (survey_id, position, question, sub_label, name, role) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for c in &layout.columns {
        let role = if Some(c.position) == layout.date && c.role == ColumnRole::Segment {
            ColumnRole::Metadata
        } else {
            c.role
        };
        insert.execute(params![id, c.position as i64, c.question, c.sub_label, c.name, role.as_str()])?;
    }
    Ok((id, name, true))
}

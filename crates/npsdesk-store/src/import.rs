//! Import of one export file into the workspace, as one transaction.
//!
//! Waves: a response is keyed by (survey, respondent key). Re-importing the same file changes nothing; a
//! later export of the same survey adds new respondents, and for a respondent already present keeps the row
//! with the later response date. Counting: `new` from the row count before/after, `updated` from the
//! statement's change count minus `new`, `unchanged` for the rest.

use std::path::Path;
use std::time::Instant;

use npsdesk_core::{ColumnRole, ColumnWarning, ImportProgress, ImportReport, SkippedRow};
use npsdesk_import::{DateOrder, ExportReader, ImportOptions, Mapping, NpsScale, RowOutcome};
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
        let (dropped_test, dropped_unfinished) = reader.dropped();
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
            delimiter: reader.delimiter().map(str::to_string),
            date_order: layout.date.map(|_| reader.date_evidence().order.as_str().to_string()),
            dropped_test_rows: dropped_test as u32,
            dropped_unfinished_rows: dropped_unfinished as u32,
            column_warnings: reader
                .column_warnings()
                .into_iter()
                .map(|(column, message)| ColumnWarning { column, message })
                .collect(),
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
/// A later wave is read with the mapping remembered from the first one (id, date, NPS, comment and account
/// columns, the NPS scale, the date order), so every wave is counted alike and imports without flags; a flag
/// that contradicts the remembered mapping is refused rather than mixing two meanings of "score" in one
/// survey. Only the account column may be changed by a later wave (it changes no stored value).
fn find_or_create_survey(
    tx: &Transaction,
    reader: &mut ExportReader,
    path: &Path,
    options: &ImportOptions,
) -> Result<(i64, String, bool)> {
    type Existing = (i64, String, [Option<i64>; 5], Option<String>, Option<String>);
    let existing: Option<Existing> = tx
        .query_row(
            "SELECT s.id, s.name, s.id_position, s.date_position, s.nps_position, s.comment_position,
                    m.account_position, m.nps_scale, m.date_order
             FROM survey s LEFT JOIN survey_mapping m ON m.survey_id = s.id WHERE s.signature = ?1",
            [&reader.layout().signature],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?],
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .optional()?;
    if let Some((id, name, positions, scale, date_order)) = existing {
        let [id_pos, date, nps, comment, account] = positions.map(|p| p.map(|p| p as usize));
        let stored = Mapping { id: id_pos, date, nps, comment, account };
        let layout = reader.layout();
        let checks = [
            ("--nps-column", &options.nps_column, layout.nps, stored.nps),
            ("--comment-column", &options.comment_column, layout.comment, stored.comment),
            ("--id-column", &options.id_column, layout.respondent_id, stored.id),
            ("--date-column", &options.date_column, layout.date, stored.date),
        ];
        for (flag, given, detected, remembered) in checks {
            if given.is_some() && detected != remembered {
                return Err(StoreError::MappingConflict {
                    survey: name,
                    flag,
                    stored: layout.column_name(remembered).map_or_else(|| "no column".into(), |c| format!("{c:?}")),
                });
            }
        }
        let stored_scale = scale.as_deref().and_then(NpsScale::parse);
        if let (Some(given), Some(remembered)) = (options.nps_scale, stored_scale) {
            if given != remembered {
                return Err(StoreError::MappingConflict {
                    survey: name,
                    flag: "--nps-scale",
                    stored: remembered.as_str().to_string(),
                });
            }
        }
        let account = if options.account_column.is_some() { layout.account } else { stored.account };
        reader.use_mapping(Mapping { account, ..stored });
        reader.set_nps_scale(options.nps_scale.or(stored_scale));
        if let Some(order) = date_order.as_deref().and_then(DateOrder::parse) {
            reader.use_date_order(order);
        }
        reader.check_nps_scale()?;
        save_mapping(tx, id, reader)?;
        return Ok((id, name, false));
    }
    reader.check_nps_scale()?;
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
    save_mapping(tx, id, reader)?;
    Ok((id, name, true))
}

/// Remembers the parts of the mapping `survey` has no column for (account, NPS scale, decided date order).
fn save_mapping(tx: &Transaction, survey_id: i64, reader: &ExportReader) -> Result<()> {
    let layout = reader.layout();
    let evidence = reader.date_evidence();
    let decided = evidence.day_first_values + evidence.month_first_values > 0 && !evidence.conflicting();
    tx.execute(
        "INSERT INTO survey_mapping (survey_id, account_position, nps_scale, date_order) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (survey_id) DO UPDATE SET
             account_position = excluded.account_position,
             nps_scale = coalesce(excluded.nps_scale, survey_mapping.nps_scale),
             date_order = coalesce(survey_mapping.date_order, excluded.date_order)",
        params![
            survey_id,
            layout.account.map(|p| p as i64),
            reader.nps_scale().map(NpsScale::as_str),
            decided.then(|| evidence.order.as_str()),
        ],
    )?;
    Ok(())
}

impl Workspace {
    /// The account column remembered for a survey (`--account-column` at import), if any.
    pub fn account_column(&self, survey_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT c.name FROM survey_mapping m JOIN survey_column c
                   ON c.survey_id = m.survey_id AND c.position = m.account_position
                 WHERE m.survey_id = ?1",
                [survey_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

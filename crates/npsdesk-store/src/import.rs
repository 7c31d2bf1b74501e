//! Import of one export file into the workspace, as one transaction.
//!
//! Waves: a response is keyed by (survey, respondent key). Re-importing the same file changes nothing; a
//! later export of the same survey adds new respondents, and for a respondent already present keeps the row
//! with the later response date. Counting: `new` rows inserted, `updated` rows replaced, `unchanged` for the
//! rest.
//!
//! Speed (1M rows in about 4 s): the file is read, decoded and packed on a second thread, in bounded batches,
//! while this thread only writes (see [`Writer`]); cells are packed straight from the reader's buffers
//! (format 2 of `pack.rs`); the page cache is larger during the import.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use npsdesk_core::{ColumnRole, ColumnWarning, ImportProgress, ImportReport, SkippedRow};
use npsdesk_import::{DateOrder, ExportReader, ImportError, ImportOptions, Mapping, NpsScale, RowRefOutcome};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::frame_cache::{self, CopyBudget, FrameBuilder, FrameChunk, FrameRows};
use crate::pack::{self, CellCoder};
use crate::write_out::{wants_write_out, EarlyWriteOut, PERIOD};
use crate::{Result, StoreError, Workspace};

/// How often progress is reported (and cancellation checked), in rows.
const PROGRESS_EVERY: u32 = 5000;

/// Rows per batch handed from the parsing thread to the inserting one, at most (and at most about
/// [`BATCH_BYTES`] of packed text). With [`BATCHES_IN_FLIGHT`] this bounds the memory of an import.
const BATCH_ROWS: usize = 2048;
const BATCH_BYTES: usize = 1 << 20;
const BATCHES_IN_FLIGHT: usize = 4;

/// The page cache of the connection during an import, in KiB.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Rows ready to insert: respondent keys and comments back to back in `text`, packed cells in `bytes`.
#[derive(Default)]
struct Batch {
    text: String,
    bytes: Vec<u8>,
    items: Vec<Item>,
    /// A file-level failure after the items (the import rolls back).
    error: Option<ImportError>,
    /// A chunk of the columnar copy that ends with these rows (written once they are).
    chunk: Option<FrameChunk>,
}

/// A row or a skipped row, with the bytes of the file read once it was (for progress).
enum Item {
    Row {
        key: Range<usize>,
        comment: Option<Range<usize>>,
        cells: Range<usize>,
        responded_at: Option<i64>,
        score: Option<u8>,
        bytes_read: u64,
    },
    Skipped {
        row: SkippedRow,
        bytes_read: u64,
    },
}

/// The parsing thread: reads rows into batches until the file ends, fails, or the receiver is gone (cancel).
/// Gives the reader back for its report.
fn parse_batches(
    mut reader: ExportReader,
    mut coder: Option<CellCoder>,
    mut frame: Option<FrameBuilder>,
    budget: &CopyBudget,
    comment_pos: Option<usize>,
    full: &mpsc::SyncSender<Batch>,
    free: &mpsc::Receiver<Batch>,
) -> Parsed {
    loop {
        let mut batch = free.try_recv().unwrap_or_default();
        batch.text.clear();
        batch.bytes.clear();
        batch.items.clear();
        let mut done = false;
        while batch.items.len() < BATCH_ROWS && batch.text.len() + batch.bytes.len() < BATCH_BYTES {
            let item = match reader.next_row_ref() {
                None => {
                    done = true;
                    break;
                }
                Some(Err(e)) => {
                    batch.error = Some(e);
                    done = true;
                    break;
                }
                Some(Ok(RowRefOutcome::Skipped(row))) => Item::Skipped { row, bytes_read: 0 },
                Some(Ok(RowRefOutcome::Row(row))) => {
                    let text = &mut batch.text;
                    let mut put = |s: &str| {
                        let start = text.len();
                        text.push_str(s);
                        start..text.len()
                    };
                    let key = put(row.respondent_key);
                    let comment = comment_pos.map(|p| &row.cells[p]).filter(|c| !c.trim().is_empty()).map(&mut put);
                    let bytes = &mut batch.bytes;
                    let start = bytes.len();
                    match coder.as_mut() {
                        Some(coder) => {
                            let codes = frame.as_mut().map(|f| &mut f.cells);
                            coder.pack_append_noting(row.cells.iter(), comment_pos, row.respondent_key, bytes, codes)
                        }
                        None => pack::pack_append(row.cells.iter(), comment_pos, bytes),
                    }
                    let responded_at = row.responded_at.map(|d| d.and_utc().timestamp());
                    let score = row.score.map(|s| s.value());
                    if let Some(f) = frame.as_mut() {
                        let cells = &row.cells;
                        if !f.push(budget, |p| cells.get(p).unwrap_or_default()) {
                            frame = None;
                        }
                    }
                    Item::Row { key, comment, cells: start..bytes.len(), responded_at, score, bytes_read: 0 }
                }
            };
            batch.items.push(item);
            if let Some(Item::Row { bytes_read, .. } | Item::Skipped { bytes_read, .. }) = batch.items.last_mut() {
                *bytes_read = reader.bytes_read();
            }
        }
        // A chunk of the copy ends with this batch when the next one could overfill it (the last batch goes
        // with the last chunk, written after the import's rows).
        if let (Some(f), Some(c), false) = (frame.as_mut(), coder.as_ref(), done) {
            if f.chunk_full(budget, BATCH_ROWS) {
                batch.chunk = Some(f.take_chunk(budget, c.added_values()));
            }
        }
        if full.send(batch).is_err() || done {
            return Parsed { reader, coder, frame };
        }
    }
}

/// What the parsing thread hands back: the reader (for its report), the coder (for the new values) and the
/// columnar copy, if one is being made.
struct Parsed {
    reader: ExportReader,
    coder: Option<CellCoder>,
    frame: Option<FrameBuilder>,
}

/// Rows per multi-row INSERT: one statement's fixed costs (cursors, foreign-key lookups, its journal) are
/// shared by this many rows.
const ROWS_PER_INSERT: usize = 128;

/// Writes the rows of batches, in file order. Keyed by (survey, respondent key): a new key is inserted; for a
/// key already stored the row is replaced only when it is later (a later End Date wins; an undated stored
/// row loses to a dated one), as an upsert would, but without `ON CONFLICT DO UPDATE`: that form may write
/// twice and abort on a foreign key, so SQLite journals every page each row touches (a third of the import's
/// time). Rows go in [`ROWS_PER_INSERT`] at a time with `DO NOTHING`; when a statement inserts fewer rows
/// than it carries, the conditional update runs for each of them in order. For a row that statement did
/// insert the update changes nothing (the stored row is the row itself, not earlier), so the result is
/// exactly that of one upsert per row, duplicates within the file included.
struct Writer<'c> {
    insert_many: rusqlite::Statement<'c>,
    insert_one: rusqlite::Statement<'c>,
    update: rusqlite::Statement<'c>,
    /// Whether a row repeats a respondent stored by this same import with different answers.
    probe: rusqlite::Statement<'c>,
    /// Rows of the current batch not written yet (indices into its items).
    pending: Vec<usize>,
    inserted: u32,
    updated: u32,
    /// Rows that repeat a respondent of an earlier row of the file with different answers, and a few keys.
    conflicts: u32,
    conflict_keys: Vec<String>,
}

impl<'c> Writer<'c> {
    fn new(tx: &'c Transaction, survey_id: i64, import_id: i64) -> Result<Writer<'c>> {
        // ?1 survey, ?2 import, then five parameters per row.
        let insert = |rows: usize| {
            let values: Vec<String> = (0..rows)
                .map(|r| {
                    let p = 3 + 5 * r;
                    format!("(?1, ?{}, ?{}, ?{}, ?{}, ?{}, ?2)", p, p + 1, p + 2, p + 3, p + 4)
                })
                .collect();
            format!(
                "INSERT INTO response (survey_id, respondent_key, responded_at, score, comment, cells, import_id)
                 VALUES {} ON CONFLICT (survey_id, respondent_key) DO NOTHING",
                values.join(", ")
            )
        };
        let mut w = Writer {
            insert_many: tx.prepare(&insert(ROWS_PER_INSERT))?,
            insert_one: tx.prepare(&insert(1))?,
            update: tx.prepare(
                "UPDATE response SET responded_at = ?4, score = ?5, comment = ?6, cells = ?7, import_id = ?2
                 WHERE survey_id = ?1 AND respondent_key = ?3
                   AND (?4 > responded_at OR (responded_at IS NULL AND ?4 IS NOT NULL))",
            )?,
            probe: tx.prepare(
                "SELECT 1 FROM response WHERE survey_id = ?1 AND respondent_key = ?3 AND import_id = ?2
                   AND (responded_at IS NOT ?4 OR score IS NOT ?5 OR comment IS NOT ?6 OR cells IS NOT ?7)",
            )?,
            pending: Vec::with_capacity(ROWS_PER_INSERT),
            inserted: 0,
            updated: 0,
            conflicts: 0,
            conflict_keys: Vec::new(),
        };
        for stmt in [&mut w.insert_many, &mut w.insert_one, &mut w.update, &mut w.probe] {
            stmt.raw_bind_parameter(1, survey_id)?;
            stmt.raw_bind_parameter(2, import_id)?;
        }
        Ok(w)
    }

    /// Whether every one of the `accepted` rows so far was inserted as a new row, in file order (what the
    /// columnar copy, built from the rows as read, requires: a duplicate within the file leaves a gap).
    fn inserted_every_row(&self, accepted: u32) -> bool {
        self.inserted == accepted && self.updated == 0
    }

    /// Queues row `item` of `batch`, writing a full statement's worth.
    fn push(&mut self, batch: &Batch, item: usize) -> Result<()> {
        self.pending.push(item);
        if self.pending.len() == ROWS_PER_INSERT {
            let rows = std::mem::take(&mut self.pending);
            for (r, &i) in rows.iter().enumerate() {
                bind_row(&mut self.insert_many, 3 + 5 * r, batch, i)?;
            }
            let n = self.insert_many.raw_execute()?;
            self.settle(batch, &rows, n)?;
            self.pending = rows;
            self.pending.clear();
        }
        Ok(())
    }

    /// Writes the queued rows of `batch` (before it is reused).
    fn flush(&mut self, batch: &Batch) -> Result<()> {
        let rows = std::mem::take(&mut self.pending);
        for &i in &rows {
            bind_row(&mut self.insert_one, 3, batch, i)?;
            let n = self.insert_one.raw_execute()?;
            self.settle(batch, &[i], n)?;
        }
        self.pending = rows;
        self.pending.clear();
        Ok(())
    }

    /// After a statement inserted `n` of `rows`: the others exist already, replace them if later. A row that
    /// meets a different row of the same file (this import) is counted as a conflicting duplicate first.
    fn settle(&mut self, batch: &Batch, rows: &[usize], n: usize) -> Result<()> {
        self.inserted += n as u32;
        if n < rows.len() {
            for &i in rows {
                bind_row(&mut self.probe, 3, batch, i)?;
                if self.probe.raw_query().next()?.is_some() {
                    self.conflicts += 1;
                    if let (true, Item::Row { key, .. }) = (self.conflict_keys.len() < 3, &batch.items[i]) {
                        self.conflict_keys.push(batch.text[key.clone()].to_string());
                    }
                }
                bind_row(&mut self.update, 3, batch, i)?;
                self.updated += self.update.raw_execute()? as u32;
            }
        }
        Ok(())
    }
}

/// Binds the five values of row `item` of `batch` from parameter `at` on.
fn bind_row(stmt: &mut rusqlite::Statement, at: usize, batch: &Batch, item: usize) -> rusqlite::Result<()> {
    if let Item::Row { key, comment, cells, responded_at, score, .. } = &batch.items[item] {
        stmt.raw_bind_parameter(at, &batch.text[key.clone()])?;
        stmt.raw_bind_parameter(at + 1, *responded_at)?;
        stmt.raw_bind_parameter(at + 2, *score)?;
        stmt.raw_bind_parameter(at + 3, comment.clone().map(|c| &batch.text[c]))?;
        stmt.raw_bind_parameter(at + 4, &batch.bytes[cells.clone()])?;
    }
    Ok(())
}

/// A column is dictionary-coded when its sampled values have at most this many distinct values…
const CODED_MAX_DISTINCT: usize = 128;
/// …and each value occurs this many times on average.
const CODED_MIN_REPEAT: usize = 4;

/// The format 2 coder of a survey for this file: the survey's codes, the columns whose sampled values repeat,
/// and codes given up front to the sample's values, most frequent first (so they get the one-byte codes).
fn cell_coder(tx: &Transaction, survey_id: i64, reader: &ExportReader) -> Result<CellCoder> {
    let layout = reader.layout();
    let values: Vec<String> = tx
        .prepare("SELECT value FROM survey_cell_value WHERE survey_id = ?1 ORDER BY code")?
        .query_map([survey_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let n = layout.columns.len();
    let mut counts: Vec<HashMap<&str, usize>> = vec![HashMap::new(); n];
    let mut filled = vec![0usize; n];
    for row in reader.sample().filter(|r| r.len() == n) {
        for (i, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            filled[i] += 1;
            *counts[i].entry(cell).or_default() += 1;
        }
    }
    let coded: Vec<bool> = (0..n)
        .map(|i| {
            Some(i) != layout.comment
                && Some(i) != layout.respondent_id
                && counts[i].len() <= CODED_MAX_DISTINCT
                && counts[i].len() * CODED_MIN_REPEAT <= filled[i]
        })
        .collect();
    let mut seeds: Vec<(usize, usize, &str)> = counts
        .iter()
        .enumerate()
        .filter(|(i, _)| coded[*i])
        .flat_map(|(i, m)| m.iter().map(move |(v, k)| (*k, i, *v)))
        .collect();
    seeds.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    let mut coder = CellCoder::new(values, coded, layout.respondent_id);
    for (_, column, value) in seeds {
        coder.seed(column, value);
    }
    Ok(coder)
}

/// Returned by the progress callback: go on, or stop and roll everything back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportControl {
    Continue,
    Cancel,
}

impl Workspace {
    /// Imports `path` into the workspace. `progress` is called every few thousand rows; returning
    /// [`ImportControl::Cancel`] rolls the whole import back ([`StoreError::Cancelled`]). The first import
    /// into an empty workspace is a bulk load (see `bulk_load_first_import`).
    pub fn import_file(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(&ImportProgress) -> ImportControl,
    ) -> Result<ImportReport> {
        // A larger page cache for the import only: the interior pages of the table and of the key index stay
        // in memory instead of being spilled to the WAL and read back (a fixed bound, whatever the file size).
        let previous: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let previous_temp: i64 = self.conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        // Statement journals in memory: each batched multi-row INSERT may have to undo its own earlier rows
        // (a duplicate key in its last row), so SQLite keeps the pages it touched that existed before it in
        // a statement journal, spilled to a temporary file past 64 KiB: a few 16 KiB pages per statement.
        // A 1M-row import wrote 55,000 pages (900 MB) to that file and threw them away. The journal only
        // serves the statement's own undo (never crash recovery: that is the rollback journal's or the
        // WAL's). In memory it is bounded by the pages one statement touches, so every statement of an
        // import must stay small: the copy's parts avoid one (`frame_cache::insert_part`), and a sort or an
        // index built inside an import would not spill to disk either.
        let temp = self.conn.pragma_update(None, "temp_store", "MEMORY");
        // A failure to choose the journal is the import's failure too: both settings are restored and the
        // error classified like any other.
        let result = temp.map_err(StoreError::from).and_then(|()| self.bulk_load_first_import()).and_then(|bulk| {
            let write_out = self.early_write_out(path);
            let result = self.import_file_cached(path, options, progress);
            drop(write_out);
            if bulk {
                self.end_bulk_load();
            }
            result
        });
        let restored = self.conn.pragma_update(None, "cache_size", previous).and(self.conn.pragma_update(
            None,
            "temp_store",
            previous_temp,
        ));
        let path = self.path.clone();
        let report = result.map_err(|e| crate::classify_store(e, path.as_deref()))?;
        restored?;
        crate::empty_wal_now(&self.conn);
        Ok(report)
    }

    /// The first import into a workspace file that holds no response is a bulk load: it is written through a
    /// rollback journal, with foreign keys not enforced. Returns whether it is one (then
    /// [`Self::end_bulk_load`] must follow the import).
    ///
    /// The journal: a rollback journal instead of the WAL, when this is the only connection to the file
    /// (SQLite refuses the switch otherwise, and the import then runs in WAL as any other, foreign keys
    /// checked).
    ///
    /// Why: in WAL every page of the import is written twice, to the WAL and then by the checkpoint into
    /// the file (a 1M-row import: 330 MB each, about 1 s of its 5 s). A rollback journal keeps only the
    /// original content of pages that existed before the transaction; the pages an import into an empty
    /// workspace adds lie past the file's old end, so they are written once, and a crash or a rollback
    /// truncates the file back to its old size. It stays all or nothing: `synchronous=FULL` for this
    /// transaction syncs the journal before the file is touched and the file before the journal goes (a
    /// kill -9 or a power cut leaves a hot journal, which the next open rolls back; `crash.rs` kills such
    /// imports too).
    ///
    /// What it costs: while the import writes, another connection cannot read the file (it waits up to the
    /// busy timeout) instead of reading the state before it; with no response in the workspace, that state
    /// has nothing to show. Every later import, which others may be reading around, stays in WAL.
    ///
    /// Foreign keys: every row of an import refers to the survey and to the import row that this same
    /// transaction found or wrote just before, bound once per statement, and a first import deletes nothing
    /// that others refer to, so no check can fail and no cascade is due. Checking them anyway cost two
    /// parent lookups per response: a 1M-row import took 3.9 s with them and 3.4 s without (A/B, median of
    /// 4). `PRAGMA foreign_keys` is per connection and cannot change inside a transaction: it is turned off
    /// before the import's transaction and on again after it, whatever its outcome (tests check
    /// `foreign_key_check` after a first import).
    fn bulk_load_first_import(&mut self) -> Result<bool> {
        if self.path.is_none() {
            return Ok(false);
        }
        let empty: bool = self.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM response)", [], |r| r.get(0))?;
        if !empty {
            return Ok(false);
        }
        // Refused (another connection has the file open): an error or the old mode back; either way, WAL.
        match self.conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("delete") => {}
            _ => return Ok(false),
        }
        let set = |conn: &rusqlite::Connection| -> rusqlite::Result<()> {
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "OFF")
        };
        if let Err(e) = set(&self.conn) {
            self.end_bulk_load();
            return Err(e.into());
        }
        Ok(true)
    }

    /// For an export larger than the import's page cache, a thread that writes the workspace's file system
    /// out while the import runs (see `write_out.rs`); it stops when dropped.
    fn early_write_out(&self, export: &Path) -> Option<EarlyWriteOut> {
        let workspace = self.path.as_deref()?;
        let bytes = std::fs::metadata(export).ok()?.len();
        wants_write_out(bytes, IMPORT_CACHE_KIB as u64 * 1024).then(|| EarlyWriteOut::start(workspace, PERIOD))
    }

    /// Foreign keys enforced, WAL and `synchronous=NORMAL` again after [`Self::bulk_load_first_import`]. Best
    /// effort: the import's outcome is already decided, and every open sets all three anyway.
    fn end_bulk_load(&mut self) {
        let _ = self.conn.pragma_update(None, "foreign_keys", "ON");
        let _ = self.conn.pragma_update(None, "synchronous", "NORMAL");
        let _ = self.conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0));
    }

    fn import_file_cached(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(&ImportProgress) -> ImportControl,
    ) -> Result<ImportReport> {
        let started = Instant::now();
        let mut reader = ExportReader::open(path, options)?;
        let file = path.display().to_string();
        // IMMEDIATE: take the write lock now (waiting for another writer up to the busy timeout). A deferred
        // transaction would read first and then fail at once with "database is locked" if another process
        // committed in between (SQLite cannot upgrade a stale read snapshot).
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (survey_id, survey_name, created, cells_format) = find_or_create_survey(&tx, &mut reader, path, options)?;
        let layout = reader.layout().clone();
        let comment_pos = layout.comment;

        tx.execute(
            "INSERT INTO import (survey_id, file_name, file_size, encoding, imported_at, rows_read, new, updated, unchanged, skipped, report)
             VALUES (?1, ?2, ?3, '', datetime('now'), 0, 0, 0, 0, 0, '{}')",
            params![survey_id, file, reader.file_size() as i64],
        )?;
        let import_id = tx.last_insert_rowid();
        let file_size = reader.file_size();
        let coder = match cells_format {
            pack::FORMAT_CODED => Some(cell_coder(&tx, survey_id, &reader)?),
            _ => None,
        };

        let mut rows_read = 0u32;
        let mut accepted = 0u32;
        let (mut new, mut updated) = (0u32, 0u32);
        let mut skipped: Vec<SkippedRow> = Vec::new();
        let mut conflicts: (u32, Vec<String>) = (0, Vec::new());
        // Reading and decoding run on a second thread, a few batches ahead of the inserts on this one (bounded:
        // memory does not grow with the file). Progress, cancellation and every write stay on this thread.
        // A survey this import creates also gets its columnar copy (frame_cache.rs), built while parsing.
        let email = layout.columns.iter().find(|c| c.role.is_email(&c.question)).map(|c| c.position);
        let copy = created && coder.is_some();
        let frame = copy.then(|| FrameBuilder::new(layout.columns.len(), comment_pos, email));
        let mut frame_rows = copy.then(|| FrameRows::new(comment_pos));
        let budget = CopyBudget::new(self.copy_chunk);
        let mut chunks_written = 0i64;
        let mut copy_whole = false;
        let Parsed { reader, coder, frame } = std::thread::scope(|scope| -> Result<Parsed> {
            let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
            let (free_tx, free_rx) = mpsc::channel::<Batch>();
            let budget = &budget;
            let parser =
                scope.spawn(move || parse_batches(reader, coder, frame, budget, comment_pos, &full_tx, &free_rx));

            let mut writer = Writer::new(&tx, survey_id, import_id)?;
            for mut batch in full_rx.iter() {
                for (i, item) in batch.items.iter().enumerate() {
                    rows_read += 1;
                    let bytes_read = match item {
                        Item::Row { bytes_read, key, comment, responded_at, score, .. } => {
                            writer.push(&batch, i)?;
                            accepted += 1;
                            if let Some(f) = frame_rows.as_mut() {
                                let comment = comment.clone().map(|c| &batch.text[c]);
                                if !f.push(budget, &batch.text[key.clone()], *responded_at, *score, comment) {
                                    frame_rows = None;
                                }
                            }
                            *bytes_read
                        }
                        Item::Skipped { row, bytes_read } => {
                            skipped.push(row.clone());
                            *bytes_read
                        }
                    };
                    if rows_read.is_multiple_of(PROGRESS_EVERY) {
                        let p = ImportProgress { file: file.clone(), rows_read, bytes_read, bytes_total: file_size };
                        if progress(&p) == ImportControl::Cancel {
                            // Returning drops the channel: the parser stops at its next batch.
                            return Err(StoreError::Cancelled);
                        }
                    }
                }
                writer.flush(&batch)?;
                if let Some(e) = batch.error.take() {
                    return Err(e.into());
                }
                // A chunk of the copy ends with this batch: written now, unless a row was not inserted (a
                // duplicate within the file), which leaves no copy.
                if let (Some(chunk), Some(rows)) = (batch.chunk.take(), frame_rows.as_mut()) {
                    let rows = std::mem::replace(rows, FrameRows::new(comment_pos));
                    if writer.inserted_every_row(accepted)
                        && frame_cache::write_chunk(&tx, survey_id, import_id, chunks_written, chunk, rows, budget)?
                    {
                        chunks_written += 1;
                    } else {
                        // The parsing half stops too (else it would grow with no chunk to end it).
                        budget.give_up();
                        frame_rows = None;
                    }
                }
                let _ = free_tx.send(batch);
            }
            (new, updated) = (writer.inserted, writer.updated);
            copy_whole = writer.inserted_every_row(accepted);
            conflicts = (writer.conflicts, std::mem::take(&mut writer.conflict_keys));
            drop(writer);
            match parser.join() {
                Ok(done) => Ok(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })?;
        // The first rows could not tell the date order and a later one contradicts the order read: everything
        // before it may have been read wrongly, so roll back and read the file again in the order the whole
        // column shows (once: the second read has the order fixed).
        if let Some((order, line, value)) = reader.date_order_contradicted().map(|(o, l, v)| (o, l, v.to_string())) {
            drop(tx);
            let again = ImportOptions { date_order: Some(order), ..options.clone() };
            let mut report = self.import_file_cached(path, &again, progress)?;
            report.warnings.push(format!(
                "dates in {:?} are {}: the first rows could not tell, line {line} ({value:?}) does; the file was read twice",
                layout.column_name(layout.date).unwrap_or_default(),
                order.as_str()
            ));
            return Ok(report);
        }
        if let Some(coder) = &coder {
            let mut insert =
                tx.prepare("INSERT INTO survey_cell_value (survey_id, code, value) VALUES (?1, ?2, ?3)")?;
            for (code, value) in coder.added() {
                insert.execute(params![survey_id, code, value])?;
            }
        }
        // Any import changes the survey's rows: its old copy goes. A new one (its last chunk written now) is
        // kept only when every row read was inserted, in file order (a duplicate within the file would leave
        // a gap in it).
        let copied = match (frame, frame_rows, &coder) {
            (Some(frame), Some(rows), Some(coder)) if copy_whole => {
                frame_cache::write(&tx, survey_id, import_id, chunks_written, coder, frame, rows)?
            }
            _ => false,
        };
        if !copied {
            tx.execute("DELETE FROM frame_cache WHERE survey_id = ?1", [survey_id])?;
        }
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
            unchanged: accepted - new - updated,
            skipped,
            warnings: {
                let mut w = reader.warnings();
                if conflicts.0 > 0 {
                    let keys: Vec<String> = conflicts.1.iter().map(|k| format!("{k:?}")).collect();
                    w.push(format!(
                        "{} row(s) repeat a respondent of an earlier row of this file with different answers \
                         (respondent {}{}); the answer with the later date was kept, the first one on equal dates",
                        conflicts.0,
                        keys.join(", "),
                        if conflicts.0 as usize > keys.len() { ", …" } else { "" }
                    ));
                }
                w
            },
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
) -> Result<(i64, String, bool, i64)> {
    type Existing = (i64, String, [Option<i64>; 5], Option<String>, Option<String>, i64);
    let existing: Option<Existing> = tx
        .query_row(
            "SELECT s.id, s.name, s.id_position, s.date_position, s.nps_position, s.comment_position,
                    m.account_position, m.nps_scale, m.date_order, s.cells_format
             FROM survey s LEFT JOIN survey_mapping m ON m.survey_id = s.id WHERE s.signature = ?1",
            [&reader.layout().signature],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?],
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )
        .optional()?;
    if let Some((id, name, positions, scale, date_order, cells_format)) = existing {
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
        return Ok((id, name, false, cells_format));
    }
    reader.check_nps_scale()?;
    let layout = reader.layout();
    let name = path.file_stem().map_or_else(|| "Survey".to_string(), |s| s.to_string_lossy().into_owned());
    tx.execute(
        "INSERT INTO survey (name, source, signature, header_rows, id_position, date_position, nps_position, comment_position, created_at, cells_format)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, datetime('now'), ?9)",
        params![
            name,
            layout.source,
            layout.signature,
            layout.header_rows as i64,
            layout.respondent_id.map(|p| p as i64),
            layout.date.map(|p| p as i64),
            layout.nps.map(|p| p as i64),
            layout.comment.map(|p| p as i64),
            pack::FORMAT_CODED,
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
    Ok((id, name, true, pack::FORMAT_CODED))
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would recommend Acme to a friend or colleague?,What is the primary reason for your score?,Which plan are you on?\r\n,,,,Response,Open-Ended Response,Response\r\n";

    fn go_on(_: &ImportProgress) -> ImportControl {
        ImportControl::Continue
    }

    /// A row whose plan cell says which line of the file it is (`r<i>`); `day` None leaves the dates empty.
    fn row(id: u32, day: Option<u32>, i: usize) -> String {
        let date = day.map_or(String::new(), |d| format!("{:02}/{:02}/2025 10:00:00 AM", 1 + d / 28 % 12, 1 + d % 28));
        format!("{id},400,{date},{date},{},\"why {i}\",r{i}\r\n", i % 11)
    }

    /// The rows of respondents `ids`: row i has key i + 1, plan cell `r<i>` and a date cycling over 300 days.
    fn rows(ids: std::ops::Range<u32>) -> Vec<String> {
        ids.map(|i| row(i + 1, Some(i % 300), i as usize)).collect()
    }

    fn write(dir: &Path, name: &str, rows: &[String]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, format!("{HEADER}{}", rows.concat())).unwrap();
        p
    }

    /// What one upsert per row gives: keys in order of first appearance, each with its winning line
    /// (a later date wins, a dated row beats an undated one, a tie keeps the stored row).
    fn fold(rows: &[(u32, Option<u32>)]) -> (Vec<(u32, usize)>, u32) {
        let mut out: Vec<(u32, usize)> = Vec::new();
        let mut updated = 0;
        for (i, (id, day)) in rows.iter().enumerate() {
            match out.iter_mut().find(|(k, _)| k == id) {
                None => out.push((*id, i)),
                Some(slot) => {
                    let stored = rows[slot.1].1;
                    if matches!((stored, day), (Some(s), Some(d)) if d > &s) || (stored.is_none() && day.is_some()) {
                        slot.1 = i;
                        updated += 1;
                    }
                }
            }
        }
        (out, updated)
    }

    #[test]
    fn duplicates_within_a_file_resolve_as_one_upsert_per_row() {
        // 700 rows over 230 respondents: duplicates in one multi-row statement, across statements and across
        // batches of the parser; some undated; dates going up and down.
        let rows: Vec<(u32, Option<u32>)> = (0..700u32)
            .map(|i| {
                // Every seventh row repeats the respondent of two rows before (same statement, mostly).
                let j = if i % 7 == 3 { i - 2 } else { i };
                let id = (j * 37) % 230 + 1;
                let day = (i % 9 != 4).then_some((i * 53) % 300);
                (id, day)
            })
            .collect();
        let lines: Vec<String> = rows.iter().enumerate().map(|(i, (id, day))| row(*id, *day, i)).collect();
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "dups.csv", &lines);
        let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
        let r = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
        let (expected, updated) = fold(&rows);
        assert!(updated > 50, "the data exercises replacements ({updated})");
        assert_eq!((r.rows_read, r.new, r.updated), (700, 230, updated));
        assert_eq!(r.unchanged, 700 - 230 - updated);
        let stored = ws.response_rows(r.survey_id).unwrap();
        let got: Vec<(String, String)> = stored.iter().map(|(k, cells)| (k.clone(), cells[6].clone())).collect();
        let want: Vec<(String, String)> = expected.iter().map(|(id, i)| (id.to_string(), format!("r{i}"))).collect();
        assert_eq!(got, want, "same winners, in order of first appearance");
        assert_eq!(stored[0].1[5], format!("why {}", expected[0].1), "the comment column follows its row");

        // The same file again changes nothing.
        let again = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
        assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 700));
        assert_eq!(ws.response_rows(r.survey_id).unwrap(), stored);
    }

    #[test]
    fn a_survey_in_the_inline_format_keeps_it_for_later_waves() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
        let w1: Vec<String> = (0..300).map(|i| row(i + 1, Some(i % 50), i as usize)).collect();
        let r = ws.import_file(&write(dir.path(), "w1.csv", &w1), &ImportOptions::default(), &mut go_on).unwrap();
        // Turn the survey into one written before the coded format existed.
        let rows = ws.response_rows(r.survey_id).unwrap();
        let comment_pos = Some(5);
        ws.conn.execute("UPDATE survey SET cells_format = 1 WHERE id = ?1", [r.survey_id]).unwrap();
        ws.conn.execute("DELETE FROM survey_cell_value", []).unwrap();
        let mut blob = Vec::new();
        for (key, cells) in &rows {
            pack::pack(cells, comment_pos, &mut blob);
            ws.conn.execute("UPDATE response SET cells = ?1 WHERE respondent_key = ?2", params![blob, key]).unwrap();
        }
        assert_eq!(ws.response_rows(r.survey_id).unwrap(), rows);

        // Wave 2: 100 later answers of known respondents, 100 new ones.
        let w2: Vec<String> = (200..400).map(|i| row(i + 1, Some(100 + i % 50), 1000 + i as usize)).collect();
        let r2 = ws.import_file(&write(dir.path(), "w2.csv", &w2), &ImportOptions::default(), &mut go_on).unwrap();
        assert_eq!((r2.survey_id, r2.new, r2.updated), (r.survey_id, 100, 100));
        let values: i64 = ws.conn.query_row("SELECT count(*) FROM survey_cell_value", [], |x| x.get(0)).unwrap();
        assert_eq!(values, 0, "no codes for an inline survey");
        let after = ws.response_rows(r.survey_id).unwrap();
        assert_eq!(after.len(), 400);
        assert_eq!(after[..200], rows[..200]);
        assert_eq!(after[250].1[6], "r1250");
        assert_eq!(after[399].1[6], "r1399");
    }

    #[test]
    fn a_later_wave_of_a_coded_survey_reuses_and_extends_its_codes() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
        let plans = ["Free", "Pro", "Enterprise"];
        let line = |i: u32, plan: &str| format!("{i},400,01/02/2025 10:00:00 AM,01/02/2025 10:00:00 AM,9,,{plan}\r\n");
        let w1: Vec<String> = (0..200).map(|i| line(i, plans[i as usize % 3])).collect();
        let r = ws.import_file(&write(dir.path(), "w1.csv", &w1), &ImportOptions::default(), &mut go_on).unwrap();
        let codes = |ws: &Workspace| -> Vec<(i64, String)> {
            ws.conn
                .prepare("SELECT code, value FROM survey_cell_value ORDER BY code")
                .unwrap()
                .query_map([], |x| Ok((x.get(0)?, x.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let first = codes(&ws);
        assert!(first.iter().any(|(_, v)| v == "Pro"), "{first:?}");
        let w2: Vec<String> = (200..400).map(|i| line(i, ["Pro", "Team"][i as usize % 2])).collect();
        ws.import_file(&write(dir.path(), "w2.csv", &w2), &ImportOptions::default(), &mut go_on).unwrap();
        let second = codes(&ws);
        assert_eq!(second[..first.len()], first[..], "existing codes never change");
        assert!(second[first.len()..].iter().any(|(_, v)| v == "Team"), "{second:?}");
        let rows = ws.response_rows(r.survey_id).unwrap();
        assert_eq!((rows[1].1[6].as_str(), rows[201].1[6].as_str()), ("Pro", "Team"));
        assert_eq!(rows[399].1[0], "399", "the id cell is the respondent key");
    }

    #[test]
    fn a_first_import_leaves_foreign_keys_enforced_and_satisfied() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = rows(0..12_000);
        let file = write(dir.path(), "first.csv", &lines);
        let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
        let enforced =
            |ws: &Workspace| ws.conn().pragma_query_value(None, "foreign_keys", |r| r.get::<_, bool>(0)).unwrap();

        // A cancelled bulk load, then one that commits: each ends with foreign keys enforced again.
        let cancelled = ws.import_file(&file, &ImportOptions::default(), &mut |p| {
            if p.rows_read >= 5000 {
                ImportControl::Cancel
            } else {
                ImportControl::Continue
            }
        });
        assert!(matches!(cancelled, Err(StoreError::Cancelled)), "{cancelled:?}");
        assert!(enforced(&ws), "on again after a cancelled first import");
        let r = ws.import_file(&file, &ImportOptions::default(), &mut go_on).unwrap();
        assert_eq!(r.new, 12_000);
        assert!(enforced(&ws), "on again after a first import");
        let check = ws.check().unwrap();
        assert!(check.foreign_key_violations.is_empty(), "{:?}", check.foreign_key_violations);
        assert_eq!(check.responses, 12_000);

        // And really enforced: a response of a survey that does not exist is refused.
        let orphan = ws.conn().execute(
            "INSERT INTO response (survey_id, respondent_key, cells, import_id) VALUES (999, 'x', x'', 999)",
            [],
        );
        assert!(orphan.is_err(), "{orphan:?}");
    }

    #[test]
    fn an_import_leaves_the_connection_settings_as_it_found_them() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = rows(0..6_000);
        let first = write(dir.path(), "first.csv", &lines);
        // A later wave: half the respondents again (each multi-row statement meets keys that exist, the
        // statement journal's case), half new.
        let wave: Vec<String> = rows(3_000..9_000);
        let second = write(dir.path(), "second.csv", &wave);
        let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
        let settings = |ws: &Workspace| -> (i64, i64) {
            let get = |name: &str| ws.conn().pragma_query_value(None, name, |r| r.get::<_, i64>(0)).unwrap();
            (get("cache_size"), get("temp_store"))
        };
        let before = settings(&ws);
        assert_eq!(ws.import_file(&first, &ImportOptions::default(), &mut go_on).unwrap().new, 6_000);
        assert_eq!(settings(&ws), before, "after a first import (a bulk load)");
        let r = ws.import_file(&second, &ImportOptions::default(), &mut go_on).unwrap();
        assert_eq!(r.new, 3_000);
        assert_eq!(settings(&ws), before, "after a later wave");
        assert_eq!(ws.check().unwrap().responses, 9_000);
    }

    /// A later wave goes through the WAL; while the workspace stays open (the app), the WAL must not keep
    /// the import's size on disk.
    #[test]
    fn a_wave_leaves_no_large_wal_behind() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = rows(0..20_000);
        let first = write(dir.path(), "first.csv", &lines);
        let wave: Vec<String> = rows(20_000..40_000);
        let second = write(dir.path(), "second.csv", &wave);
        let path = dir.path().join("w.npsdesk");
        let mut ws = Workspace::open(&path).unwrap();
        ws.import_file(&first, &ImportOptions::default(), &mut go_on).unwrap();
        ws.import_file(&second, &ImportOptions::default(), &mut go_on).unwrap();
        let wal = std::fs::metadata(dir.path().join("w.npsdesk-wal")).map_or(0, |m| m.len());
        let file = std::fs::metadata(&path).unwrap().len();
        assert!(wal < file / 10, "WAL {wal} bytes beside a {file}-byte workspace");
    }
}

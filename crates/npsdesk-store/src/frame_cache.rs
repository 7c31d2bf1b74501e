//! A columnar copy of a survey's responses (table `frame_cache`), so that a report started in a new process
//! reads a few blobs instead of decoding every packed row again.
//!
//! Why: at 1M responses, loading the analytics frame from the rows took ~2.5 s (time, score, identity) plus
//! ~1.5 s per batch of segment columns, in every CLI process and at every launch of the app, while the query
//! itself takes 10–20 ms. The import that creates a survey has all of it in hand (time, score, key, and the
//! dictionary code of every repeated answer), so it writes this copy in its own transaction.
//!
//! Parts, every array in scan order (response id order, as [`Workspace::scan_responses`] yields rows):
//! - **base** (part −1): the response count n, how many have a score, the first and last `responded_at`
//!   (the survey summary's figures, so it need not scan either); `responded_at` (n × i64, `i64::MIN` for
//!   none); `score` (n × u8, 255 for none); the end offset of each respondent key (n × u32) and the keys.
//! - **a column** (part = its export position): its distinct trimmed non-empty values in first-seen order,
//!   and one code per response (0: empty; c: `values[c − 1]`), 1, 2 or 4 bytes wide. This is exactly the
//!   analytics' dictionary-coded column, so the analytics takes it as is.
//!
//! Chunks: a part is stored as one or more chunks (`chunk` 0, 1, …), each covering the next rows in scan
//! order, with its own dictionary for a column. The import writes a chunk of at most [`CHUNK_ROWS`] rows (2^20),
//! or sooner when what it holds reaches [`CHUNK_BYTES`] (a wide survey), so that its memory stays bounded
//! whatever the file's size while a 5M-row export still gets its copy; a reader concatenates the chunks and
//! merges their dictionaries in first-seen order, which gives exactly the copy one chunk would have been. A
//! 1M-row export is one chunk. A column has a copy only when every chunk has its part (a column whose later
//! cells were written inline, past the coder's limits, has parts in the first chunks only: it is scanned).
//! Parts are written through incremental blob I/O ([`insert_part`]).
//!
//! A part is read only while its `import_id` is the survey's latest import: a later wave (which may replace
//! rows or add them between others) makes the copy stale, and readers fall back to scanning the rows. Only
//! the import that creates a survey writes the copy, and only when every row it read was inserted (so the
//! copy's order is the rows' id order); any other import of a survey drops the old copy, in its transaction.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::{Seek, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use npsdesk_core::par::join;
use rusqlite::{params, Transaction};

use crate::pack::{CellCoder, FxHasher};
use crate::texts::Texts;
use crate::{Result, Workspace};

const PART_BASE: i64 = -1;
const NO_TIME: i64 = i64::MIN;
const NO_SCORE: u8 = 255;

/// A cell the coder wrote inline (not empty) or as the respondent key: its column gets no copy.
pub(crate) const CODE_INLINE: u16 = u16::MAX;

/// The import writes the copy it holds as a chunk of at most this many rows: an import must stay within a
/// fixed memory bound (400 MB with the page cache and the batches in flight), and the copy takes about 220
/// bytes a response at the generator's 21 columns with comments. A power of two: the copy's arrays grow by
/// doubling, and one row more would double them all (a 1M-row export is one chunk).
pub(crate) const CHUNK_ROWS: usize = 1 << 20;

/// …or fewer, when the two halves hold more than this together (a wider survey).
pub(crate) const CHUNK_BYTES: usize = 256 << 20;

/// Texts of a [`ChunkedTexts`] are kept in chunks of this size (a single growing string would double its
/// memory at each reallocation).
const TEXT_CHUNK: usize = 1 << 20;

/// A text column's values are compressed as zstd frames of about this many bytes (uncompressed, length
/// prefixes included), back to back. The import's writing thread compresses each frame of comments as soon
/// as its values are in, while the parsing thread (the busier one) reads on: at 1M rows the comment
/// dictionary is 70 MB, which used to be compressed after the last row, on the import's critical path. A
/// reader decompresses the frames on two threads ([`decode_values`]).
const FRAME_BYTES: usize = 8 << 20;

/// Time and score of every response of a survey, in scan order.
pub struct CachedBase {
    pub responded_at: Vec<Option<i64>>,
    pub score: Vec<Option<u8>>,
}

/// The respondent key of every response of a survey, in scan order: read apart from [`CachedBase`] because
/// only a list of responses shows them (15 MB of a base part's 24 MB at 1M responses).
pub struct CachedKeys {
    /// Every respondent key back to back; key i ends at `key_ends[i]`.
    pub keys: String,
    pub key_ends: Vec<u32>,
}

/// A dictionary-coded column in scan order: `codes[i]` is 0 for an empty cell, else `values[code − 1]`
/// (trimmed, non-empty, in first-seen order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CachedColumn {
    pub values: Texts,
    pub codes: Vec<u32>,
}

/// What the two halves of a copy being built hold, whether a chunk is on its way from one to the other, and
/// whether the copy was given up: the import's parsing thread builds one half ([`FrameBuilder`]), its
/// writing thread the other ([`FrameRows`]). The parsing thread ends a chunk (when both together pass the
/// chunk size); the writing thread writes it once it has inserted the same rows.
pub(crate) struct CopyBudget {
    chunk_rows: usize,
    chunk_bytes: usize,
    parsing: AtomicUsize,
    writing: AtomicUsize,
    chunk_in_flight: AtomicBool,
    given_up: AtomicBool,
}

impl CopyBudget {
    pub(crate) fn new((chunk_rows, chunk_bytes): (usize, usize)) -> CopyBudget {
        CopyBudget {
            chunk_rows,
            chunk_bytes,
            parsing: AtomicUsize::new(0),
            writing: AtomicUsize::new(0),
            chunk_in_flight: AtomicBool::new(false),
            given_up: AtomicBool::new(false),
        }
    }

    /// Records what one half holds now (every few thousand rows); false when the copy is given up.
    fn keep(&self, half: &AtomicUsize, rows: usize, bytes: impl FnOnce() -> usize) -> bool {
        if rows.is_multiple_of(4096) {
            half.store(bytes(), Ordering::Relaxed);
        }
        !self.given_up.load(Ordering::Relaxed)
    }

    /// Whether the halves together hold a chunk's worth of bytes, the last chunk written (until then the
    /// writing half still counts the rows it is writing).
    fn bytes_full(&self) -> bool {
        !self.chunk_in_flight.load(Ordering::Relaxed)
            && self.parsing.load(Ordering::Relaxed) + self.writing.load(Ordering::Relaxed) >= self.chunk_bytes
    }

    pub(crate) fn give_up(&self) {
        self.given_up.store(true, Ordering::Relaxed);
    }
}

/// The half of the copy collected on the import's parsing thread: the coder's code of every packed cell, and
/// the e-mail column (its text is packed by the time a batch reaches the writing thread).
pub(crate) struct FrameBuilder {
    cells_per_row: usize,
    comment_pos: Option<usize>,
    rows: usize,
    /// Row-major: the coder's code of each packed cell (0 empty, [`CODE_INLINE`], else a dictionary code).
    pub(crate) cells: Vec<u16>,
    /// The e-mail column (the respondent identity) by export position, coded by its own dictionary whatever
    /// its number of values.
    email: Option<(usize, TextColumn)>,
}

impl FrameBuilder {
    /// `email`: the position of the e-mail column, if the survey has one.
    pub(crate) fn new(columns: usize, comment_pos: Option<usize>, email: Option<usize>) -> FrameBuilder {
        FrameBuilder {
            cells_per_row: columns - usize::from(comment_pos.is_some()),
            comment_pos,
            rows: 0,
            cells: Vec::new(),
            email: email.map(|p| (p, TextColumn::default())),
        }
    }

    /// Records one accepted row (its cells' codes were appended to `cells` by the coder); `cell(p)` is the
    /// text at export position p. Returns false when the copy is given up (a row with another number of
    /// cells, or the writing half gave up).
    pub(crate) fn push<'a>(&mut self, budget: &CopyBudget, cell: impl Fn(usize) -> &'a str) -> bool {
        self.rows += 1;
        if self.cells.len() != self.rows * self.cells_per_row {
            budget.give_up();
            return false;
        }
        if let Some((p, column)) = &mut self.email {
            column.push(cell(*p));
        }
        budget.keep(&budget.parsing, self.rows, || self.bytes())
    }

    /// The memory held, about.
    fn bytes(&self) -> usize {
        self.cells.capacity() * 2 + self.email.as_ref().map_or(0, |(_, t)| t.bytes())
    }

    /// Whether the chunk must end before a batch of up to `batch_rows` rows more: they would take it past
    /// the chunk's rows, or it holds the chunk's bytes.
    pub(crate) fn chunk_full(&self, budget: &CopyBudget, batch_rows: usize) -> bool {
        self.rows + batch_rows > budget.chunk_rows || budget.bytes_full()
    }

    /// Ends the chunk: the rows so far leave as a [`FrameChunk`], their coded columns re-coded and encoded
    /// here with the coder's dictionary as it is now (it holds every code they use), and the builder starts
    /// the next chunk empty.
    pub(crate) fn take_chunk(&mut self, budget: &CopyBudget, dictionary: &[Box<str>]) -> FrameChunk {
        let rows = std::mem::take(&mut self.rows);
        let cells = std::mem::take(&mut self.cells);
        let email = self.email.as_mut().map(|(p, column)| (*p, std::mem::take(column)));
        let email_pos = email.as_ref().map(|(p, _)| *p);
        let coded = encode_coded(&cells, rows, self.cells_per_row, self.comment_pos, email_pos, dictionary);
        budget.parsing.store(0, Ordering::Relaxed);
        budget.chunk_in_flight.store(true, Ordering::Relaxed);
        FrameChunk { rows, coded, email }
    }
}

/// A chunk of the parsing half, on its way to the writing thread: its row count, its coded columns encoded
/// (export position, part data) and its e-mail column.
pub(crate) struct FrameChunk {
    rows: usize,
    coded: Vec<(usize, Vec<u8>)>,
    email: Option<(usize, TextColumn)>,
}

/// The half of the copy collected on the import's writing thread, from the rows it inserts: time, score and
/// key of every response, and the comment column (the largest text: hashing a million comments here, and
/// compressing them frame by frame as they come, keeps them off the parsing thread, the import's busier one,
/// and out of the import's tail).
pub(crate) struct FrameRows {
    responded_at: Vec<i64>,
    score: Vec<u8>,
    keys: String,
    key_ends: Vec<u32>,
    comment: Option<(usize, TextColumn)>,
}

impl FrameRows {
    pub(crate) fn new(comment_pos: Option<usize>) -> FrameRows {
        FrameRows {
            responded_at: Vec::new(),
            score: Vec::new(),
            keys: String::new(),
            key_ends: Vec::new(),
            comment: comment_pos.map(|p| (p, TextColumn::default())),
        }
    }

    /// Records one inserted row (`comment`: the comment cell, `None` when blank). False when the copy is
    /// given up.
    pub(crate) fn push(
        &mut self,
        budget: &CopyBudget,
        key: &str,
        responded_at: Option<i64>,
        score: Option<u8>,
        comment: Option<&str>,
    ) -> bool {
        self.responded_at.push(responded_at.unwrap_or(NO_TIME));
        self.score.push(score.unwrap_or(NO_SCORE));
        self.keys.push_str(key);
        self.key_ends.push(self.keys.len() as u32);
        if let Some((_, column)) = &mut self.comment {
            column.push(comment.unwrap_or_default());
            column.pack_ready();
        }
        budget.keep(&budget.writing, self.key_ends.len(), || self.bytes())
    }

    /// The memory held, about.
    fn bytes(&self) -> usize {
        self.responded_at.capacity() * 8
            + self.score.capacity()
            + self.keys.capacity()
            + self.key_ends.capacity() * 4
            + self.comment.as_ref().map_or(0, |(_, t)| t.bytes())
    }
}

/// Writes the last chunk (number `chunk`) of the copy of survey `survey_id` as of `import_id` from its two
/// halves: the base, every column whose cells were all coded or empty, and the text columns. False, with
/// nothing written, when the halves do not hold the same rows.
pub(crate) fn write(
    tx: &Transaction,
    survey_id: i64,
    import_id: i64,
    chunk: i64,
    coder: &CellCoder,
    builder: FrameBuilder,
    rows: FrameRows,
) -> Result<bool> {
    let FrameBuilder { cells, email, cells_per_row, comment_pos, rows: built } = builder;
    let email_pos = email.as_ref().map(|(p, _)| *p);
    // Only a survey this import created is copied, so the coder's new values are its whole dictionary.
    let dictionary = coder.added_values();
    let coded = || encode_coded(&cells, built, cells_per_row, comment_pos, email_pos, dictionary);
    write_parts(tx, (survey_id, import_id, chunk), built, email, rows, coded)
}

/// Writes an earlier chunk (number `chunk`) from the parsing half's [`FrameChunk`] and the writing half's
/// rows, which must be the same rows; then both halves count from nothing again. False, with nothing
/// written, when they are not.
pub(crate) fn write_chunk(
    tx: &Transaction,
    survey_id: i64,
    import_id: i64,
    chunk: i64,
    parsed: FrameChunk,
    rows: FrameRows,
    budget: &CopyBudget,
) -> Result<bool> {
    let FrameChunk { rows: built, coded, email } = parsed;
    let written = write_parts(tx, (survey_id, import_id, chunk), built, email, rows, || coded)?;
    budget.writing.store(0, Ordering::Relaxed);
    budget.chunk_in_flight.store(false, Ordering::Relaxed);
    Ok(written)
}

/// The parts of one chunk: the base and the text columns from the writing half, the coded columns from
/// `coded` (made on this thread while a second one compresses the text dictionaries: a million comments, and
/// the copy's last chunk is written after the last row, when nothing else runs).
fn write_parts(
    tx: &Transaction,
    (survey_id, import_id, chunk): (i64, i64, i64),
    built: usize,
    email: Option<(usize, TextColumn)>,
    rows: FrameRows,
    coded: impl FnOnce() -> Vec<(usize, Vec<u8>)>,
) -> Result<bool> {
    let FrameRows { responded_at, score, keys, key_ends, comment } = rows;
    if built != key_ends.len() {
        return Ok(false);
    }
    let at = |part: i64| PartKey { survey_id, part, chunk, import_id };
    let texts: Vec<(usize, TextColumn)> = comment.into_iter().chain(email).collect();
    let (written, encoded) = join(
        || -> Result<()> {
            let len = base_len(key_ends.len(), keys.len());
            insert_part(tx, at(PART_BASE), len, |w| write_base(w, &responded_at, &score, &keys, &key_ends))?;
            drop((responded_at, score, keys, key_ends));
            for (position, data) in coded() {
                insert_part(tx, at(position as i64), data.len(), |w| w.write_all(&data))?;
            }
            Ok(())
        },
        move || texts.into_iter().map(|(position, column)| (position, column.into_part())).collect::<Vec<_>>(),
    );
    written?;
    for (position, data) in encoded {
        insert_part(tx, at(position as i64), data.len(), |w| w.write_all(&data))?;
    }
    Ok(true)
}

/// Where a part goes: its survey, part, chunk and import.
struct PartKey {
    survey_id: i64,
    part: i64,
    chunk: i64,
    import_id: i64,
}

/// Inserts a part of `len` bytes, written by `write` through SQLite's incremental blob I/O into a zeroblob:
/// a blob bound to the INSERT would be copied twice more by SQLite (at the bind and into the record), about
/// 70 MB for the base of a 1M-row chunk, at the moment of the import's peak memory.
fn insert_part(
    tx: &Transaction,
    key: PartKey,
    len: usize,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    // A delete, then a plain one-row insert, not `INSERT OR REPLACE`: under foreign keys a REPLACE may write
    // twice and abort, so SQLite would copy every page the zeroblob takes from the free list (pages that
    // existed before the statement) into a statement journal, which an import keeps in memory (its
    // `temp_store`): a part's size, tens of MB, at the import's peak.
    tx.prepare_cached("DELETE FROM frame_cache WHERE survey_id = ?1 AND part = ?2 AND chunk = ?3")?
        .execute(params![key.survey_id, key.part, key.chunk])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO frame_cache (survey_id, part, chunk, import_id, data) VALUES (?1, ?2, ?3, ?4, zeroblob(?5))",
    )?;
    insert.execute(params![key.survey_id, key.part, key.chunk, key.import_id, len as i64])?;
    let mut blob = tx.blob_open(rusqlite::MAIN_DB, "frame_cache", "data", tx.last_insert_rowid(), false)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut blob);
    let written = write(&mut out).and_then(|()| out.flush());
    drop(out);
    // A write error is SQLite's (disk full, I/O), wrapped by the blob's `Write`: unwrapped, it is classified
    // like any other. A part that does not fill its blob exactly is a bug, refused the same way.
    let failed = |e: std::io::Error| {
        let message = format!("writing the columnar copy: {e}");
        match e.into_inner().map(|inner| inner.downcast::<rusqlite::Error>()) {
            Some(Ok(e)) => *e,
            _ => {
                rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERNAL), Some(message))
            }
        }
    };
    written.map_err(failed)?;
    if blob.stream_position().map_err(failed)? != len as u64 {
        return Err(failed(std::io::Error::other("a part did not fill its blob")).into());
    }
    Ok(())
}

/// Rows per block of [`encode_coded`]'s sweeps (4096 rows of 17 codes: 139 KB).
const SWEEP_ROWS: usize = 4096;

/// The coded columns of `rows` rows of a builder's row-major codes, each re-coded ([`Recoder`]) and encoded
/// (export position, part data). The comment and e-mail columns are text columns of their own; a column with
/// a cell written inline gets no part.
///
/// Two sequential sweeps over all columns at once, not one strided sweep per column: the codes of a 1M-row
/// chunk are 34 MB, and reading them once per column (17 times) with a fresh 4 MB code vector each was 100 ms
/// of the import's tail. The first sweep finds each column's values (so its code width), the second writes
/// every column's codes at that width straight into its part.
fn encode_coded(
    cells: &[u16],
    rows: usize,
    cells_per_row: usize,
    comment_pos: Option<usize>,
    email_pos: Option<usize>,
    dictionary: &[Box<str>],
) -> Vec<(usize, Vec<u8>)> {
    if cells_per_row == 0 {
        return Vec::new();
    }
    let cells = &cells[..rows * cells_per_row];
    // (slot in a row, export position, its recoder while the column can still be coded)
    let mut columns: Vec<(usize, usize, Option<Recoder>)> = (0..cells_per_row)
        .filter_map(|slot| {
            let position = match comment_pos {
                Some(p) if slot >= p => slot + 1,
                _ => slot,
            };
            (Some(position) != email_pos).then(|| (slot, position, Some(Recoder::new(dictionary))))
        })
        .collect();
    // Blocks of rows that stay in the cache while each column takes its cells from them.
    let blocks = || cells.chunks(SWEEP_ROWS * cells_per_row);
    for block in blocks() {
        for (slot, _, recoder) in &mut columns {
            if let Some(r) = recoder {
                if block.iter().skip(*slot).step_by(cells_per_row).any(|&c| r.code(c).is_none()) {
                    *recoder = None;
                }
            }
        }
    }
    // (slot, export position, raw → dense code, code width, the part so far)
    type Part = (usize, usize, Vec<u32>, usize, Vec<u8>);
    let mut parts: Vec<Part> = columns
        .into_iter()
        .filter_map(|(slot, position, recoder)| {
            let Recoder { map, values, .. } = recoder?;
            let head = encode_head(&values.to_strs(), rows);
            Some((slot, position, map, code_width(values.len()), head))
        })
        .collect();
    for block in blocks() {
        for (slot, _, map, width, out) in &mut parts {
            // Every code of the column was seen by the first sweep: the map holds it.
            let codes = block.iter().skip(*slot).step_by(cells_per_row).map(|&c| map[c as usize]);
            // Raw codes are u16, so a column has fewer than 65,536 values: one or two bytes.
            match width {
                1 => out.extend(codes.map(|c| c as u8)),
                _ => codes.for_each(|c| out.extend_from_slice(&(c as u16).to_le_bytes())),
            }
        }
    }
    parts.into_iter().map(|(_, position, _, _, out)| (position, out)).collect()
}

/// A column of free text coded by its own dictionary: its trimmed distinct values ([`ChunkedTexts`]), found
/// again by their hash ([`ValueIndex`]), and as many of them as are compressed already ([`FRAME_BYTES`]).
/// Holds each distinct text once (comments are most of an import's extra memory).
#[derive(Default)]
struct TextColumn {
    texts: ChunkedTexts,
    index: ValueIndex,
    codes: Vec<u32>,
    /// Values 1..=`packed_values`, compressed: zstd frames back to back.
    packed: Vec<u8>,
    packed_values: u32,
    /// Bytes of every value with its length prefix (the part's uncompressed size), and of those not packed.
    value_bytes: usize,
    unpacked_bytes: usize,
    /// A frame could not be compressed: the part is written without values, so it does not decode and
    /// readers scan the rows (as for any part that does not decode).
    failed: bool,
}

impl TextColumn {
    fn bytes(&self) -> usize {
        self.texts.chunks.iter().map(String::capacity).sum::<usize>()
            + self.texts.spans.capacity() * 12
            + self.index.by_hash.capacity() * 24
            + self.codes.capacity() * 4
            + self.packed.capacity()
    }

    fn push(&mut self, cell: &str) {
        let t = cell.trim();
        let code = if t.is_empty() {
            0
        } else {
            let known = self.texts.len();
            let code = self.index.code(&mut self.texts, t);
            if self.texts.len() > known {
                self.value_bytes += t.len() + 4;
                self.unpacked_bytes += t.len() + 4;
            }
            code
        };
        self.codes.push(code);
    }

    /// Compresses the values not compressed yet as one frame once they make [`FRAME_BYTES`].
    fn pack_ready(&mut self) {
        if self.unpacked_bytes >= FRAME_BYTES {
            self.pack(FRAME_BYTES);
        }
    }

    /// Compresses every value not compressed yet, in frames of about `frame_bytes`; a column without values
    /// still gets its one (empty) frame.
    fn pack(&mut self, frame_bytes: usize) {
        let n = self.texts.len() as u32;
        while !self.failed && (self.packed_values < n || self.packed.is_empty()) {
            let (from, mut to, mut bytes) = (self.packed_values + 1, self.packed_values, 0);
            while to < n && bytes < frame_bytes {
                to += 1;
                bytes += self.texts.text(to).len() + 4;
            }
            let values: Vec<&str> = (from..=to).map(|c| self.texts.text(c)).collect();
            self.failed = compress_into(&values, &mut self.packed).is_err();
            self.packed_values = to;
        }
        self.unpacked_bytes = 0;
    }

    /// The column's part ([`head`], then the codes), its last values compressed now.
    fn into_part(mut self) -> Vec<u8> {
        self.pack(FRAME_BYTES);
        let packed = if self.failed { &[][..] } else { &self.packed[..] };
        let width = code_width(self.texts.len());
        let mut out = head(self.texts.len(), self.value_bytes, packed, self.codes.len(), width);
        for &code in &self.codes {
            out.extend_from_slice(&code.to_le_bytes()[..width]);
        }
        out
    }
}

/// Where a dictionary keeps its texts: code c (from 1) is `text(c)`; `add` appends one and gives its code.
trait TextStore {
    fn text(&self, code: u32) -> &str;
    fn add(&mut self, t: &str) -> u32;
}

impl TextStore for Texts {
    fn text(&self, code: u32) -> &str {
        &self[code as usize - 1]
    }

    fn add(&mut self, t: &str) -> u32 {
        self.push(t);
        self.len() as u32
    }
}

/// Texts back to back in chunks of [`TEXT_CHUNK`] (code c is `spans[c − 1]`: chunk, start, end): while an
/// import collects a million comments, a single growing string would double its memory at each reallocation.
#[derive(Default)]
struct ChunkedTexts {
    chunks: Vec<String>,
    spans: Vec<(u32, u32, u32)>,
}

impl ChunkedTexts {
    fn len(&self) -> usize {
        self.spans.len()
    }
}

impl TextStore for ChunkedTexts {
    fn text(&self, code: u32) -> &str {
        let (chunk, start, end) = self.spans[code as usize - 1];
        &self.chunks[chunk as usize][start as usize..end as usize]
    }

    fn add(&mut self, t: &str) -> u32 {
        let fits = self.chunks.last().is_some_and(|c| c.capacity() - c.len() >= t.len());
        if !fits {
            self.chunks.push(String::with_capacity(TEXT_CHUNK.max(t.len())));
        }
        let chunk = self.chunks.len() - 1;
        let text = &mut self.chunks[chunk];
        let start = text.len();
        text.push_str(t);
        self.spans.push((chunk as u32, start as u32, text.len() as u32));
        self.spans.len() as u32
    }
}

/// Re-codes a column of the coder's codes: trimmed values, numbered densely in first-seen order (two raw
/// values that trim alike share a code; a blank one is 0).
struct Recoder<'d> {
    dictionary: &'d [Box<str>],
    /// Raw code → dense code, [`Recoder::UNSEEN`] until seen.
    map: Vec<u32>,
    index: HashMap<&'d str, u32>,
    values: Texts,
}

impl<'d> Recoder<'d> {
    const UNSEEN: u32 = u32::MAX;

    fn new(dictionary: &'d [Box<str>]) -> Recoder<'d> {
        let mut map = vec![Self::UNSEEN; dictionary.len() + 1];
        map[0] = 0;
        Recoder { dictionary, map, index: HashMap::new(), values: Texts::new() }
    }

    /// The dense code of raw code `code`; `None` for a cell written inline (or a code the dictionary lacks).
    #[inline]
    fn code(&mut self, code: u16) -> Option<u32> {
        if code == CODE_INLINE {
            return None;
        }
        let slot = self.map.get_mut(code as usize)?;
        if *slot == Self::UNSEEN {
            let text = self.dictionary[code as usize - 1].trim();
            *slot = if text.is_empty() {
                0
            } else {
                let values = &mut self.values;
                *self.index.entry(text).or_insert_with(|| {
                    values.push(text);
                    values.len() as u32
                })
            };
        }
        Some(*slot)
    }
}

/// A column from the coder's codes ([`Recoder`]); `None` when a cell was written inline.
#[cfg(test)]
fn recode(raw: impl ExactSizeIterator<Item = u16>, dictionary: &[Box<str>]) -> Option<CachedColumn> {
    let mut recoder = Recoder::new(dictionary);
    let codes = raw.map(|c| recoder.code(c)).collect::<Option<Vec<u32>>>()?;
    Some(CachedColumn { values: recoder.values, codes })
}

/// Response count, answered count, first and last response time: what the survey summary shows.
pub struct CachedCounts {
    pub responses: u32,
    pub answered: u32,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

const BASE_HEADER: usize = 24;

fn base_len(n: usize, keys: usize) -> usize {
    BASE_HEADER + n * 13 + keys
}

/// Writes the base (time, score and key of each of n responses, [`base_len`] bytes) into `out`.
fn write_base(
    out: &mut dyn Write,
    responded_at: &[i64],
    score: &[u8],
    keys: &str,
    key_ends: &[u32],
) -> std::io::Result<()> {
    let n = key_ends.len();
    out.write_all(&(n as u32).to_le_bytes())?;
    out.write_all(&(score.iter().filter(|s| **s != NO_SCORE).count() as u32).to_le_bytes())?;
    let dated = responded_at.iter().filter(|t| **t != NO_TIME);
    out.write_all(&dated.clone().min().copied().unwrap_or(NO_TIME).to_le_bytes())?;
    out.write_all(&dated.max().copied().unwrap_or(NO_TIME).to_le_bytes())?;
    for t in responded_at {
        out.write_all(&t.to_le_bytes())?;
    }
    out.write_all(score)?;
    for e in key_ends {
        out.write_all(&e.to_le_bytes())?;
    }
    out.write_all(keys.as_bytes())
}

#[cfg(test)]
fn encode_base(responded_at: &[i64], score: &[u8], keys: &str, key_ends: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(base_len(key_ends.len(), keys.len()));
    write_base(&mut out, responded_at, score, keys, key_ends).unwrap();
    assert_eq!(out.len(), base_len(key_ends.len(), keys.len()));
    out
}

fn decode_counts(data: &[u8]) -> Option<CachedCounts> {
    let mut r = Bytes(data);
    let (responses, answered) = (r.u32()?, r.u32()?);
    let mut time = || Some(i64::from_le_bytes(r.take(8)?.try_into().ok()?)).map(|t| (t != NO_TIME).then_some(t));
    Some(CachedCounts { responses, answered, first: time()?, last: time()? })
}

/// Where a base part's keys start (their ends, then the keys), given its `n` responses.
fn base_keys_at(n: usize) -> Option<usize> {
    n.checked_mul(9)?.checked_add(BASE_HEADER)
}

/// Time and score from a base part's head: its first [`base_keys_at`] bytes.
fn decode_base(head: &[u8]) -> Option<CachedBase> {
    let mut r = Bytes(head);
    let n = r.u32()? as usize;
    r.take(BASE_HEADER - 4)?;
    let responded_at = r
        .take(n.checked_mul(8)?)?
        .chunks_exact(8)
        .map(|c| Some(i64::from_le_bytes(c.try_into().ok()?)).filter(|t| *t != NO_TIME))
        .collect();
    let scores = r.take(n)?;
    if scores.iter().any(|&s| s > 10 && s != NO_SCORE) {
        return None;
    }
    let score = scores.iter().map(|&s| Some(s).filter(|s| *s != NO_SCORE)).collect();
    r.0.is_empty().then_some(CachedBase { responded_at, score })
}

/// The keys from a base part's tail (from [`base_keys_at`]) of `n` responses.
fn decode_keys(mut tail: Vec<u8>, n: usize) -> Option<CachedKeys> {
    let key_ends: Vec<u32> = tail.get(..n.checked_mul(4)?)?.chunks_exact(4).map(u32_le).collect();
    // Moved to the front, the tail's own buffer becomes the keys' string (11 MB at 1M responses, in pages
    // already touched, instead of a copy into fresh ones).
    tail.drain(..n * 4);
    let keys = String::from_utf8(tail).ok()?;
    let ordered =
        key_ends.windows(2).all(|w| w[0] <= w[1]) && key_ends.last().is_none_or(|e| *e as usize == keys.len());
    let boundaries = key_ends.iter().all(|&e| keys.is_char_boundary(e as usize));
    (ordered && boundaries).then_some(CachedKeys { keys, key_ends })
}

/// Bytes per code of a column of `values` distinct values.
fn code_width(values: usize) -> usize {
    match values {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        _ => 4,
    }
}

/// A column's part up to its codes ([`head`]), with room for its `codes` codes: the values of a coded column
/// (a few thousand at most) in one frame.
fn encode_head(values: &[&str], codes: usize) -> Vec<u8> {
    let size: usize = values.iter().map(|v| v.len() + 4).sum();
    let mut packed = Vec::with_capacity(size / 4);
    if compress_into(values, &mut packed).is_err() {
        packed.clear();
    }
    head(values.len(), size, &packed, codes, code_width(values.len()))
}

/// A column's part up to its codes: the code count n, the value count, the values' size uncompressed, the
/// values (zstd-compressed: comments repeat words, and a dictionary of a million comments would otherwise
/// double the workspace's text), the code width; then come the n codes.
fn head(values: usize, size: usize, packed: &[u8], codes: usize, width: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(17 + packed.len() + codes * width);
    out.extend_from_slice(&(codes as u32).to_le_bytes());
    out.extend_from_slice(&(values as u32).to_le_bytes());
    out.extend_from_slice(&(size as u32).to_le_bytes());
    out.extend_from_slice(&(packed.len() as u32).to_le_bytes());
    out.extend_from_slice(packed);
    out.push(width as u8);
    out
}

/// Appends `values` to `out` as one zstd frame, each value as its length (u32) and bytes; streamed into the
/// compressor, so a frame's values are never held a second time, uncompressed.
fn compress_into(values: &[&str], out: &mut Vec<u8>) -> std::io::Result<()> {
    // Level 1: the fastest standard level; the copy is written during the import.
    let z = zstd::stream::write::Encoder::new(out, 1)?;
    // Buffered: two small writes per value straight into the encoder cost a call into zstd each (the
    // 535,000 e-mail addresses of a 1M-row import: 53 → 43 ms).
    let mut z = std::io::BufWriter::with_capacity(128 << 10, z);
    for v in values {
        z.write_all(&(v.len() as u32).to_le_bytes())?;
        z.write_all(v.as_bytes())?;
    }
    z.into_inner().map_err(|e| e.into_error())?.finish()?;
    Ok(())
}

/// The values of a column from its compressed bytes (`size`: their length uncompressed, at most): zstd
/// frames back to back ([`FRAME_BYTES`]; a copy written before 2026-11-25 has one or two), decompressed in
/// two runs of frames on two threads, split at the frame boundary nearest the middle. The decompressed
/// bytes become the values' buffer in place ([`Texts`]).
fn decode_values(packed: &[u8], size: usize) -> Option<Texts> {
    let middle = frame_ends(packed)?.into_iter().min_by_key(|e| e.abs_diff(packed.len() / 2))?;
    let values_of =
        |frames: &[u8]| -> Option<Texts> { Texts::from_length_prefixed(zstd::bulk::decompress(frames, size).ok()?) };
    if middle >= packed.len() {
        return values_of(packed);
    }
    let (head, tail) = packed.split_at(middle);
    let (head, tail) = join(|| values_of(head), || values_of(tail));
    let mut values = head?;
    values.append(&tail?);
    Some(values)
}

/// Where each zstd frame of `packed` ends; `None` when they do not make up the bytes exactly.
fn frame_ends(packed: &[u8]) -> Option<Vec<usize>> {
    let mut ends = Vec::new();
    let mut at = 0;
    while at < packed.len() {
        at += zstd::zstd_safe::find_frame_compressed_size(&packed[at..]).ok()?;
        ends.push(at);
    }
    Some(ends)
}

fn decode_column(data: &[u8]) -> Option<CachedColumn> {
    let mut r = Bytes(data);
    let n = r.u32()? as usize;
    let count = r.u32()? as usize;
    let size = r.u32()? as usize;
    let packed_len = r.u32()? as usize;
    let values = decode_values(r.take(packed_len)?, size)?;
    let width = *r.take(1)?.first()? as usize;
    let codes: Vec<u32> = match width {
        1 => r.take(n)?.iter().map(|&b| u32::from(b)).collect(),
        2 => r.take(n.checked_mul(2)?)?.chunks_exact(2).map(|c| u32::from(u16::from_le_bytes([c[0], c[1]]))).collect(),
        4 => r.take(n.checked_mul(4)?)?.chunks_exact(4).map(u32_le).collect(),
        _ => return None,
    };
    let valid = r.0.is_empty() && values.len() == count && codes.iter().all(|&c| c as usize <= values.len());
    valid.then_some(CachedColumn { values, codes })
}

fn u32_le(c: &[u8]) -> u32 {
    u32::from_le_bytes([c[0], c[1], c[2], c[3]])
}

/// A column of the columnar copy as stored: one compressed part per chunk, in chunk order (at 5M responses
/// the comment column's five parts take 55 MB).
#[derive(Debug)]
pub struct ColumnParts(Vec<Vec<u8>>);

impl ColumnParts {
    /// The column, its chunks decoded and merged; `None` when a part does not decode.
    pub fn decode(self) -> Option<CachedColumn> {
        // One chunk at a time: at most one chunk's dictionary is held besides the merged one.
        merge_columns(self.0.iter().map(|d| decode_column(d)))
    }
}

/// A cursor over a blob.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(u32_le)
    }
}

impl CachedBase {
    /// Appends the next chunk.
    fn append(&mut self, next: CachedBase) {
        self.responded_at.extend(next.responded_at);
        self.score.extend(next.score);
    }
}

impl CachedKeys {
    /// Appends the next chunk. `None` when the keys would outgrow 32-bit offsets.
    fn append(&mut self, next: CachedKeys) -> Option<()> {
        let offset = u32::try_from(self.keys.len()).ok()?;
        self.keys.push_str(&next.keys);
        self.key_ends.reserve(next.key_ends.len());
        for e in next.key_ends {
            self.key_ends.push(e.checked_add(offset)?);
        }
        Some(())
    }
}

/// A dictionary's texts found again by their hash (the texts themselves stay in its [`TextStore`]): the
/// import's text columns, and a column merged from chunks.
#[derive(Default)]
struct ValueIndex {
    /// Keyed by the text's hash, itself hashed again by the map: with Fx (one multiply) rather than the
    /// default SipHash, which took a tenth of merging the comment column's chunks.
    by_hash: HashMap<u64, u32, std::hash::BuildHasherDefault<FxHasher>>,
    /// Texts whose hash another text took first (rare).
    collided: HashMap<Box<str>, u32>,
}

impl ValueIndex {
    fn hash(t: &str) -> u64 {
        let mut h = FxHasher::default();
        h.write(t.as_bytes());
        h.finish()
    }

    /// Records text `code` of `store`, already there.
    fn note(&mut self, store: &impl TextStore, code: u32) {
        let t = store.text(code);
        match self.by_hash.entry(Self::hash(t)) {
            std::collections::hash_map::Entry::Occupied(e) if *e.get() != code => {
                self.collided.entry(t.into()).or_insert(code);
            }
            std::collections::hash_map::Entry::Occupied(_) => {}
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(code);
            }
        }
    }

    /// The code of `t` in `store`, added at its end when it is not there yet.
    fn code(&mut self, store: &mut impl TextStore, t: &str) -> u32 {
        self.code_hashed(store, t, Self::hash(t))
    }

    /// The code of `t` in `store` if it is there (`hash` is its [`ValueIndex::hash`]); reads only, so two
    /// threads can look up at once.
    fn find(&self, store: &impl TextStore, t: &str, hash: u64) -> Option<u32> {
        match self.by_hash.get(&hash) {
            Some(&c) if store.text(c) == t => Some(c),
            Some(_) => self.collided.get(t).copied(),
            None => None,
        }
    }

    /// [`ValueIndex::code`], given the hash of `t`.
    fn code_hashed(&mut self, store: &mut impl TextStore, t: &str, hash: u64) -> u32 {
        if let Some(c) = self.find(store, t, hash) {
            return c;
        }
        let c = store.add(t);
        match self.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(c);
            }
            // Another text took this hash first.
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(t.into(), c);
            }
        }
        c
    }
}

/// One column from its chunks in order: codes concatenated, each later chunk's values mapped onto the
/// values seen before it (new ones added in its first-seen order): the column one chunk would have been.
fn merge_columns(chunks: impl IntoIterator<Item = Option<CachedColumn>>) -> Option<CachedColumn> {
    let mut chunks = chunks.into_iter();
    let mut merged = chunks.next()??;
    let mut index: Option<ValueIndex> = None;
    for next in chunks {
        let next = next?;
        // Room for the chunk's values and codes before they are added (one growth per chunk, not a doubling
        // every few thousand values; amortised, so capacity may reach twice the size, in untouched pages).
        merged.values.reserve(&next.values);
        merged.codes.reserve(next.codes.len());
        let index = index.get_or_insert_with(|| {
            let mut index = ValueIndex::default();
            index.by_hash.reserve(merged.values.len());
            for code in 1..=merged.values.len() as u32 {
                index.note(&merged.values, code);
            }
            index
        });
        index.by_hash.reserve(next.values.len());
        // The lookups only read, so they run on two threads; the values not found are then added in order,
        // on one (their codes follow first-seen order). At 5M responses, merging the comment column's four
        // later chunks on one thread was a third of a `themes` report.
        let found = find_all(index, &merged.values, &next.values);
        let mut map: Vec<u32> = Vec::with_capacity(next.values.len() + 1);
        map.push(0);
        for (t, &(hash, code)) in next.values.iter().zip(&found) {
            map.push(if code != 0 { code } else { index.code_hashed(&mut merged.values, t, hash) });
        }
        merged.codes.extend(next.codes.iter().map(|&c| map[c as usize]));
    }
    Some(merged)
}

/// Values below this many are looked up on one thread (a second costs more than it saves).
const FIND_PARALLEL_MIN: usize = 16_384;

/// Each of `values`' hash and its code in `store` through `index` (0: not there), on two threads for many.
fn find_all(index: &ValueIndex, store: &Texts, values: &Texts) -> Vec<(u64, u32)> {
    let find = |range: std::ops::Range<usize>| -> Vec<(u64, u32)> {
        range
            .map(|i| {
                let t = &values[i];
                let hash = ValueIndex::hash(t);
                (hash, index.find(store, t, hash).unwrap_or(0))
            })
            .collect()
    };
    let n = values.len();
    if n < FIND_PARALLEL_MIN {
        return find(0..n);
    }
    let (mut found, tail) = join(|| find(0..n / 2), || find(n / 2..n));
    found.extend(tail);
    found
}

/// Bytes `range` of an open chunk; `None` when they cannot be read in full (a part that does not decode:
/// the caller scans the rows instead).
fn read_range(blob: &rusqlite::blob::Blob<'_>, range: std::ops::Range<usize>) -> Option<Vec<u8>> {
    let mut data = vec![0u8; range.len()];
    blob.read_at_exact(&mut data, range.start).ok().map(|()| data)
}

impl Workspace {
    /// The rows of a stored part's chunks in order, if they are of the survey's latest import and numbered
    /// 0, 1, … without a gap (else none: the caller scans the rows instead).
    fn frame_chunks(&self, survey_id: i64, part: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT rowid, chunk FROM frame_cache WHERE survey_id = ?1 AND part = ?2
               AND import_id = (SELECT max(id) FROM import WHERE survey_id = ?1)
             ORDER BY chunk",
        )?;
        let chunks: Vec<(i64, i64)> = stmt
            .query_map(params![survey_id, part], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let whole = chunks.iter().enumerate().all(|(i, (_, chunk))| *chunk == i as i64);
        Ok(if whole { chunks.into_iter().map(|(row, _)| row).collect() } else { Vec::new() })
    }

    /// The first `head` bytes of a chunk (all of it for `None`), read through SQLite's incremental blob I/O:
    /// `substr(data, …)` would load the whole blob (24 MB for the base at 1M) to return a few bytes.
    fn frame_chunk(&self, row: i64, head: Option<usize>) -> Result<Option<Vec<u8>>> {
        let Some(blob) = self.open_chunk(row)? else { return Ok(None) };
        Ok(read_range(&blob, 0..head.unwrap_or(usize::MAX).min(blob.len())))
    }

    /// A chunk's blob, open for reading; `None` for a row gone since `frame_chunks` (another process's wave
    /// committed in between): that is no copy, and the caller scans the rows, which then show that wave.
    fn open_chunk(&self, row: i64) -> Result<Option<rusqlite::blob::Blob<'_>>> {
        match self.conn().blob_open(rusqlite::MAIN_DB, "frame_cache", "data", row, true) {
            Ok(blob) => Ok(Some(blob)),
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("no such rowid") => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Time and score of every response, from the columnar copy; `None` when there is no current copy
    /// (then [`Workspace::scan_responses`] reads the same from the rows).
    pub fn cached_base(&self, survey_id: i64) -> Result<Option<CachedBase>> {
        self.fold_base_chunks(
            survey_id,
            |row| Ok(self.base_chunk(row, false)?.and_then(|(head, _)| decode_base(&head))),
            |base, next| {
                base.append(next);
                Some(())
            },
        )
    }

    /// The respondent key of every response, from the columnar copy; `None` when there is no current copy
    /// (then [`Workspace::scan_responses`] reads the same from the rows).
    pub fn cached_keys(&self, survey_id: i64) -> Result<Option<CachedKeys>> {
        self.fold_base_chunks(
            survey_id,
            |row| Ok(self.base_chunk(row, true)?.and_then(|(tail, n)| decode_keys(tail, n))),
            CachedKeys::append,
        )
    }

    /// The survey's base chunks, each read by `read`, joined in order by `join`; `None` (no current copy)
    /// when there are none, or when `read` or `join` finds one unusable.
    fn fold_base_chunks<T>(
        &self,
        survey_id: i64,
        read: impl Fn(i64) -> Result<Option<T>>,
        join: impl Fn(&mut T, T) -> Option<()>,
    ) -> Result<Option<T>> {
        let mut all: Option<T> = None;
        for row in self.frame_chunks(survey_id, PART_BASE)? {
            let Some(next) = read(row)? else { return Ok(None) };
            match all.as_mut() {
                None => all = Some(next),
                Some(all) => {
                    if join(all, next).is_none() {
                        return Ok(None);
                    }
                }
            }
        }
        Ok(all)
    }

    /// A base part's head (times and scores) or, with `keys`, its tail (the keys), and its response count;
    /// `None` when the part is gone or cannot be read in full.
    fn base_chunk(&self, row: i64, keys: bool) -> Result<Option<(Vec<u8>, usize)>> {
        let Some(blob) = self.open_chunk(row)? else { return Ok(None) };
        let mut header = [0u8; 4];
        if blob.read_at_exact(&mut header, 0).is_err() {
            return Ok(None);
        }
        let n = u32::from_le_bytes(header) as usize;
        // The part must be exactly header, times, scores, key ends and keys, the last key end giving the keys'
        // length: a damaged count or a part cut short is refused by either read, keys or not.
        let Some(ends_at) = base_keys_at(n).filter(|&at| at <= blob.len()) else { return Ok(None) };
        let Some(keys_at) = n.checked_mul(4).and_then(|e| e.checked_add(ends_at)).filter(|&at| at <= blob.len()) else {
            return Ok(None);
        };
        let mut last_end = [0u8; 4];
        if n > 0 && blob.read_at_exact(&mut last_end, keys_at - 4).is_err() {
            return Ok(None);
        }
        if keys_at.checked_add(u32::from_le_bytes(last_end) as usize) != Some(blob.len()) {
            return Ok(None);
        }
        let range = if keys { ends_at..blob.len() } else { 0..ends_at };
        Ok(read_range(&blob, range).map(|data| (data, n)))
    }

    /// The survey summary's counts from the columnar copy's headers (the first bytes of each chunk, instead
    /// of a scan of the survey's rows); `None` without a current copy.
    pub fn cached_counts(&self, survey_id: i64) -> Result<Option<CachedCounts>> {
        self.fold_base_chunks(
            survey_id,
            |row| Ok(self.frame_chunk(row, Some(BASE_HEADER))?.and_then(|h| decode_counts(&h))),
            |c, next| {
                c.responses += next.responses;
                c.answered += next.answered;
                c.first = c.first.into_iter().chain(next.first).min();
                c.last = c.last.into_iter().chain(next.last).max();
                Some(())
            },
        )
    }

    /// The coded column at export `position`, from the columnar copy; `None` when there is no current copy
    /// of it.
    pub fn cached_column(&self, survey_id: i64, position: u32) -> Result<Option<CachedColumn>> {
        Ok(self.cached_column_parts(survey_id, position)?.and_then(ColumnParts::decode))
    }

    /// The column at export `position` as stored in the columnar copy, read but not decoded, so a caller can
    /// decode it on another thread while it reads something else ([`ColumnParts::decode`]); `None` when there
    /// is no current copy of it.
    pub fn cached_column_parts(&self, survey_id: i64, position: u32) -> Result<Option<ColumnParts>> {
        let rows = self.frame_chunks(survey_id, i64::from(position))?;
        // Every chunk must have the column: one whose later cells were written inline has no part there.
        if rows.is_empty() || rows.len() != self.frame_chunks(survey_id, PART_BASE)?.len() {
            return Ok(None);
        }
        // A part that cannot be read in full leaves no copy: the caller scans the rows instead.
        let parts = rows.iter().map(|&row| self.frame_chunk(row, None)).collect::<Result<Option<Vec<_>>>>()?;
        Ok(parts.map(ColumnParts))
    }

    /// How many chunks the survey's current columnar copy has (0: none).
    #[doc(hidden)]
    pub fn frame_cache_chunks(&self, survey_id: i64) -> Result<usize> {
        Ok(self.frame_chunks(survey_id, PART_BASE)?.len())
    }

    /// Drops the columnar copy of a survey (the next reads scan the rows). Used by tests and benchmarks to
    /// compare both paths.
    pub fn drop_frame_cache(&self, survey_id: i64) -> Result<()> {
        self.conn().execute("DELETE FROM frame_cache WHERE survey_id = ?1", [survey_id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_and_columns_round_trip_and_refuse_damage() {
        let base = encode_base(&[5, NO_TIME, -7], &[0, 10, NO_SCORE], "abcdé", &[1, 3, 6]);
        let keys_at = base_keys_at(3).unwrap();
        let b = decode_base(&base[..keys_at]).unwrap();
        let c = decode_counts(&base).unwrap();
        assert_eq!((c.responses, c.answered, c.first, c.last), (3, 2, Some(-7), Some(5)));
        assert_eq!(b.responded_at, vec![Some(5), None, Some(-7)]);
        assert_eq!(b.score, vec![Some(0), Some(10), None]);
        assert!(decode_base(&base[..keys_at - 1]).is_none(), "a score cut short");
        assert!(decode_base(&base[..keys_at + 1]).is_none(), "more than times and scores");
        let mut bad_score = base.clone();
        bad_score[BASE_HEADER + 3 * 8] = 11;
        assert!(decode_base(&bad_score[..keys_at]).is_none(), "a score past 10");
        let k = decode_keys(base[keys_at..].to_vec(), 3).unwrap();
        assert_eq!((k.keys.as_str(), k.key_ends.as_slice()), ("abcdé", &[1, 3, 6][..]));
        assert!(decode_keys(base[keys_at..base.len() - 1].to_vec(), 3).is_none(), "a key cut short");
        assert!(decode_keys(base[keys_at..base.len() - 2].to_vec(), 3).is_none(), "é cut in half");

        for values in [2usize, 300, 70_000] {
            let column = CachedColumn {
                values: (0..values).map(|i| format!("v{i}")).collect(),
                codes: vec![0, values as u32, 1, 2],
            };
            let data = encode_column(&column.values.to_strs(), &column.codes);
            assert_eq!(decode_column(&data).unwrap(), column, "{values} values");
            assert!(decode_column(&data[..data.len() - 1]).is_none());
        }
        // A copy written before frames of FRAME_BYTES: a large column's values in two frames (its halves),
        // read back as one.
        let values: Texts = (0..20_000).map(|i| format!("comment {i} {}", "x".repeat(i % 80))).collect();
        let size: usize = values.iter().map(|v| v.len() + 4).sum();
        let column = CachedColumn { codes: (0..=values.len() as u32).rev().collect(), values };
        let strs = column.values.to_strs();
        let mut packed = Vec::new();
        compress_into(&strs[..10_000], &mut packed).unwrap();
        compress_into(&strs[10_000..], &mut packed).unwrap();
        let mut data = head(strs.len(), size, &packed, column.codes.len(), 4);
        column.codes.iter().for_each(|c| data.extend_from_slice(&c.to_le_bytes()));
        assert_eq!(decode_column(&data).unwrap(), column);
        let bad = encode_column(&["a"], &[2]);
        assert!(decode_column(&bad).is_none(), "a code past the values");
    }

    /// A survey of three responses imported into a new workspace in `dir`, with its copy.
    fn three_responses(dir: &std::path::Path) -> (Workspace, i64) {
        let file = dir.join("s.csv");
        std::fs::write(
            &file,
            "Respondent ID,End Date,How likely is it that you would recommend us to a friend or colleague?,Why?\r\n\
             ,,Response,Open-Ended Response\r\n\
             11,2025-01-02 10:00:00,9,fast\r\n12,2025-01-03 10:00:00,3,slow\r\n13,,,\r\n",
        )
        .unwrap();
        let mut ws = Workspace::open(&dir.join("w.npsdesk")).unwrap();
        let options = npsdesk_import::ImportOptions::default();
        let r = ws.import_file(&file, &options, &mut |_| crate::ImportControl::Continue).unwrap();
        (ws, r.survey_id)
    }

    #[test]
    fn a_damaged_base_part_is_no_copy() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, survey) = three_responses(dir.path());
        let base = ws.cached_base(survey).unwrap().expect("a new survey has its copy");
        assert_eq!(base.score, vec![Some(9), Some(3), None]);
        let keys = ws.cached_keys(survey).unwrap().unwrap();
        assert_eq!((keys.keys.as_str(), keys.key_ends.as_slice()), ("111213", &[2, 4, 6][..]));
        // Cut short by a byte, a count one too high, a score of 11: times and scores, and keys, refused.
        let scores_at = BASE_HEADER + 3 * 8 + 1;
        for (what, damage) in [
            ("cut", "substr(data, 1, length(data) - 1)".to_string()),
            ("count", "X'04000000' || substr(data, 5)".to_string()),
            ("score", format!("substr(data, 1, {scores_at}) || X'0B' || substr(data, {})", scores_at + 2)),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let (ws, survey) = three_responses(dir.path());
            ws.conn().execute(&format!("UPDATE frame_cache SET data = {damage} WHERE part = {PART_BASE}"), []).unwrap();
            assert!(ws.cached_base(survey).unwrap().is_none(), "{what}: times and scores");
            if what != "score" {
                assert!(ws.cached_keys(survey).unwrap().is_none(), "{what}: keys");
            }
        }
    }

    #[test]
    fn recoding_trims_merges_and_gives_up_on_inline_cells() {
        let dictionary: Vec<Box<str>> = vec![" Pro".into(), "Free".into(), "Pro ".into(), "  ".into()];
        let c = recode([2, 0, 1, 3, 4, 2].into_iter(), &dictionary).unwrap();
        assert_eq!(c.values.to_strs(), ["Free", "Pro"]);
        assert_eq!(c.codes, vec![1, 0, 2, 2, 0, 1]);
        assert!(recode([1, CODE_INLINE].into_iter(), &dictionary).is_none());
    }

    #[test]
    fn the_sweeps_encode_each_column_as_recoding_it_alone_does() {
        // 600 values: "v0".."v599", with trimmed twins and blanks among them.
        let dictionary: Vec<Box<str>> = (0..600)
            .map(|i| match i % 50 {
                7 => format!(" v{}", i - 1).into(),
                13 => "   ".into(),
                _ => format!("v{i}").into(),
            })
            .collect();
        let (cells_per_row, comment_pos, email_pos) = (5, Some(2), Some(4));
        let rows = 3 * SWEEP_ROWS + 123;
        let mut seed = 42u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut cells: Vec<u16> = Vec::with_capacity(rows * cells_per_row);
        for row in 0..rows {
            for slot in 0..cells_per_row {
                cells.push(match slot {
                    0 => next(601) as u16,                     // hundreds of values: two-byte codes
                    1 if row == SWEEP_ROWS - 1 => 20,          // seen once, in a block's last row
                    1 => [0, 3, 8, 14][next(4) as usize],      // a few, with a twin and a blank
                    2 if row == SWEEP_ROWS + 5 => CODE_INLINE, // inline after the first block: no part
                    3 => (1 + row % 3) as u16,                 // the e-mail column (position 4)
                    _ => next(300) as u16,
                });
            }
        }
        let swept = encode_coded(&cells, rows, cells_per_row, comment_pos, email_pos, &dictionary);
        let alone: Vec<(usize, Vec<u8>)> = (0..cells_per_row)
            .filter_map(|slot| {
                let position = if slot >= 2 { slot + 1 } else { slot };
                if Some(position) == email_pos {
                    return None;
                }
                let raw = (0..rows).map(|row| cells[row * cells_per_row + slot]);
                let column = recode(raw, &dictionary)?;
                Some((position, encode_column(&column.values.to_strs(), &column.codes)))
            })
            .collect();
        let positions: Vec<usize> = swept.iter().map(|(p, _)| *p).collect();
        assert_eq!(positions, [0, 1, 5], "the inline column and the e-mail have no part");
        assert_eq!(swept, alone);
        let first = decode_column(&swept[0].1).unwrap();
        assert!(first.values.len() > 255 && first.codes.len() == rows, "{}", first.values.len());
    }

    #[test]
    fn chunks_merge_into_the_column_one_chunk_would_be() {
        let column = |values: &[&str], codes: &[u32]| CachedColumn {
            values: values.iter().copied().collect(),
            codes: codes.to_vec(),
        };
        let merged = merge_columns([
            Some(column(&["Pro", "Free"], &[1, 0, 2, 1])),
            Some(column(&[], &[0, 0])),
            Some(column(&["Team", "Free", "Pro"], &[2, 1, 3, 0])),
            Some(column(&["Free", "Café"], &[2, 1])),
        ])
        .unwrap();
        assert_eq!(merged, column(&["Pro", "Free", "Team", "Café"], &[1, 0, 2, 1, 0, 0, 2, 3, 1, 0, 4, 2]));
        assert!(merge_columns([Some(column(&["a"], &[1])), None]).is_none(), "a chunk that does not decode");

        // Two texts with one hash: the later one still gets its own code, and the same one again.
        let mut values: Texts = ["a"].into_iter().collect();
        let mut index = ValueIndex::default();
        index.note(&values, 1);
        index.by_hash.insert(ValueIndex::hash("b"), 1);
        assert_eq!(index.code(&mut values, "b"), 2);
        assert_eq!(index.code(&mut values, "b"), 2);
        assert_eq!(index.code(&mut values, "a"), 1);
        assert_eq!(values.to_strs(), ["a", "b"]);
    }

    #[test]
    fn chunks_with_many_values_merge_as_a_plain_first_seen_dictionary_would() {
        // Enough values per chunk for the lookups to run on two threads; each chunk repeats some values of
        // the chunks before it (in either half of its dictionary) and brings new ones.
        let chunk = |k: u64| {
            let n = FIND_PARALLEL_MIN as u64 + 999;
            let values: Texts =
                (0..n).map(|i| format!("comment {}", (i * 7 + k * 5003) % (n + 2 * k * 4001))).collect();
            let codes: Vec<u32> = (0..3 * n).map(|i| ((i * 2654435761 + k) % (n + 1)) as u32).collect();
            CachedColumn { values, codes }
        };
        let chunks: Vec<CachedColumn> = (0..3).map(chunk).collect();
        let merged = merge_columns(chunks.iter().cloned().map(Some)).unwrap();
        // The reference: every cell's text in order, numbered by first appearance in the dictionaries.
        let mut expected = CachedColumn::default();
        let mut seen: HashMap<String, u32> = HashMap::new();
        for c in &chunks {
            let map: Vec<u32> = std::iter::once(0)
                .chain(c.values.iter().map(|t| {
                    *seen.entry(t.to_string()).or_insert_with(|| {
                        expected.values.push(t);
                        expected.values.len() as u32
                    })
                }))
                .collect();
            expected.codes.extend(c.codes.iter().map(|&code| map[code as usize]));
        }
        assert!(expected.values.len() > chunks[0].values.len() + 1000, "later chunks bring new values");
        assert_eq!(merged, expected);
    }

    /// A coded column's part, as the import writes it ([`encode_head`], then the codes).
    fn encode_column(values: &[&str], codes: &[u32]) -> Vec<u8> {
        let width = code_width(values.len());
        let mut out = encode_head(values, codes.len());
        for &code in codes {
            out.extend_from_slice(&code.to_le_bytes()[..width]);
        }
        out
    }

    #[test]
    fn a_text_column_compressed_frame_by_frame_decodes_as_one() {
        let mut c = TextColumn::default();
        let cells: Vec<String> = (0..6000)
            .map(|i| if i % 7 == 0 { String::new() } else { format!("comment {} ({})", i % 2500, i % 13) })
            .collect();
        for (i, cell) in cells.iter().enumerate() {
            c.push(cell);
            // Frames while the column grows, as the writing thread makes them (4 KiB here, not 8 MiB).
            if i % 500 == 499 {
                c.pack(4096);
            }
        }
        let values: Vec<String> = (1..=c.texts.len() as u32).map(|k| c.texts.text(k).to_string()).collect();
        assert_eq!(c.value_bytes, values.iter().map(|v| v.len() + 4).sum::<usize>());
        let codes = c.codes.clone();
        let part = c.into_part();
        let packed = &part[16..16 + u32_le(&part[12..16]) as usize];
        let frames = frame_ends(packed).unwrap().len();
        assert!(frames > 4, "{frames} frames");
        let decoded = decode_column(&part).expect("decodes");
        assert_eq!(decoded.codes, codes);
        assert_eq!(decoded.values.to_strs(), values.iter().map(String::as_str).collect::<Vec<_>>());
        // A column without a value still has its (empty) frame.
        let part = TextColumn::default().into_part();
        assert_eq!(decode_column(&part), Some(CachedColumn::default()));
    }

    #[test]
    fn text_columns_trim_and_share_codes() {
        let mut c = TextColumn::default();
        for cell in ["Too slow", "", " Too slow ", "Great", "   ", "great"] {
            c.push(cell);
        }
        assert_eq!(c.codes, vec![1, 0, 1, 2, 0, 3]);
        assert_eq!((c.texts.text(1), c.texts.text(2), c.texts.text(3)), ("Too slow", "Great", "great"));
        // A text whose hash is taken by another still gets its own code.
        let other = "not Great";
        c.index.by_hash.insert(ValueIndex::hash(other), 2);
        c.push(other);
        c.push(other);
        assert_eq!(&c.codes[6..], &[4, 4]);
        assert_eq!(c.texts.text(4), other);
    }
}

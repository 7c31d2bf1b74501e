//! Streaming rows out of an export file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use encoding_rs::Encoding;
use npsdesk_core::{ColumnRole, Score, SkippedRow};
use sha2::{Digest, Sha256};

use crate::decode::{self, Sniffed, Utf16Reader};
use crate::layout::{self, LayoutOverrides, SurveyLayout};
use crate::{ImportError, Result};

/// How many leading data rows the layout detection looks at.
const SAMPLE_ROWS: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Column (name, question text, or `question | sub-label`) holding the 0–10 answer; detected when `None`.
    pub nps_column: Option<String>,
    /// Column holding the "why?" comment; detected when `None`.
    pub comment_column: Option<String>,
}

/// One response, decoded. `cells` holds every cell of the row as text, so nothing of the export is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    /// Physical line of the row's first character in the file (1-based).
    pub line: u64,
    /// The respondent's identity within the survey: the Respondent ID, or a content hash when there is none.
    pub respondent_key: String,
    pub responded_at: Option<NaiveDateTime>,
    /// `None` when the NPS question was left empty (stored, not counted).
    pub score: Option<Score>,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome {
    Row(ResponseRow),
    Skipped(SkippedRow),
}

type CsvSource = LineIndex<Box<dyn Read + Send>>;

/// Remembers where newlines are in the stream the CSV reader consumes, so a record's byte offset maps to its
/// physical line. (The `csv` crate's own line numbers lag by one after CRLF terminators.) Offsets of lines
/// already passed are dropped, so memory stays bounded by the reader's buffer.
pub(crate) struct LineIndex<R> {
    inner: R,
    offset: u64,
    newlines: std::cell::RefCell<std::collections::VecDeque<u64>>,
    passed: std::cell::Cell<u64>,
}

impl<R: Read> LineIndex<R> {
    fn new(inner: R) -> Self {
        LineIndex { inner, offset: 0, newlines: Default::default(), passed: Default::default() }
    }

    /// The 1-based line of the record starting at byte `at` (records arrive in order).
    fn line_at(&self, at: u64) -> u64 {
        let mut q = self.newlines.borrow_mut();
        // `<=`: after a CRLF the reader reports the record as starting at the LF.
        while q.front().is_some_and(|&o| o <= at) {
            q.pop_front();
            self.passed.set(self.passed.get() + 1);
        }
        self.passed.get() + 1
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut q = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                q.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Where records come from: a streaming CSV reader, or the first sheet of a workbook (read whole by calamine).
enum Records {
    Csv { reader: csv::Reader<CsvSource>, record: csv::ByteRecord },
    Sheet { rows: std::vec::IntoIter<Vec<String>>, next_line: u64, bytes_total: u64 },
}

/// A record in text form with its 1-based line (CSV: physical line; workbook: spreadsheet row).
struct TextRecord {
    line: u64,
    cells: Vec<String>,
}

pub struct ExportReader {
    path: PathBuf,
    records: Records,
    layout: SurveyLayout,
    sniffed: Sniffed,
    /// Decided the first time a field is not valid UTF-8 (a whole-file scan, only on that rare path).
    legacy: Option<&'static Encoding>,
    legacy_fields: u64,
    /// Data rows read during detection, replayed first.
    pending: std::collections::VecDeque<TextRecord>,
    /// Occurrences of each content hash, so identical id-less rows stay distinct but re-imports match.
    seen_hashes: HashMap<[u8; 16], u32>,
    file_size: u64,
    undated: u64,
}

impl ExportReader {
    pub fn open(path: &Path, options: &ImportOptions) -> Result<ExportReader> {
        let io_err = |source| ImportError::Io { path: path.to_path_buf(), source };
        let mut file = File::open(path).map_err(io_err)?;
        let file_size = file.metadata().map_err(io_err)?.len();
        let mut head = vec![0u8; 8192];
        let n = read_up_to(&mut file, &mut head).map_err(io_err)?;
        head.truncate(n);
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ImportError::Empty { path: path.to_path_buf() });
        }
        let mut sniffed = Sniffed::Utf8 { bom: 0 };
        let records = if head.starts_with(b"PK\x03\x04") {
            sheet_records(path, file_size)?
        } else {
            sniffed = decode::sniff(&head);
            let source: Box<dyn Read + Send> = match sniffed {
                Sniffed::Utf8 { bom } => {
                    if let Some(offset) = head.iter().position(|b| *b == 0) {
                        return Err(ImportError::Binary { path: path.to_path_buf(), offset: offset as u64 });
                    }
                    Box::new(BufReader::with_capacity(256 * 1024, reopen(&mut file, bom).map_err(io_err)?))
                }
                Sniffed::Utf16 { encoding, bom } => {
                    Box::new(Utf16Reader::new(BufReader::new(reopen(&mut file, bom).map_err(io_err)?), encoding))
                }
            };
            let reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(sniff_delimiter(&head))
                .buffer_capacity(256 * 1024)
                .from_reader(LineIndex::new(source));
            Records::Csv { reader, record: csv::ByteRecord::new() }
        };

        let mut reader = ExportReader {
            path: path.to_path_buf(),
            records,
            layout: SurveyLayout {
                source: "generic",
                header_rows: 1,
                columns: vec![],
                signature: String::new(),
                respondent_id: None,
                date: None,
                nps: None,
                comment: None,
                nps_detected_by: None,
            },
            sniffed,
            legacy: None,
            legacy_fields: 0,
            pending: Default::default(),
            seen_hashes: HashMap::new(),
            file_size,
            undated: 0,
        };
        // Read the header rows and a sample of data rows for detection; keep them for replay.
        let mut sample = Vec::new();
        while sample.len() < SAMPLE_ROWS + 2 {
            match reader.next_record() {
                Some(Ok(r)) => sample.push(r),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        if sample.is_empty() {
            return Err(ImportError::Empty { path: path.to_path_buf() });
        }
        let overrides =
            LayoutOverrides { nps_column: options.nps_column.clone(), comment_column: options.comment_column.clone() };
        let texts: Vec<Vec<String>> = sample.iter().map(|r| r.cells.clone()).collect();
        let layout = layout::detect(&texts, &overrides).map_err(|u| ImportError::UnknownColumn {
            what: u.flag,
            name: u.name,
            available: u.available,
        })?;
        if layout.columns.is_empty() || (layout.columns.len() == 1 && layout.columns[0].question.trim().is_empty()) {
            return Err(ImportError::NoColumns { path: path.to_path_buf() });
        }
        reader.pending = sample.into_iter().skip(layout.header_rows).collect();
        reader.layout = layout;
        Ok(reader)
    }

    /// The next record as text (decoded; legacy bytes handled), from the file or the workbook.
    fn next_record(&mut self) -> Option<Result<TextRecord>> {
        match &mut self.records {
            Records::Csv { reader, record } => match reader.read_byte_record(record) {
                Ok(true) => {
                    let line = reader.get_ref().line_at(record.position().map_or(0, |p| p.byte()));
                    let rec = std::mem::take(record);
                    let cells = self.decode_record(&rec);
                    if let Records::Csv { record, .. } = &mut self.records {
                        *record = rec;
                    }
                    Some(Ok(TextRecord { line, cells }))
                }
                Ok(false) => None,
                Err(e) => Some(Err(csv_error(&self.path, e))),
            },
            Records::Sheet { rows, next_line, .. } => rows.next().map(|cells| {
                *next_line += 1;
                Ok(TextRecord { line: *next_line, cells })
            }),
        }
    }

    /// Reads this file with a mapping remembered from an earlier wave of the same survey.
    pub fn use_mapping(&mut self, nps: Option<usize>, comment: Option<usize>) {
        let l = &mut self.layout;
        for (old, new, role) in [(l.nps, nps, ColumnRole::Nps), (l.comment, comment, ColumnRole::Comment)] {
            if old == new {
                continue;
            }
            if let Some(p) = old {
                l.columns[p].role = ColumnRole::Segment;
            }
            if let Some(p) = new {
                l.columns[p].role = role;
            }
        }
        if l.nps != nps {
            l.nps_detected_by = nps.map(|_| "earlier wave");
        }
        l.nps = nps;
        l.comment = comment;
    }

    pub fn layout(&self) -> &SurveyLayout {
        &self.layout
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    /// Bytes of (decoded) input consumed so far; equals file bytes for UTF-8 files. Workbooks are read whole
    /// up front, so they report rows as a share of the file size.
    pub fn bytes_read(&self) -> u64 {
        match &self.records {
            Records::Csv { reader, .. } => reader.position().byte(),
            Records::Sheet { rows, next_line, bytes_total } => {
                let total_rows = *next_line + rows.len() as u64;
                (bytes_total * *next_line).checked_div(total_rows).unwrap_or(0)
            }
        }
    }

    /// Human description of the encoding, e.g. `UTF-8 (BOM)` or `UTF-8 with Mac Roman fields`.
    pub fn encoding(&self) -> String {
        match self.records {
            Records::Sheet { .. } => "XLSX workbook".into(),
            Records::Csv { .. } => decode::describe(self.sniffed, self.legacy.filter(|_| self.legacy_fields > 0)),
        }
    }

    /// Warnings worth showing after the import (legacy-encoded fields, undated rows).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let (Some(e), n) = (self.legacy, self.legacy_fields) {
            if n > 0 {
                w.push(format!(
                    "{n} field(s) were not valid UTF-8 and were read as {} (the file was probably re-saved by Excel)",
                    decode::display_name(e)
                ));
            }
        }
        if self.undated > 0 {
            w.push(format!(
                "{} response(s) have no readable date; they count in totals but not in periods",
                self.undated
            ));
        }
        if self.layout.nps.is_none() {
            w.push("no 0–10 recommend question was found: the survey was imported without NPS (use --nps-column to name it)".into());
        }
        w
    }

    /// The next data row, `None` at the end of the file. An `Err` is a file-level failure (the caller rolls back).
    pub fn next_row(&mut self) -> Option<Result<RowOutcome>> {
        let rec = match self.pending.pop_front() {
            Some(r) => r,
            None => match self.next_record()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            },
        };
        Some(Ok(self.row_outcome(rec)))
    }

    fn row_outcome(&mut self, rec: TextRecord) -> RowOutcome {
        let TextRecord { line, cells } = rec;
        let expected = self.layout.columns.len();
        if cells.iter().all(|c| c.trim().is_empty()) {
            return RowOutcome::Skipped(SkippedRow { line, reason: "the row is empty".into() });
        }
        if cells.len() != expected {
            return RowOutcome::Skipped(SkippedRow {
                line,
                reason: format!("the row has {} fields but the header has {expected}", cells.len()),
            });
        }
        let score = match self.layout.nps {
            Some(p) if !cells[p].trim().is_empty() => match Score::parse(&cells[p]) {
                Some(s) => Some(s),
                None => {
                    return RowOutcome::Skipped(SkippedRow {
                        line,
                        reason: format!("the NPS answer {:?} is not a score from 0 to 10", truncate(&cells[p], 60)),
                    })
                }
            },
            _ => None,
        };
        let responded_at = self.layout.date.and_then(|p| crate::dates::parse_datetime(&cells[p]));
        if responded_at.is_none() {
            self.undated += 1;
        }
        let respondent_key = match self.layout.respondent_id.map(|p| cells[p].trim()) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => self.content_key(&cells),
        };
        RowOutcome::Row(ResponseRow { line, respondent_key, responded_at, score, cells })
    }

    /// `h:<hash>#<k>`: the k-th row with this exact content in the file. Re-importing the same file gives the
    /// same keys (nothing is added twice), while identical answers from different people stay separate.
    fn content_key(&mut self, cells: &[String]) -> String {
        let mut h = Sha256::new();
        for c in cells {
            h.update(c.as_bytes());
            h.update([0x1f]);
        }
        let digest: [u8; 16] = h.finalize()[..16].try_into().expect("16 bytes");
        let k = self.seen_hashes.entry(digest).or_insert(0);
        *k += 1;
        format!("h:{}#{}", layout::hex(&digest), k)
    }

    fn decode_record(&mut self, rec: &csv::ByteRecord) -> Vec<String> {
        let mut out = Vec::with_capacity(rec.len());
        for field in rec.iter() {
            match std::str::from_utf8(field) {
                Ok(s) => out.push(s.to_owned()),
                Err(_) => {
                    let legacy = *self.legacy.get_or_insert_with(|| guess_file_legacy(&self.path));
                    let (text, _) = decode::decode_field(field, legacy);
                    self.legacy_fields += 1;
                    out.push(text);
                }
            }
        }
        out
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ImportError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ImportError::Io { path: path.to_path_buf(), source },
        other => ImportError::Csv { path: path.to_path_buf(), line, message: format!("{other:?}") },
    }
}

/// The first worksheet of an XLSX/XLS/ODS workbook as text records. Excel dates become ISO date-times and
/// whole numbers lose their `.0` (respondent ids are numbers in SurveyMonkey's XLSX).
fn sheet_records(path: &Path, file_size: u64) -> Result<Records> {
    use calamine::{Data, Reader};
    let bad = |e: String| ImportError::Csv {
        path: path.to_path_buf(),
        line: 0,
        message: format!("cannot read the workbook: {e}"),
    };
    let mut book = calamine::open_workbook_auto(path).map_err(|e| bad(e.to_string()))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| bad(e.to_string()))?,
        None => return Err(ImportError::Empty { path: path.to_path_buf() }),
    };
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let text = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => {
                if *b {
                    "TRUE".into()
                } else {
                    "FALSE".into()
                }
            }
            Data::DateTime(dt) => {
                dt.as_datetime().map_or_else(|| dt.to_string(), |d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            }
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| std::iter::repeat_n(String::new(), col0 as usize).chain(r.iter().map(text)).collect())
        .collect();
    Ok(Records::Sheet { rows: rows.into_iter(), next_line: u64::from(row0), bytes_total: file_size })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn reopen(file: &mut File, skip: usize) -> std::io::Result<File> {
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(skip as u64))?;
    Ok(f)
}

/// Scans the whole file's non-UTF-8 bytes to pick its legacy encoding (rare path: only for damaged files).
fn guess_file_legacy(path: &Path) -> &'static Encoding {
    let bytes = std::fs::read(path).unwrap_or_default();
    let high: Vec<u8> = invalid_utf8_bytes(&bytes);
    decode::guess_legacy(&high)
}

fn invalid_utf8_bytes(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(_) => break,
            Err(e) => {
                let bad_start = e.valid_up_to();
                let bad_len = e.error_len().unwrap_or(bytes.len() - bad_start);
                out.extend_from_slice(&bytes[bad_start..bad_start + bad_len]);
                bytes = &bytes[bad_start + bad_len..];
            }
        }
    }
    out
}

/// `,` unless the first line has more semicolons or tabs outside quotes.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let start = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in &head[start..] {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 0)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"x;y;z\",b\n"), b',');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
    }
}

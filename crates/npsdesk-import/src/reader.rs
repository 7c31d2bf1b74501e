//! Streaming rows out of an export file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use encoding_rs::Encoding;
use npsdesk_core::{ColumnRole, Score, SkippedRow};
use sha2::{Digest, Sha256};

use crate::dates::{DateOrder, DateParser, OrderEvidence};
use crate::decode::{self, Sniffed, Utf16Reader};
use crate::layout::{self, LayoutOverrides, Recode, Source, SurveyLayout};
use crate::records::{CsvRecords, RawRecord};
use crate::{ImportError, Result};

/// How many leading data rows the layout detection looks at.
const SAMPLE_ROWS: usize = 2000;

/// How the numbers of the NPS column map to 0–10 (`--nps-scale`). Recoded numbers are never shifted silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsScale {
    /// The numbers are the answers (the default when the values do not look recoded).
    ZeroToTen,
    /// Choice positions: 1 means 0, 11 means 10.
    OneToEleven,
    /// SurveyMonkey's weights: −100 detractor, 0 passive, 100 promoter (stored as 0, 7 and 10).
    Weights,
}

impl NpsScale {
    pub fn as_str(self) -> &'static str {
        match self {
            NpsScale::ZeroToTen => "0-10",
            NpsScale::OneToEleven => "1-11",
            NpsScale::Weights => "weights",
        }
    }

    pub fn parse(s: &str) -> Option<NpsScale> {
        match s.trim().to_lowercase().replace(['–', ' '], "-").as_str() {
            "0-10" => Some(NpsScale::ZeroToTen),
            "1-11" => Some(NpsScale::OneToEleven),
            "weights" | "-100-100" | "-100/0/100" => Some(NpsScale::Weights),
            _ => None,
        }
    }

    fn read(self, text: &str) -> Option<Score> {
        match self {
            NpsScale::ZeroToTen => Score::parse(text),
            NpsScale::OneToEleven => {
                text.trim().parse::<u8>().ok().filter(|v| (1..=11).contains(v)).and_then(|v| Score::new(v - 1))
            }
            NpsScale::Weights => match text.trim() {
                "-100" => Score::new(0),
                "0" => Score::new(7),
                "100" => Score::new(10),
                _ => None,
            },
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Column (name, question text, or `question | sub-label`) holding the 0–10 answer; detected when `None`.
    pub nps_column: Option<String>,
    /// Column holding the "why?" comment; detected when `None`.
    pub comment_column: Option<String>,
    /// Column identifying the respondent (`--id-column`); detected when `None`.
    pub id_column: Option<String>,
    /// Column holding the response date (`--date-column`); detected when `None`.
    pub date_column: Option<String>,
    /// Column naming the customer account (`--account-column`), remembered for per-account counting.
    pub account_column: Option<String>,
    /// Read the file as this tool's export instead of detecting it (`--source`).
    pub source: Option<Source>,
    /// How to read a recoded NPS column (`--nps-scale`); required when the values look recoded.
    pub nps_scale: Option<NpsScale>,
    /// Keep Qualtrics preview/test rows (dropped by default).
    pub keep_test_rows: bool,
    /// Keep unfinished rows (Qualtrics `Finished` = 0, Typeform `partial`; dropped by default).
    pub keep_unfinished: bool,
    /// Read numeric dates in this order (`--date-order`) instead of inferring it from the column.
    pub date_order: Option<DateOrder>,
}

impl ImportOptions {
    fn overrides(&self) -> LayoutOverrides {
        LayoutOverrides {
            source: self.source,
            id_column: self.id_column.clone(),
            date_column: self.date_column.clone(),
            nps_column: self.nps_column.clone(),
            comment_column: self.comment_column.clone(),
            account_column: self.account_column.clone(),
        }
    }
}

/// Column positions remembered for a survey (from its first wave), applied to a later wave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mapping {
    pub id: Option<usize>,
    pub date: Option<usize>,
    pub nps: Option<usize>,
    pub comment: Option<usize>,
    pub account: Option<usize>,
}

/// Kinds of damage Excel does to a re-saved export, detected per column.
const DAMAGE_KINDS: usize = 3;
const DAMAGE_MESSAGES: [&str; DAMAGE_KINDS] = [
    "look like ranges or codes Excel turned into dates (6-25 → 25-Jun, 1-5 → 5-Jan); the original text is lost",
    "are numbers in scientific notation (1.18111E+11): Excel dropped digits of long ids",
    "are TRUE/FALSE: Excel (or the tool) may have turned Yes/No into booleans",
];

/// The first characters of the shapes [`damage_kind`] looks for.
fn damage_initial(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'A' | b'D' | b'F' | b'J' | b'M' | b'N' | b'O' | b'S' | b'T')
}

fn damage_kind(cell: &str) -> Option<usize> {
    // Cheapest rejects first, on the untrimmed cell: trimming only shortens it, and a first byte that is
    // printable ASCII stays first.
    let raw = cell.as_bytes();
    if raw.len() < 4 || (raw[0].is_ascii_graphic() && !damage_initial(raw[0])) {
        return None;
    }
    let t = cell.trim();
    let n = t.len();
    // Fast reject (this runs on every cell): the shapes below are short and start with a digit, a capital
    // month initial, or T/F.
    if !(4..=16).contains(&n) || !damage_initial(t.as_bytes()[0]) {
        return None;
    }
    if t == "TRUE" || t == "FALSE" {
        return Some(2);
    }
    let month =
        |s: &str| ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].contains(&s);
    let small = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if n <= 6 {
        if let Some((a, b)) = t.split_once('-') {
            if (month(a) && small(b)) || (small(a) && month(b)) {
                return Some(0);
            }
        }
    }
    // `E+` or `e+` (a byte search: `str::split_once` builds a substring searcher per call).
    let exp = t.as_bytes().windows(2).position(|w| matches!(w[0], b'E' | b'e') && w[1] == b'+');
    if let Some((m, e)) = exp.map(|i| (&t[..i], &t[i + 2..])) {
        let mantissa =
            m.bytes().all(|b| b.is_ascii_digit() || b == b'.') && m.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if mantissa && !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) {
            return Some(1);
        }
    }
    None
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

type CsvSource = Box<dyn Read + Send>;

/// Where records come from: a streaming CSV reader, or the first sheet of a workbook (read whole by calamine).
enum Records {
    Csv { reader: Box<CsvRecords<CsvSource>>, record: RawRecord },
    Sheet { rows: std::vec::IntoIter<Vec<String>>, next_line: u64, bytes_total: u64 },
}

/// A record in text form with its 1-based line (CSV: physical line; workbook: spreadsheet row). The cells
/// are one string and the end offsets of its fields (as `csv::StringRecord` keeps them), so reading a row
/// allocates nothing once the buffers have grown.
#[derive(Debug, Clone, Default)]
struct TextRecord {
    line: u64,
    text: String,
    ends: Vec<usize>,
}

impl TextRecord {
    fn from_cells(line: u64, cells: &[String]) -> TextRecord {
        let mut r = TextRecord { line, text: String::new(), ends: Vec::with_capacity(cells.len()) };
        for c in cells {
            r.push(c);
        }
        r
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    fn cells(&self) -> Cells<'_> {
        Cells { text: &self.text, ends: &self.ends }
    }
}

/// The cells of a row, borrowed from the reader (see [`ExportReader::next_row_ref`]).
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl<'a> Cells<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        Some(&self.text[self.start(i)..end])
    }

    /// Byte offset of cell `i` in the row's text.
    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1]
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let text = self.text;
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let cell = &text[start..end];
            start = end;
            cell
        })
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl std::ops::Index<usize> for Cells<'_> {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(c) => c,
            None => panic!("cell {i} of a row of {} cells", self.len()),
        }
    }
}

/// One response, borrowed from the reader until the next call (the allocation-free form of [`ResponseRow`]).
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    pub line: u64,
    pub respondent_key: &'a str,
    pub responded_at: Option<NaiveDateTime>,
    pub score: Option<Score>,
    pub cells: Cells<'a>,
}

/// What [`ExportReader::next_row_ref`] yields: a row, or a skipped row with its line and reason.
#[derive(Debug, Clone)]
pub enum RowRefOutcome<'a> {
    Row(RowRef<'a>),
    Skipped(SkippedRow),
}

/// The decisions about the current record, its cells kept in the reader.
enum Decided {
    Row { line: u64, key: KeyAt, responded_at: Option<NaiveDateTime>, score: Option<Score> },
    Skipped(SkippedRow),
}

/// Where the respondent key of the current row is: a (trimmed) cell, or the content key buffer.
enum KeyAt {
    Cell { start: usize, end: usize },
    Content,
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
    /// The record being turned into a row (its buffers are reused from row to row).
    current: TextRecord,
    /// The content key of the current row when the export has no respondent id.
    key_buf: String,
    /// Occurrences of each content hash, so identical id-less rows stay distinct but re-imports match.
    seen_hashes: HashMap<[u8; 16], u32>,
    file_size: u64,
    undated: u64,
    options: ImportOptions,
    delimiter: Option<u8>,
    date_parser: DateParser,
    date_evidence: OrderEvidence,
    /// While the sample could not tell the date order: the first later value that does (order, line, value).
    late_date_order: Option<(DateOrder, u64, String)>,
    /// Whether later rows are still watched for the date order (the sample did not decide it, nothing forced it).
    date_order_open: bool,
    /// `None` until given (or not needed): reading a recoded column without it is refused.
    nps_scale: Option<NpsScale>,
    dropped_test: u64,
    dropped_unfinished: u64,
    /// Rows whose Qualtrics `_NPS_GROUP` disagrees with the score: (count, first line).
    group_mismatch: (u64, u64),
    /// Per column, per damage kind: (count, first example).
    damage: Vec<[(u64, String); DAMAGE_KINDS]>,
    /// Whether the file's last byte is a newline (a short last record without one means truncation).
    ends_with_newline: bool,
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
        if let Some(what) = known_non_export(&head) {
            return Err(ImportError::NotAnExport { path: path.to_path_buf(), what });
        }
        let ends_with_newline = {
            let mut tail = [0u8; 2];
            let k = file_size.min(2);
            file.seek(SeekFrom::Start(file_size - k)).map_err(io_err)?;
            let got = read_up_to(&mut file, &mut tail[..k as usize]).map_err(io_err)?;
            tail[..got].contains(&b'\n')
        };
        let mut sniffed = Sniffed::Utf8 { bom: 0 };
        let mut delimiter = None;
        let records = if head.starts_with(b"PK\x03\x04") {
            sheet_records(path, file_size)?
        } else {
            sniffed = decode::sniff(&head);
            let (source, text_head): (Box<dyn Read + Send>, Vec<u8>) = match sniffed {
                Sniffed::Utf8 { bom } => {
                    if let Some(offset) = binary_offset(&head) {
                        return Err(ImportError::Binary { path: path.to_path_buf(), offset });
                    }
                    (
                        Box::new(BufReader::with_capacity(256 * 1024, reopen(&mut file, bom).map_err(io_err)?)),
                        head[bom..].to_vec(),
                    )
                }
                Sniffed::Utf16 { encoding, bom } => {
                    let (text, _) = encoding.decode_without_bom_handling(&head[bom..head.len() & !1]);
                    (
                        Box::new(Utf16Reader::new(BufReader::new(reopen(&mut file, bom).map_err(io_err)?), encoding)),
                        text.into_owned().into_bytes(),
                    )
                }
            };
            let d = sniff_delimiter(&text_head);
            delimiter = Some(d);
            Records::Csv { reader: Box::new(CsvRecords::new(source, d)), record: RawRecord::default() }
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
                account: None,
                nps_detected_by: None,
                nps_group: None,
                status: None,
                finished: None,
                nps_recode: None,
            },
            sniffed,
            legacy: None,
            legacy_fields: 0,
            pending: Default::default(),
            current: TextRecord::default(),
            key_buf: String::new(),
            seen_hashes: HashMap::new(),
            file_size,
            undated: 0,
            options: options.clone(),
            delimiter,
            date_parser: DateParser::default(),
            date_evidence: OrderEvidence::default(),
            late_date_order: None,
            date_order_open: false,
            nps_scale: options.nps_scale,
            dropped_test: 0,
            dropped_unfinished: 0,
            group_mismatch: (0, 0),
            damage: Vec::new(),
            ends_with_newline,
        };
        // Read the header rows and a sample of data rows for detection; keep them for replay.
        let mut sample = Vec::new();
        while sample.len() < SAMPLE_ROWS + 3 {
            match reader.next_record() {
                Some(Ok(r)) => sample.push(r),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        if sample.is_empty() {
            return Err(ImportError::Empty { path: path.to_path_buf() });
        }
        let texts: Vec<Vec<String>> = sample.iter().map(|r| r.cells().to_vec()).collect();
        let layout = layout::detect(&texts, &options.overrides()).map_err(|u| ImportError::UnknownColumn {
            what: u.flag,
            name: u.name,
            available: u.available,
        })?;
        let named = layout.columns.iter().filter(|c| !c.question.trim().is_empty()).count();
        if layout.columns.is_empty() || named == 0 {
            return Err(ImportError::NoColumns { path: path.to_path_buf() });
        }
        if layout.columns.len() == 1 {
            return Err(ImportError::OneColumn {
                path: path.to_path_buf(),
                header: layout.columns[0].question.chars().take(80).collect(),
            });
        }
        reader.damage = vec![Default::default(); layout.columns.len()];
        reader.pending = sample.into_iter().skip(layout.header_rows).collect();
        reader.layout = layout;
        reader.analyse_sample();
        if let Some(order) = options.date_order {
            reader.force_date_order(order);
        }
        Ok(reader)
    }

    /// Decisions that need the sampled values of the mapped columns: the date order and a recoded NPS scale.
    fn analyse_sample(&mut self) {
        let values = |p: Option<usize>| -> Vec<&str> {
            p.map(|p| self.pending.iter().filter_map(|r| r.cells().get(p)).collect()).unwrap_or_default()
        };
        self.date_evidence = crate::dates::infer_order(values(self.layout.date));
        self.date_parser = DateParser::new(self.date_evidence.order);
        // No value of the sample tells the order: later rows may (see `date_order_contradicted`).
        self.date_order_open = self.date_evidence.day_first_values == 0 && self.date_evidence.month_first_values == 0;
        self.layout.nps_recode = layout::detect_recode(&values(self.layout.nps));
    }

    /// Uses the date order remembered for this survey when this file's own dates do not decide it.
    pub fn use_date_order(&mut self, order: DateOrder) {
        if self.date_evidence.day_first_values == 0 && self.date_evidence.month_first_values == 0 {
            self.force_date_order(order);
        }
    }

    /// Reads dates in `order`, whatever the values say (given, remembered, or learnt from a first read).
    fn force_date_order(&mut self, order: DateOrder) {
        self.date_evidence.order = order;
        self.date_evidence.numeric_values = 0; // decided: no longer a guess
        self.date_parser = DateParser::new(order);
        self.date_order_open = false;
    }

    /// When the first rows could not tell the date order and a later value contradicts the order read:
    /// that order, with the line and value that show it. The rows before were read in the wrong order, so
    /// the caller reads the file again with [`ImportOptions::date_order`] set (the whole column decides).
    pub fn date_order_contradicted(&self) -> Option<(DateOrder, u64, &str)> {
        self.late_date_order
            .as_ref()
            .filter(|(o, _, _)| *o != self.date_evidence.order)
            .map(|(o, line, value)| (*o, *line, value.as_str()))
    }

    pub fn date_evidence(&self) -> OrderEvidence {
        self.date_evidence
    }

    /// The scale the NPS column is read with (`None`: 0–10 as written).
    pub fn nps_scale(&self) -> Option<NpsScale> {
        self.nps_scale
    }

    /// Sets the scale of a recoded NPS column (from `--nps-scale` or the survey's remembered mapping).
    pub fn set_nps_scale(&mut self, scale: Option<NpsScale>) {
        self.nps_scale = scale;
    }

    /// Refuses to read a column whose numbers look recoded (1–11, −100/0/100) unless a scale was given.
    pub fn check_nps_scale(&self) -> Result<()> {
        match (self.layout.nps_recode, self.nps_scale) {
            (Some(recode), None) => Err(ImportError::NpsScaleNeeded {
                path: self.path.clone(),
                column: self.layout.column_name(self.layout.nps).unwrap_or_default(),
                recode: match recode {
                    Recode::OneToEleven => "values from 1 to 11 (choice positions of a 0–10 scale?)",
                    Recode::Weights => "only −100, 0 and 100 (NPS weights, not answers)",
                },
            }),
            _ => Ok(()),
        }
    }

    /// `comma`, `semicolon` or `tab`; `None` for workbooks.
    pub fn delimiter(&self) -> Option<&'static str> {
        self.delimiter.map(|d| match d {
            b';' => "semicolon",
            b'\t' => "tab",
            _ => "comma",
        })
    }

    /// Preview/test rows and unfinished rows dropped so far.
    pub fn dropped(&self) -> (u64, u64) {
        (self.dropped_test, self.dropped_unfinished)
    }

    /// Excel damage per column: (column name, message), in column order.
    pub fn column_warnings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (c, kinds) in self.layout.columns.iter().zip(&self.damage) {
            for (k, (n, example)) in kinds.iter().enumerate() {
                if *n > 0 {
                    out.push((c.name.clone(), format!("{n} value(s) such as {example:?} {}", DAMAGE_MESSAGES[k])));
                }
            }
        }
        out
    }

    /// The next record as text (decoded; legacy bytes handled), from the file or the workbook.
    fn next_record(&mut self) -> Option<Result<TextRecord>> {
        let mut rec = TextRecord::default();
        match self.next_record_into(&mut rec)? {
            Ok(()) => Some(Ok(rec)),
            Err(e) => Some(Err(e)),
        }
    }

    /// Reads the next record into `out`, reusing its buffers.
    fn next_record_into(&mut self, out: &mut TextRecord) -> Option<Result<()>> {
        match &mut self.records {
            Records::Csv { reader, record } => match reader.read(record) {
                Ok(true) => {
                    out.line = record.line;
                    let rec = std::mem::take(record);
                    self.decode_record(&rec, out);
                    if let Records::Csv { record, .. } = &mut self.records {
                        *record = rec;
                    }
                    Some(Ok(()))
                }
                Ok(false) => None,
                Err(source) => Some(Err(ImportError::Io { path: self.path.clone(), source })),
            },
            Records::Sheet { rows, next_line, .. } => rows.next().map(|cells| {
                *next_line += 1;
                *out = TextRecord::from_cells(*next_line, &cells);
                Ok(())
            }),
        }
    }

    /// Reads this file with a mapping remembered from an earlier wave of the same survey.
    pub fn use_mapping(&mut self, m: Mapping) {
        let l = &mut self.layout;
        let slots = [
            (l.nps, m.nps, ColumnRole::Nps, ColumnRole::Segment),
            (l.comment, m.comment, ColumnRole::Comment, ColumnRole::OpenText),
            (l.respondent_id, m.id, ColumnRole::RespondentId, ColumnRole::Metadata),
        ];
        for (old, new, role, demoted) in slots {
            if old == new {
                continue;
            }
            if let Some(p) = old.filter(|&p| p < l.columns.len()) {
                l.columns[p].role = demoted;
            }
            if let Some(p) = new.filter(|&p| p < l.columns.len()) {
                l.columns[p].role = role;
            }
        }
        if let Some(p) = m.date.filter(|&p| p < l.columns.len()) {
            if !matches!(l.columns[p].role, ColumnRole::StartDate | ColumnRole::EndDate) {
                l.columns[p].role = ColumnRole::EndDate;
            }
        }
        if let Some(p) = m.account.filter(|&p| p < l.columns.len()) {
            l.columns[p].role = ColumnRole::Metadata;
        }
        if l.nps != m.nps {
            l.nps_detected_by = m.nps.map(|_| "earlier wave");
            l.nps_group = None;
        }
        l.nps = m.nps;
        l.comment = m.comment;
        l.respondent_id = m.id;
        l.date = m.date;
        l.account = m.account;
        self.analyse_sample();
    }

    /// The data rows read ahead for detection and not yet returned (before the first `next_row`: the first
    /// rows of the file, up to 2,000), to learn how the file's values repeat.
    pub fn sample(&self) -> impl Iterator<Item = Cells<'_>> {
        self.pending.iter().map(TextRecord::cells)
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
            Records::Csv { reader, .. } => reader.position(),
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

    /// Warnings worth showing after the import (legacy-encoded fields, dropped and undated rows, the date
    /// order, NPS cross-checks, Excel damage per column).
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
        if self.dropped_test > 0 {
            w.push(format!(
                "{} preview/test response(s) (Qualtrics Status) were dropped; use --keep-test-rows to keep them",
                self.dropped_test
            ));
        }
        if self.dropped_unfinished > 0 {
            w.push(format!(
                "{} unfinished response(s) were dropped; use --keep-unfinished to keep them",
                self.dropped_unfinished
            ));
        }
        if self.undated > 0 {
            w.push(format!(
                "{} response(s) have no readable date; they count in totals but not in periods",
                self.undated
            ));
        }
        let date_col = self.layout.column_name(self.layout.date).unwrap_or_default();
        let e = self.date_evidence;
        if e.conflicting() {
            w.push(format!(
                "dates in {date_col:?} mix day-first ({}) and month-first ({}) values; read {}",
                e.day_first_values,
                e.month_first_values,
                e.order.as_str()
            ));
        } else if e.ambiguous() {
            w.push(format!(
                "dates in {date_col:?} could be day-first or month-first (no day above 12 in the sample); read month-first"
            ));
        } else if e.order == DateOrder::DayFirst {
            w.push(format!("dates in {date_col:?} are day-first ({} value(s) say so)", e.day_first_values));
        }
        if self.group_mismatch.0 > 0 {
            w.push(format!(
                "{} row(s) have a Qualtrics NPS group that disagrees with their score (first at line {}); the score was used",
                self.group_mismatch.0, self.group_mismatch.1
            ));
        }
        if let Some(s) = self.nps_scale.filter(|s| *s != NpsScale::ZeroToTen) {
            w.push(match s {
                NpsScale::OneToEleven => "NPS values were read as 1–11 choice positions (1 → 0 … 11 → 10)".to_string(),
                _ => "NPS values were read as weights (−100 → 0, 0 → 7, 100 → 10): categories are exact, the 0–10 distribution is not".to_string(),
            });
        }
        for (column, message) in self.column_warnings() {
            w.push(format!("column {column:?}: {message}"));
        }
        if self.layout.nps.is_none() {
            w.push("no 0–10 recommend question was found: the survey was imported without NPS (use --nps-column to name it)".into());
        }
        w
    }

    /// The next data row, `None` at the end of the file. An `Err` is a file-level failure (the caller rolls back).
    /// Preview/test and unfinished rows are dropped here (and counted), unless the options keep them.
    pub fn next_row(&mut self) -> Option<Result<RowOutcome>> {
        Some(self.next_row_ref()?.map(|outcome| match outcome {
            RowRefOutcome::Row(r) => RowOutcome::Row(ResponseRow {
                line: r.line,
                respondent_key: r.respondent_key.to_string(),
                responded_at: r.responded_at,
                score: r.score,
                cells: r.cells.to_vec(),
            }),
            RowRefOutcome::Skipped(s) => RowOutcome::Skipped(s),
        }))
    }

    /// [`next_row`](Self::next_row) without an allocation per cell: the row borrows the reader's buffers until
    /// the next call. Same rows, same skipped rows, same errors.
    pub fn next_row_ref(&mut self) -> Option<Result<RowRefOutcome<'_>>> {
        let decided = match self.advance()? {
            Ok(d) => d,
            Err(e) => return Some(Err(e)),
        };
        Some(Ok(match decided {
            Decided::Skipped(s) => RowRefOutcome::Skipped(s),
            Decided::Row { line, key, responded_at, score } => {
                let respondent_key = match key {
                    KeyAt::Cell { start, end } => &self.current.text[start..end],
                    KeyAt::Content => self.key_buf.as_str(),
                };
                RowRefOutcome::Row(RowRef { line, respondent_key, responded_at, score, cells: self.current.cells() })
            }
        }))
    }

    /// Moves to the next record that is not dropped and decides what it is (its cells stay in `current`).
    fn advance(&mut self) -> Option<Result<Decided>> {
        loop {
            match self.pending.pop_front() {
                Some(r) => self.current = r,
                None => {
                    let mut rec = std::mem::take(&mut self.current);
                    let got = self.next_record_into(&mut rec);
                    self.current = rec;
                    if let Err(e) = got? {
                        return Some(Err(e));
                    }
                }
            }
            if !self.options.keep_test_rows && self.is_test_row(self.current.cells()) {
                self.dropped_test += 1;
                continue;
            }
            if !self.options.keep_unfinished && self.is_unfinished(self.current.cells()) {
                self.dropped_unfinished += 1;
                continue;
            }
            // A file cut short (an interrupted download or copy) ends without a newline, in the middle of a
            // row or inside a quoted field: refuse it whole rather than import a damaged last answer.
            if !self.ends_with_newline
                && matches!(self.records, Records::Csv { .. })
                && self.is_last_record()
                && (self.current.ends.len() < self.layout.columns.len() || self.ends_in_quotes())
            {
                let expected = self.layout.columns.len();
                let got = self.current.ends.len();
                let detail = if got < expected {
                    format!("after {got} of {expected} fields")
                } else {
                    "inside a quoted field".to_string()
                };
                return Some(Err(ImportError::Truncated { path: self.path.clone(), line: self.current.line, detail }));
            }
            return Some(Ok(self.decide()));
        }
    }

    fn ends_in_quotes(&self) -> bool {
        match &self.records {
            Records::Csv { reader, .. } => reader.ends_in_quotes(),
            Records::Sheet { .. } => false,
        }
    }

    fn is_test_row(&self, cells: Cells<'_>) -> bool {
        self.layout.status.and_then(|p| cells.get(p)).is_some_and(|v| {
            let v = v.trim().to_lowercase();
            v == "1" || v == "2" || v.contains("preview") || v.contains("test")
        })
    }

    fn is_unfinished(&self, cells: Cells<'_>) -> bool {
        self.layout.finished.and_then(|p| cells.get(p)).is_some_and(|v| {
            let v = v.trim().to_lowercase();
            v == "0" || v == "false" || v == "partial"
        })
    }

    /// Whether no record follows (reads one ahead and keeps it for the next call).
    fn is_last_record(&mut self) -> bool {
        if !self.pending.is_empty() {
            return false;
        }
        match self.next_record() {
            None => true,
            Some(Ok(r)) => {
                self.pending.push_back(r);
                false
            }
            Some(Err(_)) => true,
        }
    }

    /// The row or skipped row the current record is.
    fn decide(&mut self) -> Decided {
        let rec = &self.current;
        let line = rec.line;
        let cells = rec.cells();
        let expected = self.layout.columns.len();
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Decided::Skipped(SkippedRow { line, reason: "the row is empty".into() });
        }
        if cells.len() != expected {
            return Decided::Skipped(SkippedRow {
                line,
                reason: format!("the row has {} fields but the header has {expected}", cells.len()),
            });
        }
        for (i, c) in cells.iter().enumerate() {
            if let Some(k) = damage_kind(c) {
                let slot = &mut self.damage[i][k];
                if slot.0 == 0 {
                    slot.1 = c.trim().to_string();
                }
                slot.0 += 1;
            }
        }
        let scale = self.nps_scale.unwrap_or(NpsScale::ZeroToTen);
        let score = match self.layout.nps {
            Some(p) if !cells[p].trim().is_empty() => match scale.read(&cells[p]) {
                Some(s) => Some(s),
                None => {
                    let what = match scale {
                        NpsScale::ZeroToTen => "a score from 0 to 10",
                        NpsScale::OneToEleven => "a value from 1 to 11 (--nps-scale 1-11)",
                        NpsScale::Weights => "−100, 0 or 100 (--nps-scale weights)",
                    };
                    return Decided::Skipped(SkippedRow {
                        line,
                        reason: format!("the NPS answer {:?} is not {what}", truncate(&cells[p], 60)),
                    });
                }
            },
            _ => None,
        };
        if let (Some(s), Some(g)) = (score, self.layout.nps_group) {
            if let Some(group) = nps_group_category(&cells[g]) {
                if group != s.category() {
                    if self.group_mismatch.0 == 0 {
                        self.group_mismatch.1 = line;
                    }
                    self.group_mismatch.0 += 1;
                }
            }
        }
        let responded_at = self.layout.date.and_then(|p| self.date_parser.parse(&cells[p]));
        if self.date_order_open && self.late_date_order.is_none() {
            if let Some(order) = self.layout.date.and_then(|p| crate::dates::evidence_of(&cells[p])) {
                self.late_date_order = Some((order, line, cells[self.layout.date.unwrap_or(0)].trim().to_string()));
            }
        }
        if responded_at.is_none() {
            self.undated += 1;
        }
        let key = match self.layout.respondent_id {
            Some(p) if !cells[p].trim().is_empty() => {
                let raw = &cells[p];
                let start = cells.start(p) + (raw.len() - raw.trim_start().len());
                KeyAt::Cell { start, end: start + raw.trim().len() }
            }
            _ => {
                content_key(&mut self.seen_hashes, &mut self.key_buf, cells);
                KeyAt::Content
            }
        };
        Decided::Row { line, key, responded_at, score }
    }

    /// Decodes `rec` into `out`: the whole record at once when it is valid UTF-8 (the usual case), else field
    /// by field, a field that is not UTF-8 read with the file's legacy encoding.
    fn decode_record(&mut self, rec: &RawRecord, out: &mut TextRecord) {
        out.clear();
        if let Ok(all) = std::str::from_utf8(&rec.bytes) {
            // The fields are contiguous in the record; each is valid when every field end is a char boundary.
            if rec.ends.iter().all(|&end| all.is_char_boundary(end)) {
                out.ends.extend_from_slice(&rec.ends);
                out.text.push_str(all);
                return;
            }
        }
        for field in rec.fields() {
            match std::str::from_utf8(field) {
                Ok(s) => out.push(s),
                Err(_) => {
                    let legacy = *self.legacy.get_or_insert_with(|| guess_file_legacy(&self.path));
                    let (text, _) = decode::decode_field(field, legacy);
                    self.legacy_fields += 1;
                    out.push(&text);
                }
            }
        }
    }
}

/// `h:<hash>#<k>`: the k-th row with this exact content in the file. Re-importing the same file gives the
/// same keys (nothing is added twice), while identical answers from different people stay separate.
fn content_key(seen: &mut HashMap<[u8; 16], u32>, out: &mut String, cells: Cells<'_>) {
    use std::fmt::Write;
    let mut h = Sha256::new();
    for c in cells.iter() {
        h.update(c.as_bytes());
        h.update([0x1f]);
    }
    let digest: [u8; 16] = h.finalize()[..16].try_into().expect("16 bytes");
    let k = seen.entry(digest).or_insert(0);
    *k += 1;
    out.clear();
    let _ = write!(out, "h:{}#{}", layout::hex(&digest), k);
}

thread_local! {
    /// Set while this thread reads a workbook: its panics are reported as a damaged workbook, not printed.
    static READING_WORKBOOK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The first worksheet, with calamine's panics turned into an error: some damaged workbooks make it panic
/// (found by fuzzing: a cell reference whose column overflows `u32`, with overflow checks on). The panic
/// hook is wrapped once so that only this thread's panics while it reads a workbook stay quiet.
fn sheet_records(path: &Path, file_size: u64) -> Result<Records> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !READING_WORKBOOK.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    READING_WORKBOOK.with(|r| r.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(path, file_size)));
    READING_WORKBOOK.with(|r| r.set(false));
    result.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ImportError::Csv {
            path: path.to_path_buf(),
            line: 0,
            message: format!("cannot read the workbook: it is damaged (the XLSX reader failed: {why})"),
        })
    })
}

/// The first worksheet of an XLSX/XLS/ODS workbook as text records. Excel dates become ISO date-times and
/// whole numbers lose their `.0` (respondent ids are numbers in SurveyMonkey's XLSX).
fn read_sheet(path: &Path, file_size: u64) -> Result<Records> {
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

/// Qualtrics `_NPS_GROUP` cells: `Detractor`/`Passive`/`Promoter` (choice text) or `1`/`2`/`3` (numeric).
fn nps_group_category(cell: &str) -> Option<npsdesk_core::Category> {
    use npsdesk_core::Category;
    match cell.trim().to_lowercase().as_str() {
        "1" | "detractor" | "detractors" => Some(Category::Detractor),
        "2" | "passive" | "passives" => Some(Category::Passive),
        "3" | "promoter" | "promoters" => Some(Category::Promoter),
        _ => None,
    }
}

/// Files that are plainly something else, by their first bytes.
fn known_non_export(head: &[u8]) -> Option<&'static str> {
    let magic: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\xD0\xCF\x11\xE0", "a legacy Office file (.xls/.doc); save it as .xlsx or .csv"),
        (b"SQLite format 3", "an SQLite database"),
        (b"{\\rtf", "an RTF document"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ];
    magic.iter().find(|(m, _)| head.starts_with(m)).map(|(_, what)| *what)
}

/// Where the head of a supposedly UTF-8 text file shows binary content: a NUL, or more than 5 % control
/// bytes (other than tab, CR, LF, form feed).
fn binary_offset(head: &[u8]) -> Option<u64> {
    if let Some(p) = head.iter().position(|b| *b == 0) {
        return Some(p as u64);
    }
    let control = |b: &u8| *b < 0x20 && !matches!(*b, b'\t' | b'\r' | b'\n' | 0x0C);
    let n = head.iter().filter(|b| control(b)).count();
    (n * 20 > head.len()).then(|| head.iter().position(control).unwrap_or(0) as u64)
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

    /// Every row of a file holding `text`, or the first error's message.
    fn rows_of(dir: &Path, name: &str, text: &str) -> std::result::Result<Vec<RowOutcome>, String> {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let mut reader = ExportReader::open(&path, &ImportOptions::default()).unwrap();
        std::iter::from_fn(|| reader.next_row()).map(|outcome| outcome.map_err(|e| e.to_string())).collect()
    }

    #[test]
    fn a_row_after_blank_lines_is_reported_at_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id,score,why\n1,9,fine\n\n\n\r\n2,4\n3,8,\"two\nlines\"\n\n4,x,y,z\n5,7,ok\n";
        let mut skipped = Vec::new();
        let mut rows = Vec::new();
        for outcome in rows_of(dir.path(), "blank.csv", text).unwrap() {
            match outcome {
                RowOutcome::Row(r) => rows.push((r.respondent_key, r.line)),
                RowOutcome::Skipped(s) => skipped.push(s.line),
            }
        }
        // Before `records.rs`, a record's position was where the blank lines before it began: the first
        // skipped row, after three of them, was reported at line 4.
        assert_eq!(skipped, [6, 10]);
        let lines: Vec<u64> = rows.iter().map(|r| r.1).collect();
        assert_eq!(lines, [2, 7, 11]);
    }

    /// A file without a final newline is refused when its last row stops inside a quoted field, as
    /// `csv_core` reads quotes: a quote inside an unquoted field opens nothing.
    #[test]
    fn a_last_row_cut_inside_quotes_is_refused_and_a_stray_quote_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let outcome = |name: &str, text: &str| rows_of(dir.path(), name, text).map(|rows| rows.len());
        // Stray quotes in unquoted fields, the last row complete (its quotes alone are odd; the whole file's
        // even): imported.
        assert_eq!(outcome("stray.csv", "id,score,why\n1,5,a\" x\n2,7,y\" z"), Ok(2));
        // The last field opens a quote that never closes (after a field with a quote inside, so the last row
        // and the file have an even number of quotes): refused.
        let err = outcome("cut.csv", "id,score,why\n1,5,ok\n2,a\"b,\"never clo").unwrap_err();
        assert!(err.contains("looks truncated") && err.contains("inside a quoted field"), "{err}");
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"x;y;z\",b\n"), b',');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
    }
}

//! CSV records: most are cut with `memchr`, the rest go through `csv_core`.
//!
//! Why: `csv_core` runs every byte through its state machine, about 0.35 µs per record of the 1M-row
//! benchmark export: a quarter of the import's parsing thread, its busier one. The records of a survey
//! export are almost all simple: fields separated by the delimiter, some in quotes (commas, line breaks and
//! doubled quotes inside), each record ended by `\n`, `\r\n` or `\r`. [`CsvRecords::read`] cuts those by
//! searching for the next delimiter, terminator or quote, many bytes at a time, with `csv_core`'s meaning:
//!
//! - a field that starts with a quote runs to the next quote not doubled; a doubled quote is one quote;
//! - a quote anywhere else is an ordinary character;
//! - a record ends at `\n` or `\r`, and the `\r`s and `\n`s before a record are skipped (blank lines);
//! - a UTF-8 byte-order mark at the very start of the stream is dropped.
//!
//! Anything else (text after a closing quote, a record cut by the end of the stream, a record longer than
//! the buffer) is left to `csv_core`, configured as the `csv` crate's reader (RFC 4180 quoting, CR, LF or
//! CRLF terminators), from the record's first byte. Tested against the `csv` crate on hand-made and
//! generated records (`tests` below) and by the `records` fuzz target.
//!
//! The records also know their physical line (the newlines consumed before them) and whether the last one
//! read ends inside a quoted field (a file cut short), and refuse a record longer than [`MAX_RECORD_BYTES`].
//! The quick pass counts a record's newlines as it cuts it (a record it cuts ends outside quotes); only the
//! bytes `csv_core` reads are looked at again, counting newlines and following its quoting (two more passes
//! over every byte were a tenth of the parsing thread).

use std::io::{self, Read};

/// How much of the stream is held at once (more while a single record is longer).
const BUFFER: usize = 1 << 20;

/// A record longer than this is not a survey response: the file is garbage (or one unterminated quote), and
/// it is refused rather than read whole into memory.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// A record: its fields' bytes back to back (quotes removed, doubled quotes undone) and the end of each.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct RawRecord {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
    /// Offset in the stream of the record's first byte.
    pub start: u64,
    /// The physical line (from 1) of its first byte.
    pub line: u64,
}

impl RawRecord {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    /// The fields, in order.
    pub fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let mut from = 0;
        self.ends.iter().map(move |&end| {
            let field = &self.bytes[from..end];
            from = end;
            field
        })
    }
}

/// The records of a CSV stream.
pub(crate) struct CsvRecords<R> {
    source: R,
    /// The stream's bytes `buf[start..end]` are read and not consumed yet.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Offset in the stream of `buf[start]`.
    offset: u64,
    eof: bool,
    core: csv_core::Reader,
    delimiter: u8,
    /// Records read by `csv_core` (the quick pass is the point: see the tests).
    by_core: u64,
    /// 1 + the newlines consumed: the line of `buf[start]`.
    line: u64,
    /// Offset of the record being read, the start of [`MAX_RECORD_BYTES`].
    record_start: u64,
    /// Where the record read last stands in `csv_core`'s quoting after the bytes consumed of it (always
    /// [`Quoting::FieldStart`] after a record the quick pass cut, which ends at a terminator).
    quoting: Quoting,
}

/// Where a record's bytes stand in its quoting, as `csv_core` reads them: a field that starts with a quote runs
/// to a quote not doubled; after that, and in a field that starts otherwise, a quote is an ordinary character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: doubled if a quote follows, else the field's closing quote.
    QuoteInQuoted,
}

impl Quoting {
    fn after(self, b: u8, delimiter: u8) -> Quoting {
        use Quoting::*;
        let ends_field = b == delimiter || b == b'\n' || b == b'\r';
        match self {
            Quoted => {
                if b == b'"' {
                    QuoteInQuoted
                } else {
                    Quoted
                }
            }
            QuoteInQuoted if b == b'"' => Quoted,
            _ if ends_field => FieldStart,
            FieldStart if b == b'"' => Quoted,
            _ => Unquoted,
        }
    }
}

/// Every record of `data`, each as its fields, read `chunk` bytes at a time (so that records are cut by the
/// buffer's end at every place): for the tests and the `records` fuzz target, which compare it with the
/// `csv` crate. Panics when a record's start or line is not where the bytes put it.
#[doc(hidden)]
pub fn records_of(data: &[u8], delimiter: u8, chunk: usize) -> Vec<Vec<Vec<u8>>> {
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1.max(1)).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut records = CsvRecords::new(Trickle(data, chunk), delimiter);
    let mut rec = RawRecord::default();
    let mut out = Vec::new();
    let mut last_start = None;
    // The newlines before offset `.0`: a record's line is one more than those before its start.
    let mut newlines = (0usize, 0u64);
    while records.read(&mut rec).expect("reading from memory") {
        assert!(last_start.is_none_or(|s| rec.start > s), "record offsets grow");
        assert!(!matches!(data[rec.start as usize], b'\n' | b'\r'), "a record starts at its first byte");
        last_start = Some(rec.start);
        newlines.1 += memchr::memchr_iter(b'\n', &data[newlines.0..rec.start as usize]).count() as u64;
        newlines.0 = rec.start as usize;
        assert_eq!(rec.line, newlines.1 + 1, "the line of the record at byte {}", rec.start);
        out.push(rec.fields().map(<[u8]>::to_vec).collect());
    }
    assert_eq!(records.position(), data.len() as u64, "the whole stream is consumed");
    out
}

/// What the quick pass made of the bytes at the start of the buffer.
enum Quick {
    /// A record of `len` bytes, its terminator included, with `newlines` newlines in them.
    Record { len: usize, newlines: u64 },
    /// The record may go on past the bytes read.
    Incomplete,
    /// A record the quick pass does not read (`csv_core` does).
    Other,
}

impl<R: Read> CsvRecords<R> {
    pub fn new(source: R, delimiter: u8) -> CsvRecords<R> {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // `csv_core` drops a byte-order mark at the start of its first input only. Records the quick pass
        // reads never reach it, so it is given that first input now (a blank line, which it skips): a record
        // left to it later, whatever its first bytes, is read as the `csv` crate would read it there.
        let _ = core.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        CsvRecords {
            source,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
            core,
            delimiter,
            by_core: 0,
            line: 1,
            record_start: 0,
            quoting: Quoting::FieldStart,
        }
    }

    /// Whether the record read last ends inside a quoted field, whose closing quote never came: the stream
    /// ended there. Only a record `csv_core` reads can (the quick pass cuts a record only at a terminator
    /// outside quotes); a quote inside an unquoted field (`say "hi`) opens nothing.
    pub fn ends_in_quotes(&self) -> bool {
        self.quoting == Quoting::Quoted
    }

    /// Bytes of the stream consumed by the records read so far.
    pub fn position(&self) -> u64 {
        self.offset
    }

    /// Consumes `n` bytes, counting their newlines and following their quoting.
    fn consume(&mut self, n: usize) {
        let bytes = &self.buf[self.start..self.start + n];
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        let delimiter = self.delimiter;
        self.quoting = bytes.iter().fold(self.quoting, |q, &b| q.after(b, delimiter));
        self.consume_counted(n, 0);
    }

    /// Consumes `n` bytes holding `newlines` newlines (counted by the caller).
    fn consume_counted(&mut self, n: usize, newlines: u64) {
        self.line += newlines;
        self.start += n;
        self.offset += n as u64;
    }

    /// Reads more of the stream behind the unconsumed bytes (moved to the buffer's front, which grows when
    /// they fill it), until the buffer is full or the stream ends. False when nothing more was read.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let held = self.offset + (self.end - self.start) as u64;
        if held - self.record_start > MAX_RECORD_BYTES {
            return Err(io::Error::other(format!(
                "no record ends within {} MB: this is not a survey export (or a quote is never closed)",
                MAX_RECORD_BYTES / (1024 * 1024)
            )));
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let before = self.end;
        // Until full: a source may give a little at a time (the UTF-16 reader: one decoded block per call),
        // and the quick pass reads an incomplete record again from its start after each fill.
        while self.end < self.buf.len() {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end > before)
    }

    /// The next record into `rec`; false at the end of the stream.
    pub fn read(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        rec.clear();
        if self.offset == 0 && self.start == 0 && !self.eof {
            while self.end < 3 && self.fill()? {}
            if self.buf[..self.end].starts_with(b"\xef\xbb\xbf") {
                self.consume(3);
            }
        }
        loop {
            // Blank lines, and the `\n` of a `\r\n` after a record: skipped, as `csv_core` skips them.
            let rest = &self.buf[self.start..self.end];
            match rest.iter().position(|&b| b != b'\n' && b != b'\r') {
                Some(k) => self.consume(k),
                None => {
                    self.consume(rest.len());
                    self.record_start = self.offset;
                    if self.fill()? {
                        continue;
                    }
                    return Ok(false);
                }
            }
            (rec.start, rec.line) = (self.offset, self.line);
            self.record_start = self.offset;
            self.quoting = Quoting::FieldStart;
            match quick(&self.buf[self.start..self.end], self.delimiter, rec) {
                Quick::Record { len, newlines } => {
                    self.consume_counted(len, newlines);
                    return Ok(true);
                }
                // Read again from its start once the buffer holds more; a record that outgrows the buffer
                // goes to `csv_core`, which goes on where it stopped (no reading again, however long it is).
                Quick::Incomplete if !self.eof && self.end - self.start < BUFFER => {
                    rec.clear();
                    self.fill()?;
                }
                Quick::Incomplete | Quick::Other => {
                    rec.clear();
                    return self.read_with_core(rec);
                }
            }
        }
    }

    /// The record at the start of the buffer, read by `csv_core` (as `csv::Reader::read_byte_record` does).
    fn read_with_core(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        use csv_core::ReadRecordResult;
        self.by_core += 1;
        rec.bytes.resize(rec.bytes.capacity().max(1024), 0);
        rec.ends.resize(rec.ends.capacity().max(64), 0);
        let (mut out, mut ends) = (0, 0);
        loop {
            let input = &self.buf[self.start..self.end];
            let (result, nin, nout, nend) = self.core.read_record(input, &mut rec.bytes[out..], &mut rec.ends[ends..]);
            self.consume(nin);
            out += nout;
            ends += nend;
            match result {
                // All of the input was consumed. At the end of the stream the next input is empty, which
                // tells `csv_core` that the stream ended (it then answers Record or End).
                ReadRecordResult::InputEmpty => {
                    self.fill()?;
                }
                ReadRecordResult::OutputFull => rec.bytes.resize(rec.bytes.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => rec.ends.resize(rec.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    rec.bytes.truncate(out);
                    rec.ends.truncate(ends);
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    rec.clear();
                    return Ok(false);
                }
            }
        }
    }
}

/// Reads the record at the start of `input` (not a `\r` or `\n`) into `rec`, if it is one the quick pass
/// reads (see the module's note).
fn quick(input: &[u8], delimiter: u8, rec: &mut RawRecord) -> Quick {
    let mut at = 0;
    let mut newlines = 0;
    loop {
        // `at` is the start of a field.
        if input.get(at) == Some(&b'"') {
            // A quoted field: to the next quote that is not doubled (counting the line breaks on the way).
            let mut from = at + 1;
            loop {
                let Some(q) = memchr::memchr2(b'"', b'\n', &input[from..]) else { return Quick::Incomplete };
                let q = from + q;
                if input[q] == b'\n' {
                    newlines += 1;
                    rec.bytes.extend_from_slice(&input[from..=q]);
                    from = q + 1;
                    continue;
                }
                rec.bytes.extend_from_slice(&input[from..q]);
                match input.get(q + 1) {
                    None => return Quick::Incomplete,
                    Some(b'"') => {
                        rec.bytes.push(b'"');
                        from = q + 2;
                    }
                    Some(&b) => {
                        rec.ends.push(rec.bytes.len());
                        if b == delimiter {
                            at = q + 2;
                            break;
                        }
                        if b == b'\n' || b == b'\r' {
                            return Quick::Record { len: q + 2, newlines: newlines + u64::from(b == b'\n') };
                        }
                        // Text after the closing quote: `csv_core` keeps it, unquoted.
                        return Quick::Other;
                    }
                }
            }
        } else {
            let Some(k) = memchr::memchr3(delimiter, b'\n', b'\r', &input[at..]) else { return Quick::Incomplete };
            let k = at + k;
            rec.bytes.extend_from_slice(&input[at..k]);
            rec.ends.push(rec.bytes.len());
            if input[k] == delimiter {
                at = k + 1;
            } else {
                return Quick::Record { len: k + 1, newlines: newlines + u64::from(input[k] == b'\n') };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as the `csv` crate reads it (as the reader did before this module), fields as text.
    fn with_csv(data: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(data);
        r.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    use super::records_of as with_records;

    fn same(data: &[u8], delimiter: u8) {
        let expected = with_csv(data, delimiter);
        for chunk in [1, 2, 3, 7, 64, BUFFER] {
            assert_eq!(
                with_records(data, delimiter, chunk),
                expected,
                "{:?} read {chunk} bytes at a time",
                String::from_utf8_lossy(data)
            );
        }
    }

    #[test]
    fn reads_every_record_as_the_csv_crate_does() {
        let cases: &[&[u8]] = &[
            b"a,b,c\n1,2,3\n",
            b"a,b,c\r\n1,2,3\r\n",
            b"a,b\r1,2\r",
            b"a,b\n\n\n1,2\n\r\n\r\n3,4",
            b"a,b,c\n1,2",
            b"a,\"b,c\",d\n\"x\ny\",\"\",\"say \"\"hi\"\"\"\n",
            b"\"\"\"\",\"a\"\"\"\n\"\"\n",
            b"a,\"b\"c,d\n1,2,3\n",
            b"a,b\"c\",d\n",
            b"a,\"never closed\n1,2\n",
            b"a,\"closed at the end\"",
            b"\"x\"\r\n\"y\"\r\n",
            b",,\n,\n\n",
            b"\xef\xbb\xbfid,v\n1,\xef\xbb\xbfkept\n\xef\xbb\xbf2,x\n",
            b"caf\xc3\xa9,\xff\xfe,\"na\xc3\xafve\"\n",
            b"\n\n\r",
            b"",
            b"one field\n",
            b"a,\"b\r\nc\"\r\n",
        ];
        for data in cases {
            same(data, b',');
        }
        same(b"a;b;\"c;d\"\n1;2;3\n", b';');
        same(b"a\tb\t\"c\td\"\r\n1\t2\t3\r\n", b'\t');
    }

    #[test]
    fn the_quick_pass_reads_what_an_export_holds() {
        // Quoted commas and line breaks, doubled quotes, empty fields, CRLF and LF, a blank line.
        let data = "Respondent ID,Why?,Plan\r\n,Open-Ended Response,Response\r\n\
                    1,\"Slow, \"\"really\"\" slow\nand buggy\",Pro\r\n2,,Free\r\n\r\n3,Fine,\"\"\n4,ok,Team\n";
        let mut records = CsvRecords::new(data.as_bytes(), b',');
        let mut rec = RawRecord::default();
        let mut n = 0;
        while records.read(&mut rec).unwrap() {
            n += 1;
        }
        assert_eq!((n, records.by_core), (6, 0));
        // The last record of a file without a final newline is csv_core's (it knows the stream's end).
        let mut records = CsvRecords::new(&b"a,b\n1,2"[..], b',');
        while records.read(&mut rec).unwrap() {}
        assert_eq!(records.by_core, 1);
    }

    #[test]
    fn records_know_their_line_and_the_quotes_and_long_ones_are_csv_cores() {
        let text = "a,\"b\nc\"\r\n\n1,2\n\"x\",y\n".repeat(37);
        let mut records = CsvRecords::new(text.as_bytes(), b',');
        let mut rec = RawRecord::default();
        let mut lines = Vec::new();
        while records.read(&mut rec).unwrap() {
            lines.push(rec.line);
            let before = text[..rec.start as usize].matches('\n').count() as u64;
            assert_eq!(rec.line, before + 1);
        }
        assert_eq!(lines.len(), 3 * 37);
        assert_eq!(&lines[..4], &[1, 4, 5, 6]);
        assert!(!records.ends_in_quotes());
        // The last record's quoting decides, as `csv_core` reads it: a stray quote in an earlier unquoted field
        // does not make a complete last record look cut short (the whole stream's quote count was odd here).
        for (text, inside) in [
            ("a,b\n1,say \"hi\n2,ok", false),
            ("a,b\n1,say \"hi\n2,\"ok", true),
            // A quote inside an unquoted field opens nothing, even when it is the last record's only one.
            ("a,b\n1,5\" x\n2,7\" y", false),
            // The last field opens a quote that never closes, after a field with a quote inside.
            ("a,b,c\n2,a\"b,\"never clo", true),
            // Text after a closing quote, then a quoted field cut short; and one closed at the very end.
            ("a,b\n\"x\"y,\"z", true),
            ("a,b\n1,\"z\"\"\"", false),
            ("a,b\n1,\"x\ny\"\n2,\"o\"\"k\n", true),
            ("a,b\n1,\"x\ny\"\n2,\"o\"\"k\"", false),
        ] {
            let mut records = CsvRecords::new(text.as_bytes(), b',');
            while records.read(&mut rec).unwrap() {}
            assert_eq!(records.ends_in_quotes(), inside, "{text:?}");
        }

        // A record longer than the buffer, the stream given 4 KiB at a time: csv_core reads it once.
        let long = format!("a,\"{}\",b\n1,2\n", "x\ny".repeat(BUFFER / 2));
        let mut records =
            CsvRecords::new(std::io::Read::chain(&long.as_bytes()[..4096], &long.as_bytes()[4096..]), b',');
        let mut fields = Vec::new();
        while records.read(&mut rec).unwrap() {
            fields.push((rec.line, rec.fields().map(<[u8]>::len).collect::<Vec<_>>()));
        }
        assert_eq!(fields, [(1, vec![1, 3 * (BUFFER / 2), 1]), (BUFFER as u64 / 2 + 2, vec![1, 1])]);
        assert_eq!(records.by_core, 1);
    }

    #[test]
    fn a_record_past_the_limit_is_refused() {
        let mut records = CsvRecords::new(std::io::repeat(b'x'), b',');
        let err = records.read(&mut RawRecord::default()).expect_err("refused");
        assert!(err.to_string().contains("no record ends within 64 MB"), "{err}");
        // Blank lines are no record: skipped, however many.
        let blank = std::io::Read::take(std::io::repeat(b'\n'), MAX_RECORD_BYTES + BUFFER as u64);
        let mut records = CsvRecords::new(std::io::Read::chain(blank, &b"1,2\n"[..]), b',');
        let mut rec = RawRecord::default();
        assert!(records.read(&mut rec).unwrap());
        assert_eq!(rec.line, MAX_RECORD_BYTES + BUFFER as u64 + 1);
    }

    #[test]
    fn reads_generated_records_as_the_csv_crate_does() {
        // Random records made of the bytes that matter (delimiter, quote, CR, LF) and letters.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b",\"\r\naa\xc3\xa9;x";
        for _ in 0..3000 {
            let len = (next() % 60) as usize;
            let data: Vec<u8> = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let expected = with_csv(&data, b',');
            for chunk in [1, 5, BUFFER] {
                assert_eq!(
                    with_records(&data, b',', chunk),
                    expected,
                    "{:?} by {chunk}",
                    String::from_utf8_lossy(&data)
                );
            }
        }
    }
}

//! Bytes → UTF-8 text.
//!
//! Order of detection: a BOM (UTF-8, UTF-16 LE/BE); BOM-less UTF-16 (NUL bytes at every other offset, as
//! Excel's "Unicode text" writes); otherwise the text is read as UTF-8 field by field, and a field that is not
//! valid UTF-8 is decoded with the file's legacy encoding: Mac Roman when the file's non-UTF-8 bytes look like
//! Excel for Mac punctuation, else Windows-1252. Mixed files (a UTF-8 export with a few stray bytes from an
//! Excel re-save, as in the fivethirtyeight exports) keep their valid text untouched.

use std::io::{self, Read};

use encoding_rs::{Encoding, MACINTOSH, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// What the first bytes of a file say about its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// UTF-8, `bom` bytes to skip (0 or 3).
    Utf8 { bom: usize },
    /// UTF-16 with the given encoding; `bom` bytes to skip (0 or 2).
    Utf16 { encoding: &'static Encoding, bom: usize },
}

pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Sniffed::Utf8 { bom: 3 };
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Sniffed::Utf16 { encoding: UTF_16LE, bom: 2 };
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Sniffed::Utf16 { encoding: UTF_16BE, bom: 2 };
    }
    // BOM-less UTF-16: ASCII text encoded as UTF-16 has NUL in every other byte.
    let sample = &head[..head.len().min(4096) & !1];
    if sample.len() >= 8 {
        let pairs = sample.len() / 2;
        let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_nul = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        if odd_nul * 10 >= pairs * 7 && even_nul * 10 <= pairs {
            return Sniffed::Utf16 { encoding: UTF_16LE, bom: 0 };
        }
        if even_nul * 10 >= pairs * 7 && odd_nul * 10 <= pairs {
            return Sniffed::Utf16 { encoding: UTF_16BE, bom: 0 };
        }
    }
    Sniffed::Utf8 { bom: 0 }
}

/// A reader that transcodes UTF-16 to UTF-8 as it streams, so the CSV reader only ever sees UTF-8.
pub struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf16Reader {
            inner,
            // The BOM was already skipped by the caller; without-BOM-handling keeps a stray U+FEFF as text.
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            in_start: 0,
            in_end: 0,
            output: vec![0; 3 * 64 * 1024 + 16],
            out_start: 0,
            out_end: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            if self.eof && self.in_start == self.in_end {
                // Flush a dangling half code unit as U+FFFD, once.
                let (_, _, written, _) = self.decoder.decode_to_utf8(&[], &mut self.output, true);
                if written == 0 {
                    return Ok(0);
                }
                self.out_start = 0;
                self.out_end = written;
                continue;
            }
            let (_, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.in_start..self.in_end], &mut self.output, false);
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
        }
    }
}

/// Chooses the legacy single-byte encoding for the bytes of a file that are not UTF-8.
///
/// Excel for Mac writes curly quotes, dashes and no-break spaces as 0xD0–0xD5 and 0xCA; Windows-1252 puts them
/// at 0x91–0x97 and 0xA0. Whichever family is more frequent wins; ties go to Windows-1252, the commoner one.
pub fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut mac = 0usize;
    let mut win = 0usize;
    for &b in bytes {
        match b {
            0xCA | 0xD0..=0xD5 | 0x8C | 0x8E | 0x8F => mac += 1,
            0x91..=0x97 | 0xA0 | 0x85 => win += 1,
            _ => {}
        }
    }
    if mac > win {
        MACINTOSH
    } else {
        WINDOWS_1252
    }
}

/// Decodes a field: UTF-8 when valid (the usual case, no copy of the check), else with `legacy`.
pub fn decode_field(bytes: &[u8], legacy: &'static Encoding) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => {
            let (text, _, _) = legacy.decode(bytes);
            (text.into_owned(), true)
        }
    }
}

pub fn describe(sniffed: Sniffed, legacy_used: Option<&'static Encoding>) -> String {
    match (sniffed, legacy_used) {
        (Sniffed::Utf8 { bom: 3 }, None) => "UTF-8 (BOM)".into(),
        (Sniffed::Utf8 { .. }, None) => UTF_8.name().into(),
        (Sniffed::Utf8 { .. }, Some(e)) => format!("UTF-8 with {} fields", display_name(e)),
        (Sniffed::Utf16 { encoding, bom }, _) => {
            format!("{}{}", encoding.name(), if bom > 0 { " (BOM)" } else { "" })
        }
    }
}

pub fn display_name(e: &'static Encoding) -> &'static str {
    if e == MACINTOSH {
        "Mac Roman"
    } else if e == WINDOWS_1252 {
        "Windows-1252"
    } else {
        e.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_boms_and_bomless_utf16() {
        assert_eq!(sniff(b"\xEF\xBB\xBFa,b"), Sniffed::Utf8 { bom: 3 });
        assert_eq!(sniff(b"a,b\r\n1,2"), Sniffed::Utf8 { bom: 0 });
        assert_eq!(sniff(b"\xFF\xFEa\0,\0"), Sniffed::Utf16 { encoding: UTF_16LE, bom: 2 });
        assert_eq!(sniff(b"\xFE\xFF\0a\0,"), Sniffed::Utf16 { encoding: UTF_16BE, bom: 2 });
        let le: Vec<u8> = "id\tscore\r\n1\t9\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(sniff(&le), Sniffed::Utf16 { encoding: UTF_16LE, bom: 0 });
    }

    #[test]
    fn utf16_streams_to_utf8_across_buffer_boundaries() {
        let text = "Respondent ID,Comment\r\n1,\"Très bien 👍\"\r\n".repeat(5000);
        let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut out = String::new();
        Utf16Reader::new(&bytes[..], UTF_16LE).read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn legacy_fields_decode_by_the_files_family() {
        // Mac Roman: 0xD5 is a right single quote, 0xCA a no-break space.
        let mac = b"don\xD5t\xCAknow";
        assert_eq!(guess_legacy(mac), MACINTOSH);
        assert_eq!(decode_field(mac, MACINTOSH), ("don\u{2019}t\u{a0}know".to_string(), true));
        // Windows-1252: 0x92 is a right single quote.
        let win = b"don\x92t know";
        assert_eq!(guess_legacy(win), WINDOWS_1252);
        assert_eq!(decode_field(win, WINDOWS_1252).0, "don\u{2019}t know");
        assert_eq!(decode_field("ok ✓".as_bytes(), WINDOWS_1252), ("ok ✓".to_string(), false));
    }
}

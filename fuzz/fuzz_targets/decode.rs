//! Encoding detection and decoding: BOM/UTF-16 sniffing, the streaming UTF-16 → UTF-8 reader, the legacy
//! (Mac Roman / Windows-1252) guess and per-field decoding.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use npsdesk_import::decode::{self, Sniffed};

fuzz_target!(|data: &[u8]| {
    match decode::sniff(data) {
        Sniffed::Utf8 { bom } => {
            assert!(bom <= data.len());
            let legacy = decode::guess_legacy(&data[bom..]);
            for field in data[bom..].split(|b| *b == b',' || *b == b'\n') {
                let (text, _legacy_used) = decode::decode_field(field, legacy);
                if let Ok(s) = std::str::from_utf8(field) {
                    assert_eq!(text, s, "valid UTF-8 is kept as it is");
                }
            }
            let _ = decode::describe(Sniffed::Utf8 { bom }, Some(legacy));
        }
        Sniffed::Utf16 { encoding, bom } => {
            assert!(bom <= data.len());
            let mut out = Vec::new();
            decode::Utf16Reader::new(&data[bom..], encoding).read_to_end(&mut out).unwrap();
            assert!(std::str::from_utf8(&out).is_ok(), "the reader yields UTF-8");
            let _ = decode::display_name(encoding);
        }
    }
});

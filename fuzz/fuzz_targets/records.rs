//! CSV records (`npsdesk_import::records_of`, the import's own reader) against the `csv` crate, the reader
//! it replaced: the same fields, for any bytes, any of the three delimiters, read a few bytes at a time or in
//! one piece.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, data)) = data.split_first() else { return };
    let delimiter = [b',', b';', b'\t'][usize::from(first % 3)];
    let expected: Vec<Vec<Vec<u8>>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data)
        .byte_records()
        .map(|r| r.expect("reading from memory").iter().map(<[u8]>::to_vec).collect())
        .collect();
    for chunk in [usize::from(first / 3 % 16) + 1, data.len()] {
        assert_eq!(npsdesk_import::records_of(data, delimiter, chunk), expected, "read {chunk} bytes at a time");
    }
});

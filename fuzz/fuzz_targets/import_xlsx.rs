//! XLSX workbook (calamine) → rows. Seeded with real workbooks; the mutations reach the ZIP and XML readers.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_all(data, "input.xlsx", None);
});

//! CSV/TSV export → layout → rows, with the source detected or forced (the first byte picks it), so every
//! source's header rules see every input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npsdesk_import::Source;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let source = match pick % 8 {
        0 | 7 => None,
        1 => Some(Source::SurveyMonkey),
        2 => Some(Source::Qualtrics),
        3 => Some(Source::Typeform),
        4 => Some(Source::GoogleForms),
        5 => Some(Source::Delighted),
        _ => Some(Source::Generic),
    };
    common::read_all(bytes, "input.csv", source);
});

//! Theme rule files (JSON and TOML; the first byte picks the format): checking with line-precise errors, and
//! for a set that checks, compiling the matcher and tagging/explaining text taken from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npsdesk_themes::{check, Format, Matcher};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(bytes);
    let format = if pick % 2 == 0 { Format::Toml } else { Format::Json };
    match check(&text, format) {
        Ok(set) => {
            let m = Matcher::new(&set);
            for comment in [&*text, "The support team was slow but the price is fine", ""] {
                let _ = m.tag(comment);
                for hit in m.explain(comment) {
                    assert!(hit.start <= hit.end && hit.end <= comment.len(), "span {}..{}", hit.start, hit.end);
                    assert!(comment.is_char_boundary(hit.start) && comment.is_char_boundary(hit.end));
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let lines = text.lines().count().max(1);
            for e in &errors {
                assert!(e.line <= lines + 1, "line {} of {lines}: {}", e.line, e.message);
            }
        }
    }
});

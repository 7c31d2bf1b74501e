//! NPS answer parsing: `7`, `10 - Extremely likely`, `Not at all likely - 0`, recodes. A parsed score is
//! always 0..=10 and parsing is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npsdesk_core::Score;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(s) = Score::parse(&text) {
        assert!(s.value() <= 10);
        assert_eq!(Score::parse(&text), Some(s));
        let _ = s.category();
    }
    for line in text.lines() {
        let _ = Score::parse(line);
    }
});

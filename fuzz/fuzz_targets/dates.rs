//! Date parsing: every format in both orders, zones and epochs, and the month/day order inference over a
//! column of values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npsdesk_import::dates::{self, DateParser};
use npsdesk_import::DateOrder;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = dates::parse_any(&text);
    let _ = dates::parse_datetime(&text);
    for order in [DateOrder::MonthFirst, DateOrder::DayFirst] {
        let parser = DateParser::new(order);
        let _ = parser.parse(&text);
        let _ = parser.parse(&text);
    }
    let evidence = dates::infer_order(text.split('\n'));
    let _ = (evidence.ambiguous(), evidence.conflicting());
});

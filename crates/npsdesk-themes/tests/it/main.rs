//! Integration tests of npsdesk-themes (one binary, see conventions.md).

mod builtin;
mod errors;
mod grammar;
mod metrics;
mod props;

use npsdesk_themes::{check, Format, Matcher};

/// Compiles a JSON rule set or fails the test with its errors.
pub fn matcher(json: &str) -> Matcher {
    match check(json, Format::Json) {
        Ok(r) => Matcher::new(&r),
        Err(e) => panic!("rule set should be valid: {e:?}"),
    }
}

/// The labels `m` gives `comment`.
pub fn labels(m: &Matcher, comment: &str) -> Vec<String> {
    m.labels(&m.tag(comment)).into_iter().map(str::to_string).collect()
}

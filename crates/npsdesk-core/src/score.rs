//! A likelihood-to-recommend answer on the 0–10 scale.

use serde::{Deserialize, Serialize};

/// A 0–10 answer. Constructing one validates the range, so a `Score` is always a valid NPS answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Score(u8);

/// The NPS category of a score: 9–10 promoter, 7–8 passive, 0–6 detractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Promoter,
    Passive,
    Detractor,
}

impl Score {
    /// `None` outside 0..=10.
    pub fn new(value: u8) -> Option<Score> {
        (value <= 10).then_some(Score(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub fn category(self) -> Category {
        match self.0 {
            9..=10 => Category::Promoter,
            7..=8 => Category::Passive,
            _ => Category::Detractor,
        }
    }

    /// Parses an answer cell as exported by survey tools: a bare number (`7`), SurveyMonkey's label-first end
    /// points (`Not at all likely - 0`, `Extremely likely - 10`) or label-last custom scales
    /// (`0 - Not at all likely`). Anything else, or a number outside 0–10, is `None`.
    pub fn parse(text: &str) -> Option<Score> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if let Some(v) = parse_small_int(t) {
            return Score::new(v);
        }
        // Label-last: leading digits, then a dash and a label that does not start with a digit.
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if (1..=2).contains(&digits_end) {
            let rest = t[digits_end..].trim_start();
            if let Some(label) = strip_dash(rest) {
                if label.trim_start().chars().next().is_some_and(|c| !c.is_ascii_digit()) {
                    return parse_small_int(&t[..digits_end]).and_then(Score::new);
                }
            }
        }
        // Label-first: a label that ends in a non-digit, a dash, then trailing digits.
        // Counted in bytes (digits are ASCII): `rfind(..) + 1` cut a multi-byte character in two (found by fuzzing).
        let digits_start = t.len() - t.bytes().rev().take_while(u8::is_ascii_digit).count();
        let tail = &t[digits_start..];
        if (1..=2).contains(&tail.len()) {
            let head = t[..digits_start].trim_end();
            if let Some(label) = head.strip_suffix('-').or_else(|| head.strip_suffix('–')) {
                if label.trim_end().chars().last().is_some_and(|c| !c.is_ascii_digit()) {
                    return parse_small_int(tail).and_then(Score::new);
                }
            }
        }
        None
    }
}

fn strip_dash(s: &str) -> Option<&str> {
    s.strip_prefix('-').or_else(|| s.strip_prefix('–'))
}

fn parse_small_int(s: &str) -> Option<u8> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_byte_text_before_digits_does_not_panic() {
        // Found by fuzzing (fuzz/fuzz_targets/score.rs).
        assert_eq!(Score::parse("👍"), None);
        assert_eq!(Score::parse("Très probable – 9"), Some(Score(9)));
        assert_eq!(Score::parse("é7"), None);
    }

    #[test]
    fn parses_every_export_spelling() {
        let cases = [
            ("0", Some(0)),
            (" 7 ", Some(7)),
            ("10", Some(10)),
            ("Not at all likely - 0", Some(0)),
            ("Extremely likely - 10", Some(10)),
            ("0 - Not at all likely", Some(0)),
            ("10 - extremely likely", Some(10)),
            ("10 – Extremely likely", Some(10)),
            ("11", None),
            ("-1", None),
            ("7.5", None),
            ("", None),
            ("maybe", None),
            ("1-3 months ago", None),
            ("100", None),
        ];
        for (text, want) in cases {
            assert_eq!(Score::parse(text).map(Score::value), want, "parsing {text:?}");
        }
    }

    #[test]
    fn categories_follow_the_nps_bands() {
        let cats: Vec<_> = (0..=10).map(|v| Score::new(v).unwrap().category()).collect();
        assert!(cats[..7].iter().all(|c| *c == Category::Detractor), "0–6 are detractors");
        assert!(cats[7..9].iter().all(|c| *c == Category::Passive), "7–8 are passives");
        assert!(cats[9..].iter().all(|c| *c == Category::Promoter), "9–10 are promoters");
        assert_eq!(Score::new(11), None);
    }
}
